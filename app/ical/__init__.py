"""iCalendar (RFC 5545) and iTIP (RFC 5546) builders: pure functions over loaded models.

Every builder returns an ``icalendar`` object (or bytes for invitations); the routes
only wrap the result in a ``text/calendar`` response. Times are written on the wall
clock of their IANA zone (the truth Agora stores) with ``TZID``, and every zone used
gets a VTIMEZONE computed from the pinned tzdata for exactly the span of the events
that use it: one observance per change of offset, each with its own DTSTART and no
RDATE list, which every reader understands (ical.js reads only the first value of an
RDATE list). A recurring event counts to its UNTIL or COUNT; one that never ends counts
to the horizon, the end of the ``OPEN_ENDED_YEARS``-th year after the current one.

Feeds (downloads and subscriptions) carry no METHOD: they are not iTIP messages.
Invitations carry METHOD:REQUEST or METHOD:CANCEL with an ORGANIZER (RFC 5546). UIDs
are stored with their objects and never follow the site's address.

The package is split by sub-domain: ``text`` (text, addresses, UIDs), ``vtimezone``
(zones and their transitions), ``events`` (the feeds) and ``itip`` (invitations).
"""

from app.ical.events import (
    PRODID,
    REFRESH,
    STATUS,
    EventPiece,
    Milestone,
    agenda_to_ical,
    agreement_milestones,
    agreement_to_ical,
    calendar_from_pieces,
    edition_to_ical,
    finish,
    new_calendar,
    session_description,
    session_location,
    session_piece,
    session_to_component,
    session_to_ical,
    sessions_to_ical,
    speaker_to_ical,
    thinklab_components,
    thinklab_to_ical,
)
from app.ical.itip import calendar_media_type, session_invitation, thinklab_invitation
from app.ical.text import agreement_uid, base_url, clean_text, session_uid, thinklab_uid
from app.ical.vtimezone import (
    MAX_EXPANDED,
    OPEN_ENDED_YEARS,
    UTC_ZONES,
    Change,
    add_timezones,
    aware,
    vtimezone,
)

__all__ = [
    "MAX_EXPANDED",
    "OPEN_ENDED_YEARS",
    "PRODID",
    "REFRESH",
    "STATUS",
    "UTC_ZONES",
    "Change",
    "EventPiece",
    "Milestone",
    "add_timezones",
    "agenda_to_ical",
    "agreement_milestones",
    "agreement_to_ical",
    "agreement_uid",
    "aware",
    "base_url",
    "calendar_from_pieces",
    "calendar_media_type",
    "clean_text",
    "edition_to_ical",
    "finish",
    "new_calendar",
    "session_description",
    "session_invitation",
    "session_location",
    "session_piece",
    "session_to_component",
    "session_to_ical",
    "session_uid",
    "sessions_to_ical",
    "speaker_to_ical",
    "thinklab_components",
    "thinklab_invitation",
    "thinklab_to_ical",
    "thinklab_uid",
    "vtimezone",
]
