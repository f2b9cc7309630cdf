"""What the pinned tzdata (``zoneinfo``) says: the instants every reader must find."""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from dateutil.rrule import rrulestr

from app.timezones import get_zone, local_to_utc


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meeting(local: datetime, zone: str, minutes: int) -> tuple[str, str]:
    """Start and end (UTC text) of a meeting on the wall clock of ``zone``."""
    return (
        utc(local_to_utc(local, zone)),
        utc(local_to_utc(local + timedelta(minutes=minutes), zone)),
    )


def series(
    first: datetime,
    rule: str,
    zone: str,
    minutes: int,
    until: datetime,
    *,
    skipped: frozenset[datetime] = frozenset(),
    moved: dict[datetime, tuple[datetime, str, int]] | None = None,
) -> list[tuple[str, str]]:
    """Start and end of each meeting of ``rule`` from ``first`` (wall clock, always the
    first meeting) whose original start is before the instant ``until``.

    :param skipped: original starts of meetings that do not take place.
    :param moved: original start -> (new start, its zone, its minutes).
    """
    moved = moved or {}
    starts = [first]
    for aware in rrulestr(rule, dtstart=first.replace(tzinfo=get_zone(zone))):
        local = aware.replace(tzinfo=None)
        if local_to_utc(local, zone) >= until:
            break
        if local != first:
            starts.append(local)
    found = []
    for local in starts:
        if local in skipped or local_to_utc(local, zone) >= until:
            continue
        if local in moved:
            found.append(meeting(*moved[local]))
        else:
            found.append(meeting(local, zone, minutes))
    return found


def thinklab_meetings(thinklab, until: datetime, *, moves: bool = True) -> list[tuple[str, str]]:
    """A thinklab's meetings (``series``) without its skipped ones, and with its moved
    ones where they moved to (unless ``moves`` is false: a message without them)."""
    skipped = frozenset(c.original_local for c in thinklab.occurrence_changes if c.is_cancelled)
    moved = {
        c.original_local: (
            c.starts_local,
            c.timezone,
            int((c.ends_local - c.starts_local).total_seconds() // 60),
        )
        for c in thinklab.occurrence_changes
        if moves and not c.is_cancelled and c.starts_local is not None
    }
    return series(
        thinklab.first_meeting_local,
        thinklab.rrule,
        thinklab.timezone,
        thinklab.meeting_minutes,
        until,
        skipped=skipped,
        moved=moved,
    )


@dataclass
class Truth:
    """What zoneinfo says of the events of some calendars, by UID, and a count of the
    instants found equal to it."""

    until: datetime
    sessions: dict[str, tuple[str, str]] = field(default_factory=dict)
    masters: dict[str, tuple[str, str]] = field(default_factory=dict)
    instances: dict[tuple[str, str], tuple[str, str]] = field(default_factory=dict)
    series: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    unmoved: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    compared: int = 0

    def add_session(self, session_) -> None:
        self.sessions[session_.ical_uid] = (
            utc(local_to_utc(session_.starts_local, session_.timezone)),
            utc(local_to_utc(session_.ends_local, session_.timezone)),
        )

    def add_thinklab(self, thinklab) -> None:
        zone, minutes, uid = thinklab.timezone, thinklab.meeting_minutes, thinklab.ical_uid
        self.masters[uid] = meeting(thinklab.first_meeting_local, zone, minutes)
        for change in thinklab.occurrence_changes:
            recurrence = meeting(change.original_local, zone, minutes)[0]
            if change.is_cancelled or change.starts_local is None:
                found = meeting(change.original_local, zone, minutes)
            else:
                found = (
                    utc(local_to_utc(change.starts_local, change.timezone)),
                    utc(local_to_utc(change.ends_local, change.timezone)),
                )
            self.instances[(uid, recurrence)] = found
        if thinklab.rrule:
            self.series[uid] = sorted(thinklab_meetings(thinklab, self.until))
            self.unmoved[uid] = sorted(thinklab_meetings(thinklab, self.until, moves=False))

    def check(self, reading: dict) -> None:
        """Check that every instant of ``reading`` (one the three readers agreed on)
        is zoneinfo's; events of other UIDs (agreements' days) are left alone."""
        for (uid, recurrence), event in reading["events"].items():
            found = (event["start"], event["end"])
            if uid in self.sessions:
                assert found == self.sessions[uid], uid
            elif uid in self.masters and recurrence is None:
                assert found == self.masters[uid], uid
            elif uid in self.masters:
                assert found == self.instances[(uid, recurrence)], (uid, recurrence)
            else:
                continue
            self.compared += 2
        # A message that withdraws a whole series carries its master only (RFC 5546
        # 4.2.9): its meetings are where the rule puts them.
        with_overrides = {uid for uid, recurrence in reading["events"] if recurrence}
        by_uid: dict[str, list[tuple[str, str]]] = {}
        for uid, start, end in reading["occurrences"]:
            by_uid.setdefault(uid, []).append((start, end))
        for uid, found in by_uid.items():
            expected = self.series[uid] if uid in with_overrides else self.unmoved[uid]
            assert found == expected, uid
            self.compared += 2 * len(found)
