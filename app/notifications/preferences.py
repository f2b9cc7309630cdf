"""People's choices of optional mails, and the signed one-click unsubscribe links."""

from flask import current_app, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, or_, select

from app.errors import InvalidToken
from app.extensions import db
from app.models import NotificationPreference, User
from app.notifications.templates import CATEGORIES

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


def preferences_of(user: User) -> dict[str, bool]:
    """Every category with whether ``user`` gets it (yes unless they said no)."""
    return {category: not is_opted_out(user.email, category, user.id) for category in CATEGORIES}


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
