"""Reads of thinklabs: pages, members, meetings (``recurrence``), contributions.

Other areas import these names from here; inside the area, import the submodules.
"""

from app.thinklabs.queries.contributions import (
    contribution_count,
    contributions,
    contributions_after,
    file_of,
    safe_body,
)
from app.thinklabs.queries.recurrence import InvalidRecurrence, Occurrence, occurrences
from app.thinklabs.queries.thinklab import (
    CATEGORY_LABELS,
    MODE_LABELS,
    ROADMAP_STATUS_LABELS,
    all_thinklabs,
    can_organise_thinklab,
    can_read_contributions,
    composition_status,
    is_member,
    members_by_category,
    membership,
    roadmap_by_horizon,
    thinklab_for_page,
    upcoming_meetings,
    working_groups_seen_by,
)

__all__ = [
    "CATEGORY_LABELS",
    "MODE_LABELS",
    "ROADMAP_STATUS_LABELS",
    "InvalidRecurrence",
    "Occurrence",
    "all_thinklabs",
    "can_organise_thinklab",
    "can_read_contributions",
    "composition_status",
    "contribution_count",
    "contributions",
    "contributions_after",
    "file_of",
    "is_member",
    "members_by_category",
    "membership",
    "occurrences",
    "roadmap_by_horizon",
    "safe_body",
    "thinklab_for_page",
    "upcoming_meetings",
    "working_groups_seen_by",
]
