"""Signed-in sessions: starting one at login, seeing it, and ending one, some or all.

Every function here flushes and never commits: the caller owns the transaction.
"""

import logging
import secrets
from datetime import timedelta

from app.auth.queries import session_digest, session_expiry_cutoffs
from app.extensions import db
from app.models import User, UserSession, utcnow

logger = logging.getLogger(__name__)

# How stale ``last_seen_at`` may get before a request refreshes it: one write per
# session every few minutes rather than one per page.
SEEN_RESOLUTION = timedelta(minutes=5)


def _clip(text: str | None, length: int) -> str:
    return (text or "")[:length]


def start_session(user: User, *, remember: bool, user_agent: str = "", address: str = "") -> str:
    """Open a session for ``user`` and return its secret, also set as ``user.session_token``.

    Sessions of the account that have ended by age are removed on the way.

    :param remember: whether a remember-me cookie will carry the session.
    :param user_agent: the browser's description, for the list of sessions.
    :param address: the client's network address, for the list of sessions.
    """
    browser, remembered = session_expiry_cutoffs()
    db.session.execute(
        db.delete(UserSession).where(
            UserSession.user_id == user.id,
            db.or_(
                UserSession.last_seen_at < remembered,
                db.and_(UserSession.is_remembered.is_(False), UserSession.last_seen_at < browser),
            ),
        )
    )
    secret = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id,
        token_digest=session_digest(secret),
        is_remembered=bool(remember),
        user_agent=_clip(user_agent, 255),
        address=_clip(address, 64),
    )
    db.session.add(row)
    db.session.flush()
    user.session_token = secret
    user.session_id = row.id
    return secret


def touch_session(user: User, *, address: str = "", user_agent: str = "") -> bool:
    """Record that the session ``user`` was loaded for is in use, at most every few minutes.

    :return: whether anything was written.
    """
    last_seen = getattr(user, "session_last_seen_at", None)
    if user.session_id is None or last_seen is None or utcnow() - last_seen < SEEN_RESOLUTION:
        return False
    now = utcnow()
    db.session.execute(
        db.update(UserSession)
        .where(UserSession.id == user.session_id)
        .values(last_seen_at=now, address=_clip(address, 64), user_agent=_clip(user_agent, 255))
    )
    user.session_last_seen_at = now
    return True


def end_session(user: User, session_id: int | None) -> bool:
    """End one of ``user``'s sessions (another account's id ends nothing).

    :return: whether a session was ended.
    """
    if session_id is None:
        return False
    ended = db.session.execute(
        db.delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    ).rowcount
    return bool(ended)


def end_other_sessions(user: User) -> int:
    """End every session of ``user`` but the one it was loaded for; return how many."""
    query = db.delete(UserSession).where(UserSession.user_id == user.id)
    if user.session_id is not None:
        query = query.where(UserSession.id != user.session_id)
    ended = db.session.execute(query).rowcount
    logger.info("ended %s other sessions of user %s", ended, user.id)
    return ended


def end_all_sessions(user: User) -> int:
    """End every session of ``user``, and so every remember-me cookie; return how many."""
    ended = db.session.execute(
        db.delete(UserSession).where(UserSession.user_id == user.id)
    ).rowcount
    user.session_token = None
    user.session_id = None
    logger.info("ended all %s sessions of user %s", ended, user.id)
    return ended
