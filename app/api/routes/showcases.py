"""Showcases: the public catalogue, and the records their delegates and organisers follow."""

from flask import abort
from flask_login import current_user

from app.access import Audience, access
from app.api import queries
from app.api.blueprint import error, v1
from app.api.routes.http import changed, etag, page_body, refused, tagged, write
from app.api.schemas import (
    DecisionInput,
    ShowcaseInput,
    ShowcaseListArgs,
    ShowcasePatch,
    ShowcaseSchema,
    SubmitInput,
    page_schema,
)
from app.models import Showcase, ShowcaseStatus
from app.permissions import can_organise, is_delegate_of
from app.showcases import services

SHOWCASE_ID = "<int(min=1, max=2147483647):showcase_id>"


def _showcase(showcase_id: int) -> Showcase:
    return queries.showcase_by_id(showcase_id) or abort(404)


def delegates_showcase(user, showcase_id: int, **_ignored) -> bool:
    return is_delegate_of(user, _showcase(showcase_id).organisation_id)


def organises_showcase(user, showcase_id: int, **_ignored) -> bool:
    return can_organise(user, _showcase(showcase_id).edition)


def showcase_tag(showcase: Showcase) -> str:
    return etag("showcase", showcase.id, showcase.version_id)


def public(showcase: Showcase) -> dict:
    """A showcase's fields as the caller may read them."""
    return queries.showcase_values(showcase, current_user)


def answer(showcase: Showcase, status: int = 200):
    return tagged(public(showcase), showcase_tag(showcase), status)


@v1.route("/showcases", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.arguments(ShowcaseListArgs, location="query")
@v1.response(200, page_schema(ShowcaseSchema, "ShowcasePage"))
def list_showcases(args):
    """The catalogue (accepted, announced); an edition's organisers see all of its
    showcases, ``mine=true`` lists the caller's organisation's."""
    slug = args.pop("edition", None)
    edition = queries.edition_by_slug(slug) if slug else None
    if slug and edition is None:
        return error(422, "unprocessable_entity", "Unknown edition.", {"edition": ["Unknown."]})
    page = queries.showcases(
        current_user, edition=edition, mine=bool(args.pop("mine", False)), **args
    )
    return page_body(page, queries.showcases_values(page.items, current_user))


@v1.route("/showcases", methods=["POST"])
@access(Audience.USER)
@write(creates=True)
@v1.arguments(ShowcaseInput)
@v1.response(201, ShowcaseSchema)
def create_showcase(data):
    """Create a draft for the caller's organisation while the edition's call is open."""
    edition = queries.edition_by_slug(data.pop("edition"))
    if edition is None or not edition.is_public:
        return refused(422, "edition", "Unknown edition.")
    drafted = services.create_draft(current_user, edition, data)
    return answer(drafted.showcase, 201 if drafted.created else 200)


@v1.route(f"/showcases/{SHOWCASE_ID}", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, ShowcaseSchema)
def get_showcase(showcase_id: int):
    """A showcase: public fields for everyone, its state for those who follow it."""
    showcase = _showcase(showcase_id)
    if not queries.may_see_showcase(current_user, showcase):
        abort(404)
    return answer(showcase)


@v1.route(f"/showcases/{SHOWCASE_ID}", methods=["PATCH"])
@access(Audience.DELEGATE, allow=delegates_showcase)
@write(versioned=True)
@v1.arguments(ShowcasePatch)
@v1.response(200, ShowcaseSchema)
def update_showcase(data, showcase_id: int):
    """Change a showcase while the call is open (its organisation's delegates)."""
    showcase = _showcase(showcase_id)

    def act():
        values = {
            "title": showcase.title,
            "summary": showcase.summary,
            "kind": showcase.kind,
            "track_id": showcase.track_id,
            **data,
        }
        services.update_showcase(showcase, current_user, values, version=showcase.version_id)

    return changed(showcase, showcase_tag, act, answer=public)


@v1.route(f"/showcases/{SHOWCASE_ID}/submit", methods=["POST"])
@access(Audience.DELEGATE, allow=delegates_showcase)
@write(versioned=True)
@v1.arguments(SubmitInput)
@v1.response(200, ShowcaseSchema)
def submit_showcase(data, showcase_id: int):
    """Submit a draft to one of its edition's tracks."""
    showcase = _showcase(showcase_id)
    return changed(
        showcase,
        showcase_tag,
        lambda: services.submit(
            showcase, current_user, version=showcase.version_id, track_id=data["track_id"]
        ),
        answer=public,
    )


@v1.route(f"/showcases/{SHOWCASE_ID}/decision", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_showcase)
@write(versioned=True)
@v1.arguments(DecisionInput)
@v1.response(200, ShowcaseSchema)
def decide_showcase(data, showcase_id: int):
    """Accept, waitlist or reject a showcase; its mail waits as a draft for release."""
    showcase = _showcase(showcase_id)
    return changed(
        showcase,
        showcase_tag,
        lambda: services.decide(
            showcase, ShowcaseStatus(data["decision"]), current_user, data["note"]
        ),
        answer=public,
    )
