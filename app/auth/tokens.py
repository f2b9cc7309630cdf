"""Signed, time-limited tokens for the links Agora mails: email confirmation and reset."""

import hashlib

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from app.models import User

CONFIRM_SALT = "confirm-email"
RESET_SALT = "password-reset"


class TokenExpired(Exception):
    """The token was genuine but is older than its maximum age."""


class TokenInvalid(Exception):
    """The token was not made by Agora with this salt (tampered, truncated, or made up)."""


def _serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=salt)


def password_fingerprint(user: User) -> str:
    """Return a short digest of the user's current password hash.

    A reset token carries it, so the token stops working once the password changes.
    """
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_confirm_token(user: User) -> str:
    """Return a token proving that whoever holds it received mail at ``user.email``."""
    return _serializer(CONFIRM_SALT).dumps({"id": user.id, "email": user.email})


def make_reset_token(user: User) -> str:
    """Return a single-use token allowing a new password to be set for ``user``."""
    return _serializer(RESET_SALT).dumps({"id": user.id, "pw": password_fingerprint(user)})


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
