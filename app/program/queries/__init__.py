"""Reads of the programme: the public programme and its grid, schedule conflicts, organiser pages.

Other areas import these names from here; inside the area, import the submodule.
"""

from app.program.queries.conflicts import ScheduleConflict, edition_conflicts, session_conflicts
from app.program.queries.programme import (
    NO_OPTIONS,
    PUBLIC_STATUSES,
    FilterOptions,
    ProgrammeFilters,
    ProgrammeQuery,
    asks_for_filters,
    edition_by_slug,
    filter_options,
    parse_programme_query,
    programme_rows,
    programme_sessions,
    session_filter_clauses,
    session_with_details,
    speaker_with_public_sessions,
    starred_session_ids,
)

__all__ = [
    "NO_OPTIONS",
    "asks_for_filters",
    "PUBLIC_STATUSES",
    "FilterOptions",
    "ProgrammeFilters",
    "ProgrammeQuery",
    "ScheduleConflict",
    "edition_by_slug",
    "edition_conflicts",
    "filter_options",
    "parse_programme_query",
    "programme_rows",
    "programme_sessions",
    "session_conflicts",
    "session_filter_clauses",
    "session_with_details",
    "speaker_with_public_sessions",
    "starred_session_ids",
]
