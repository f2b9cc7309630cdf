"""Conference-app exports: frab/Pentabarf ``schedule.xml``, C3VOC ``schedule.json``, CSV.

Both schedule formats group sessions by day (the venue's wall-clock day) and room;
times carry the session zone's UTC offset. Cancelled sessions are left out: these
files are snapshots read by apps that have no notion of a cancelled talk.
"""

import csv
import io
import json
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from xml.etree import ElementTree as ET

from app.ical import base_url, session_location
from app.labels import SESSION_KIND_LABELS
from app.models import ConferenceSession, Edition
from app.timezones import get_zone

SCHEDULE_VERSION = "1.0"
GENERATOR = "Agora"
NO_ROOM = "—"


def acronym(edition: Edition) -> str:
    """A conference acronym both schemas accept: the slug with underscores."""
    text = "".join(c if c.isalnum() and c.isascii() else "_" for c in edition.slug.lower())
    return text if len(text) >= 4 else f"{text}____"[:4]


def session_guid(session_: ConferenceSession) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url()}/sessions/{session_.id}"))


def room_guid(edition: Edition, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{base_url()}/editions/{edition.slug}#room={name}"))


def _aware(local: datetime, zone: str) -> datetime:
    return local.replace(tzinfo=get_zone(zone), fold=0)


def _duration(session_: ConferenceSession) -> str:
    minutes = int((session_.ends_at - session_.starts_at).total_seconds() // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def room_name(session_: ConferenceSession) -> str:
    if session_.room is not None:
        venue = session_.room.venue
        if venue is not None and len(venue.edition.venues) > 1:
            return f"{session_.room.name} ({venue.name})"
        return session_.room.name
    if session_.venue is not None:
        return session_.venue.name
    return "Online" if session_.online_url else NO_ROOM


@dataclass
class Day:
    index: int
    day: date
    start: datetime
    end: datetime
    rooms: dict[str, list[ConferenceSession]] = field(default_factory=dict)


def schedule_days(edition: Edition, sessions: list[ConferenceSession]) -> list[Day]:
    """The edition's days (and any day a session falls on), each with its rooms' sessions."""
    days = {
        edition.start_date + timedelta(days=n)
        for n in range((edition.end_date - edition.start_date).days + 1)
    }
    days.update(s.starts_local.date() for s in sessions)
    result = []
    by_day = {}
    for index, day in enumerate(sorted(days), start=1):
        start = _aware(datetime.combine(day, datetime.min.time()), edition.timezone)
        end = _aware(
            datetime.combine(day, datetime.max.time().replace(microsecond=0)), edition.timezone
        )
        by_day[day] = Day(index, day, start, end)
        result.append(by_day[day])
    for session_ in sessions:
        if session_.is_cancelled:
            continue
        by_day[session_.starts_local.date()].rooms.setdefault(room_name(session_), []).append(
            session_
        )
    return result


def _event_slug(edition: Edition, session_: ConferenceSession) -> str:
    return f"{acronym(edition)}-session-{session_.id}"


def _persons(session_: ConferenceSession):
    return [
        (place.speaker.id, place.speaker.name, place.speaker.bio or None)
        for place in session_.speakers
    ]


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _track(session_: ConferenceSession) -> str:
    return session_.track.name if session_.track is not None else ""


def _description(session_: ConferenceSession) -> str:
    return session_location(session_)


# An event is written once per change of its session and kept (``pieces``); the file is
# built with a placeholder where each event goes, then the kept texts are put in.
PLACEHOLDER_TAG = "agora-event"
_XML_PLACEHOLDER = re.compile(rf'<{PLACEHOLDER_TAG} n="(\d+)" />')
_JSON_PLACEHOLDER = re.compile(r'"\\u0000agora-event-(\d+)\\u0000"')
# Where an event sits in each file: schedule > day > room > event, and
# {schedule: {conference: {days: [{rooms: {name: [event]}}]}}}.
XML_EVENT_LEVEL = 3
JSON_EVENT_INDENT = " " * 14


EventText = Callable[[str, ConferenceSession], str]


def xml_event(edition: Edition, name: str, session_: ConferenceSession) -> str:
    """One session's ``<event>`` of ``schedule.xml``, indented where the file puts it."""
    starts = _aware(session_.starts_local, session_.timezone)
    event = ET.Element("event", id=str(session_.id), guid=session_guid(session_))
    ET.SubElement(event, "room").text = name
    ET.SubElement(event, "title").text = session_.title
    ET.SubElement(event, "subtitle").text = ""
    ET.SubElement(event, "type").text = session_.kind.value
    ET.SubElement(event, "date").text = _iso(starts)
    ET.SubElement(event, "start").text = starts.strftime("%H:%M")
    ET.SubElement(event, "duration").text = _duration(session_)
    ET.SubElement(event, "abstract").text = session_.abstract or ""
    ET.SubElement(event, "slug").text = _event_slug(edition, session_)
    ET.SubElement(event, "track").text = _track(session_)
    persons = ET.SubElement(event, "persons")
    for person_id, name_, _bio in _persons(session_):
        ET.SubElement(persons, "person", id=str(person_id)).text = name_
    ET.SubElement(event, "language").text = ""
    ET.SubElement(event, "description").text = _description(session_)
    ET.SubElement(event, "links")
    ET.SubElement(event, "url").text = f"{base_url()}/sessions/{session_.id}"
    ET.indent(event, level=XML_EVENT_LEVEL)
    return ET.tostring(event, encoding="unicode")


def schedule_xml(
    edition: Edition, sessions: list[ConferenceSession], events: EventText | None = None
) -> bytes:
    """The frab/Pentabarf ``schedule.xml`` of an edition.

    :param events: gives an event's text (kept ones); by default each is written anew.
    """
    events = events or (lambda name, session_: xml_event(edition, name, session_))
    texts: list[str] = []
    root = ET.Element("schedule")
    ET.SubElement(root, "generator", name=GENERATOR, system=base_url(), version=SCHEDULE_VERSION)
    ET.SubElement(root, "url").text = f"{base_url()}/editions/{edition.slug}/schedule.xml"
    ET.SubElement(root, "version").text = SCHEDULE_VERSION
    conference = ET.SubElement(root, "conference")
    ET.SubElement(conference, "title").text = edition.title
    ET.SubElement(conference, "acronym").text = acronym(edition)
    ET.SubElement(conference, "start").text = edition.start_date.isoformat()
    ET.SubElement(conference, "end").text = edition.end_date.isoformat()
    days = schedule_days(edition, sessions)
    ET.SubElement(conference, "days").text = str(len(days))
    ET.SubElement(conference, "timeslot_duration").text = "00:05"
    ET.SubElement(conference, "base_url").text = f"{base_url()}/"
    ET.SubElement(conference, "url").text = f"{base_url()}/editions/{edition.slug}"
    ET.SubElement(conference, "time_zone_name").text = edition.timezone
    for track in edition.tracks:
        ET.SubElement(conference, "track", name=track.name, color=track.colour.lower())
    for day in days:
        day_element = ET.SubElement(
            root,
            "day",
            index=str(day.index),
            date=day.day.isoformat(),
            start=_iso(day.start),
            end=_iso(day.end),
        )
        for name, room_sessions in day.rooms.items():
            room = ET.SubElement(day_element, "room", name=name, guid=room_guid(edition, name))
            for session_ in room_sessions:
                ET.SubElement(room, PLACEHOLDER_TAG, n=str(len(texts)))
                texts.append(events(name, session_))
    ET.indent(root)
    skeleton = ET.tostring(root, encoding="utf-8", xml_declaration=True).decode()
    return _XML_PLACEHOLDER.sub(lambda found: texts[int(found[1])], skeleton).encode()


def schedule_json(
    edition: Edition, sessions: list[ConferenceSession], events: EventText | None = None
) -> bytes:
    """The C3VOC ``schedule.json`` of an edition.

    :param events: gives an event's text (kept ones); by default each is written anew.
    """
    events = events or (lambda name, session_: json_event(edition, name, session_))
    texts: list[str] = []
    days = schedule_days(edition, sessions)
    room_names = []
    for day in days:
        for name in day.rooms:
            if name not in room_names:
                room_names.append(name)

    def placeholder(name: str, session_: ConferenceSession) -> str:
        texts.append(events(name, session_))
        return f"\x00agora-event-{len(texts) - 1}\x00"

    document = {
        "$schema": "https://c3voc.de/schedule/schema.json",
        "generator": {"name": GENERATOR, "version": SCHEDULE_VERSION},
        "schedule": {
            "version": SCHEDULE_VERSION,
            "base_url": f"{base_url()}/",
            "conference": {
                "acronym": acronym(edition),
                "title": edition.title,
                "start": edition.start_date.isoformat(),
                "end": edition.end_date.isoformat(),
                "daysCount": len(days),
                "timeslot_duration": "00:05",
                "time_zone_name": edition.timezone,
                "url": f"{base_url()}/editions/{edition.slug}",
                "tracks": [{"name": t.name, "color": t.colour.lower()} for t in edition.tracks],
                "rooms": [{"name": n, "guid": room_guid(edition, n)} for n in room_names],
                "days": [_json_day(day, placeholder) for day in days],
            },
        },
    }
    skeleton = json.dumps(document, ensure_ascii=False, indent=2)
    return _JSON_PLACEHOLDER.sub(lambda found: texts[int(found[1])], skeleton).encode()


def _json_day(day: Day, placeholder) -> dict:
    return {
        "index": day.index,
        "date": day.day.isoformat(),
        "day_start": _iso(day.start),
        "day_end": _iso(day.end),
        "rooms": {
            name: [placeholder(name, s) for s in room_sessions]
            for name, room_sessions in day.rooms.items()
        },
    }


def json_event(edition: Edition, name: str, session_: ConferenceSession) -> str:
    """One session's event of ``schedule.json``, indented where the file puts it."""
    text = json.dumps(_json_event(edition, name, session_), ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + JSON_EVENT_INDENT)


def _json_event(edition: Edition, name: str, session_: ConferenceSession) -> dict:
    starts = _aware(session_.starts_local, session_.timezone)
    ends = _aware(session_.ends_local, session_.timezone)
    return {
        "guid": session_guid(session_),
        "id": session_.id,
        "date": _iso(starts),
        "start": starts.strftime("%H:%M"),
        "end": _iso(ends),
        "duration": _duration(session_),
        "room": name,
        "slug": _event_slug(edition, session_),
        "url": f"{base_url()}/sessions/{session_.id}",
        "title": session_.title,
        "subtitle": "",
        "track": _track(session_) or None,
        "type": session_.kind.value,
        "language": None,
        "abstract": session_.abstract or "",
        "description": _description(session_),
        "persons": [
            {"id": person_id, "name": name_, "biography": bio}
            for person_id, name_, bio in _persons(session_)
        ],
        "links": [],
    }


# CSV -------------------------------------------------------------------------------------

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets an apostrophe."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


CSV_COLUMNS = (
    "id",
    "title",
    "kind",
    "status",
    "track",
    "day",
    "start",
    "end",
    "timezone",
    "start_utc",
    "end_utc",
    "room",
    "location",
    "speakers",
    "sequence",
    "url",
)


def sessions_csv(edition: Edition, sessions: list[ConferenceSession]) -> bytes:
    """Every session of an edition (cancelled ones included) for organisers' spreadsheets."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for session_ in sessions:
        row = (
            session_.id,
            session_.title,
            str(SESSION_KIND_LABELS[session_.kind]),
            session_.status.value,
            _track(session_),
            session_.starts_local.date().isoformat(),
            session_.starts_local.strftime("%H:%M"),
            session_.ends_local.strftime("%H:%M"),
            session_.timezone,
            session_.starts_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            session_.ends_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            room_name(session_),
            session_location(session_),
            "; ".join(place.speaker.name for place in session_.speakers),
            session_.sequence,
            f"{base_url()}/sessions/{session_.id}",
        )
        writer.writerow([safe_cell(value) for value in row])
    # A byte-order mark lets spreadsheet programs read the UTF-8 (Arabic, accents) right.
    return ("\ufeff" + out.getvalue()).encode()
