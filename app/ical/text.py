"""Text, addresses and UIDs of the iCalendar builders, and the media type of a body."""

import re
from datetime import datetime

from flask import current_app

from app.models import Agreement, ConferenceSession, Thinklab

_METHOD = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: str | None) -> str:
    """Return ``value`` with line breaks as ``\\n`` and other control characters dropped.

    RFC 5545 TEXT has no place for CR or other controls; ``icalendar`` then escapes
    commas, semicolons, backslashes and newlines, and folds long lines.
    """
    if not value:
        return ""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", value)


def base_url() -> str:
    return current_app.config["AGORA_BASE_URL"].rstrip("/")


def session_uid(session_: ConferenceSession) -> str:
    """The session's UID, stored with it: the same whatever the site's address."""
    return session_.ical_uid


def thinklab_uid(thinklab: Thinklab) -> str:
    return thinklab.ical_uid


def agreement_uid(agreement: Agreement, key: str) -> str:
    """The UID of one of an agreement's milestones, built on the agreement's own UID.

    A UID of the form ``local@domain`` (those from before UIDs were stored) gives
    ``local-key@domain``, as it always did; a newer one gives ``<uid>-<key>``.
    """
    local, at, domain = agreement.ical_uid.rpartition("@")
    if not at:
        return f"{agreement.ical_uid}-{key}"
    return f"{local}-{key}@{domain}"


def last_modified(*moments: datetime | None) -> datetime:
    """The latest of ``moments`` that are known."""
    return max(moment for moment in moments if moment is not None)
