"""Reads of series and editions: public pages, organisers' lists, team, dashboard."""

from app.editions.queries.dashboard import dashboard
from app.editions.queries.editions import (
    EDITION_STATUS_LABELS,
    FORMAT_LABELS,
    all_series,
    edition_for_page,
    edition_number_taken,
    edition_slug_taken,
    edition_thinklabs,
    next_edition_defaults,
    organised_editions,
    partner_agreements,
    public_editions,
    publication_problems,
    series_by_slug,
    series_editions,
    version_of,
)
from app.editions.queries.team import team_of

__all__ = [
    "EDITION_STATUS_LABELS",
    "FORMAT_LABELS",
    "all_series",
    "dashboard",
    "edition_for_page",
    "edition_number_taken",
    "edition_slug_taken",
    "edition_thinklabs",
    "next_edition_defaults",
    "organised_editions",
    "partner_agreements",
    "public_editions",
    "publication_problems",
    "series_by_slug",
    "series_editions",
    "team_of",
    "version_of",
]
