"""Account services: finding, creating and authenticating users."""

from app.extensions import db
from app.models import User


def load_user(user_id: str) -> User | None:
    """Return the active user with id ``user_id`` for Flask-Login, or None."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or user.is_disabled:
        return None
    return user
