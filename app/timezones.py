"""Wall-clock times in IANA zones: validation, conversion to UTC and labels.

Agora pins its time-zone rules to the ``tzdata`` package so every machine agrees,
whatever the operating system ships.
"""

import zoneinfo
from datetime import UTC, date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo


def pin_tzdata() -> None:
    """Make ``zoneinfo`` read only the pinned ``tzdata`` package, not the system's files."""
    zoneinfo.reset_tzpath(to=[])
    ZoneInfo.clear_cache()
    _known_zones.cache_clear()


class LocalTimeError(ValueError):
    """A wall-clock time that cannot be placed in its zone."""


class UnknownZone(LocalTimeError):
    pass


class NonexistentLocalTime(LocalTimeError):
    pass


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


pin_tzdata()


def is_valid_zone(name: str | None) -> bool:
    """Tell whether ``name`` is an IANA zone the pinned data knows."""
    return bool(name) and name in _known_zones()


def all_zones() -> list[str]:
    """Return every IANA zone name, sorted, for choice lists."""
    return sorted(_known_zones())


def get_zone(name: str) -> ZoneInfo:
    """Return the zone called ``name``.

    :raises UnknownZone: if the pinned data has no such zone.
    """
    if not is_valid_zone(name):
        raise UnknownZone(f"Unknown time zone: {name!r}")
    return ZoneInfo(name)


def local_to_utc(local: datetime, zone_name: str) -> datetime:
    """Return the UTC instant of a naive wall-clock time in ``zone_name``.

    An ambiguous time (clocks going back) is the first of its two instants.

    :raises UnknownZone: if the zone is unknown.
    :raises NonexistentLocalTime: if clocks skip over ``local`` (a DST gap).
    """
    if local.tzinfo is not None:
        raise ValueError("local_to_utc takes a naive wall-clock time")
    zone = get_zone(zone_name)
    aware = local.replace(tzinfo=zone, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local:
        raise NonexistentLocalTime(
            f"{local:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip it."
        )
    return instant


def utc_to_local(instant: datetime, zone_name: str) -> datetime:
    """Return the aware wall-clock time of ``instant`` in ``zone_name``."""
    return instant.astimezone(get_zone(zone_name))


def day_start_utc(day: date, zone_name: str) -> datetime:
    """Return the UTC instant at which ``day`` begins in ``zone_name``."""
    local = datetime.combine(day, time(0, 0))
    zone = get_zone(zone_name)
    return local.replace(tzinfo=zone).astimezone(UTC)


def utc_offset_label(instant: datetime, zone_name: str) -> str:
    """Return "UTC+1", "UTC-3:30" or "UTC" for ``instant`` in ``zone_name``."""
    offset = utc_to_local(instant, zone_name).utcoffset()
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def city_of_zone(zone_name: str) -> str:
    """Return the city part of a zone name: "Africa/Casablanca" gives "Casablanca"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def zone_label(instant: datetime, zone_name: str) -> str:
    """Return a label such as "Casablanca, UTC+1" for ``instant`` in ``zone_name``."""
    return f"{city_of_zone(zone_name)}, {utc_offset_label(instant, zone_name)}"
