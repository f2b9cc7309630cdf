"""Thinklab queries: members by category, upcoming meetings, roadmap and contributions."""

import logging
from datetime import UTC, date, datetime
from itertools import groupby

import nh3
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.labels import CATEGORY_LABELS as CATEGORY_LABELS  # re-exported
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
from app.thinklabs import recurrence
from app.thinklabs.recurrence import InvalidRecurrence, Occurrence
from app.timezones import LocalTimeError, utc_to_local

logger = logging.getLogger(__name__)

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


def upcoming_meetings(
    thinklab: Thinklab, *, now: datetime | None = None, limit: int = 5
) -> list[Occurrence]:
    """Return the next ``limit`` meetings from ``now``, with the skipped ones among them.

    Occurrences come from the thinklab's RRULE on the wall clock of its zone (see
    ``app.thinklabs.recurrence``); cancelled occurrences are returned, marked, but do
    not count towards ``limit``. An unreadable rule gives no meeting (and a log line).

    :param thinklab: a thinklab with its ``occurrence_changes`` loaded.
    :param now: the present instant (aware); defaults to the current time.
    :param limit: how many meetings that take place to return.
    """
    try:
        return recurrence.upcoming(thinklab, now or datetime.now(UTC), limit)
    except (InvalidRecurrence, LocalTimeError):
        logger.warning("thinklab %s has an unusable rule %r", thinklab.slug, thinklab.rrule)
        return []


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
        .options(joinedload(Contribution.author), selectinload(Contribution.files))
        .order_by(Contribution.created_at.desc(), Contribution.id.desc())
        .limit(limit)
    )
    return [
        (
            item,
            Markup(nh3.clean(item.body_html)),
            utc_to_local(item.created_at, thinklab.timezone).date(),
        )
        for item in reversed(list(db.session.scalars(query)))
    ]


def contribution_count(thinklab: Thinklab) -> int:
    """How many contributions the members of ``thinklab`` have shared."""
    return db.session.scalar(
        select(func.count(Contribution.id)).where(Contribution.thinklab_id == thinklab.id)
    )
