"""Whether someone gets an optional mail, and the signed one-click unsubscribe links."""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select

from app.errors import InvalidToken
from app.extensions import db
from app.models import NotificationPreference, User
from app.notifications.queries.registry import CATEGORIES

UNSUBSCRIBE_SALT = "unsubscribe"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=UNSUBSCRIBE_SALT)


def make_unsubscribe_token(email: str, category: str) -> str:
    """Return the token of the link that unsubscribes ``email`` from ``category``.

    It does not expire: a one-click link must still work in an old mail.
    """
    return _serializer().dumps({"e": email.strip().lower(), "c": category})


def read_unsubscribe_token(token: str) -> tuple[str, str]:
    """Return ``(email, category)`` of a genuine token.

    :raises InvalidToken: if it was not made by Agora or names no known category.
    """
    try:
        payload = _serializer().loads(token)
    except BadSignature as error:
        raise InvalidToken("This unsubscribe link is not valid.") from error
    if not isinstance(payload, dict) or payload.get("c") not in CATEGORIES:
        raise InvalidToken("This unsubscribe link is not valid.")
    return str(payload.get("e", "")), payload["c"]


def unsubscribe_url(email: str, category: str) -> str:
    """Return the absolute one-click link that unsubscribes ``email`` from ``category``."""
    return current_app.config["AGORA_BASE_URL"] + url_for(
        "notifications.unsubscribe",
        _external=False,
        token=make_unsubscribe_token(email, category),
    )


def is_opted_out(email: str, category: str, user_id: int | None = None) -> bool:
    """Tell whether this address (or this account) refused mails of ``category``."""
    condition = func.lower(NotificationPreference.email) == email.strip().lower()
    if user_id is not None:
        condition = or_(condition, NotificationPreference.user_id == user_id)
    found = db.session.scalar(
        select(NotificationPreference.id).where(
            condition,
            NotificationPreference.category == category,
            NotificationPreference.is_subscribed.is_(False),
        )
    )
    return found is not None


def preferences_of(user: User) -> dict[str, bool]:
    """Every category with whether ``user`` gets it (yes unless they said no)."""
    return {category: not is_opted_out(user.email, category, user.id) for category in CATEGORIES}
