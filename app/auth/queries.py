"""Account reads: the user of a session or an address, and the signed tokens of mailed links.

A token is signed and time-limited: it proves that whoever holds it received the mail
(email confirmation, password reset, and the links other areas mail, such as a speaker's
invitation).
"""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.extensions import db
from app.models import User

CONFIRM_SALT = "confirm-email"
RESET_SALT = "password-reset"


class TokenExpired(Exception):
    """The token was genuine but is older than its maximum age."""


class TokenInvalid(Exception):
    """The token was not made by Agora with this salt (tampered, truncated, or made up)."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def sign_token(payload: dict, *, salt: str) -> str:
    """Return a signed, timestamped token of ``payload``, for ``read_token`` with ``salt``.

    :param payload: JSON-ready data whose ``id`` is an int, as ``read_token`` requires.
    :param salt: one salt per kind of link, so that a token of one kind opens no other.
    """
    return _serializer(salt).dumps(payload)


def password_fingerprint(user: User) -> str:
    """Return a short digest of the user's current password hash.

    A reset token carries it, so the token stops working once the password changes.
    """
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user: User) -> str:
    """Return a token proving that whoever holds it received mail at ``user.email``."""
    return sign_token({"id": user.id, "email": user.email}, salt=CONFIRM_SALT)


def make_reset_token(user: User) -> str:
    """Return a single-use token allowing a new password to be set for ``user``."""
    return sign_token({"id": user.id, "pw": password_fingerprint(user)}, salt=RESET_SALT)


def read_token(token: str, *, salt: str, max_age: int) -> dict:
    """Return the payload of ``token``.

    :raises TokenExpired: if it is older than ``max_age`` seconds.
    :raises TokenInvalid: if its signature or its content is wrong.
    """
    try:
        payload = _serializer(salt).loads(token, max_age=max_age)
    except SignatureExpired as error:
        raise TokenExpired from error
    except BadSignature as error:
        raise TokenInvalid from error
    if not isinstance(payload, dict) or not isinstance(payload.get("id"), int):
        raise TokenInvalid
    return payload


# Accounts ---------------------------------------------------------------------------------


def load_user(user_id: str) -> User | None:
    """Return the active user with id ``user_id`` for Flask-Login, or None."""
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError):
        return None
    if user is None or user.is_disabled:
        return None
    return user


def find_user_by_email(email: str) -> User | None:
    """Return the account whose email is ``email``, compared case-insensitively."""
    normalised = (email or "").strip().lower()
    if not normalised:
        return None
    return db.session.scalar(db.select(User).where(User.email == normalised))
