"""Reviews of a showcase: all of them for the edition's organisers, their own for the
reviewers it is assigned to."""

from flask import abort
from flask_login import current_user

from app.access import Audience, access
from app.api.blueprint import v1
from app.api.routes.http import write
from app.api.routes.showcases import SHOWCASE_ID, _showcase, organises_showcase
from app.api.schemas import ReviewInput, ReviewSchema
from app.permissions import is_assigned_reviewer
from app.showcases import services
from app.showcases.queries import review_of, reviews_of


def reviews_showcase(user, showcase_id: int, **_ignored) -> bool:
    return is_assigned_reviewer(user, _showcase(showcase_id))


@v1.route(f"/showcases/{SHOWCASE_ID}/reviews", methods=["GET"])
@access(Audience.ORGANISER, allow=organises_showcase)
@v1.response(200, ReviewSchema(many=True))
def list_reviews(showcase_id: int):
    """The submitted reviews of a showcase (the edition's organisers)."""
    return reviews_of(_showcase(showcase_id))


@v1.route(f"/showcases/{SHOWCASE_ID}/reviews/mine", methods=["GET"])
@access(Audience.REVIEWER, allow=reviews_showcase)
@v1.response(200, ReviewSchema)
def my_review(showcase_id: int):
    """The caller's review of a showcase assigned to them."""
    return review_of(_showcase(showcase_id), current_user) or abort(404)


@v1.route(f"/showcases/{SHOWCASE_ID}/reviews/mine", methods=["PUT"])
@access(Audience.REVIEWER, allow=reviews_showcase)
@write()
@v1.arguments(ReviewInput)
@v1.response(200, ReviewSchema)
def save_my_review(data, showcase_id: int):
    """Score a showcase assigned to the caller (saving again replaces the scores)."""
    return services.save_review(
        _showcase(showcase_id),
        current_user,
        values=data["scores"],
        comment=data["comment"],
        overall=data["overall"],
    )
