"""Invitations (iTIP, RFC 5546): METHOD:REQUEST or METHOD:CANCEL with an ORGANIZER, and
the media type of a calendar body."""

import re
from datetime import UTC, datetime, timedelta
from email.utils import parseaddr

from flask import current_app
from icalendar import Event

from app.ical.events import finish, new_calendar, session_to_component, thinklab_components
from app.ical.text import clean_text, thinklab_uid
from app.ical.vtimezone import aware
from app.models import ConferenceSession, Thinklab

_METHOD = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def calendar_media_type(body: bytes) -> str:
    """The media type of an iCalendar body: ``method=`` exactly when it has a METHOD.

    RFC 6047 (2.4) asks for the parameter on iTIP messages; a feed without METHOD
    must not claim one.
    """
    # The calendar's own properties come before its first component: a 2,000-event feed
    # need not be searched past its head.
    head_end = body.find(b"\nBEGIN:", body.find(b"BEGIN:VCALENDAR") + 1)
    found = _METHOD.search(body, 0, len(body) if head_end < 0 else head_end + 1)
    media_type = "text/calendar; charset=utf-8"
    return f"{media_type}; method={found.group(1).decode().upper()}" if found else media_type


def session_invitation(
    session_: ConferenceSession,
    attendee_email: str,
    attendee_name: str = "",
    method: str | None = None,
) -> bytes:
    """An iTIP invitation for one person: ``REQUEST`` (scheduled or moved) or ``CANCEL``.

    The UID is the feed's, and the SEQUENCE the session's, so the person's calendar
    updates the event it already has instead of adding another.

    :param method: ``"REQUEST"`` or ``"CANCEL"``; by default CANCEL for a cancelled
        session and REQUEST otherwise.
    :returns: the ``text/calendar`` body (its method is in the METHOD property).
    """
    method = (method or ("CANCEL" if session_.is_cancelled else "REQUEST")).upper()
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method!r}")
    calendar = new_calendar(session_.title, method=method)
    event = session_to_component(session_, stamp=datetime.now(UTC))
    _organizer_and_attendee(event, attendee_email, attendee_name)
    if method == "CANCEL":
        event.pop("STATUS", None)
        event.add("STATUS", "CANCELLED")
    calendar.add_component(event)
    return finish(calendar).to_ical()


def _organizer_and_attendee(event: Event, attendee_email: str, attendee_name: str) -> None:
    sender_name, sender_address = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    organizer_params = {"CN": clean_text(sender_name)} if sender_name else {}
    event.add("ORGANIZER", f"mailto:{sender_address}", parameters=organizer_params)
    attendee_params = {
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "TRUE",
        "CUTYPE": "INDIVIDUAL",
    }
    if attendee_name:
        attendee_params["CN"] = clean_text(attendee_name)
    event.add("ATTENDEE", f"mailto:{attendee_email}", parameters=attendee_params)


def thinklab_invitation(
    thinklab: Thinklab,
    attendee_email: str,
    attendee_name: str = "",
    *,
    method: str,
    occurrence=None,
) -> bytes:
    """An iTIP invitation of one member to a thinklab's meetings.

    ``REQUEST`` carries the whole series as the feed has it: the master VEVENT (RRULE,
    EXDATE of skipped meetings, SEQUENCE = ``Thinklab.sequence``) and one VEVENT per
    moved meeting tied to it by RECURRENCE-ID, all with the feed's UID. RFC 5546 allows
    a REQUEST for a single instance (4.4.3), but a client that never stored the series
    (a lost earlier mail, a member who declined and re-accepted) then keeps an orphan
    instance; Thunderbird, Apple Calendar, Google Calendar and Outlook all accept the
    master together with its overrides (RFC 5546 3.2.2: one REQUEST may carry the
    components of one UID) and apply each component whose SEQUENCE is higher than the
    one they hold. So a moved meeting (``occurrence`` given) is sent the same way: its
    override has the highest SEQUENCE of the message.

    ``CANCEL`` withdraws one meeting: ``occurrence`` (a skipped ``MeetingChange``) gives
    the RECURRENCE-ID, its original start in the group's zone, and the VEVENT says
    STATUS:CANCELLED (RFC 5546 3.2.5). Without ``occurrence`` it withdraws the whole
    series (a member who leaves the group): the master VEVENT without RECURRENCE-ID,
    STATUS:CANCELLED, SEQUENCE = ``Thinklab.sequence``, which drops the overrides too
    (RFC 5546 4.2.9); the caller raises that sequence above what the member last got.

    :param method: ``"REQUEST"`` or ``"CANCEL"``.
    :param occurrence: the ``MeetingChange`` a CANCEL is about, or None for the series.
    :raises ValueError: for another method or a thinklab without meetings.
    """
    method = method.upper()
    if method not in {"REQUEST", "CANCEL"}:
        raise ValueError(f"unsupported iTIP method {method!r}")
    components = thinklab_components(thinklab)
    if not components:
        raise ValueError("the thinklab has no meetings")
    now = datetime.now(UTC)
    calendar = new_calendar(thinklab.name, method=method)
    if method == "CANCEL" and occurrence is None:
        events = [_cancelled_series(components[0], now)]
    elif method == "CANCEL":
        events = [_cancelled_meeting(thinklab, components[0], occurrence, now)]
    else:
        events = _requested_series(components, now)
    for event in events:
        _organizer_and_attendee(event, attendee_email, attendee_name)
        calendar.add_component(event)
    return finish(calendar).to_ical()


def _cancelled_series(master: Event, now: datetime) -> Event:
    """The master VEVENT, stripped to what withdraws the whole series."""
    for name in ("DTSTAMP", "STATUS", "DESCRIPTION", "LOCATION", "URL", "CATEGORIES"):
        master.pop(name, None)
    master.add("DTSTAMP", now)
    master.add("STATUS", "CANCELLED")
    return master


def _cancelled_meeting(thinklab: Thinklab, master: Event, occurrence, now: datetime) -> Event:
    """A VEVENT withdrawing one meeting, at its original start in the group's zone."""
    zone = thinklab.timezone
    event = Event()
    event.add("UID", thinklab_uid(thinklab))
    event.add("DTSTAMP", now)
    event.add("SEQUENCE", max(thinklab.sequence or 0, occurrence.sequence or 0))
    event.add("RECURRENCE-ID", aware(occurrence.original_local, zone))
    event.add("DTSTART", aware(occurrence.original_local, zone))
    event.add(
        "DTEND",
        aware(occurrence.original_local + timedelta(minutes=thinklab.meeting_minutes), zone),
    )
    event.add("SUMMARY", master["SUMMARY"])
    event.add("STATUS", "CANCELLED")
    return event


def _requested_series(components: list[Event], now: datetime) -> list[Event]:
    """The series as the feed has it, stamped now."""
    for event in components:
        event.pop("DTSTAMP", None)
        event.add("DTSTAMP", now)
    return components
