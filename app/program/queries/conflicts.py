"""Conflict detection for an edition's schedule: rooms, speakers, days, availability.

The rules, all on sessions that are not cancelled:

- **room overlap** (blocking): two sessions in one room whose times intersect;
- **speaker double-booked** (warning): one speaker in two sessions whose times intersect;
- **travel time** (warning): one speaker in two sessions held at venues in *different
  towns* that start on the same local day, with less than ``TRAVEL_TIME`` (2 hours)
  between the end of the first and the start of the second;
- **outside the edition** (warning): a session whose local start day or end day (in its
  own zone: the venue's, else the edition's) falls outside the edition's first and last
  day;
- **outside the venue's dates** (warning): the same, against a caravan stop's dates;
- **outside availability** (warning): a speaker who stated availability periods for the
  edition, and a session not wholly inside one of them.

The whole-edition check sorts sessions by start per room and per speaker and sweeps
them once, so it costs O(n log n); checking one session on save compares it only with
the few sessions that share its room or a speaker near its time.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.formatting import day_and_time
from app.models import (
    ConferenceSession,
    Edition,
    Room,
    SessionSpeaker,
    SessionStatus,
    Speaker,
    SpeakerAvailability,
    Venue,
)

TRAVEL_TIME = timedelta(hours=2)

ROOM_OVERLAP = "room_overlap"
SPEAKER_DOUBLE_BOOKED = "speaker_double_booked"
SPEAKER_TRAVEL = "speaker_travel"
OUTSIDE_EDITION = "outside_edition"
OUTSIDE_VENUE = "outside_venue"
OUTSIDE_AVAILABILITY = "outside_availability"
BLOCKING = frozenset({ROOM_OVERLAP})


@dataclass(frozen=True, slots=True)
class Slot:
    """The part of a session the checks need."""

    id: int
    title: str
    room_id: int | None
    venue_id: int | None
    starts_at: datetime
    ends_at: datetime
    starts_local: datetime
    ends_local: datetime
    speaker_ids: tuple[int, ...] = ()

    @property
    def first_day(self) -> date:
        return self.starts_local.date()

    @property
    def last_day(self) -> date:
        # A session ending at midnight belongs to the day before.
        return (self.ends_local - timedelta(microseconds=1)).date()


@dataclass(frozen=True, slots=True)
class VenueInfo:
    id: int
    name: str
    town: str
    start_date: date | None
    end_date: date | None


@dataclass
class Context:
    """What the checks know besides the sessions: the edition, venues, rooms, speakers."""

    edition_start: date
    edition_end: date
    venues: dict[int, VenueInfo] = field(default_factory=dict)
    room_names: dict[int, str] = field(default_factory=dict)
    speaker_names: dict[int, str] = field(default_factory=dict)
    # speaker id -> sorted, merged (starts_at, ends_at) periods
    availability: dict[int, list[tuple[datetime, datetime]]] = field(default_factory=dict)


@dataclass(frozen=True)
class ScheduleConflict:
    """One problem found in the schedule; only a room overlap blocks a save."""

    kind: str
    session_ids: tuple[int, ...]
    message: str
    speaker_id: int | None = None

    @property
    def is_blocking(self) -> bool:
        return self.kind in BLOCKING


def order_key(slot: Slot) -> tuple:
    return (slot.starts_at, slot.ends_at, slot.id)


def _when(slot: Slot) -> str:
    return f"{day_and_time(slot.starts_local)}–{slot.ends_local:%H:%M}"


def _overlaps(a: Slot, b: Slot) -> bool:
    return a.starts_at < b.ends_at and b.starts_at < a.ends_at


def _town(slot: Slot, context: Context) -> str | None:
    venue = context.venues.get(slot.venue_id) if slot.venue_id is not None else None
    return venue.town.strip().casefold() if venue is not None and venue.town else None


def _room_conflict(a: Slot, b: Slot, context: Context) -> ScheduleConflict:
    return ScheduleConflict(
        ROOM_OVERLAP,
        (a.id, b.id),
        _(
            "Room %(room)s is already taken by “%(other)s” (%(when)s).",
            room=context.room_names.get(a.room_id, "?"),
            other=a.title,
            when=_when(a),
        ),
    )


def _speaker_pair(
    earlier: Slot, later: Slot, speaker_id: int, context: Context
) -> ScheduleConflict | None:
    """Classify two sessions of one speaker, ``earlier`` starting first."""
    name = context.speaker_names.get(speaker_id, "?")
    if _overlaps(earlier, later):
        return ScheduleConflict(
            SPEAKER_DOUBLE_BOOKED,
            (earlier.id, later.id),
            _(
                "%(speaker)s is in “%(first)s” (%(when)s) and in “%(second)s” at the same time.",
                speaker=name,
                first=earlier.title,
                when=_when(earlier),
                second=later.title,
            ),
            speaker_id,
        )
    if later.starts_at - earlier.ends_at >= TRAVEL_TIME or earlier.first_day != later.first_day:
        return None
    town_a, town_b = _town(earlier, context), _town(later, context)
    if town_a is None or town_b is None or town_a == town_b:
        return None
    gap = int((later.starts_at - earlier.ends_at).total_seconds() // 60)
    return ScheduleConflict(
        SPEAKER_TRAVEL,
        (earlier.id, later.id),
        _(
            "%(speaker)s has %(minutes)s to travel between “%(first)s” and "
            "“%(second)s” in another town; allow at least %(hours)s.",
            speaker=name,
            minutes=ngettext("%(num)d minute", "%(num)d minutes", gap),
            first=earlier.title,
            second=later.title,
            hours=ngettext(
                "%(num)d hour", "%(num)d hours", int(TRAVEL_TIME.total_seconds() // 3600)
            ),
        ),
        speaker_id,
    )


def _own_conflicts(slot: Slot, context: Context) -> list[ScheduleConflict]:
    """Problems of one session alone: its days and its speakers' availability."""
    found = []
    if slot.first_day < context.edition_start or slot.last_day > context.edition_end:
        found.append(
            ScheduleConflict(
                OUTSIDE_EDITION,
                (slot.id,),
                _(
                    "“%(title)s” (%(when)s) is outside the edition's days (%(first)s to %(last)s).",
                    title=slot.title,
                    when=_when(slot),
                    first=context.edition_start.isoformat(),
                    last=context.edition_end.isoformat(),
                ),
            )
        )
    venue = context.venues.get(slot.venue_id) if slot.venue_id is not None else None
    if venue is not None and (
        (venue.start_date and slot.first_day < venue.start_date)
        or (venue.end_date and slot.last_day > venue.end_date)
    ):
        found.append(
            ScheduleConflict(
                OUTSIDE_VENUE,
                (slot.id,),
                _(
                    "“%(title)s” (%(when)s) is outside the dates of %(venue)s "
                    "(%(first)s to %(last)s).",
                    title=slot.title,
                    when=_when(slot),
                    venue=venue.name,
                    first=(venue.start_date or context.edition_start).isoformat(),
                    last=(venue.end_date or context.edition_end).isoformat(),
                ),
            )
        )
    for speaker_id in slot.speaker_ids:
        periods = context.availability.get(speaker_id)
        if not periods:
            continue
        index = bisect.bisect_right(periods, slot.starts_at, key=lambda period: period[0])
        # periods are merged, so only the last one starting at or before the session counts
        inside = index > 0 and periods[index - 1][1] >= slot.ends_at
        if not inside:
            found.append(
                ScheduleConflict(
                    OUTSIDE_AVAILABILITY,
                    (slot.id,),
                    _(
                        "%(speaker)s said they are not available for “%(title)s” (%(when)s).",
                        speaker=context.speaker_names.get(speaker_id, "?"),
                        title=slot.title,
                        when=_when(slot),
                    ),
                    speaker_id,
                )
            )
    return found


def detect(slots: Iterable[Slot], context: Context) -> list[ScheduleConflict]:
    """Find every conflict among ``slots`` with one sort and one sweep per room and speaker.

    Each session caught in an overlap is reported at least once, against the session of
    its room (or speaker) that started before it and ends last.
    """
    slots = list(slots)
    found: list[ScheduleConflict] = []
    by_room: dict[int, list[Slot]] = defaultdict(list)
    by_speaker: dict[int, list[Slot]] = defaultdict(list)
    for slot in slots:
        if slot.room_id is not None:
            by_room[slot.room_id].append(slot)
        for speaker_id in slot.speaker_ids:
            by_speaker[speaker_id].append(slot)
        found.extend(_own_conflicts(slot, context))

    for items in by_room.values():
        items.sort(key=order_key)
        latest: Slot | None = None
        for slot in items:
            if latest is not None and slot.starts_at < latest.ends_at:
                found.append(_room_conflict(latest, slot, context))
            if latest is None or slot.ends_at > latest.ends_at:
                latest = slot
    for speaker_id, items in by_speaker.items():
        items.sort(key=order_key)
        latest = None
        for slot in items:
            if latest is not None:
                conflict = _speaker_pair(latest, slot, speaker_id, context)
                if conflict is not None:
                    found.append(conflict)
            if latest is None or slot.ends_at > latest.ends_at:
                latest = slot
    return found


def detect_for(target: Slot, others: Iterable[Slot], context: Context) -> list[ScheduleConflict]:
    """Find the conflicts of ``target`` with each of ``others`` (already narrowed down)."""
    found = _own_conflicts(target, context)
    for other in others:
        if other.id == target.id:
            continue
        if target.room_id is not None and other.room_id == target.room_id:
            if _overlaps(target, other):
                found.append(_room_conflict(other, target, context))
        for speaker_id in set(target.speaker_ids) & set(other.speaker_ids):
            pair = sorted((other, target), key=order_key)
            earlier, later = pair[0], pair[1]
            conflict = _speaker_pair(earlier, later, speaker_id, context)
            if conflict is not None:
                found.append(conflict)
    return found


# Loading from the database --------------------------------------------------------------


def _merge(periods: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for start, end in sorted(periods):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def load_context(edition: Edition, speaker_ids: Iterable[int] | None = None) -> Context:
    """Load what the checks need about ``edition``; availability of ``speaker_ids`` or all."""
    context = Context(edition_start=edition.start_date, edition_end=edition.end_date)
    for row in db.session.execute(
        select(Venue.id, Venue.name, Venue.town, Venue.start_date, Venue.end_date).where(
            Venue.edition_id == edition.id
        )
    ):
        context.venues[row.id] = VenueInfo(*row)
    for room_id, name in db.session.execute(
        select(Room.id, Room.name).join(Room.venue).where(Venue.edition_id == edition.id)
    ):
        context.room_names[room_id] = name
    query = select(
        SpeakerAvailability.speaker_id, SpeakerAvailability.starts_at, SpeakerAvailability.ends_at
    ).where(SpeakerAvailability.edition_id == edition.id)
    names = select(Speaker.id, Speaker.name)
    if speaker_ids is not None:
        speaker_ids = list(speaker_ids)
        query = query.where(SpeakerAvailability.speaker_id.in_(speaker_ids))
        names = names.where(Speaker.id.in_(speaker_ids))
    else:
        names = names.where(
            Speaker.id.in_(
                select(SessionSpeaker.speaker_id)
                .join(SessionSpeaker.session)
                .where(ConferenceSession.edition_id == edition.id)
            )
        )
    periods: dict[int, list] = defaultdict(list)
    for speaker_id, starts_at, ends_at in db.session.execute(query):
        periods[speaker_id].append((starts_at, ends_at))
    context.availability = {key: _merge(value) for key, value in periods.items()}
    context.speaker_names = {row[0]: row[1] for row in db.session.execute(names)}
    return context


_SLOT_COLUMNS = (
    ConferenceSession.id,
    ConferenceSession.title,
    ConferenceSession.room_id,
    ConferenceSession.venue_id,
    ConferenceSession.starts_at,
    ConferenceSession.ends_at,
    ConferenceSession.starts_local,
    ConferenceSession.ends_local,
)


def _slots(where) -> list[Slot]:
    rows = db.session.execute(
        select(*_SLOT_COLUMNS).where(ConferenceSession.status != SessionStatus.CANCELLED, where)
    ).all()
    if not rows:
        return []
    speakers: dict[int, list[int]] = defaultdict(list)
    # The same narrowing as a join, not a list of ids: one statement whatever the size.
    for session_id, speaker_id in db.session.execute(
        select(SessionSpeaker.session_id, SessionSpeaker.speaker_id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .where(ConferenceSession.status != SessionStatus.CANCELLED, where)
    ):
        speakers[session_id].append(speaker_id)
    return [Slot(*row, speaker_ids=tuple(sorted(speakers.get(row.id, ())))) for row in rows]


def slot_of(session_: ConferenceSession) -> Slot:
    """The checks' view of a session object (as it is in memory, saved or not)."""
    venue_id = session_.room.venue_id if session_.room is not None else session_.venue_id
    return Slot(
        id=session_.id or 0,
        title=session_.title,
        room_id=session_.room_id if session_.room is None else session_.room.id,
        venue_id=venue_id,
        starts_at=session_.starts_at,
        ends_at=session_.ends_at,
        starts_local=session_.starts_local,
        ends_local=session_.ends_local,
        speaker_ids=tuple(sorted(s.speaker_id or s.speaker.id for s in session_.speakers)),
    )


def edition_conflicts(edition: Edition) -> list[ScheduleConflict]:
    """Return every conflict of an edition's schedule, in O(n log n).

    :param edition: the edition whose sessions (not cancelled) are checked.
    """
    slots = _slots(ConferenceSession.edition_id == edition.id)
    return detect(slots, load_context(edition))


def session_conflicts(session_: ConferenceSession) -> list[ScheduleConflict]:
    """Return the conflicts of one session with the rest of its edition.

    Only sessions sharing its room at its time, or one of its speakers within the travel
    time around it, are loaded.
    """
    if session_.is_cancelled:
        return []
    target = slot_of(session_)
    near = [
        ConferenceSession.starts_at < target.ends_at + TRAVEL_TIME,
        ConferenceSession.ends_at > target.starts_at - TRAVEL_TIME,
    ]
    clauses = []
    if target.room_id is not None:
        clauses.append(
            and_(
                ConferenceSession.room_id == target.room_id,
                ConferenceSession.starts_at < target.ends_at,
                ConferenceSession.ends_at > target.starts_at,
            )
        )
    if target.speaker_ids:
        clauses.append(
            and_(
                ConferenceSession.id.in_(
                    select(SessionSpeaker.session_id).where(
                        SessionSpeaker.speaker_id.in_(target.speaker_ids)
                    )
                ),
                *near,
            )
        )
    others = []
    if clauses:
        where = and_(ConferenceSession.edition_id == session_.edition_id, or_(*clauses))
        if session_.id is not None:
            where = and_(where, ConferenceSession.id != session_.id)
        others = _slots(where)
    context = load_context(session_.edition, target.speaker_ids)
    return detect_for(target, others, context)
