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
"""

import itertools
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from email.utils import parseaddr
from functools import lru_cache
from typing import NamedTuple

from dateutil.rrule import rrulestr
from flask import current_app
from flask_babel import gettext as _
from icalendar import Calendar, Event, Timezone, TimezoneDaylight, TimezoneStandard, vRecur, vText

from app.models import (
    Agreement,
    ConferenceSession,
    SessionStatus,
    Thinklab,
)
from app.timezones import get_zone

logger = logging.getLogger(__name__)

PRODID = "-//Agora//Agora calendars//EN"
REFRESH = timedelta(hours=1)
UTC_ZONES = {"UTC", "Etc/UTC", "Etc/GMT", "GMT", "Etc/Zulu", "Zulu", "Etc/Universal"}
# A recurring event without COUNT or UNTIL is covered to the end of this many years
# after the current one (its VTIMEZONE stops there).
OPEN_ENDED_YEARS = 10
# Occurrences expanded to find the last one of a COUNT rule, at most.
MAX_EXPANDED = 10_000
_METHOD = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
STATUS = {
    SessionStatus.CONFIRMED: "CONFIRMED",
    SessionStatus.TENTATIVE: "TENTATIVE",
    SessionStatus.CANCELLED: "CANCELLED",
}


# Text and addresses ----------------------------------------------------------------------


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


def calendar_media_type(body: bytes) -> str:
    """The media type of an iCalendar body: ``method=`` exactly when it has a METHOD.

    RFC 6047 (2.4) asks for the parameter on iTIP messages; a feed without METHOD
    must not claim one.
    """
    found = _METHOD.search(body)
    media_type = "text/calendar; charset=utf-8"
    return f"{media_type}; method={found.group(1).decode().upper()}" if found else media_type


# Time zones ------------------------------------------------------------------------------


def _zone(name: str):
    return UTC if name in UTC_ZONES else get_zone(name)


def aware(local: datetime, zone_name: str) -> datetime:
    """Attach ``zone_name`` to a naive wall-clock time (UTC zones give a ``Z`` time)."""
    return local.replace(tzinfo=_zone(zone_name), fold=0)


class Change(NamedTuple):
    """A change of a zone's offset or abbreviation, as the pinned tzdata has it."""

    instant: datetime  # UTC
    before: timedelta
    after: timedelta
    name: str | None
    is_dst: bool


def _transitions(zone_name: str, first: datetime, last: datetime) -> Iterator[Change]:
    """Yield each change after ``first`` up to ``last`` (UTC instants).

    Scans every six hours and bisects to the second, so that short periods (Morocco's
    Ramadan hour, a few weeks long) are never stepped over.
    """
    zone = get_zone(zone_name)

    def state(instant: datetime):
        local = instant.astimezone(zone)
        return local.utcoffset(), local.tzname(), bool(local.dst())

    step = timedelta(hours=6)
    instant = first
    current = state(instant)
    while instant < last:
        following = min(instant + step, last)
        after = state(following)
        if after[0] != current[0] or after[1] != current[1]:
            # On whole seconds, as tzdata has them: ``high`` ends on the change itself.
            low, high = int(instant.timestamp()), int(following.timestamp())
            while high - low > 1:
                middle = (low + high) // 2
                if state(datetime.fromtimestamp(middle, UTC))[:2] == current[:2]:
                    low = middle
                else:
                    high = middle
            yield Change(
                datetime.fromtimestamp(high, UTC), current[0], after[0], after[1], after[2]
            )
        instant, current = following, after


@lru_cache(maxsize=4096)
def _changes_in_year(zone_name: str, year: int) -> tuple[Change, ...]:
    """The changes after the first instant of ``year`` (UTC) up to the next year's."""
    first = datetime(year, 1, 1, tzinfo=UTC)
    return tuple(_transitions(zone_name, first, first.replace(year=year + 1)))


def _changes(zone_name: str, first: datetime, last: datetime) -> list[Change]:
    """The changes after ``first`` up to ``last`` (included)."""
    return [
        change
        for year in range(first.year - 1, last.year + 1)
        for change in _changes_in_year(zone_name, year)
        if first < change.instant <= last
    ]


def _change_in_force(zone_name: str, moment: datetime) -> Change | None:
    """The last change at or before ``moment``, within the three years before it."""
    earlier = [
        change
        for year in range(moment.year - 3, moment.year + 1)
        for change in _changes_in_year(zone_name, year)
        if change.instant <= moment
    ]
    return earlier[-1] if earlier else None


def _offset_name(offset: timedelta) -> str:
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _observance(onset: datetime, before: timedelta, after: timedelta, name, is_dst: bool):
    part = TimezoneDaylight() if is_dst else TimezoneStandard()
    part.add("DTSTART", onset)
    part.add("TZOFFSETFROM", before)
    part.add("TZOFFSETTO", after)
    part.add("TZNAME", name or _offset_name(after))
    return part


def vtimezone(zone_name: str, first: datetime, last: datetime) -> Timezone:
    """Return the VTIMEZONE of ``zone_name`` from instant ``first`` to instant ``last``.

    Its first observance is the one in force at ``first``, from the change that began it
    (or from that day's midnight, for a zone that has not changed in the years before);
    then comes one observance per change up to ``last``, each with a single DTSTART on
    the wall clock before the change, as the pinned tzdata says.
    """
    first, last = first.astimezone(UTC), last.astimezone(UTC)
    timezone = Timezone()
    timezone.add("TZID", zone_name)
    in_force = _change_in_force(zone_name, first)
    changes = _changes(zone_name, first, last)
    if in_force is None:
        local = first.astimezone(get_zone(zone_name))
        onset = datetime.combine(local.date(), time(0))
        offset = local.utcoffset()
        timezone.add_component(
            _observance(onset, offset, offset, local.tzname(), bool(local.dst()))
        )
    else:
        changes.insert(0, in_force)
    for change in changes:
        onset = (change.instant + change.before).replace(tzinfo=None)
        timezone.add_component(
            _observance(onset, change.before, change.after, change.name, change.is_dst)
        )
    return timezone


def _horizon() -> datetime:
    """Where a recurring event without end stops counting: the end of the
    ``OPEN_ENDED_YEARS``-th year after the current one."""
    return datetime(datetime.now(UTC).year + OPEN_ENDED_YEARS + 1, 1, 1, tzinfo=UTC)


def _zoned_values(component, name: str) -> list[tuple[str, datetime]]:
    """``(TZID, aware date-time)`` of each value of property ``name`` that has a TZID."""
    values = component.get(name)
    if values is None:
        return []
    found = []
    for prop in values if isinstance(values, list) else [values]:
        tzid = prop.params.get("TZID")
        if not tzid:
            continue
        moment = getattr(prop, "dt", None)
        moments = [moment] if moment is not None else [value.dt for value in prop.dts]
        found += [(str(tzid), moment) for moment in moments if isinstance(moment, datetime)]
    return found


def _last_start(component, start: datetime, horizon: datetime) -> datetime | None:
    """The start of a recurring event's last occurrence: its UNTIL, its COUNT-th
    occurrence, or ``horizon`` for a rule without end; None for a single event."""
    rule = component.get("RRULE")
    if rule is None:
        return None
    if "UNTIL" in rule:
        until = rule["UNTIL"][0]
        if not isinstance(until, datetime):
            return datetime.combine(until, time(23, 59, 59), tzinfo=start.tzinfo)
        return until if until.tzinfo is not None else until.replace(tzinfo=start.tzinfo)
    if "COUNT" in rule:
        expanded = rrulestr(rule.to_ical().decode(), dtstart=start.replace(tzinfo=None))
        starts = list(itertools.islice(expanded, MAX_EXPANDED + 1))
        if starts and len(starts) <= MAX_EXPANDED:
            return starts[-1].replace(tzinfo=start.tzinfo)
    return max(horizon, start)


def add_timezones(calendar: Calendar) -> None:
    """Add a VTIMEZONE for every TZID the calendar's events use, covering exactly the
    span of those events (recurring ones to their last occurrence or the horizon)."""
    horizon = _horizon()
    spans: dict[str, list[datetime]] = {}
    for component in calendar.walk("VEVENT"):
        for name in ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE"):
            for tzid, moment in _zoned_values(component, name):
                spans.setdefault(tzid, []).append(moment)
        starts = _zoned_values(component, "DTSTART")
        if not starts:
            continue
        tzid, start = starts[0]
        last = _last_start(component, start, horizon)
        if last is not None:
            end = component.get("DTEND")
            duration = end.dt - start if end is not None else timedelta(0)
            spans[tzid].append(last + duration)
    calendar.subcomponents[0:0] = [
        vtimezone(tzid, min(moments), max(moments)) for tzid, moments in sorted(spans.items())
    ]


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


# Sessions --------------------------------------------------------------------------------


def _last_modified(*moments: datetime | None) -> datetime:
    return max(moment for moment in moments if moment is not None)


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
    modified = _last_modified(session_.updated_at, session_.changed_at, session_.created_at)
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


def thinklab_components(thinklab: Thinklab) -> list[Event]:
    """A thinklab's meetings: one recurring VEVENT (RRULE, EXDATE for skipped meetings)
    and one VEVENT per moved meeting, tied to it by RECURRENCE-ID."""
    if thinklab.first_meeting_local is None:
        return []
    zone = thinklab.timezone
    uid = thinklab_uid(thinklab)
    modified = _last_modified(
        thinklab.updated_at,
        thinklab.created_at,
        *(change.created_at for change in thinklab.occurrence_changes),
    )
    description = clean_text(thinklab.description).strip()
    if thinklab.online_url:
        description = "\n\n".join(
            part for part in (description, _("Online: %(url)s", url=thinklab.online_url)) if part
        )
    location = clean_text(thinklab.location)
    url = f"{base_url()}/thinklabs/{thinklab.slug}"
    duration = timedelta(minutes=thinklab.meeting_minutes)

    def base(event: Event) -> Event:
        event.add("UID", uid)
        event.add("DTSTAMP", modified.astimezone(UTC))
        event.add("LAST-MODIFIED", modified.astimezone(UTC))
        event.add("SUMMARY", clean_text(thinklab.name))
        if description:
            event.add("DESCRIPTION", description)
        if location:
            event.add("LOCATION", location)
        event.add("URL", url)
        event.add("CATEGORIES", ["Thinklab"])
        return event

    master = base(Event())
    master.add("SEQUENCE", thinklab.sequence)
    master.add("DTSTART", aware(thinklab.first_meeting_local, zone))
    master.add("DTEND", aware(thinklab.first_meeting_local + duration, zone))
    master.add("STATUS", "CONFIRMED")
    rule = _rrule(thinklab.rrule)
    components = [master]
    if rule is None:
        return components
    master.add("RRULE", rule)
    skipped = [c for c in thinklab.occurrence_changes if c.is_cancelled]
    if skipped:
        master.add("EXDATE", [aware(c.original_local, zone) for c in skipped])
    for change in thinklab.occurrence_changes:
        if change.is_cancelled or change.starts_local is None:
            continue
        moved = base(Event())
        moved.add("SEQUENCE", max(thinklab.sequence, change.sequence))
        moved.add("RECURRENCE-ID", aware(change.original_local, zone))
        moved.add("DTSTART", aware(change.starts_local, change.timezone))
        moved.add("DTEND", aware(change.ends_local, change.timezone))
        moved.add("STATUS", "CONFIRMED")
        if change.note:
            moved.pop("DESCRIPTION", None)
            moved.add(
                "DESCRIPTION",
                "\n\n".join(part for part in (clean_text(change.note), description) if part),
            )
        components.append(moved)
    return components


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


def agreement_milestones(agreement: Agreement) -> list[Milestone]:
    """Dates an agreement's parties keep: entry into force, expiry, signatures, and each
    commitment's start and due date."""
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
    for party in agreement.parties:
        if party.signed_on:
            milestones.append(
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
            )
    for commitment in agreement.commitments:
        target = f"{commitment.target_value.normalize():f} {commitment.unit}".strip()
        detail = "\n".join(
            part
            for part in (
                _("Target: %(target)s", target=target),
                _("Owner: %(owner)s", owner=commitment.owner) if commitment.owner else "",
            )
            if part
        )
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


def agreement_to_ical(agreement: Agreement) -> Calendar:
    """An agreement's milestones and commitments' due dates as all-day events."""
    calendar = new_calendar(agreement.title, description=agreement.summary)
    modified = _last_modified(
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


# Invitations (iTIP) ----------------------------------------------------------------------


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
        master = components[0]
        for name in ("DTSTAMP", "STATUS", "DESCRIPTION", "LOCATION", "URL", "CATEGORIES"):
            master.pop(name, None)
        master.add("DTSTAMP", now)
        master.add("STATUS", "CANCELLED")
        _organizer_and_attendee(master, attendee_email, attendee_name)
        calendar.add_component(master)
        return finish(calendar).to_ical()
    if method == "CANCEL":
        zone = thinklab.timezone
        master = components[0]
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
        _organizer_and_attendee(event, attendee_email, attendee_name)
        calendar.add_component(event)
        return finish(calendar).to_ical()
    for event in components:
        event.pop("DTSTAMP", None)
        event.add("DTSTAMP", now)
        _organizer_and_attendee(event, attendee_email, attendee_name)
        calendar.add_component(event)
    return finish(calendar).to_ical()
