"""Changes to a person's agenda: starring sessions and the secret address of its feed."""

import secrets

from sqlalchemy import select

from app.extensions import db
from app.models import AgendaEntry, ConferenceSession, User


def rotate_calendar_token(user: User) -> str:
    """Give ``user`` a new secret agenda token: the previous address stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    db.session.flush()
    return user.calendar_token


def star_session(user: User, session_: ConferenceSession) -> bool:
    """Add a session to a person's agenda; return False when it was there already."""
    found = db.session.scalar(
        select(AgendaEntry.id).where(
            AgendaEntry.user_id == user.id, AgendaEntry.session_id == session_.id
        )
    )
    if found is not None:
        return False
    db.session.add(AgendaEntry(user_id=user.id, session_id=session_.id))
    db.session.flush()
    return True


def unstar_session(user: User, session_: ConferenceSession) -> bool:
    """Take a session out of a person's agenda; return False when it was not there."""
    entry = db.session.scalar(
        select(AgendaEntry).where(
            AgendaEntry.user_id == user.id, AgendaEntry.session_id == session_.id
        )
    )
    if entry is None:
        return False
    db.session.delete(entry)
    db.session.flush()
    return True
