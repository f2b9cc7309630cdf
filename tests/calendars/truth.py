"""What the pinned tzdata (``zoneinfo``) says: the instants every reader must find."""

from datetime import UTC, datetime, timedelta

from dateutil.rrule import rrulestr

from app.timezones import local_to_utc


def utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def meeting(local: datetime, zone: str, minutes: int) -> tuple[str, str]:
    """Start and end (UTC text) of a meeting on the wall clock of ``zone``."""
    return (
        utc(local_to_utc(local, zone)),
        utc(local_to_utc(local + timedelta(minutes=minutes), zone)),
    )


def series(
    first: datetime, rule: str, zone: str, minutes: int, until: datetime
) -> list[tuple[str, str]]:
    """Start and end of each meeting of ``rule`` from ``first`` (wall clock) that starts
    before the instant ``until``, placed by zoneinfo."""
    found = []
    for local in rrulestr(rule, dtstart=first):
        if local_to_utc(local, zone) >= until:
            break
        found.append(meeting(local, zone, minutes))
    return found
