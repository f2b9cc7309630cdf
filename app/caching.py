"""Answers kept per data version, and the edition stamps that make every change a new version.

A public page or feed is a pure function of its data version (and the reader's
language), so keeping the built answer per version changes nothing anyone sees; it only
spares building the same bytes again. An edition carries two stamps, both moved in the
flush of the change (:func:`stamp_editions`):

- ``updated_at``, the frame: the edition itself, its texts in other languages (its
  title heads each of its pages), its tracks, venues, rooms, speakers, their places in
  sessions and organisations (named beside speakers and showcases), which have no
  timestamp of their own. Every kept piece of a session (programme item, feed event)
  holds it;
- ``data_version`` (with ``data_changed_at``), the whole: moved by all of the above and
  by any change to one of its sessions. A feed, an export or a whole programme page is
  kept per ``data_version``, read with the edition: no query over its sessions.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable

from flask import current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.util import identity_key

from app.models import (
    ConferenceSession,
    Edition,
    EditionText,
    Organisation,
    Room,
    SessionShowcase,
    SessionSpeaker,
    Showcase,
    Speaker,
    Track,
    Venue,
)
from app.models.base import utcnow


class VersionedCache:
    """Built answers kept by (what, version): in process (LRU), or in Redis when configured."""

    def __init__(
        self, prefix: str, size: int = 256, max_bytes: int = 64 * 2**20, *, shared: bool = True
    ) -> None:
        self.prefix = prefix
        # Small pieces are kept in the process only: a round trip to Redis costs more.
        self.shared = shared
        self.size = size
        # A 2,000-session programme or feed weighs 1–3 MB: the count alone does not bound it.
        self.max_bytes = max_bytes
        self._bytes = 0
        self._items: OrderedDict[tuple, bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._redis = None
        self._redis_url = None

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0

    def _redis_client(self):
        url = current_app.config.get("REDIS_URL")
        if not url:
            return None
        if self._redis is None or self._redis_url != url:
            import redis  # needed only where REDIS_URL is set

            self._redis = redis.Redis.from_url(url, socket_timeout=1)
            self._redis_url = url
        return self._redis

    def peek(self, key: tuple) -> bytes | None:
        """The answer kept in this process under ``key``, or None (Redis is not asked)."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def get_or_build(self, key: tuple, build: Callable[[], bytes]) -> bytes:
        # The process keeps what it built or fetched: a hit costs no round trip to Redis.
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        client = self._redis_client() if self.shared else None
        body = None
        if client is not None:
            redis_key = f"agora:{self.prefix}:" + hashlib.sha256(repr(key).encode()).hexdigest()
            try:
                body = client.get(redis_key)
            except Exception:  # a cache outage must not break the answer
                body = None
            if body is None:
                body = build()
                try:
                    client.setex(redis_key, 24 * 3600, body)
                except Exception:  # nor a failed write to the cache
                    pass
        if body is None:
            body = build()
        with self._lock:
            if key not in self._items:
                self._items[key] = body
                self._bytes += len(body)
            self._items.move_to_end(key)
            while len(self._items) > 1 and (
                len(self._items) > self.size or self._bytes > self.max_bytes
            ):
                self._bytes -= len(self._items.popitem(last=False)[1])
        return body


def _edition_id(item) -> int | None:
    """The edition of ``item``, also when it was given as an object not yet flushed."""
    if item.edition_id is not None:
        return item.edition_id
    edition = item.__dict__.get("edition")
    return edition.id if edition is not None else None


def _collect(item, found: dict[str, set]) -> None:
    """Note what ``item`` tells of the editions whose programme shows it."""
    if isinstance(item, ConferenceSession):
        found["programme"].add(_edition_id(item))
    elif isinstance(item, (Track, Venue, EditionText)):
        found["edition"].add(_edition_id(item))
    elif isinstance(item, Room):
        found["venue"].add(item.venue_id)
    elif isinstance(item, (SessionSpeaker, SessionShowcase)):
        found["session"].add(item.session_id)
    elif isinstance(item, Speaker) and item.id is not None:
        found["speaker"].add(item.id)
    elif isinstance(item, Organisation) and item.id is not None:
        found["organisation"].add(item.id)


def _edition_clauses(found: dict[str, set]) -> list:
    """One clause per kind of change, whatever the number of rows (a flush of thousands
    of sessions must not build one sub-select per row)."""
    clauses = []
    if ids := found["edition"] - {None}:
        clauses.append(Edition.id.in_(ids))
    if ids := found["venue"] - {None}:
        clauses.append(Edition.id.in_(select(Venue.edition_id).where(Venue.id.in_(ids))))
    if ids := found["session"] - {None}:
        query = select(ConferenceSession.edition_id).where(ConferenceSession.id.in_(ids))
        clauses.append(Edition.id.in_(query))
    if ids := found["speaker"]:
        query = (
            select(ConferenceSession.edition_id)
            .join(SessionSpeaker, SessionSpeaker.session_id == ConferenceSession.id)
            .where(SessionSpeaker.speaker_id.in_(ids))
        )
        clauses.append(Edition.id.in_(query))
    if ids := found["organisation"]:
        speaking = (
            select(ConferenceSession.edition_id)
            .join(SessionSpeaker, SessionSpeaker.session_id == ConferenceSession.id)
            .join(Speaker, Speaker.id == SessionSpeaker.speaker_id)
            .where(Speaker.organisation_id.in_(ids))
        )
        showing = select(Showcase.edition_id).where(Showcase.organisation_id.in_(ids))
        clauses.extend([Edition.id.in_(speaking), Edition.id.in_(showing)])
    return clauses


def stamp_editions(session: Session, flush_context, instances) -> None:
    """Stamp the editions whose programme shows something changed in this flush."""
    found: dict[str, set] = {
        kind: set()
        for kind in ("edition", "venue", "session", "speaker", "organisation", "programme")
    }
    for item in (*session.new, *session.dirty, *session.deleted):
        if item in session.dirty and not session.is_modified(item):
            continue
        _collect(item, found)
    now = utcnow()
    moved = Edition.__table__.c.data_version + 1
    clauses = _edition_clauses(found)
    if clauses:
        _stamp(session, or_(*clauses), updated_at=now, data_version=moved, data_changed_at=now)
    if ids := found["programme"] - {None}:
        # ``updated_at`` kept as it is: its column would otherwise move it (onupdate).
        kept = Edition.__table__.c.updated_at
        _stamp(
            session, Edition.id.in_(ids), data_version=moved, data_changed_at=now, updated_at=kept
        )


def _stamp(session: Session, where, **values) -> None:
    """Move the stamps of the editions ``where`` selects; the editions this session holds
    read them again when next asked (the statement went around the unit of work)."""
    stamped = session.connection().execute(
        update(Edition.__table__).where(where).values(**values).returning(Edition.__table__.c.id)
    )
    for (edition_id,) in stamped:
        held = session.identity_map.get(identity_key(Edition, edition_id))
        if held is not None:
            session.expire(held, list(values))


def register_edition_stamps() -> None:
    """Listen to every flush (once per process)."""
    if not event.contains(Session, "before_flush", stamp_editions):
        event.listen(Session, "before_flush", stamp_editions)
