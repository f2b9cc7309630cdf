"""A thinklab's meetings: RFC 5545 occurrences on the wall clock of the group's zone.

The rule is expanded on naive wall-clock times from ``first_meeting_local``, so a weekly
18:00 call in Europe/Paris stays at 18:00 on Paris's clock while its UTC instant moves
with daylight saving time. Each occurrence is then placed in the zone; one that falls in
a gap (clocks going forward) keeps the offset in force before the gap, which moves it
forward by the gap's length as RFC 5545 (3.3.5) says. Skipped dates (EXDATE) and single
moved occurrences (RECURRENCE-ID overrides) come from ``MeetingChange`` rows.
"""

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from dateutil.rrule import DAILY, rrule, rrulestr
from flask_babel import gettext as _

from app.errors import InvalidInput
from app.models import MeetingChange, MeetingMode, Thinklab
from app.timezones import (
    LocalTimeError,
    NonexistentLocalTime,
    get_zone,
    local_to_utc,
    utc_to_local,
)

# The most occurrences one query (or one bounded rule) may yield.
MAX_OCCURRENCES = 1000

_UNTIL_UTC = re.compile(r"UNTIL=(\d{8}T\d{6})Z", re.IGNORECASE)
_FORBIDDEN_PARTS = ("DTSTART", "EXDATE", "RDATE", "EXRULE")


class InvalidRecurrence(InvalidInput):
    """A recurrence rule that cannot be read, or that would yield too many meetings."""

    def __init__(self, message: str, *, field: str = "rrule"):
        super().__init__(message, field=field)


@dataclass(frozen=True)
class Occurrence:
    """One meeting of a thinklab, after its exceptions are applied."""

    original_local: datetime
    starts_at: datetime
    ends_at: datetime
    zone: str
    mode: MeetingMode
    venue_id: int | None = None
    is_cancelled: bool = False
    is_moved: bool = False
    note: str = ""

    def starts_in(self, zone: str) -> datetime:
        """The start on the wall clock of ``zone`` (aware)."""
        return utc_to_local(self.starts_at, zone)

    def day_in(self, zone: str) -> date:
        return self.starts_in(zone).date()

    @property
    def day(self) -> date:
        """The day on the group's own clock."""
        return self.day_in(self.zone)


def instant(local: datetime, zone_name: str) -> datetime:
    """Return the UTC instant of a wall-clock time; a skipped time moves forward.

    :raises app.timezones.UnknownZone: if the zone is unknown.
    """
    try:
        return local_to_utc(local, zone_name)
    except NonexistentLocalTime:
        return local.replace(tzinfo=get_zone(zone_name), fold=0).astimezone(UTC)


def parse_rule(text: str, first_local: datetime, zone_name: str) -> rrule | None:
    """Read one RRULE (with or without its ``RRULE:`` prefix) starting at ``first_local``.

    An UNTIL given in UTC (``...Z``, as RFC 5545 asks with a TZID'd start) is turned into
    the zone's wall clock so that the whole expansion stays on naive local times.

    :returns: the rule, or None when ``text`` is blank (a single meeting).
    :raises InvalidRecurrence: if the text is not one readable RRULE, or meets more
        often than daily.
    """
    text = (text or "").strip()
    if not text:
        return None
    if "\n" in text or "\r" in text:
        raise InvalidRecurrence(_("Give a single RRULE line, without DTSTART or EXDATE."))
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    if any(part in text.upper() for part in _FORBIDDEN_PARTS):
        raise InvalidRecurrence(_("Give a single RRULE line, without DTSTART or EXDATE."))

    def local_until(match: re.Match) -> str:
        utc_until = datetime.strptime(match.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=UTC)
        return "UNTIL=" + utc_to_local(utc_until, zone_name).strftime("%Y%m%dT%H%M%S")

    try:
        text = _UNTIL_UTC.sub(local_until, text)
        rule = rrulestr(text, dtstart=first_local, forceset=False)
    except (ValueError, TypeError, LocalTimeError, OverflowError) as error:
        raise InvalidRecurrence(
            _(
                "This is not a valid RFC 5545 rule (%(reason)s). Example: %(example)s",
                reason=str(error) or type(error).__name__,
                example="FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
            )
        ) from error
    if not isinstance(rule, rrule):
        raise InvalidRecurrence(_("Give a single RRULE line, without DTSTART or EXDATE."))
    if rule._freq > DAILY:  # HOURLY, MINUTELY, SECONDLY
        raise InvalidRecurrence(_("Meetings cannot recur more often than daily."))
    return rule


def is_bounded(rule: rrule | None) -> bool:
    """Tell whether a rule ends by itself (COUNT or UNTIL); no rule is one meeting."""
    return rule is None or rule._count is not None or rule._until is not None


def validate_rule(text: str, first_local: datetime | None, zone_name: str) -> None:
    """Check a rule before it is saved.

    A rule that ends (COUNT/UNTIL) may yield at most ``MAX_OCCURRENCES`` meetings; one
    that never ends may yield at most that many in any year (queries are bounded).

    :raises InvalidRecurrence: if the rule is unreadable or yields too many meetings.
    """
    if not (text or "").strip():
        return
    if first_local is None:
        raise InvalidRecurrence(_("Give the first meeting's date and time for a recurrence."))
    rule = parse_rule(text, first_local, zone_name)
    if is_bounded(rule):
        limit_in = None
        message = _(
            "This rule yields more than %(max)s meetings. Use a smaller COUNT or an earlier UNTIL.",
            max=MAX_OCCURRENCES,
        )
    else:
        limit_in = first_local + timedelta(days=366)
        message = _(
            "This rule never ends and yields more than %(max)s meetings a year. "
            "Add COUNT or UNTIL, or meet less often.",
            max=MAX_OCCURRENCES,
        )
    for index, local in enumerate(rule):
        if limit_in is not None and local > limit_in:
            return
        if index >= MAX_OCCURRENCES:
            raise InvalidRecurrence(message)


def _occurrence_of_change(thinklab: Thinklab, change: MeetingChange) -> Occurrence:
    starts = instant(change.starts_local, change.timezone)
    ends = instant(change.ends_local, change.timezone)
    return Occurrence(
        original_local=change.original_local,
        starts_at=starts,
        ends_at=ends,
        zone=thinklab.timezone,
        mode=change.meeting_mode or thinklab.meeting_mode,
        venue_id=change.venue_id if change.venue_id is not None else thinklab.venue_id,
        is_moved=True,
        note=change.note,
    )


def _overlaps(starts_at: datetime, ends_at: datetime, start: datetime, end: datetime | None):
    return ends_at > start and (end is None or starts_at < end)


def _following_rule(
    thinklab: Thinklab,
    rule: rrule | None,
    changes: dict[datetime, MeetingChange],
    start: datetime,
    end: datetime | None,
    *,
    include_cancelled: bool,
    limit: int,
) -> list[Occurrence]:
    """The occurrences at the times of the rule (skipped ones marked), moved ones left out.

    :raises InvalidRecurrence: if they are more than ``limit``.
    """
    zone = thinklab.timezone
    duration = timedelta(minutes=thinklab.meeting_minutes)
    # Widen the wall-clock window by a day each side: offsets never exceed that.
    local_from = utc_to_local(start, zone).replace(tzinfo=None) - duration - timedelta(days=1)
    local_to = utc_to_local(end, zone).replace(tzinfo=None) + timedelta(days=1) if end else None
    found: list[Occurrence] = []
    originals = (
        [thinklab.first_meeting_local] if rule is None else rule.xafter(local_from, inc=True)
    )
    for local in originals:
        if local_to is not None and local > local_to:
            break
        if local < local_from:
            continue
        change = changes.get(local)
        if change is not None and not change.is_cancelled and change.starts_local is not None:
            continue  # placed at its new time by _moved
        starts_at = instant(local, zone)
        if not _overlaps(starts_at, starts_at + duration, start, end):
            continue
        if change is not None and change.is_cancelled:
            if include_cancelled:
                found.append(
                    Occurrence(
                        local,
                        starts_at,
                        starts_at + duration,
                        zone,
                        thinklab.meeting_mode,
                        thinklab.venue_id,
                        is_cancelled=True,
                        note=change.note,
                    )
                )
            continue
        found.append(
            Occurrence(
                local,
                starts_at,
                starts_at + duration,
                zone,
                thinklab.meeting_mode,
                thinklab.venue_id,
            )
        )
        if len(found) > limit:
            raise _too_many(rule, limit)
    return found


def _moved(
    thinklab: Thinklab,
    rule: rrule | None,
    changes: dict[datetime, MeetingChange],
    start: datetime,
    end: datetime | None,
) -> list[Occurrence]:
    """The moved occurrences (of a date the rule still yields) that overlap the range."""
    found = []
    for change in changes.values():
        if change.is_cancelled or change.starts_local is None:
            continue
        moved = _occurrence_of_change(thinklab, change)
        if _overlaps(moved.starts_at, moved.ends_at, start, end) and is_occurrence(
            rule, thinklab.first_meeting_local, change.original_local
        ):
            found.append(moved)
    return found


def occurrences(
    thinklab: Thinklab,
    start: datetime,
    end: datetime | None = None,
    *,
    include_cancelled: bool = False,
    limit: int = MAX_OCCURRENCES,
) -> list[Occurrence]:
    """Return the meetings that overlap ``[start, end)``, in time order.

    :param thinklab: the group, with its ``occurrence_changes``.
    :param start: aware start of the range.
    :param end: aware end of the range; None only for a rule that ends by itself.
    :param include_cancelled: also return skipped occurrences, marked ``is_cancelled``.
    :param limit: the most occurrences this query may return (at most ``MAX_OCCURRENCES``).
    :raises InvalidRecurrence: if the rule is unreadable, or the range is unbounded for a
        rule that never ends, or the range holds more than ``limit`` occurrences.
    """
    if thinklab.first_meeting_local is None:
        return []
    limit = min(limit, MAX_OCCURRENCES)
    rule = parse_rule(thinklab.rrule, thinklab.first_meeting_local, thinklab.timezone)
    if end is None and not is_bounded(rule):
        raise InvalidRecurrence(
            _("This rule never ends: ask for a range with an end, or add COUNT or UNTIL.")
        )
    changes = {change.original_local: change for change in thinklab.occurrence_changes}
    found = _following_rule(
        thinklab, rule, changes, start, end, include_cancelled=include_cancelled, limit=limit
    )
    found += _moved(thinklab, rule, changes, start, end)
    if len(found) > limit:
        raise _too_many(rule, limit)
    return sorted(found, key=lambda o: (o.starts_at, o.original_local))


def _too_many(rule: rrule | None, limit: int) -> InvalidRecurrence:
    if is_bounded(rule):
        return InvalidRecurrence(
            _("This range holds more than %(max)s meetings: ask for a shorter range.", max=limit)
        )
    return InvalidRecurrence(
        _(
            "This rule never ends and yields more than %(max)s meetings in this range: "
            "ask for a shorter range, or add COUNT or UNTIL.",
            max=limit,
        )
    )


def is_occurrence(rule: rrule | None, first_local: datetime, local: datetime) -> bool:
    """Tell whether ``local`` is one of the rule's wall-clock occurrences."""
    if rule is None:
        return local == first_local
    return rule.after(local - timedelta(seconds=1)) == local


def upcoming(thinklab: Thinklab, now: datetime, count: int) -> list[Occurrence]:
    """Return the next ``count`` meetings that end after ``now``, with skipped ones among them.

    Skipped occurrences do not count towards ``count``. The search looks ahead in growing
    windows (a month, a year, five, fifty) so that a quarterly rule still finds enough.

    :raises InvalidRecurrence: if the rule is unreadable or too dense even for a month.
    """
    found: list[Occurrence] = []
    for days in (30, 366, 5 * 366, 50 * 366):
        try:
            found = occurrences(thinklab, now, now + timedelta(days=days), include_cancelled=True)
        except InvalidRecurrence:
            if days == 30:
                raise
            break  # too many in the wider window: the narrower one had enough
        if sum(1 for o in found if not o.is_cancelled) >= count:
            break
    kept: list[Occurrence] = []
    taking_place = 0
    for occurrence in found:
        if taking_place >= count:
            break
        kept.append(occurrence)
        if not occurrence.is_cancelled:
            taking_place += 1
    return kept
