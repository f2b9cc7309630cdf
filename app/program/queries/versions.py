"""Data versions: what a public answer (page, feed, export) depends on, in one cheap query.

A version is an ETag and the moment of the latest change, computed from aggregates of
the sessions (count, latest change, sequence and id sums) and the edition's own stamp,
which :mod:`app.caching` moves whenever a track, room, venue or speaker of it changes.
Feeds answer 304 on it, and pages and feeds are kept per version.
"""

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import ConferenceSession, Edition
from app.program.queries.programme import ProgrammeFilters, session_filter_clauses

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
    """The version of an edition's sessions (filtered) and of the edition itself."""
    filters = filters or ProgrammeFilters()
    aggregate = session_aggregate(session_filter_clauses(edition, filters))
    return make_version(
        "edition",
        edition.id,
        edition.updated_at,
        filters.as_query(),
        aggregate,
        last_modified=latest(edition.updated_at, aggregate[1], aggregate[2]),
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
