"""Reads of mails: the outbox of an edition, announcement groups, people's choices, and
the template registry with its rendering and previews."""

from app.notifications.queries.audiences import AUDIENCES, group_members, thinklabs_of
from app.notifications.queries.outbox import (
    PAGE_SIZE,
    announcements_of,
    draft_count,
    kinds_of,
    list_messages,
    message_of,
    status_counts,
    user_name,
)
from app.notifications.queries.preferences import preferences_of, read_unsubscribe_token
from app.notifications.queries.registry import CATEGORIES, EVENTS, LOCALES, kind_label
from app.notifications.queries.templates import (
    default_sources,
    find_override,
    overridden_templates,
    preview,
    render_notification,
)

__all__ = [
    "AUDIENCES",
    "CATEGORIES",
    "EVENTS",
    "kind_label",
    "LOCALES",
    "PAGE_SIZE",
    "announcements_of",
    "default_sources",
    "draft_count",
    "find_override",
    "group_members",
    "kinds_of",
    "list_messages",
    "message_of",
    "overridden_templates",
    "preferences_of",
    "preview",
    "read_unsubscribe_token",
    "render_notification",
    "status_counts",
    "thinklabs_of",
    "user_name",
]
