"""VTIMEZONE components computed from the pinned tzdata for the span of a calendar's events.

One observance per change of offset, each with its own DTSTART and no RDATE list, which
every reader understands (ical.js reads only the first value of an RDATE list). A
recurring event counts to its UNTIL or COUNT; one that never ends counts to the horizon,
the end of the ``OPEN_ENDED_YEARS``-th year after the current one.
"""

import itertools
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from functools import lru_cache
from typing import NamedTuple

from dateutil.rrule import rrulestr
from icalendar import Calendar, Timezone, TimezoneDaylight, TimezoneStandard

from app.timezones import get_zone

UTC_ZONES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu", "Etc/Universal"}
# A recurring event without COUNT or UNTIL is covered to the end of this many years
# after the current one (its VTIMEZONE stops there).
OPEN_ENDED_YEARS = 10
# Occurrences expanded to find the last one of a COUNT rule, at most.
MAX_EXPANDED = 10_000


def _zone(name: str):
    return UTC if name in UTC_ZONES else get_zone(name)


def aware(local: datetime, zone_name: str) -> datetime:
    """Attach ``zone_name`` to a naive wall-clock time (UTC zones give a ``Z`` time)."""
    return local.replace(tzinfo=_zone(zone_name), fold=0)


class Change(NamedTuple):
    """A change of a zone's offset or abbreviation, as the pinned tzdata has it."""

    instant: datetime  # UTC
    before: timedelta
    after: timedelta
    name: str | None
    is_dst: bool


def _transitions(zone_name: str, first: datetime, last: datetime) -> Iterator[Change]:
    """Yield each change after ``first`` up to ``last`` (UTC instants).

    Scans every six hours and bisects to the second, so that short periods (Morocco's
    Ramadan hour, a few weeks long) are never stepped over.
    """
    zone = get_zone(zone_name)

    def state(instant: datetime):
        local = instant.astimezone(zone)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    step = timedelta(hours=6)
    instant = first
    current = state(instant)
    while instant < last:
        following = min(instant + step, last)
        after = state(following)
        if after[0] != current[0] or after[1] != current[1]:
            # On whole seconds, as tzdata has them: ``high`` ends on the change itself.
            low, high = int(instant.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if state(datetime.fromtimestamp(middle, UTC))[:2] == current[:2]:
                    low = middle
                else:
                    high = middle
            yield Change(
                datetime.fromtimestamp(high, UTC), current[0], after[0], after[1], after[2]
            )
        instant, current = following, after


@lru_cache(maxsize=4096)
def _changes_in_year(zone_name: str, year: int) -> tuple[Change, ...]:
    """The changes after the first instant of ``year`` (UTC) up to the next year's."""
    first = datetime(year, 1, 1, tzinfo=UTC)
    return tuple(_transitions(zone_name, first, first.replace(year=year + 1)))


def _changes(zone_name: str, first: datetime, last: datetime) -> list[Change]:
    """The changes after ``first`` up to ``last`` (included)."""
    return [
        change
        for year in range(first.year - 1, last.year + 1)
        for change in _changes_in_year(zone_name, year)
        if first < change.instant <= last
    ]


def _change_in_force(zone_name: str, moment: datetime) -> Change | None:
    """The last change at or before ``moment``, within the three years before it."""
    earlier = [
        change
        for year in range(moment.year - 3, moment.year + 1)
        for change in _changes_in_year(zone_name, year)
        if change.instant <= moment
    ]
    return earlier[-1] if earlier else None


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _observance(onset: datetime, before: timedelta, after: timedelta, name, is_dst: bool):
    part = TimezoneDaylight() if is_dst else TimezoneStandard()
    part.add("DTSTART", onset)
    part.add("TZOFFSETFROM", before)
    part.add("TZOFFSETTO", after)
    part.add("TZNAME", name or _offset_name(after))
    return part


def vtimezone(zone_name: str, first: datetime, last: datetime) -> Timezone:
    """Return the VTIMEZONE of ``zone_name`` from instant ``first`` to instant ``last``.

    Its first observance is the one in force at ``first``, from the change that began it
    (or from that day's midnight, for a zone that has not changed in the years before);
    then comes one observance per change up to ``last``, each with a single DTSTART on
    the wall clock before the change, as the pinned tzdata says.
    """
    first, last = first.astimezone(UTC), last.astimezone(UTC)
    timezone = Timezone()
    timezone.add("TZID", zone_name)
    in_force = _change_in_force(zone_name, first)
    changes = _changes(zone_name, first, last)
    if in_force is None:
        local = first.astimezone(get_zone(zone_name))
        onset = datetime.combine(local.date(), time(0))
        offset = local.utcoffset()
        timezone.add_component(
            _observance(onset, offset, offset, local.tzname(), bool(local.dst()))
        )
    else:
        changes.insert(0, in_force)
    for change in changes:
        onset = (change.instant + change.before).replace(tzinfo=None)
        timezone.add_component(
            _observance(onset, change.before, change.after, change.name, change.is_dst)
        )
    return timezone


def _horizon() -> datetime:
    """Where a recurring event without end stops counting: the end of the
    ``OPEN_ENDED_YEARS``-th year after the current one."""
    return datetime(datetime.now(UTC).year + OPEN_ENDED_YEARS + 1, 1, 1, tzinfo=UTC)


def zoned_values(component, name: str) -> list[tuple[str, datetime]]:
    """``(TZID, aware date-time)`` of each value of property ``name`` that has a TZID."""
    values = component.get(name)
    if values is None:
        return []
    found = []
    for prop in values if isinstance(values, list) else [values]:
        tzid = prop.params.get("TZID")
        if not tzid:
            continue
        moment = getattr(prop, "dt", None)
        moments = [moment] if moment is not None else [value.dt for value in prop.dts]
        found += [(str(tzid), moment) for moment in moments if isinstance(moment, datetime)]
    return found


def _last_start(component, start: datetime, horizon: datetime) -> datetime | None:
    """The start of a recurring event's last occurrence: its UNTIL, its COUNT-th
    occurrence, or ``horizon`` for a rule without end; None for a single event."""
    rule = component.get("RRULE")
    if rule is None:
        return None
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if not isinstance(until, datetime):
            return datetime.combine(until, time(23, 59, 59), tzinfo=start.tzinfo)
        return until if until.tzinfo is not None else until.replace(tzinfo=start.tzinfo)
    if "COUNT" in rule:
        expanded = rrulestr(rule.to_ical().decode(), dtstart=start.replace(tzinfo=None))
        starts = list(itertools.islice(expanded, MAX_EXPANDED + 1))
        if starts and len(starts) <= MAX_EXPANDED:
            return starts[-1].replace(tzinfo=start.tzinfo)
    return max(horizon, start)


def add_timezones(calendar: Calendar) -> None:
    """Add a VTIMEZONE for every TZID the calendar's events use, covering exactly the
    span of those events (recurring ones to their last occurrence or the horizon)."""
    horizon = _horizon()
    spans: dict[str, list[datetime]] = {}
    for component in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            for tzid, moment in zoned_values(component, name):
                spans.setdefault(tzid, []).append(moment)
        starts = zoned_values(component, "DTSTART")
        if not starts:
            continue
        tzid, start = starts[0]
        last = _last_start(component, start, horizon)
        if last is not None:
            end = component.get("DTEND")
            duration = end.dt - start if end is not None else timedelta(0)
            spans[tzid].append(last + duration)
    calendar.subcomponents[0:0] = [
        vtimezone(tzid, min(moments), max(moments)) for tzid, moments in sorted(spans.items())
    ]
