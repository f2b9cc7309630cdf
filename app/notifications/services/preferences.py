"""People's choices of optional mails, recorded."""

from sqlalchemy import select

from app.extensions import db
from app.models import NotificationPreference, User
from app.notifications.queries.registry import CATEGORIES


def set_preference(email: str, category: str, subscribed: bool, user: User | None = None) -> None:
    """Record whether ``email`` gets mails of ``category``; flush."""
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}")
    email = email.strip().lower()
    row = db.session.scalar(
        select(NotificationPreference).where(
            NotificationPreference.email == email, NotificationPreference.category == category
        )
    )
    if row is None:
        row = NotificationPreference(email=email, category=category)
        db.session.add(row)
    row.is_subscribed = subscribed
    if user is not None:
        row.user_id = user.id
    db.session.flush()


def save_preferences(user: User, chosen: dict[str, bool]) -> None:
    """Store a person's choices; an account's older rows follow its current address."""
    for category in CATEGORIES:
        subscribed = bool(chosen.get(category))
        db.session.execute(
            NotificationPreference.__table__.update()
            .where(
                NotificationPreference.user_id == user.id,
                NotificationPreference.category == category,
            )
            .values(is_subscribed=subscribed)
        )
        set_preference(user.email, category, subscribed, user)
