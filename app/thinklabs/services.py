"""Thinklab queries: members by category, upcoming meetings, roadmap and contributions."""

import logging
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import groupby

import nh3
from dateutil.rrule import rrulestr
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Contribution,
    Edition,
    EditionStatus,
    MeetingMode,
    RoadmapItem,
    RoadmapStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from app.timezones import (
    LocalTimeError,
    NonexistentLocalTime,
    get_zone,
    local_to_utc,
    utc_to_local,
)

logger = logging.getLogger(__name__)

# A guard against rules that never reach the present (a daily rule from 1900, say).
MAX_OCCURRENCES_SCANNED = 5000

MODE_LABELS = {
    MeetingMode.ONLINE: _l("Online"),
    MeetingMode.IN_PERSON: _l("In person"),
    MeetingMode.HYBRID: _l("Hybrid"),
}
ROADMAP_STATUS_LABELS = {
    RoadmapStatus.PLANNED: _l("Planned"),
    RoadmapStatus.IN_PROGRESS: _l("In progress"),
    RoadmapStatus.DONE: _l("Done"),
    RoadmapStatus.DROPPED: _l("Dropped"),
}


@dataclass(frozen=True)
class Meeting:
    """One occurrence of a thinklab's meetings, after its exceptions are applied."""

    original_local: datetime
    starts_at: datetime | None
    ends_at: datetime | None
    zone: str
    is_cancelled: bool = False
    is_moved: bool = False
    note: str = ""

    @property
    def day(self) -> date:
        """The day it takes place (or would have) on the thinklab's wall clock."""
        if self.starts_at is None:
            return self.original_local.date()
        return utc_to_local(self.starts_at, self.zone).date()


def all_thinklabs() -> list[Thinklab]:
    """Return the thinklabs whose edition, if any, is public, by name."""
    query = (
        select(Thinklab)
        .outerjoin(Edition, Thinklab.edition_id == Edition.id)
        .where(
            or_(
                Thinklab.edition_id.is_(None),
                Edition.status.in_([EditionStatus.PUBLISHED, EditionStatus.ARCHIVED]),
            )
        )
        .order_by(Thinklab.name)
    )
    return list(db.session.scalars(query))


def thinklab_for_page(slug: str) -> Thinklab | None:
    """Return the thinklab at ``slug`` with what its page shows, or None."""
    query = (
        select(Thinklab)
        .where(Thinklab.slug == slug)
        .options(
            selectinload(Thinklab.edition),
            selectinload(Thinklab.agreement),
            selectinload(Thinklab.members).selectinload(ThinklabMember.organisation),
            selectinload(Thinklab.composition_rules),
            selectinload(Thinklab.occurrence_changes),
            selectinload(Thinklab.roadmap_items),
        )
    )
    return db.session.scalar(query)


def members_by_category(thinklab: Thinklab) -> list[tuple[StakeholderCategory, list]]:
    """Group the members by stakeholder category, in the category list's order."""
    order = list(StakeholderCategory)
    members = sorted(thinklab.members, key=lambda m: (order.index(m.category), m.name))
    return [(category, list(group)) for category, group in groupby(members, lambda m: m.category)]


def composition_status(thinklab: Thinklab) -> list[tuple[StakeholderCategory, int, int]]:
    """Return ``(category, minimum, members present)`` for every composition rule."""
    counts: dict[StakeholderCategory, int] = {}
    for member in thinklab.members:
        counts[member.category] = counts.get(member.category, 0) + 1
    order = list(StakeholderCategory)
    rules = sorted(thinklab.composition_rules, key=lambda r: order.index(r.category))
    return [(rule.category, rule.minimum, counts.get(rule.category, 0)) for rule in rules]


def _instant(local: datetime, zone_name: str) -> datetime:
    """The UTC instant of a wall-clock time; a time the clocks skip keeps the offset before.

    RFC 5545 reads a nonexistent local time with the offset in force before the gap,
    which moves it forward by the gap's length.
    """
    try:
        return local_to_utc(local, zone_name)
    except NonexistentLocalTime:
        return local.replace(tzinfo=get_zone(zone_name), fold=0).astimezone(UTC)


def upcoming_meetings(
    thinklab: Thinklab, *, now: datetime | None = None, limit: int = 5
) -> list[Meeting]:
    """Return the next ``limit`` meetings from ``now``, with the skipped ones among them.

    Occurrences come from the thinklab's RRULE on the wall clock of its zone, starting
    at ``first_meeting_local``; a cancelled MeetingChange skips one (EXDATE) and a moved
    one replaces its times (RECURRENCE-ID). Cancelled occurrences are returned, marked,
    but do not count towards ``limit``.

    :param thinklab: a thinklab with its ``occurrence_changes`` loaded.
    :param now: the present instant (aware); defaults to the current time.
    :param limit: how many meetings that take place to return.
    """
    if thinklab.first_meeting_local is None:
        return []
    now = now or datetime.now(UTC)
    zone = thinklab.timezone
    duration = timedelta(minutes=thinklab.meeting_minutes)
    changes = {change.original_local: change for change in thinklab.occurrence_changes}
    try:
        occurrences = (
            rrulestr(thinklab.rrule, dtstart=thinklab.first_meeting_local)
            if thinklab.rrule
            else [thinklab.first_meeting_local]
        )
    except (ValueError, TypeError):
        logger.warning("thinklab %s has an unreadable rule %r", thinklab.slug, thinklab.rrule)
        return []
    meetings: list[Meeting] = []
    taking_place = 0
    try:
        for scanned, local in enumerate(occurrences):
            if scanned >= MAX_OCCURRENCES_SCANNED or taking_place >= limit:
                break
            change = changes.get(local)
            if change is not None and change.is_cancelled:
                if _instant(local, zone) + duration > now:
                    meetings.append(
                        Meeting(local, None, None, zone, is_cancelled=True, note=change.note)
                    )
                continue
            if change is not None and change.starts_local is not None:
                starts = _instant(change.starts_local, change.timezone)
                ends = _instant(change.ends_local, change.timezone)
                meeting = Meeting(local, starts, ends, zone, is_moved=True, note=change.note)
            else:
                starts = _instant(local, zone)
                meeting = Meeting(local, starts, starts + duration, zone)
            if meeting.ends_at > now:
                meetings.append(meeting)
                taking_place += 1
    except LocalTimeError:
        logger.warning("thinklab %s has a meeting in an unknown zone", thinklab.slug)
    return sorted(meetings, key=lambda m: m.starts_at or _instant(m.original_local, zone))


def roadmap_by_horizon(thinklab: Thinklab) -> list[tuple[int, list[RoadmapItem]]]:
    """Group the roadmap items by horizon year, nearest first."""
    items = sorted(thinklab.roadmap_items, key=lambda i: (i.horizon_year, i.position, i.id))
    return [(year, list(group)) for year, group in groupby(items, lambda i: i.horizon_year)]


def contributions(thinklab: Thinklab, limit: int = 20) -> list[tuple[Contribution, Markup, date]]:
    """Return the latest contributions, each with its body cleaned again and its local day.

    ``body_html`` is sanitised when it is saved; cleaning it once more on the way out
    keeps a row written by other means (an import, the demo loader) from injecting markup.
    """
    query = (
        select(Contribution)
        .where(Contribution.thinklab_id == thinklab.id)
        .options(selectinload(Contribution.author))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .limit(limit)
    )
    return [
        (
            item,
            Markup(nh3.clean(item.body_html)),
            utc_to_local(item.created_at, thinklab.timezone).date(),
        )
        for item in db.session.scalars(query)
    ]
