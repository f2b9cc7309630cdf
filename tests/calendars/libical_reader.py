"""Read an iCalendar document with libical, the parser inside Evolution, through ctypes.

Times are placed with the VTIMEZONEs of the document only: libical's own zone database
is switched off, and every TZID must resolve to the document's VTIMEZONE of that name.
Recurrences are expanded by libical (``icalcomponent_foreach_recurrence``); overrides
tied by RECURRENCE-ID replace the instance they name, as a calendar client does.
"""

import ctypes
import ctypes.util
import os
from datetime import UTC, datetime
from functools import lru_cache

import pytest

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LIBRARY = "libical.so.3"


class IcalTime(ctypes.Structure):
    """``struct icaltimetype`` of libical 3."""

    _fields_ = [
        ("year", ctypes.c_int),
        ("month", ctypes.c_int),
        ("day", ctypes.c_int),
        ("hour", ctypes.c_int),
        ("minute", ctypes.c_int),
        ("second", ctypes.c_int),
        ("is_date", ctypes.c_int),
        ("is_daylight", ctypes.c_int),
        ("zone", ctypes.c_void_p),
    ]


class IcalTimeSpan(ctypes.Structure):
    """``struct icaltime_span``: UTC seconds since the epoch."""

    _fields_ = [("start", ctypes.c_long), ("end", ctypes.c_long), ("is_busy", ctypes.c_int)]


RECURRENCE_CALLBACK = ctypes.CFUNCTYPE(
    None, ctypes.c_void_p, ctypes.POINTER(IcalTimeSpan), ctypes.c_void_p
)

_SIGNATURES = {
    "icalcomponent_new_from_string": (ctypes.c_void_p, [ctypes.c_char_p]),
    "icalcomponent_free": (None, [ctypes.c_void_p]),
    "icalcomponent_isa": (ctypes.c_int, [ctypes.c_void_p]),
    "icalcomponent_string_to_kind": (ctypes.c_int, [ctypes.c_char_p]),
    "icalproperty_string_to_kind": (ctypes.c_int, [ctypes.c_char_p]),
    "icalcomponent_get_first_component": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
    "icalcomponent_get_next_component": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
    "icalcomponent_get_first_property": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
    "icalcomponent_get_next_property": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_int]),
    "icalcomponent_get_timezone": (ctypes.c_void_p, [ctypes.c_void_p, ctypes.c_char_p]),
    "icalcomponent_get_sequence": (ctypes.c_int, [ctypes.c_void_p]),
    "icalcomponent_foreach_recurrence": (
        None,
        [ctypes.c_void_p, IcalTime, IcalTime, RECURRENCE_CALLBACK, ctypes.c_void_p],
    ),
    "icalrestriction_check": (ctypes.c_int, [ctypes.c_void_p]),
    "icalproperty_isa": (ctypes.c_int, [ctypes.c_void_p]),
    "icalproperty_get_property_name": (ctypes.c_char_p, [ctypes.c_void_p]),
    "icalproperty_get_value": (ctypes.c_void_p, [ctypes.c_void_p]),
    "icalproperty_get_value_as_string": (ctypes.c_char_p, [ctypes.c_void_p]),
    "icalproperty_get_parameter_as_string": (ctypes.c_char_p, [ctypes.c_void_p, ctypes.c_char_p]),
    "icalproperty_get_datetime_with_component": (IcalTime, [ctypes.c_void_p, ctypes.c_void_p]),
    "icalvalue_isa": (ctypes.c_int, [ctypes.c_void_p]),
    "icalvalue_string_to_kind": (ctypes.c_int, [ctypes.c_char_p]),
    "icalvalue_get_text": (ctypes.c_char_p, [ctypes.c_void_p]),
    "icaltime_convert_to_zone": (IcalTime, [IcalTime, ctypes.c_void_p]),
    "icaltime_from_string": (IcalTime, [ctypes.c_char_p]),
    "icaltimezone_get_utc_timezone": (ctypes.c_void_p, []),
    "icaltimezone_get_builtin_timezone": (ctypes.c_void_p, [ctypes.c_char_p]),
    "icaltimezone_set_builtin_tzdata": (None, [ctypes.c_int]),
    "set_zone_directory": (None, [ctypes.c_char_p]),
}


@lru_cache(maxsize=1)
def _load() -> ctypes.CDLL | None:
    path = ctypes.util.find_library("ical")
    for candidate in (LIBRARY, path):
        if not candidate:
            continue
        try:
            lib = ctypes.CDLL(candidate)
        except OSError:
            continue
        for name, (restype, argtypes) in _SIGNATURES.items():
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes
        # Point the built-in zone database at nothing, so that a TZID missing from the
        # document cannot be resolved behind the test's back.
        lib.icaltimezone_set_builtin_tzdata(1)
        lib.set_zone_directory(b"/nonexistent/agora-no-zoneinfo")
        if lib.icaltimezone_get_builtin_timezone(b"Europe/Paris"):
            raise AssertionError("libical still resolves zones from its own database")
        return lib
    return None


def need_libical() -> ctypes.CDLL:
    """Return libical, or skip (fail in CI) when it is not installed."""
    lib = _load()
    if lib is None:
        reason = "libical is not installed: apt-get install libical3"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return lib


class _Reader:
    def __init__(self, lib: ctypes.CDLL, calendar: int) -> None:
        self.lib = lib
        self.calendar = calendar
        self.utc = lib.icaltimezone_get_utc_timezone()
        kind = lib.icalcomponent_string_to_kind
        self.any_component = kind(b"ANY")
        self.vevent = kind(b"VEVENT")
        self.vtimezone = kind(b"VTIMEZONE")
        self.any_property = 0  # ICAL_ANY_PROPERTY
        self.text_value = lib.icalvalue_string_to_kind(b"TEXT")
        self.zones: dict[str, int] = {}
        for zone in self.children(calendar, self.vtimezone):
            tzid = self.value(zone, "TZID")
            found = lib.icalcomponent_get_timezone(calendar, tzid.encode())
            assert found, f"libical did not take the VTIMEZONE {tzid}"
            self.zones[tzid] = found

    def children(self, component: int, kind: int):
        child = self.lib.icalcomponent_get_first_component(component, kind)
        while child:
            yield child
            child = self.lib.icalcomponent_get_next_component(component, kind)

    def properties(self, component: int):
        prop = self.lib.icalcomponent_get_first_property(component, self.any_property)
        while prop:
            yield prop
            prop = self.lib.icalcomponent_get_next_property(component, self.any_property)

    def name(self, prop: int) -> str:
        return self.lib.icalproperty_get_property_name(prop).decode()

    def find(self, component: int, name: str) -> int | None:
        return next((p for p in self.properties(component) if self.name(p) == name), None)

    def text(self, prop: int) -> str:
        value = self.lib.icalproperty_get_value(prop)
        if value and self.lib.icalvalue_isa(value) == self.text_value:
            return self.lib.icalvalue_get_text(value).decode()
        return self.lib.icalproperty_get_value_as_string(prop).decode()

    def value(self, component: int, name: str) -> str | None:
        prop = self.find(component, name)
        return None if prop is None else self.text(prop)

    def instant(self, component: int, name: str) -> str | None:
        """The UTC instant of a DATE-TIME property (a DATE as ``YYYY-MM-DD``)."""
        prop = self.find(component, name)
        if prop is None:
            return None
        moment = self.lib.icalproperty_get_datetime_with_component(prop, component)
        if moment.is_date:
            return f"{moment.year:04d}-{moment.month:02d}-{moment.day:02d}"
        tzid = self.lib.icalproperty_get_parameter_as_string(prop, b"TZID")
        if tzid is not None:
            tzid = tzid.decode()
            assert tzid in self.zones, f"{name} names {tzid}, which has no VTIMEZONE"
            assert moment.zone == self.zones[tzid], f"libical placed {tzid} with another zone"
        else:
            assert moment.zone == self.utc, f"a floating time was read in {name}"
        utc = self.lib.icaltime_convert_to_zone(moment, self.utc)
        return (
            f"{utc.year:04d}-{utc.month:02d}-{utc.day:02d}"
            f"T{utc.hour:02d}:{utc.minute:02d}:{utc.second:02d}Z"
        )

    def errors(self, component: int) -> list[str]:
        found = [
            self.text(prop)
            for prop in self.properties(component)
            if self.name(prop) == "X-LIC-ERROR"
        ]
        for child in self.children(component, self.any_component):
            found += self.errors(child)
        return found

    def occurrences(self, component: int, until: datetime) -> list[tuple[int, int]]:
        spans: list[tuple[int, int]] = []

        def collect(_component, span, _data):
            spans.append((span.contents.start, span.contents.end))

        callback = RECURRENCE_CALLBACK(collect)
        start = self.lib.icaltime_from_string(b"19700101T000000Z")
        end = self.lib.icaltime_from_string(
            until.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ").encode()
        )
        self.lib.icalcomponent_foreach_recurrence(component, start, end, callback, None)
        limit = int(until.timestamp())
        return [span for span in spans if span[0] < limit]


def _iso(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def read_with_libical(ics: bytes, until: datetime) -> dict:
    """Read ``ics`` with libical: the same shape as the other readers, plus ``errors``
    (libical's parse errors and RFC 5545/5546 restriction failures)."""
    lib = need_libical()
    calendar = lib.icalcomponent_new_from_string(ics)
    assert calendar, "libical could not parse the document"
    try:
        reader = _Reader(lib, calendar)
        lib.icalrestriction_check(calendar)
        events = {}
        masters = {}
        overrides: dict[str, dict[str, tuple]] = {}
        for vevent in reader.children(calendar, reader.vevent):
            uid = reader.value(vevent, "UID")
            recurrence = reader.instant(vevent, "RECURRENCE-ID")
            key = (uid, recurrence)
            assert key not in events, f"libical read {key} twice"
            start, end = reader.instant(vevent, "DTSTART"), reader.instant(vevent, "DTEND")
            events[key] = {
                "start": start,
                "end": end,
                "summary": reader.value(vevent, "SUMMARY"),
                "description": reader.value(vevent, "DESCRIPTION"),
                "location": reader.value(vevent, "LOCATION"),
                "status": reader.value(vevent, "STATUS"),
                "sequence": lib.icalcomponent_get_sequence(vevent),
                "properties": [
                    reader.name(p)
                    for p in reader.properties(vevent)
                    if reader.name(p) != "X-LIC-ERROR"
                ],
            }
            if recurrence is not None:
                overrides.setdefault(uid, {})[recurrence] = (start, end)
            elif reader.find(vevent, "RRULE") is not None:
                masters[uid] = vevent
        occurrences = []
        for uid, vevent in masters.items():
            moved = overrides.get(uid, {})
            for start, end in reader.occurrences(vevent, until):
                start, end = _iso(start), _iso(end)
                occurrences.append((uid, *moved.get(start, (start, end))))
        return {
            "method": reader.value(calendar, "METHOD"),
            "name": reader.value(calendar, "NAME") or reader.value(calendar, "X-WR-CALNAME"),
            "events": events,
            "occurrences": sorted(occurrences),
            "errors": reader.errors(calendar),
        }
    finally:
        lib.icalcomponent_free(calendar)
