"""The public programme's timetable grid: one table per day, rooms across, time slots down."""

from dataclasses import dataclass
from datetime import date, datetime

from app.models import ConferenceSession, Room, Venue
from app.timezones import utc_to_local


@dataclass
class GridColumn:
    """A room (or "no room") on one day of the grid."""

    key: tuple
    room: Room | None
    venue: Venue | None


@dataclass
class GridCell:
    """Sessions of one room that overlap each other, spanning ``rowspan`` rows."""

    sessions: list[ConferenceSession]
    rowspan: int


@dataclass
class GridRow:
    starts_at: datetime
    zone: str
    cells: list[GridCell | None | bool]  # a cell, an empty slot, or True when spanned over


@dataclass
class GridDay:
    day: date
    zones: list[tuple[str, datetime]]
    columns: list[GridColumn]
    rows: list[GridRow]

    @property
    def has_several_venues(self) -> bool:
        return len({column.venue.id if column.venue else None for column in self.columns}) > 1


def group_by_day(sessions: list[ConferenceSession]) -> list[tuple[date, list[ConferenceSession]]]:
    """Group sessions (already in time order) by their venue's wall-clock day."""
    days: dict[date, list[ConferenceSession]] = {}
    for session_ in sessions:
        days.setdefault(session_.starts_local.date(), []).append(session_)
    return sorted(days.items())


def _room_of(session_: ConferenceSession) -> tuple[tuple, Room | None, Venue | None]:
    venue = session_.room.venue if session_.room is not None else session_.venue
    if session_.room is None:
        key = (1, venue.position if venue else 0, venue.id if venue else 0, 0, "", 0)
        return key, None, venue
    # The biggest room of a venue (the plenary) comes first: on a phone it is the column
    # seen without scrolling.
    capacity = -(session_.room.capacity or 0)
    key = (0, venue.position, venue.id, capacity, session_.room.name, session_.room.id)
    return key, session_.room, venue


def build_grid(sessions: list[ConferenceSession]) -> list[GridDay]:
    """Lay sessions out as one table per day: rooms across, time slots down.

    Rows run between consecutive start and end instants of the day; a session spans the
    rows it covers. Sessions of one room that overlap (a cancelled one and its
    replacement, say) share one cell.
    """
    grid = []
    for day, day_sessions in group_by_day(sessions):
        by_room: dict[tuple, list[ConferenceSession]] = {}
        columns: dict[tuple, GridColumn] = {}
        for session_ in day_sessions:
            key, room, venue = _room_of(session_)
            columns.setdefault(key, GridColumn(key=key, room=room, venue=venue))
            by_room.setdefault(key, []).append(session_)
        ordered = [columns[key] for key in sorted(columns)]
        bounds = sorted({s.starts_at for s in day_sessions} | {s.ends_at for s in day_sessions})
        row_of = {instant: index for index, instant in enumerate(bounds[:-1])}
        zone_at = {}
        for session_ in day_sessions:
            zone_at.setdefault(session_.starts_at, session_.timezone)
            zone_at.setdefault(session_.ends_at, session_.timezone)
        rows = [GridRow(starts_at=b, zone=zone_at[b], cells=[None] * len(ordered)) for b in bounds]
        rows = rows[:-1]
        for column_index, column in enumerate(ordered):
            for group in _overlapping_groups(by_room[column.key]):
                first = row_of[min(s.starts_at for s in group)]
                end = max(s.ends_at for s in group)
                last = row_of[end] if end in row_of else len(rows)
                rows[first].cells[column_index] = GridCell(sessions=group, rowspan=last - first)
                for index in range(first + 1, last):
                    rows[index].cells[column_index] = True
        zones = []  # one (zone, instant) per zone, and per offset when it changes that day
        seen = set()
        for session_ in day_sessions:
            offset = utc_to_local(session_.starts_at, session_.timezone).utcoffset()
            if (session_.timezone, offset) not in seen:
                seen.add((session_.timezone, offset))
                zones.append((session_.timezone, session_.starts_at))
        grid.append(GridDay(day=day, zones=zones, columns=ordered, rows=rows))
    return grid


def _overlapping_groups(sessions: list[ConferenceSession]) -> list[list[ConferenceSession]]:
    groups: list[list[ConferenceSession]] = []
    group_end = None
    for session_ in sorted(sessions, key=lambda s: (s.starts_at, s.ends_at, s.id)):
        if groups and session_.starts_at < group_end:
            groups[-1].append(session_)
            group_end = max(group_end, session_.ends_at)
        else:
            groups.append([session_])
            group_end = session_.ends_at
    return groups
