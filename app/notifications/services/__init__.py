"""Operations on mails: queue them in the outbox, change and release drafts, announce,
record people's choices, store an edition's wording, and deliver the outbox.

Other areas queue their mails through ``queue_email`` / ``queue_templated_email`` (or
one ``queue_job`` that the worker runs to write many) and write them from the template
registry (``EVENTS``, ``flatten``, ``render_notification``).
"""

from app.notifications.queries.registry import EVENTS
from app.notifications.queries.templates import flatten, render_notification
from app.notifications.services.announcements import create_announcement
from app.notifications.services.drafts import (
    discard,
    drafts_released,
    edit_draft,
    regenerate,
    release,
    resend,
)
from app.notifications.services.jobs import queue_job, register_job, run_due_jobs
from app.notifications.services.outbox import (
    Attachment,
    finish_bodies,
    one_line,
    queue_email,
    queue_templated_email,
)
from app.notifications.services.preferences import save_preferences, set_preference
from app.notifications.services.smtp import mail_server_configured
from app.notifications.services.templates import save_override
from app.notifications.services.worker import count_due, run_worker, send_due

__all__ = [
    "EVENTS",
    "Attachment",
    "count_due",
    "create_announcement",
    "discard",
    "drafts_released",
    "edit_draft",
    "finish_bodies",
    "flatten",
    "mail_server_configured",
    "one_line",
    "queue_email",
    "queue_job",
    "queue_templated_email",
    "regenerate",
    "register_job",
    "release",
    "render_notification",
    "resend",
    "run_due_jobs",
    "run_worker",
    "save_override",
    "save_preferences",
    "send_due",
    "set_preference",
]
