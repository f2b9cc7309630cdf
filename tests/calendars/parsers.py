"""Read Agora's iCalendar output with parsers other than the ``icalendar`` library that
wrote it: ical.js (the parser inside Thunderbird, through Node), ``vobject`` and libical
(the parser inside Evolution, see ``libical_reader``).

Each reader gives the same shape: ``events`` keyed by ``(uid, recurrence-id)`` with UTC
instants, and the ``occurrences`` of recurring events up to a limit.
"""

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
import vobject

from tests.calendars.libical_reader import read_with_libical

JS_DIR = Path(__file__).resolve().parent / "js"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
DEFAULT_UNTIL = datetime(2030, 1, 1, tzinfo=UTC)


def _iso(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise AssertionError(f"a floating time was read: {value!r}")
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def need_node() -> str:
    """Return the node executable, or skip (fail in CI) when ical.js cannot run."""
    node = shutil.which("node")
    reason = None
    if node is None:
        reason = "node is not installed: ical.js cannot read the feeds"
    elif not (JS_DIR / "node_modules" / "ical.js").is_dir():
        reason = "ical.js is not installed: run `npm ci --prefix tests/calendars/js`"
    if reason:
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return node


def read_with_icaljs(ics: bytes, until: datetime = DEFAULT_UNTIL) -> dict:
    return read_many_with_icaljs([ics], until)[0]


def read_many_with_icaljs(documents: list[bytes], until: datetime = DEFAULT_UNTIL) -> list[dict]:
    """Read several documents with one run of node, each with its own VTIMEZONEs."""
    node = need_node()
    done = subprocess.run(
        [node, str(JS_DIR / "parse.mjs"), _iso(until), "--many"],
        input=json.dumps([ics.decode() for ics in documents]).encode(),
        capture_output=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr.decode()
    return [_icaljs_reading(raw) for raw in json.loads(done.stdout)]


def _icaljs_reading(raw: dict) -> dict:
    events = {}
    for event in raw["events"]:
        key = (event["uid"], event["recurrence_id"])
        assert key not in events, f"ical.js read {key} twice"
        events[key] = {
            "start": event["start"],
            "end": event["end"],
            "summary": event["summary"],
            "description": event["description"],
            "location": event["location"],
            "status": event["status"],
            "sequence": event["sequence"],
            "properties": event["property_names"],
        }
    occurrences = sorted((o["uid"], o["start"], o["end"]) for o in raw["occurrences"])
    return {
        "method": raw["method"],
        "name": raw["name"],
        "events": events,
        "occurrences": occurrences,
    }


def _value(component, name):
    found = component.contents.get(name.replace("_", "-"))
    return None if not found else found[0].value


def _forget_vobject_zones(text: str) -> None:
    """vobject keeps the first VTIMEZONE it met for a TZID for the whole process; forget
    them so that this document is read with its own VTIMEZONEs only."""
    registry = vars(vobject.icalendar)["__tzidMap"]
    for line in text.splitlines():
        if line.startswith("TZID:"):
            registry.pop(line[5:].strip(), None)


def read_with_vobject(ics: bytes, until: datetime = DEFAULT_UNTIL) -> dict:
    text = ics.decode()
    _forget_vobject_zones(text)
    calendar = vobject.readOne(text)
    events = {}
    masters = {}
    overrides: dict[str, list] = {}
    for vevent in calendar.vevent_list if hasattr(calendar, "vevent_list") else []:
        uid = vevent.uid.value
        recurrence = _value(vevent, "recurrence_id")
        key = (uid, _iso(recurrence))
        assert key not in events, f"vobject read {key} twice"
        start, end = vevent.dtstart.value, _value(vevent, "dtend")
        events[key] = {
            "start": _iso(start),
            "end": _iso(end),
            "summary": _value(vevent, "summary"),
            "description": _value(vevent, "description"),
            "location": _value(vevent, "location"),
            "status": _value(vevent, "status"),
            "sequence": int(_value(vevent, "sequence") or 0),
            "properties": [child.name for child in vevent.getChildren()],
        }
        if recurrence is not None:
            overrides.setdefault(uid, []).append((recurrence, start, end))
        elif hasattr(vevent, "rrule"):
            masters[uid] = vevent
    occurrences = []
    for uid, vevent in masters.items():
        duration = vevent.dtend.value - vevent.dtstart.value
        moved = {recurrence: (start, end) for recurrence, start, end in overrides.get(uid, [])}
        for start in vevent.getrruleset(addRDate=True):
            if start >= until:
                break
            if start in moved:
                start, end = moved[start]
            else:
                end = start + duration
            occurrences.append((uid, _iso(start), _iso(end)))
    method = _value(calendar, "method")
    name = _value(calendar, "name") or _value(calendar, "x_wr_calname")
    return {
        "method": method,
        "name": name,
        "events": events,
        "occurrences": sorted(occurrences),
    }


COMPARED = ("start", "end", "summary", "description", "location", "status", "sequence")


def same_reading(ics: bytes, until: datetime = DEFAULT_UNTIL) -> dict:
    """Read ``ics`` with the three parsers, check they agree on every event and that
    libical finds nothing against RFC 5545/5546, and return ical.js's reading."""
    return _agree(ics, read_with_icaljs(ics, until), until)


def same_readings(documents: list[bytes], until: datetime = DEFAULT_UNTIL) -> list[dict]:
    """``same_reading`` of several documents, with one run of node for all of them."""
    by_js = read_many_with_icaljs(documents, until)
    return [_agree(ics, reading, until) for ics, reading in zip(documents, by_js, strict=True)]


def _agree(ics: bytes, by_js: dict, until: datetime) -> dict:
    by_libical = read_with_libical(ics, until)
    assert by_libical["errors"] == [], by_libical["errors"]
    for label, other in (("vobject", read_with_vobject(ics, until)), ("libical", by_libical)):
        assert by_js["method"] == other["method"], label
        assert by_js["name"] == other["name"], (label, by_js["name"], other["name"])
        assert set(by_js["events"]) == set(other["events"]), label
        for key, event in by_js["events"].items():
            for name in COMPARED:
                assert event[name] == other["events"][key][name], (
                    label,
                    key,
                    name,
                    event[name],
                    other["events"][key][name],
                )
        differ = sorted(set(by_js["occurrences"]) ^ set(other["occurrences"]))
        assert by_js["occurrences"] == other["occurrences"], (label, differ[:6])
    return by_js
