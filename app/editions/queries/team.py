"""An edition's team (organisers and reviewers) as the team page lists it."""

from dataclasses import dataclass

from sqlalchemy import func, select

from app.extensions import db
from app.models import Edition, EditionRole, EditionRoleKind, ReviewCriterion, ReviewScore, User


@dataclass
class Member:
    """One row of the team page."""

    role_id: int
    role: EditionRoleKind
    user_id: int
    name: str
    email: str


def team_of(edition: Edition) -> list[Member]:
    """Return the organisers then the reviewers of ``edition``, by name, in one query."""
    rows = db.session.execute(
        select(EditionRole.id, EditionRole.role, User.id, User.display_name, User.email)
        .join(User, EditionRole.user_id == User.id)
        .where(EditionRole.edition_id == edition.id)
        .order_by(EditionRole.role, func.lower(User.display_name), User.id)
    ).all()
    members = [Member(*row) for row in rows]
    order = {EditionRoleKind.ORGANISER: 0, EditionRoleKind.REVIEWER: 1}
    return sorted(members, key=lambda m: order[m.role])


def scores_of(criterion: ReviewCriterion) -> int:
    """Count the scores reviewers gave on ``criterion``."""
    return (
        db.session.scalar(select(func.count()).where(ReviewScore.criterion_id == criterion.id)) or 0
    )
