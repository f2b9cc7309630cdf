"""Showcases' operations that change state: drafts and submission, materials, reviewing,
decisions and placement.

Every function checks all of its input before it changes anything, flushes and leaves
the commit to its caller; a refusal raises a ``DomainError`` (``FormErrors`` for input
refused field by field), and the caller rolls back. Rules that concern who may do
something (a delegate editing, a reviewer scoring) are checked here too, so that no
page can force them.

Importing this package connects ``record_released_decisions`` to the outbox's
``drafts_released`` signal.
"""

from app.showcases.services.decisions import (
    BulkResult,
    Decided,
    announce_decisions,
    decide,
    decide_many,
    record_released_decisions,
    release_mails,
)
from app.showcases.services.materials import add_materials, delete_material
from app.showcases.services.placement import link_session, set_stand, unlink_session
from app.showcases.services.reviewing import (
    TrackAssignment,
    assign,
    assign_track,
    save_review,
    unassign,
    unassign_track,
)
from app.showcases.services.submissions import (
    Created,
    StaleShowcase,
    Submitted,
    create_draft,
    delete_draft,
    submit,
    update_showcase,
    withdraw,
)

__all__ = [
    "BulkResult",
    "Created",
    "Decided",
    "StaleShowcase",
    "Submitted",
    "TrackAssignment",
    "add_materials",
    "announce_decisions",
    "assign",
    "assign_track",
    "create_draft",
    "decide",
    "decide_many",
    "delete_draft",
    "delete_material",
    "link_session",
    "record_released_decisions",
    "release_mails",
    "save_review",
    "set_stand",
    "submit",
    "unassign",
    "unassign_track",
    "unlink_session",
    "update_showcase",
    "withdraw",
]
