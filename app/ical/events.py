"""Feeds: the calendars of an edition, a session, a speaker, a thinklab, an agreement and
a person's agenda. They carry no METHOD: they are not iTIP messages."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from flask_babel import gettext as _
from icalendar import Calendar, Event, vRecur, vText

from app.ical.text import (
    agreement_uid,
    base_url,
    clean_text,
    last_modified,
    session_uid,
    thinklab_uid,
)
from app.ical.vtimezone import add_timezones, aware, vtimezone, zoned_values
from app.models import Agreement, ConferenceSession, SessionStatus, Thinklab

logger = logging.getLogger(__package__)

PRODID = "-//Agora//Agora calendars//EN"
REFRESH = timedelta(hours=1)
STATUS = {
    SessionStatus.CONFIRMED: "CONFIRMED",
    SessionStatus.TENTATIVE: "TENTATIVE",
    SessionStatus.CANCELLED: "CANCELLED",
}


# Calendars -------------------------------------------------------------------------------


def new_calendar(name: str, *, method: str | None = None, description: str = "") -> Calendar:
    """An empty calendar with its product, name and refresh interval.

    :param method: the iTIP method of an invitation; None for a feed, which is no iTIP
        message (and a PUBLISH would need an ORGANIZER on every event, RFC 5546 3.2.1).
    """
    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    if method:
        calendar.add("METHOD", method)
    name = " ".join(clean_text(name).split())
    # These are TEXT, but readers that do not know them (icalendar, ical.js) keep the
    # escapes of a value whose type is not stated: VALUE=TEXT states it.
    text = {"VALUE": "TEXT"}
    calendar.add("NAME", vText(name), parameters=text)
    calendar.add("X-WR-CALNAME", vText(name), parameters=text)
    if description:
        calendar.add("X-WR-CALDESC", vText(clean_text(description)), parameters=text)
    calendar.add("REFRESH-INTERVAL", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("X-PUBLISHED-TTL", "PT1H")
    return calendar


def finish(calendar: Calendar) -> Calendar:
    add_timezones(calendar)
    return calendar


def session_location(session_: ConferenceSession) -> str:
    """Room, venue and town, as far as they are known."""
    venue = session_.room.venue if session_.room is not None else session_.venue
    parts = []
    if session_.room is not None:
        parts.append(session_.room.name)
    if venue is not None:
        parts.append(venue.name)
        if venue.town and venue.town not in venue.name:
            parts.append(venue.town)
    if not parts and session_.online_url:
        parts.append(session_.online_url)
    return ", ".join(parts)


def session_description(session_: ConferenceSession) -> str:
    """The abstract, then the speakers (with their organisation) and the online link."""
    lines = []
    if session_.abstract:
        lines.append(clean_text(session_.abstract).strip())
    names = []
    for place in session_.speakers:
        speaker = place.speaker
        name = speaker.name
        if speaker.organisation is not None:
            name = f"{name} ({speaker.organisation.name})"
        names.append(name)
    if names:
        lines.append(_("Speakers: %(names)s", names=", ".join(names)))
    if session_.online_url:
        lines.append(_("Online: %(url)s", url=session_.online_url))
    return "\n\n".join(lines)


def session_to_component(session_: ConferenceSession, *, stamp: datetime | None = None) -> Event:
    """One session as a VEVENT with a UID that never changes.

    :param session_: a session with its room, venue, track and speakers loaded.
    :param stamp: the DTSTAMP; defaults to the session's last change (stable feeds).
    """
    modified = last_modified(session_.updated_at, session_.changed_at, session_.created_at)
    event = Event()
    event.add("UID", session_uid(session_))
    event.add("DTSTAMP", (stamp or modified).astimezone(UTC))
    event.add("LAST-MODIFIED", modified.astimezone(UTC))
    event.add("CREATED", session_.created_at.astimezone(UTC))
    event.add("SEQUENCE", session_.sequence)
    event.add("DTSTART", aware(session_.starts_local, session_.timezone))
    event.add("DTEND", aware(session_.ends_local, session_.timezone))
    event.add("SUMMARY", clean_text(session_.title))
    description = session_description(session_)
    if description:
        event.add("DESCRIPTION", description)
    location = session_location(session_)
    if location:
        event.add("LOCATION", clean_text(location))
    event.add("URL", f"{base_url()}/sessions/{session_.id}")
    if session_.track is not None:
        event.add("CATEGORIES", [clean_text(session_.track.name)])
    event.add("STATUS", STATUS[session_.status])
    event.add("TRANSP", "TRANSPARENT" if session_.is_cancelled else "OPAQUE")
    return event


def sessions_to_ical(name: str, sessions: Iterable[ConferenceSession], description: str = ""):
    calendar = new_calendar(name, description=description)
    for session_ in sessions:
        calendar.add_component(session_to_component(session_))
    return finish(calendar)


@dataclass(frozen=True)
class EventPiece:
    """One session's VEVENT as the feed writes it, and the zoned instants its VTIMEZONE covers."""

    body: bytes
    spans: tuple[tuple[str, datetime], ...]


def session_piece(session_: ConferenceSession) -> EventPiece:
    """One session's VEVENT bytes, kept per change of the session so that a feed of
    2,000 sessions rebuilds one piece after a change, not all of them."""
    event = session_to_component(session_)
    spans = (*zoned_values(event, "DTSTART"), *zoned_values(event, "DTEND"))
    return EventPiece(event.to_ical(), spans)


_END = b"END:VCALENDAR\r\n"


def calendar_from_pieces(name: str, pieces: Iterable[EventPiece], description: str = "") -> bytes:
    """The same bytes as :func:`sessions_to_ical` gives, assembled from kept VEVENTs.

    The calendar's properties and its VTIMEZONEs (covering the pieces' instants) come
    first, then the events in the order given, as ``Calendar.to_ical`` writes them.
    """
    pieces = list(pieces)
    spans: dict[str, list[datetime]] = {}
    for piece in pieces:
        for tzid, moment in piece.spans:
            spans.setdefault(tzid, []).append(moment)
    calendar = new_calendar(name, description=description)
    calendar.subcomponents[0:0] = [
        vtimezone(tzid, min(moments), max(moments)) for tzid, moments in sorted(spans.items())
    ]
    head = calendar.to_ical()
    return head.removesuffix(_END) + b"".join(piece.body for piece in pieces) + _END


def edition_to_ical(edition, sessions: Iterable[ConferenceSession]) -> Calendar:
    """An edition's feed: ``sessions`` (already filtered and loaded), cancelled ones kept."""
    return sessions_to_ical(edition.title, sessions, edition.theme or edition.description)


def session_to_ical(session_: ConferenceSession) -> Calendar:
    return sessions_to_ical(session_.title, [session_])


def speaker_to_ical(speaker, sessions: Iterable[ConferenceSession]) -> Calendar:
    return sessions_to_ical(_("Sessions of %(name)s", name=speaker.name), sessions)


# Thinklabs -------------------------------------------------------------------------------


def _rrule(text: str) -> vRecur | None:
    if not text:
        return None
    try:
        return vRecur.from_ical(text.removeprefix("RRULE:"))
    except ValueError:
        logger.warning("unreadable thinklab rule %r", text)
        return None


def _thinklab_description(thinklab: Thinklab) -> str:
    """The description, then the online link."""
    description = clean_text(thinklab.description).strip()
    if thinklab.online_url:
        description = "\n\n".join(
            part for part in (description, _("Online: %(url)s", url=thinklab.online_url)) if part
        )
    return description


def _thinklab_event(thinklab: Thinklab, modified: datetime, description: str) -> Event:
    """A VEVENT with what every component of a thinklab's series shares."""
    event = Event()
    event.add("UID", thinklab_uid(thinklab))
    event.add("DTSTAMP", modified.astimezone(UTC))
    event.add("LAST-MODIFIED", modified.astimezone(UTC))
    event.add("SUMMARY", clean_text(thinklab.name))
    if description:
        event.add("DESCRIPTION", description)
    location = clean_text(thinklab.location)
    if location:
        event.add("LOCATION", location)
    event.add("URL", f"{base_url()}/thinklabs/{thinklab.slug}")
    event.add("CATEGORIES", ["Thinklab"])
    return event


def _thinklab_master(thinklab: Thinklab, modified: datetime, description: str) -> Event:
    """The series' first meeting, without its rule."""
    zone = thinklab.timezone
    duration = timedelta(minutes=thinklab.meeting_minutes)
    master = _thinklab_event(thinklab, modified, description)
    master.add("SEQUENCE", thinklab.sequence)
    master.add("DTSTART", aware(thinklab.first_meeting_local, zone))
    master.add("DTEND", aware(thinklab.first_meeting_local + duration, zone))
    master.add("STATUS", "CONFIRMED")
    return master


def _moved_meeting(thinklab: Thinklab, change, modified: datetime, description: str) -> Event:
    """One moved meeting, tied to the series by RECURRENCE-ID."""
    moved = _thinklab_event(thinklab, modified, description)
    moved.add("SEQUENCE", max(thinklab.sequence, change.sequence))
    moved.add("RECURRENCE-ID", aware(change.original_local, thinklab.timezone))
    moved.add("DTSTART", aware(change.starts_local, change.timezone))
    moved.add("DTEND", aware(change.ends_local, change.timezone))
    moved.add("STATUS", "CONFIRMED")
    if change.note:
        moved.pop("DESCRIPTION", None)
        moved.add(
            "DESCRIPTION",
            "\n\n".join(part for part in (clean_text(change.note), description) if part),
        )
    return moved


def thinklab_components(thinklab: Thinklab) -> list[Event]:
    """A thinklab's meetings: one recurring VEVENT (RRULE, EXDATE for skipped meetings)
    and one VEVENT per moved meeting, tied to it by RECURRENCE-ID."""
    if thinklab.first_meeting_local is None:
        return []
    modified = last_modified(
        thinklab.updated_at,
        thinklab.created_at,
        *(change.created_at for change in thinklab.occurrence_changes),
    )
    description = _thinklab_description(thinklab)
    master = _thinklab_master(thinklab, modified, description)
    rule = _rrule(thinklab.rrule)
    if rule is None:
        return [master]
    master.add("RRULE", rule)
    skipped = [c for c in thinklab.occurrence_changes if c.is_cancelled]
    if skipped:
        master.add("EXDATE", [aware(c.original_local, thinklab.timezone) for c in skipped])
    return [master] + [
        _moved_meeting(thinklab, change, modified, description)
        for change in thinklab.occurrence_changes
        if not change.is_cancelled and change.starts_local is not None
    ]


def thinklab_to_ical(thinklab: Thinklab) -> Calendar:
    calendar = new_calendar(thinklab.name, description=thinklab.description)
    for component in thinklab_components(thinklab):
        calendar.add_component(component)
    return finish(calendar)


# Agreements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    key: str
    day: date
    title: str
    description: str = ""


def _term_milestones(agreement: Agreement) -> list[Milestone]:
    """Entry into force and expiry, as far as they are known."""
    milestones = []
    if agreement.effective_date:
        milestones.append(
            Milestone(
                "effective",
                agreement.effective_date,
                _("%(title)s: comes into force", title=agreement.title),
            )
        )
    if agreement.expiry_date:
        milestones.append(
            Milestone(
                "expiry", agreement.expiry_date, _("%(title)s: expires", title=agreement.title)
            )
        )
    return milestones


def _signature_milestones(agreement: Agreement) -> list[Milestone]:
    """One milestone per party that has signed."""
    return [
        Milestone(
            f"signed-{party.id}",
            party.signed_on,
            _(
                "%(title)s: signed by %(party)s",
                title=agreement.title,
                party=party.organisation.name,
            ),
            party.signatory_name,
        )
        for party in agreement.parties
        if party.signed_on
    ]


def _commitment_milestones(commitment) -> list[Milestone]:
    """A commitment's start (when it has one) and due date."""
    target = f"{commitment.target_value.normalize():f} {commitment.unit}".strip()
    detail = "\n".join(
        part
        for part in (
            _("Target: %(target)s", target=target),
            _("Owner: %(owner)s", owner=commitment.owner) if commitment.owner else "",
        )
        if part
    )
    milestones = []
    if commitment.start_date:
        milestones.append(
            Milestone(
                f"commitment-{commitment.id}-start",
                commitment.start_date,
                _("Starts: %(title)s", title=commitment.title),
                detail,
            )
        )
    milestones.append(
        Milestone(
            f"commitment-{commitment.id}",
            commitment.due_date,
            _("Due: %(title)s", title=commitment.title),
            detail,
        )
    )
    return milestones


def agreement_milestones(agreement: Agreement) -> list[Milestone]:
    """Dates an agreement's parties keep: entry into force, expiry, signatures, and each
    commitment's start and due date."""
    milestones = _term_milestones(agreement) + _signature_milestones(agreement)
    for commitment in agreement.commitments:
        milestones += _commitment_milestones(commitment)
    return milestones


def agreement_to_ical(agreement: Agreement) -> Calendar:
    """An agreement's milestones and commitments' due dates as all-day events."""
    calendar = new_calendar(agreement.title, description=agreement.summary)
    modified = last_modified(
        agreement.updated_at,
        *(commitment.updated_at for commitment in agreement.commitments),
    ).astimezone(UTC)
    url = f"{base_url()}/agreements/{agreement.id}"
    for milestone in agreement_milestones(agreement):
        event = Event()
        event.add("UID", agreement_uid(agreement, milestone.key))
        event.add("DTSTAMP", modified)
        event.add("LAST-MODIFIED", modified)
        event.add("SEQUENCE", 0)
        event.add("DTSTART", milestone.day)
        event.add("DTEND", milestone.day + timedelta(days=1))
        event.add("SUMMARY", clean_text(milestone.title))
        if milestone.description:
            event.add("DESCRIPTION", clean_text(milestone.description))
        event.add("URL", url)
        event.add("STATUS", "CONFIRMED")
        event.add("TRANSP", "TRANSPARENT")
        calendar.add_component(event)
    return finish(calendar)


# Personal agenda -------------------------------------------------------------------------


def agenda_to_ical(
    user, sessions: Iterable[ConferenceSession], thinklabs: Iterable[Thinklab]
) -> Calendar:
    """A person's agenda: sessions they starred or speak in, and their thinklabs' meetings."""
    calendar = new_calendar(_("Agenda of %(name)s", name=user.display_name))
    for session_ in sessions:
        calendar.add_component(session_to_component(session_))
    thinklabs = list(thinklabs)
    for thinklab in thinklabs:
        for component in thinklab_components(thinklab):
            calendar.add_component(component)
    return finish(calendar)
