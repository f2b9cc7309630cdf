"""Who reviews what: the edition's reviewers, their load, their assignments and reviews."""

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    Edition,
    EditionRole,
    EditionRoleKind,
    Review,
    ReviewAssignment,
    ReviewScore,
    Showcase,
    Track,
    User,
)
from app.models.showcases import TrackReviewer


def edition_reviewers(edition: Edition) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EditionRole, EditionRole.user_id == User.id)
            .where(
                EditionRole.edition_id == edition.id,
                EditionRole.role == EditionRoleKind.REVIEWER,
            )
            .options(joinedload(User.organisation))
            .order_by(User.display_name, User.id)
        )
    )


def track_reviewers(edition: Edition) -> dict[int, list[User]]:
    rows = db.session.execute(
        select(TrackReviewer.track_id, User)
        .join(User, User.id == TrackReviewer.reviewer_id)
        .join(Track, Track.id == TrackReviewer.track_id)
        .where(Track.edition_id == edition.id)
        .order_by(User.display_name)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for track_id, user in rows:
        found[track_id].append(user)
    return found


def reviewer_load(edition: Edition) -> dict[int, tuple[int, int]]:
    """For each reviewer of ``edition``: (showcases assigned, reviews written)."""
    assigned = db.session.execute(
        select(ReviewAssignment.reviewer_id, func.count(ReviewAssignment.id))
        .join(Showcase, Showcase.id == ReviewAssignment.showcase_id)
        .where(Showcase.edition_id == edition.id)
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    written = dict(
        db.session.execute(
            select(Review.reviewer_id, func.count(Review.id))
            .join(Showcase, Showcase.id == Review.showcase_id)
            .where(Showcase.edition_id == edition.id, Review.submitted_at.is_not(None))
            .group_by(Review.reviewer_id)
        ).all()
    )
    return {user_id: (count, written.get(user_id, 0)) for user_id, count in assigned}


def assigned_reviewers(showcase: Showcase) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ReviewAssignment, ReviewAssignment.reviewer_id == User.id)
            .where(ReviewAssignment.showcase_id == showcase.id)
            .order_by(User.display_name)
        )
    )


def review_of(showcase: Showcase, reviewer: User) -> Review | None:
    return db.session.scalar(
        select(Review)
        .where(Review.showcase_id == showcase.id, Review.reviewer_id == reviewer.id)
        .options(selectinload(Review.scores))
    )


def reviews_of(showcase: Showcase) -> list[Review]:
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.showcase_id == showcase.id, Review.submitted_at.is_not(None))
            .options(
                joinedload(Review.reviewer),
                selectinload(Review.scores).joinedload(ReviewScore.criterion),
            )
            .order_by(Review.submitted_at)
        )
    )


def others_reviews(showcase: Showcase, reviewer: User) -> list[Review] | None:
    """The other reviewers' reviews, or None while ``reviewer`` has not reviewed it."""
    own = review_of(showcase, reviewer)
    if own is None or own.submitted_at is None:
        return None
    return [review for review in reviews_of(showcase) if review.reviewer_id != reviewer.id]


@dataclass
class Assignment:
    showcase: Showcase
    review: Review | None


def my_assignments(reviewer: User) -> list[Assignment]:
    """What ``reviewer`` is asked to review, by edition, with their own review if any."""
    showcases = list(
        db.session.scalars(
            select(Showcase)
            .join(ReviewAssignment, ReviewAssignment.showcase_id == Showcase.id)
            .where(ReviewAssignment.reviewer_id == reviewer.id)
            .options(
                joinedload(Showcase.edition),
                joinedload(Showcase.track),
                joinedload(Showcase.organisation),
            )
            .order_by(Showcase.edition_id.desc(), Showcase.track_id, Showcase.id)
        )
    )
    reviews = {
        review.showcase_id: review
        for review in db.session.scalars(select(Review).where(Review.reviewer_id == reviewer.id))
    }
    return [Assignment(showcase, reviews.get(showcase.id)) for showcase in showcases]


def reviews_anything(user: User) -> bool:
    """The ``allow`` check of the reviewer's list: a reviewer role or an assignment.

    One statement, since every page's header asks it to offer "My reviews".
    """
    role = select(EditionRole.id).where(
        EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.REVIEWER
    )
    assigned = select(ReviewAssignment.id).where(ReviewAssignment.reviewer_id == user.id)
    return bool(db.session.scalar(select(or_(role.exists(), assigned.exists()))))
