"""Reads of thinklabs: pages, members by category, meetings, roadmap, who may do what."""

import logging
from datetime import UTC, datetime
from itertools import groupby

from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.labels import CATEGORY_LABELS as CATEGORY_LABELS  # re-exported
from app.models import (
    Agreement,
    Edition,
    EditionStatus,
    MeetingMode,
    RoadmapItem,
    RoadmapStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    User,
    Venue,
)
from app.permissions import can_organise, can_see_edition, is_site_organiser
from app.thinklabs.queries import recurrence
from app.thinklabs.queries.recurrence import InvalidRecurrence, Occurrence
from app.timezones import LocalTimeError

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


def thinklab_or_404(slug: str) -> Thinklab:
    """Return the thinklab at ``slug`` (nothing else loaded); 404 when there is none."""
    return db.one_or_404(select(Thinklab).where(Thinklab.slug == slug))


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


def thinklabs_of_edition(edition: Edition) -> list[Thinklab]:
    """Return the thinklabs tied to ``edition``, by name."""
    query = select(Thinklab).where(Thinklab.edition_id == edition.id).order_by(Thinklab.name)
    return list(db.session.scalars(query))


def every_thinklab() -> list[Thinklab]:
    """Return every thinklab, public or not, by name (the site organisers' list)."""
    return list(db.session.scalars(select(Thinklab).order_by(Thinklab.name)))


def working_groups_seen_by(user: User | None, agreement: Agreement) -> list[Thinklab]:
    """Return the thinklabs working on ``agreement`` that ``user`` may see, by name.

    A group tied to an edition ``user`` may not see is left out.
    """
    groups = [
        group
        for group in agreement.working_groups
        if not (group.edition and not can_see_edition(user, group.edition))
    ]
    return sorted(groups, key=lambda group: group.name)


# Who may do what ---------------------------------------------------------------------------


def can_organise_thinklab(user: User | None, thinklab: Thinklab) -> bool:
    """Site organisers, and organisers of the thinklab's edition, run a thinklab."""
    if is_site_organiser(user):
        return True
    return thinklab.edition is not None and can_organise(user, thinklab.edition)


def is_member(user: User | None, thinklab: Thinklab) -> bool:
    """Tell whether ``user`` has a seat in ``thinklab``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(ThinklabMember.id).where(
                ThinklabMember.thinklab_id == thinklab.id, ThinklabMember.user_id == user.id
            )
        )
        is not None
    )


def can_read_contributions(user: User | None, thinklab: Thinklab) -> bool:
    """Contributions are posts members share: they, its organisers and admins read them."""
    return can_organise_thinklab(user, thinklab) or is_member(user, thinklab)


def membership(user: User, thinklab: Thinklab) -> ThinklabMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(ThinklabMember).where(
            ThinklabMember.thinklab_id == thinklab.id, ThinklabMember.user_id == user.id
        )
    )


# Choices of the organisers' forms ----------------------------------------------------------


def editions_for(user: User) -> list[Edition]:
    """The editions ``user`` may tie a thinklab to, newest first."""
    editions = db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.title))
    return [e for e in editions if can_organise(user, e)]


def all_agreements() -> list[Agreement]:
    return list(db.session.scalars(select(Agreement).order_by(Agreement.title)))


def venues_of(thinklab: Thinklab) -> list[Venue]:
    if thinklab.edition_id is None:
        return []
    return list(
        db.session.scalars(
            select(Venue).where(Venue.edition_id == thinklab.edition_id).order_by(Venue.position)
        )
    )
