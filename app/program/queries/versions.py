"""Data versions: what a public answer (page, feed, export) depends on, read with the edition.

A version is an ETag and the moment of the latest change. An edition's is read from its
two stamps, which :mod:`app.caching` moves in the flush of every change to the edition,
its sessions, tracks, rooms, venues or speakers. Feeds answer 304 on it, and pages and
feeds are kept per version.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import ConferenceSession, Edition
from app.program.queries.programme import ProgrammeFilters

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Version:
    """What a feed's content depends on: an ETag and the moment of the latest change."""

    etag: str
    last_modified: datetime


def make_version(*parts, last_modified: datetime | None = None) -> Version:
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return Version(etag=digest, last_modified=(last_modified or EPOCH).replace(microsecond=0))


def latest(*moments) -> datetime | None:
    found = [moment for moment in moments if moment is not None]
    if not found:
        return None
    return max(m if m.tzinfo else m.replace(tzinfo=UTC) for m in found)


def session_aggregate(where) -> tuple:
    """What the sessions ``where`` selects look like, in one statement (for the feeds of
    a speaker or of an attendee, which gather sessions of several editions)."""
    row = db.session.execute(
        select(
            func.count(ConferenceSession.id),
            func.max(ConferenceSession.updated_at),
            func.max(ConferenceSession.changed_at),
            func.coalesce(func.sum(ConferenceSession.sequence), 0),
            func.coalesce(func.sum(ConferenceSession.id), 0),
        ).where(*where)
    ).one()
    return tuple(row)


def edition_version(edition: Edition, filters: ProgrammeFilters | None = None) -> Version:
    """The version of an edition's sessions (filtered) and of the edition itself: its
    stamps, read with it (a change to any of its sessions moves ``data_version``)."""
    filters = filters or ProgrammeFilters()
    return make_version(
        "edition",
        edition.id,
        edition.updated_at,
        edition.data_version,
        filters.as_query(),
        last_modified=latest(edition.updated_at, edition.data_changed_at),
    )


def session_version(session_: ConferenceSession) -> Version:
    return make_version(
        "session",
        session_.id,
        session_.updated_at,
        session_.changed_at,
        session_.sequence,
        session_.edition.updated_at,
        last_modified=latest(session_.updated_at, session_.changed_at),
    )
