"""Reads behind the calendar feeds: their data versions and the objects they are built from.

A feed's *version* is computed by one cheap aggregate query (counts, latest changes,
sequence sums); subscribers that poll get 304 without the feed being built, and a
feed that is built is kept per version (``cache``), so it is built once per change.
"""

import secrets

from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload, subqueryload

from app.extensions import db
from app.models import (
    AgendaEntry,
    Agreement,
    AgreementParty,
    Commitment,
    ConferenceSession,
    Edition,
    MeetingChange,
    Room,
    SessionSpeaker,
    Speaker,
    Thinklab,
    ThinklabMember,
    User,
)
from app.program.queries import PUBLIC_STATUSES
from app.program.queries.versions import (
    Version,
    edition_version,
    latest,
    make_version,
    session_aggregate,
    session_version,
)

__all__ = ["Version", "edition_version", "make_version", "session_version"]


def sessions_version(kind: str, key, session_ids_query) -> Version:
    aggregate = session_aggregate([ConferenceSession.id.in_(session_ids_query)])
    return make_version(kind, key, aggregate, last_modified=latest(aggregate[1], aggregate[2]))


def speaker_version(speaker: Speaker) -> tuple[Version, int]:
    """The version of a speaker's feed, and how many public sessions it has."""
    aggregate = session_aggregate([ConferenceSession.id.in_(speaker_session_ids(speaker.id))])
    version = make_version(
        "speaker",
        speaker.id,
        speaker.name,
        aggregate,
        last_modified=latest(aggregate[1], aggregate[2]),
    )
    return version, aggregate[0]


def thinklab_version(thinklab: Thinklab) -> Version:
    changes = db.session.execute(
        select(
            func.count(MeetingChange.id),
            func.max(MeetingChange.created_at),
            func.coalesce(func.sum(MeetingChange.sequence), 0),
            func.coalesce(func.sum(MeetingChange.id), 0),
        ).where(MeetingChange.thinklab_id == thinklab.id)
    ).one()
    return make_version(
        "thinklab",
        thinklab.id,
        thinklab.updated_at,
        thinklab.sequence,
        tuple(changes),
        last_modified=latest(thinklab.updated_at, changes[1]),
    )


def agreement_version(agreement: Agreement) -> Version:
    commitments = db.session.execute(
        select(
            func.count(Commitment.id),
            func.max(Commitment.updated_at),
            func.coalesce(func.sum(Commitment.id), 0),
        ).where(Commitment.agreement_id == agreement.id)
    ).one()
    parties = db.session.execute(
        select(AgreementParty.id, AgreementParty.signed_on)
        .where(AgreementParty.agreement_id == agreement.id)
        .order_by(AgreementParty.id)
    ).all()
    return make_version(
        "agreement",
        agreement.id,
        agreement.updated_at,
        tuple(commitments),
        tuple(tuple(row) for row in parties),
        last_modified=latest(agreement.updated_at, commitments[1]),
    )


# Loading ---------------------------------------------------------------------------------


def session_loading():
    """Eager loads that keep a feed's query count flat, whatever its size."""
    return (
        joinedload(ConferenceSession.track),
        joinedload(ConferenceSession.venue),
        joinedload(ConferenceSession.room).joinedload(Room.venue),
        subqueryload(ConferenceSession.speakers)
        .joinedload(SessionSpeaker.speaker)
        .joinedload(Speaker.organisation),
    )


def session_for_feed(session_id: int) -> ConferenceSession | None:
    return db.session.scalar(
        select(ConferenceSession)
        .where(ConferenceSession.id == session_id)
        .options(joinedload(ConferenceSession.edition), *session_loading())
    )


def _public_sessions(query):
    return (
        query.join(ConferenceSession.edition)
        .where(Edition.status.in_(PUBLIC_STATUSES))
        .options(*session_loading())
        .order_by(ConferenceSession.starts_at, ConferenceSession.id)
    )


def speaker_session_ids(speaker_id: int):
    """Ids of a speaker's sessions in public editions (a subquery)."""
    return (
        select(SessionSpeaker.session_id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(SessionSpeaker.speaker_id == speaker_id, Edition.status.in_(PUBLIC_STATUSES))
    )


def speaker_sessions(speaker_id: int) -> list[ConferenceSession]:
    query = select(ConferenceSession).where(
        ConferenceSession.id.in_(speaker_session_ids(speaker_id))
    )
    return list(db.session.scalars(_public_sessions(query)).unique())


def thinklab_for_feed(slug: str) -> Thinklab | None:
    return db.session.scalar(
        select(Thinklab)
        .where(Thinklab.slug == slug)
        .options(selectinload(Thinklab.edition), selectinload(Thinklab.occurrence_changes))
    )


def agreement_for_feed(agreement_id: int) -> Agreement | None:
    return db.session.scalar(
        select(Agreement)
        .where(Agreement.id == agreement_id)
        .options(
            selectinload(Agreement.edition),
            selectinload(Agreement.parties).selectinload(AgreementParty.organisation),
            selectinload(Agreement.commitments),
        )
    )


# Personal agenda -------------------------------------------------------------------------


def user_by_calendar_token(token: str) -> User | None:
    if not token or len(token) > 64:
        return None
    user = db.session.scalar(select(User).where(User.calendar_token == token))
    if user is None or user.is_disabled:
        return None
    # The lookup is by an index; compare again in constant time before trusting it.
    return user if secrets.compare_digest(user.calendar_token, token) else None


def agenda_session_ids(user: User):
    """Ids of the sessions in a person's agenda: starred, or where they speak."""
    starred = select(AgendaEntry.session_id).where(AgendaEntry.user_id == user.id)
    speaking = (
        select(SessionSpeaker.session_id)
        .join(Speaker, Speaker.id == SessionSpeaker.speaker_id)
        .where(Speaker.user_id == user.id)
    )
    return (
        select(ConferenceSession.id)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(
            Edition.status.in_(PUBLIC_STATUSES),
            or_(ConferenceSession.id.in_(starred), ConferenceSession.id.in_(speaking)),
        )
    )


def agenda_sessions(user: User) -> list[ConferenceSession]:
    query = select(ConferenceSession).where(ConferenceSession.id.in_(agenda_session_ids(user)))
    return list(db.session.scalars(_public_sessions(query)).unique())


def _visible_thinklab():
    return or_(
        Thinklab.edition_id.is_(None),
        Thinklab.edition_id.in_(select(Edition.id).where(Edition.status.in_(PUBLIC_STATUSES))),
    )


def agenda_thinklabs(user: User) -> list[Thinklab]:
    query = (
        select(Thinklab)
        .where(
            Thinklab.id.in_(
                select(ThinklabMember.thinklab_id).where(ThinklabMember.user_id == user.id)
            ),
            _visible_thinklab(),
        )
        .options(selectinload(Thinklab.occurrence_changes))
        .order_by(Thinklab.id)
    )
    return list(db.session.scalars(query))


def agenda_version(user: User) -> Version:
    sessions = sessions_version("agenda", user.id, agenda_session_ids(user))
    thinklabs = db.session.execute(
        select(Thinklab.id, Thinklab.updated_at, Thinklab.sequence)
        .where(
            Thinklab.id.in_(
                select(ThinklabMember.thinklab_id).where(ThinklabMember.user_id == user.id)
            ),
            _visible_thinklab(),
        )
        .order_by(Thinklab.id)
    ).all()
    changes = db.session.execute(
        select(
            func.count(MeetingChange.id),
            func.max(MeetingChange.created_at),
            func.coalesce(func.sum(MeetingChange.sequence), 0),
        ).where(
            MeetingChange.thinklab_id.in_(
                select(ThinklabMember.thinklab_id).where(ThinklabMember.user_id == user.id)
            )
        )
    ).one()
    return make_version(
        "agenda",
        user.id,
        user.calendar_token,
        user.display_name,
        sessions.etag,
        tuple(tuple(row) for row in thinklabs),
        tuple(changes),
        last_modified=latest(sessions.last_modified, changes[1], *(row[1] for row in thinklabs)),
    )
