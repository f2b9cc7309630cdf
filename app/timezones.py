"""Wall-clock times in IANA zones: validation, conversion to UTC and labels.

Agora pins its time-zone rules to the ``tzdata`` package so every machine agrees,
whatever the operating system ships.
"""

import zoneinfo
from datetime import UTC, date, datetime, time
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l


def pin_tzdata() -> None:
    """Make ``zoneinfo`` read only the pinned ``tzdata`` package, not the system's files."""
    zoneinfo.reset_tzpath(to=[])
    ZoneInfo.clear_cache()
    _known_zones.cache_clear()
    for cached in ("canonical_zones", "_aliases"):
        if cached in globals():
            globals()[cached].cache_clear()


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


# Canonical zones for choice lists ----------------------------------------------------------

# The regions of the choice lists, in their order; other names ("UTC") go last.
REGIONS = (
    "Africa",
    "America",
    "Antarctica",
    "Arctic",
    "Asia",
    "Atlantic",
    "Australia",
    "Europe",
    "Indian",
    "Pacific",
)


def _tab_zones(name: str) -> set[str]:
    text = resources.files("tzdata.zoneinfo").joinpath(name).read_text(encoding="utf-8")
    return {
        line.split("\t")[2]
        for line in text.splitlines()
        if line and not line.startswith("#") and len(line.split("\t")) > 2
    }


@lru_cache(maxsize=1)
def canonical_zones() -> tuple[str, ...]:
    """Every canonical IANA zone (``zone.tab`` and ``zone1970.tab``, plus UTC), sorted;
    aliases such as ``US/Samoa`` or ``Africa/Asmera`` are left out."""
    names = (_tab_zones("zone.tab") | _tab_zones("zone1970.tab") | {"UTC"}) & _known_zones()
    return tuple(sorted(names))


def _zone_bytes(name: str) -> bytes:
    parts = name.split("/")
    package = ".".join(["tzdata.zoneinfo", *parts[:-1]])
    return resources.files(package).joinpath(parts[-1]).read_bytes()


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    """Each alias and the canonical zone it stands for.

    A link has the same file as its target; among canonical zones with that file, the one
    whose city is spelt most like the alias's wins ("Africa/Asmera" is Asmara), then one
    of ``zone1970.tab`` (the zone that keeps the rules since 1970).
    """
    main = _tab_zones("zone1970.tab")
    by_rules: dict[bytes, list[str]] = {}
    for name in canonical_zones():
        by_rules.setdefault(_zone_bytes(name), []).append(name)
    aliases = {}
    for name in _known_zones() - set(canonical_zones()):
        try:
            candidates = by_rules.get(_zone_bytes(name), [])
        except (OSError, ModuleNotFoundError):
            continue
        if candidates:
            city = name.rsplit("/", 1)[-1].lower()

            def likeness(zone: str, city: str = city) -> tuple:
                ratio = SequenceMatcher(None, city, zone.rsplit("/", 1)[-1].lower()).ratio()
                return (ratio >= 0.6, zone in main, ratio)

            aliases[name] = max(candidates, key=likeness)
    return aliases


def canonical_zone(name: str | None) -> str | None:
    """Return the canonical name of a zone ("Africa/Asmera" gives "Africa/Asmara"), the
    name itself when it is canonical, or None when it is unknown."""
    name = (name or "").strip()
    if name in canonical_zones():
        return name
    if not is_valid_zone(name):
        return None
    return _aliases().get(name, name)


def _region_label(region: str) -> str:
    labels = {
        "Africa": _l("Africa"),
        "America": _l("America"),
        "Antarctica": _l("Antarctica"),
        "Arctic": _l("Arctic"),
        "Asia": _l("Asia"),
        "Atlantic": _l("Atlantic Ocean"),
        "Australia": _l("Australia"),
        "Europe": _l("Europe"),
        "Indian": _l("Indian Ocean"),
        "Pacific": _l("Pacific Ocean"),
    }
    return str(labels.get(region, _l("Other")))


def zone_place(name: str) -> str:
    """A zone's place as a list shows it: "Casablanca", "Argentina – Buenos Aires"."""
    place = name.split("/", 1)[1] if "/" in name else name
    return place.replace("/", " – ").replace("_", " ")


def zone_groups(suggested=()) -> list[tuple[str, list[tuple[str, str]]]]:
    """The canonical zones grouped by region for a ``<select>``: ``(group, [(zone, label)])``.

    :param suggested: zones offered first (the venue's, the visitor's), in that order;
        an alias is shown as its canonical zone, an unknown name is left out.
    """
    first = []
    for name in suggested:
        zone = canonical_zone(name)
        if zone and zone not in first:
            first.append(zone)
    groups: list[tuple[str, list[tuple[str, str]]]] = []
    if first:
        groups.append((str(_l("Suggested")), [(zone, zone.replace("_", " ")) for zone in first]))
    by_region: dict[str, list[tuple[str, str]]] = {}
    for zone in canonical_zones():
        region = zone.split("/", 1)[0] if "/" in zone else ""
        by_region.setdefault(region, []).append((zone, zone_place(zone)))
    order = {region: index for index, region in enumerate(REGIONS)}
    for region in sorted(by_region, key=lambda r: order.get(r, len(order))):
        groups.append((_region_label(region), by_region[region]))
    return groups
