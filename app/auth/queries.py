"""Account reads: the user of a session or an address, and the signed tokens of mailed links.

A token is signed and time-limited: it proves that whoever holds it received the mail
(email confirmation, password reset, and the links other areas mail, such as a speaker's
invitation).
"""

import enum
import hashlib
from datetime import date, datetime, time, timedelta

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import Speaker, User, UserSession, utcnow

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


def session_digest(secret: str) -> str:
    """Return the digest under which a session's secret is kept."""
    return hashlib.sha256(secret.encode()).hexdigest()


def session_expiry_cutoffs() -> tuple[datetime, datetime]:
    """Return the instants before which a session unseen since then has ended:
    (browser sessions, remembered sessions)."""
    now = utcnow()
    idle = timedelta(seconds=current_app.config["SESSION_IDLE_SECONDS"])
    remembered = current_app.config["REMEMBER_COOKIE_DURATION"]
    if not isinstance(remembered, timedelta):
        remembered = timedelta(seconds=int(remembered))
    return now - idle, now - remembered


def _live(query):
    browser, remembered = session_expiry_cutoffs()
    return query.where(
        db.or_(
            UserSession.last_seen_at >= browser,
            db.and_(UserSession.is_remembered.is_(True), UserSession.last_seen_at >= remembered),
        )
    )


def find_session(secret: str) -> UserSession | None:
    """Return the live session whose secret is ``secret``, with its account, or None."""
    if not isinstance(secret, str) or not secret or len(secret) > 128:
        return None
    return db.session.scalar(
        _live(
            db.select(UserSession)
            .options(joinedload(UserSession.user))
            .where(UserSession.token_digest == session_digest(secret))
        )
    )


def load_user(user_id: str) -> User | None:
    """Return the active user of the session whose secret Flask-Login kept, or None.

    Flask-Login stores what ``User.get_id`` returns: the secret of one row of
    ``user_sessions``, not the account's id. Once that row is gone (logout, a password
    change or reset, a session ended from the account page, a disabled or deleted account)
    the session cookie and the remember-me cookie that carry it open nothing.
    """
    found = find_session(user_id)
    if found is None or found.user.is_disabled:
        return None
    user = found.user
    user.session_token = user_id
    user.session_id = found.id
    user.session_last_seen_at = found.last_seen_at
    return user


def active_sessions(user: User) -> list[UserSession]:
    """Return ``user``'s live sessions, the most recently seen first."""
    return list(
        db.session.scalars(
            _live(db.select(UserSession).where(UserSession.user_id == user.id)).order_by(
                UserSession.last_seen_at.desc(), UserSession.id.desc()
            )
        )
    )


def find_user_by_email(email: str) -> User | None:
    """Return the account whose email is ``email``, compared case-insensitively."""
    normalised = (email or "").strip().lower()
    if not normalised:
        return None
    return db.session.scalar(db.select(User).where(User.email == normalised))


def accounts_page(*, search: str = "", page: int = 1, per_page: int = 50):
    """Return one page of accounts for administrators, by email, optionally searched."""
    query = db.select(User).order_by(User.email)
    if search:
        pattern = "%" + search.lower().replace("\\", "").replace("%", "").replace("_", "") + "%"
        query = query.where(
            db.or_(User.email.like(pattern), db.func.lower(User.display_name).like(pattern))
        )
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


# Columns that are secrets rather than data about the person.
_SECRET_COLUMNS = frozenset({"password_hash", "token_digest", "calendar_token"})


def _jsonable(value):
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return str(value)


def _row(mapping) -> dict:
    return {key: _jsonable(value) for key, value in mapping.items() if key not in _SECRET_COLUMNS}


def personal_data(user: User) -> dict:
    """Return everything Agora holds about ``user``, as JSON-ready data.

    Every table with a column that points at the account is searched, so a table added
    later is included without a change here. The rows come whole (secrets left out):
    whatever the row says, it says in connection with the person.
    """
    records: dict[str, list[dict]] = {}
    for table in db.metadata.sorted_tables:
        if table.name == "users":
            continue
        columns = [
            column
            for column in table.columns
            if any(key.column.table.name == "users" for key in column.foreign_keys)
        ]
        if not columns:
            continue
        rows = db.session.execute(
            db.select(table).where(db.or_(*(column == user.id for column in columns)))
        ).mappings()
        found = [_row(row) for row in rows]
        if found:
            records[table.name] = found
    account = db.session.execute(db.select(User.__table__).where(User.id == user.id)).mappings()
    return {
        "exported_at": utcnow().isoformat(),
        "account": _row(account.one()),
        "records": records,
    }


def has_speaker_profile(user: User) -> bool:
    """Tell whether an organiser linked ``user``'s account to a speaker profile."""
    return db.session.scalar(db.select(Speaker.id).where(Speaker.user_id == user.id)) is not None
