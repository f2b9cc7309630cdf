"""Session feeds and schedule exports assembled from one kept event per session version.

After a change to one session of 2,000, the edition feed reads a few columns of every
session (its stamps), builds the one VEVENT whose stamps moved, and joins the kept
bytes of the others: the same bytes as building the whole calendar, at a fraction of
the cost. A piece is keyed by what it shows: the session's own stamps, its edition's
stamp (moved by any change to a track, room, venue or speaker of it), the site's
address and the reader's language.
"""

import threading
from collections import OrderedDict

from flask_babel import get_locale
from sqlalchemy import select
from sqlalchemy.orm import joinedload, subqueryload

from app import ical
from app.calendars.queries import exports
from app.calendars.queries.cache import feed_cache
from app.extensions import db
from app.models import ConferenceSession, Edition, Room, SessionSpeaker, Speaker
from app.program.queries import (
    PUBLIC_STATUSES,
    ProgrammeFilters,
    programme_rows,
    programme_sessions,
    session_filter_clauses,
)
from app.program.queries.versions import Version

# Above this many pieces to build, one load of the whole list is cheaper than an IN list.
LOAD_ALL_ABOVE = 200


class PieceCache:
    """Kept pieces (VEVENTs, export events) by key, each with the stamps it was built at."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._items: OrderedDict[tuple, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def get(self, key: tuple, stamps: tuple):
        found = self._items.get(key)
        if found is None or found[0] != stamps:
            return None
        return found[1]

    def put(self, key: tuple, stamps: tuple, piece) -> None:
        with self._lock:
            self._items[key] = (stamps, piece)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)


piece_cache = PieceCache()

STAMP_COLUMNS = (
    ConferenceSession.id,
    ConferenceSession.updated_at,
    ConferenceSession.changed_at,
    ConferenceSession.created_at,
    ConferenceSession.sequence,
    Edition.updated_at,
)


def _loading():
    return (
        joinedload(ConferenceSession.track),
        joinedload(ConferenceSession.venue),
        joinedload(ConferenceSession.room).joinedload(Room.venue),
        subqueryload(ConferenceSession.speakers)
        .joinedload(SessionSpeaker.speaker)
        .joinedload(Speaker.organisation),
    )


TIME_ORDER = (ConferenceSession.starts_at, ConferenceSession.ends_at, ConferenceSession.id)


def session_pieces(
    where: list, *, public_only: bool = False, order=TIME_ORDER
) -> list[ical.EventPiece]:
    """The VEVENTs of the sessions matching ``where``, in time order, built only where
    a session (or its edition) changed since its piece was kept.

    :param where: SQL conditions on ``ConferenceSession``.
    :param public_only: keep only sessions of published or archived editions.
    :param order: the order of the events (the feed's own, kept byte for byte).
    """
    query = (
        select(*STAMP_COLUMNS)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(*where)
        .order_by(*order)
    )
    if public_only:
        query = query.where(Edition.status.in_(PUBLIC_STATUSES))
    rows = db.session.execute(query).all()
    language = str(get_locale() or "")
    address = ical.base_url()
    pieces: dict[int, ical.EventPiece] = {}
    missing: dict[int, tuple] = {}
    for session_id, *stamps in rows:
        stamps = tuple(stamps)
        piece = piece_cache.get((session_id, language, address), stamps)
        if piece is None:
            missing[session_id] = stamps
        else:
            pieces[session_id] = piece
    if missing:
        load = select(ConferenceSession).options(*_loading())
        if len(missing) > LOAD_ALL_ABOVE:
            load = load.join(Edition, Edition.id == ConferenceSession.edition_id).where(*where)
        else:
            load = load.where(ConferenceSession.id.in_(missing))
        for session_ in db.session.scalars(load).unique():
            if session_.id not in missing:
                continue
            piece = ical.session_piece(session_)
            piece_cache.put((session_.id, language, address), missing[session_.id], piece)
            pieces[session_.id] = piece
    return [pieces[row[0]] for row in rows if row[0] in pieces]


def edition_calendar(edition: Edition, filters: ProgrammeFilters | None = None) -> bytes:
    """An edition's feed (narrowed by ``filters``), joined from its kept events."""
    events = session_pieces(session_filter_clauses(edition, filters))
    return ical.calendar_from_pieces(edition.title, events, edition.theme or edition.description)


def kept_edition_calendar(
    edition: Edition, version: Version, filters: ProgrammeFilters | None = None
) -> bytes:
    """An edition's feed at ``version`` (its ``edition_version`` with the same filters), built
    once per version and language: the public feed and the API's are the same kept bytes."""
    key = ("edition", edition.id, version.etag, str(get_locale() or ""))
    return feed_cache.get_or_build(key, lambda: edition_calendar(edition, filters))


export_cache = PieceCache()
EXPORTS = {
    "schedule.xml": (exports.schedule_xml, exports.xml_event),
    "schedule.json": (exports.schedule_json, exports.json_event),
}


def schedule_export(kind: str, edition: Edition) -> bytes:
    """``schedule.xml`` or ``schedule.json`` of an edition, from events kept per change.

    The file's frame (days, rooms) comes from the programme's plain rows; an event is
    written again only when its session, its room's name or its edition changed.
    """
    build, write_event = EXPORTS[kind]
    # The frame needs no speakers: the events that show them are kept or loaded whole.
    rows = programme_rows(edition, with_speakers=False)
    address = ical.base_url()
    texts: dict[int, str] = {}
    missing: dict[int, tuple] = {}
    for row in rows:
        if row.is_cancelled:
            continue
        stamps = (
            row.updated_at,
            row.changed_at,
            row.sequence,
            edition.updated_at,
            exports.room_name(row),
        )
        text = export_cache.get((kind, row.id, address), stamps)
        if text is None:
            missing[row.id] = stamps
        else:
            texts[row.id] = text
    if missing:
        if len(missing) > LOAD_ALL_ABOVE:
            loaded = programme_sessions(edition)
        else:
            loaded = db.session.scalars(
                select(ConferenceSession)
                .where(ConferenceSession.id.in_(missing))
                .options(*_loading())
            ).unique()
        for session_ in loaded:
            if session_.id in missing:
                stamps = missing[session_.id]
                text = write_event(edition, stamps[-1], session_)
                export_cache.put((kind, session_.id, address), stamps, text)
                texts[session_.id] = text
    return build(edition, rows, lambda name, row: texts[row.id])
