"""Account services: creating and authenticating users, their passwords and their links.

Every function here flushes and never commits: the caller owns the transaction.
"""

import logging
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from email_validator import EmailNotValidError, validate_email
from flask import current_app, has_app_context
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.exc import IntegrityError

from app.auth import emails
from app.auth.queries import (
    CONFIRM_SALT,
    RESET_SALT,
    TokenExpired,
    TokenInvalid,
    find_user_by_email,
    password_fingerprint,
    read_token,
)
from app.auth.services.sessions import end_all_sessions, end_other_sessions
from app.errors import (
    AccountDisabled,
    EmailTaken,
    InvalidInput,
    InvalidToken,
    LoginFailed,
    WeakPassword,
)
from app.extensions import db
from app.labels import LANGUAGE_NAMES
from app.models import User
from app.models.base import utcnow
from app.timezones import is_valid_zone

__all__ = [
    "authenticate",
    "change_password",
    "confirm_email",
    "create_admin",
    "hash_password",
    "password_problem",
    "register_user",
    "request_password_reset",
    "reset_password",
    "update_profile",
    "user_for_reset_token",
    "verify_password",
]

logger = logging.getLogger(__name__)

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 200
DISPLAY_NAME_MAX_LENGTH = 120

# Passwords of ten characters or more that top the public breach lists, plus a few that
# French speakers and smart-city people reach for. Shorter ones fail the length rule.
COMMON_PASSWORDS = frozenset(
    {
        "0123456789",
        "1111111111",
        "1234567890",
        "12345678910",
        "123456789a",
        "1234567890a",
        "a123456789",
        "abc1234567",
        "abcdefghij",
        "1q2w3e4r5t",
        "1qaz2wsx3edc",
        "qazwsxedcrfv",
        "zaq12wsxcde",
        "qwertyuiop",
        "qwerty1234",
        "qwerty12345",
        "qwertyuiop123",
        "azertyuiop",
        "azerty1234",
        "azerty12345",
        "password12",
        "password123",
        "password1234",
        "passw0rd123",
        "p@ssw0rd123",
        "motdepasse",
        "motdepasse1",
        "motdepasse123",
        "iloveyou123",
        "letmein123",
        "welcome123",
        "welcome1234",
        "changeme123",
        "administrator",
        "admin12345",
        "football123",
        "sunshine123",
        "princess123",
        "trustno1234",
        "smartcity123",
        "smartcity2026",
        "agora12345",
        "bonjour123",
        "soleil12345",
    }
)

LANGUAGE_CODES = tuple(LANGUAGE_NAMES)


# Passwords: Argon2id (argon2-cffi), the OWASP-recommended algorithm ---------------------

_strong = PasswordHasher()
# Tests hash hundreds of passwords; the same algorithm at a small cost keeps them quick.
_fast = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


def _hasher() -> PasswordHasher:
    if has_app_context() and current_app.config.get("PASSWORD_HASH_FAST"):
        return _fast
    return _strong


def hash_password(password: str) -> str:
    """Return an Argon2id hash of ``password``."""
    return _hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Tell whether ``password`` matches ``password_hash``, never raising."""
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Tell whether a hash was made with weaker parameters than today's."""
    try:
        return _hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return True


# Accounts ---------------------------------------------------------------------------------


def normalise_email(email: str) -> str:
    """Return ``email`` trimmed and lowercased if it is a well-formed address.

    :raises InvalidInput: (field ``email``) if it is not an email address.
    """
    candidate = (email or "").strip()
    try:
        validate_email(candidate, check_deliverability=False)
    except EmailNotValidError as error:
        raise InvalidInput(_("Please enter a valid email address."), field="email") from error
    if len(candidate) > 254:
        raise InvalidInput(_("This email address is too long."), field="email")
    return candidate.lower()


def password_problem(password: str | None, *, email: str | None = None) -> str | None:
    """Return what is wrong with ``password`` in words a person understands, or None."""
    if not password:
        return _("Please choose a password.")
    if not password.strip():
        return _("A password cannot be made only of spaces.")
    if len(password) < PASSWORD_MIN_LENGTH:
        return ngettext(
            "Use at least %(num)d character.",
            "Use at least %(num)d characters.",
            PASSWORD_MIN_LENGTH,
        )
    if len(password) > PASSWORD_MAX_LENGTH:
        return ngettext(
            "Use at most %(num)d character.", "Use at most %(num)d characters.", PASSWORD_MAX_LENGTH
        )
    if email and password.strip().lower() == email.strip().lower():
        return _("Your password must not be your email address.")
    if password.strip().lower() in COMMON_PASSWORDS:
        return _("This password is too common. Please choose another one.")
    return None


def check_password_strength(password: str | None, *, email: str | None = None) -> str:
    """Return ``password`` if it is acceptable.

    :raises WeakPassword: (field ``password``) saying what is wrong with it.
    """
    problem = password_problem(password, email=email)
    if problem:
        raise WeakPassword(problem, field="password")
    return password


def _clean_display_name(display_name: str | None) -> str:
    name = " ".join((display_name or "").split())
    if not name:
        raise InvalidInput(_("Please enter your name."), field="display_name")
    if len(name) > DISPLAY_NAME_MAX_LENGTH:
        raise InvalidInput(
            ngettext(
                "Use at most %(num)d character.",
                "Use at most %(num)d characters.",
                DISPLAY_NAME_MAX_LENGTH,
            ),
            field="display_name",
        )
    return name


def _clean_locale(locale: str | None) -> str | None:
    if not locale:
        return None
    if locale not in LANGUAGE_CODES:
        raise InvalidInput(_("Please choose one of the languages offered."), field="locale")
    return locale


def _email_taken() -> EmailTaken:
    return EmailTaken(_("An account with this email already exists."), field="email")


def _add_user(user: User) -> User:
    """Insert ``user``; two sign-ups racing for one address end in EmailTaken, not a 500."""
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError as error:
        raise _email_taken() from error
    return user


def register_user(
    *, email: str, display_name: str, password: str, locale: str | None = None
) -> User:
    """Create an unconfirmed account and queue the mail that confirms its address.

    :param locale: ``"en"``, ``"fr"``, ``"ar"`` or None for the browser's language.
    :raises InvalidInput: if the email, name or language is not acceptable.
    :raises WeakPassword: if the password is not acceptable.
    :raises EmailTaken: if another account uses the email, whatever its case.
    """
    address = normalise_email(email)
    name = _clean_display_name(display_name)
    check_password_strength(password, email=address)
    language = _clean_locale(locale)
    if find_user_by_email(address) is not None:
        raise _email_taken()
    user = _add_user(
        User(
            email=address,
            display_name=name,
            password_hash=hash_password(password),
            locale=language,
        )
    )
    emails.notify_confirm_email(user)
    logger.info("registered user %s", user.id)
    return user


# A hash to check wrong emails against, so that an unknown address takes as long to
# refuse as a wrong password (no account enumeration by timing).
@lru_cache(maxsize=2)
def _dummy_hash(fast: bool) -> str:
    return hash_password("agora-timing-equaliser")


def authenticate(email: str, password: str) -> User:
    """Return the account for ``email`` and ``password``, recording the login.

    The hash is upgraded when it was made with weaker parameters than today's.

    :raises LoginFailed: if the email is unknown or the password wrong (never saying which).
    :raises AccountDisabled: if the credentials are right but the account is disabled.
    """
    user = find_user_by_email(email)
    if user is None:
        verify_password(_dummy_hash(bool(current_app.config.get("PASSWORD_HASH_FAST"))), password)
        raise LoginFailed(_("Email or password is incorrect."))
    if not verify_password(user.password_hash, password or ""):
        raise LoginFailed(_("Email or password is incorrect."))
    if user.is_disabled:
        raise AccountDisabled(_("This account has been disabled. Please contact the organisers."))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def confirm_email(token: str) -> User:
    """Mark the address carried by ``token`` as confirmed and return its account.

    Confirming twice is harmless. The token must be younger than ``EMAIL_CONFIRM_MAX_AGE``.

    :raises InvalidToken: if the token is expired, tampered with, or its address changed.
    """
    max_age = current_app.config["EMAIL_CONFIRM_MAX_AGE"]
    try:
        payload = read_token(token, salt=CONFIRM_SALT, max_age=max_age)
    except TokenExpired as error:
        raise InvalidToken(
            _("This confirmation link has expired. Please ask for a new one.")
        ) from error
    except TokenInvalid as error:
        raise InvalidToken(_("This confirmation link is not valid.")) from error
    user = db.session.get(User, payload["id"])
    if user is None or user.email != payload.get("email"):
        raise InvalidToken(_("This confirmation link is not valid."))
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Queue a password-reset mail if an active account uses ``email``; else do nothing.

    Callers answer the same way in both cases, so nobody learns who has an account.
    """
    user = find_user_by_email(email)
    if user is None or user.is_disabled:
        logger.info("password reset asked for an unknown or disabled address")
        return
    emails.notify_password_reset(user)


def user_for_reset_token(token: str) -> User:
    """Return the account a reset token was made for, if the token still works.

    :raises InvalidToken: if it expired, was tampered with, or the password changed since.
    """
    refused = _("This link has already been used or has expired. Please ask for a new one.")
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    try:
        payload = read_token(token, salt=RESET_SALT, max_age=max_age)
    except (TokenExpired, TokenInvalid) as error:
        raise InvalidToken(refused) from error
    user = db.session.get(User, payload["id"])
    if user is None or user.is_disabled or payload.get("pw") != password_fingerprint(user):
        raise InvalidToken(refused)
    return user


def reset_password(token: str, new_password: str) -> User:
    """Set a new password through a reset token, which then stops working, and end every
    session and remember-me cookie of the account.

    Following the link proves the address, so an unconfirmed address becomes confirmed.

    :raises InvalidToken: if the token no longer works.
    :raises WeakPassword: if the new password is not acceptable.
    """
    user = user_for_reset_token(token)
    check_password_strength(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    # Whoever knew the old password may hold a session or a remember-me cookie: end them.
    end_all_sessions(user)
    db.session.flush()
    logger.info("password reset for user %s", user.id)
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    """Replace ``user``'s password after checking the current one, and end every other
    session of the account (the one ``user`` was loaded for stays signed in).

    :raises InvalidInput: (field ``current_password``) if the current password is wrong.
    :raises WeakPassword: if the new password is not acceptable.
    """
    if not verify_password(user.password_hash, current_password or ""):
        raise InvalidInput(_("Your current password is not correct."), field="current_password")
    check_password_strength(new_password, email=user.email)
    user.password_hash = hash_password(new_password)
    end_other_sessions(user)
    db.session.flush()


def update_profile(
    user: User, *, display_name: str, locale: str | None, timezone: str | None
) -> User:
    """Change the name, language and time zone a person sees Agora in.

    :param locale: ``"en"``, ``"fr"``, ``"ar"``, or None/empty to follow the browser.
    :param timezone: an IANA zone name, or None/empty for each edition's own zone.
    :raises InvalidInput: naming the field that is not acceptable.
    """
    name = _clean_display_name(display_name)
    language = _clean_locale(locale)
    zone = (timezone or "").strip() or None
    if zone is not None and not is_valid_zone(zone):
        raise InvalidInput(
            _("Unknown time zone. Use a name such as Africa/Casablanca."), field="timezone"
        )
    user.display_name = name
    user.locale = language
    user.timezone = zone
    db.session.flush()
    return user


def create_admin(
    *, email: str, display_name: str | None = None, password: str | None = None
) -> tuple[User, bool]:
    """Create a confirmed administrator, or promote the account that uses ``email``.

    An existing account keeps its password unless ``password`` is given.

    :return: the account and whether it was created.
    :raises InvalidInput: if the email or name is not acceptable, or no password is given
        for a new account.
    :raises WeakPassword: if the password is not acceptable.
    """
    address = normalise_email(email)
    user = find_user_by_email(address)
    created = user is None
    if password is not None:
        check_password_strength(password, email=address)
    if user is None:
        if password is None:
            raise InvalidInput(_("A new account needs a password."), field="password")
        name = _clean_display_name(display_name or address.split("@")[0])
        user = _add_user(
            User(email=address, display_name=name, password_hash=hash_password(password))
        )
    else:
        if display_name:
            user.display_name = _clean_display_name(display_name)
        if password is not None:
            user.password_hash = hash_password(password)
    user.is_admin = True
    user.is_disabled = False
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
    db.session.flush()
    logger.info("%s admin %s", "created" if created else "promoted", user.id)
    return user, created
