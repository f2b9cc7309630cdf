"""Registering, cancelling, the waiting list that moves up by itself, check-in at the door,
and seats at sessions with a capacity (workshops) with their own queue.

Every operation that changes who holds a place first locks the edition's row
(``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite serialises writers anyway), so two
requests at once never give away more places than the capacity, and the waiting list
moves up strictly in the order people joined it. Seats at a session lock the session's
row the same way (after the attendee's own registration row, never the edition's, so a
booking never waits on a whole edition).
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import signals
from app.calendars import services as agenda_services
from app.calendars.queries import feeds as calendars
from app.errors import Conflict, FieldErrors, InvalidInput, NotFound
from app.extensions import db
from app.models import (
    AgendaEntry,
    BookingStatus,
    ConferenceSession,
    Edition,
    EditionStatus,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    SessionBooking,
    SessionStatus,
    User,
)
from app.models.base import utcnow
from app.models.registrations import new_ticket_code
from app.registrations import emails, queries
from app.thinklabs.queries.recurrence import InvalidRecurrence, occurrences
from app.timezones import LocalTimeError, local_to_utc, utc_to_local

MAX_QUESTIONS = 10


class RegistrationClosed(Conflict):
    pass


class AlreadyRegistered(Conflict):
    pass


class TicketRefused(InvalidInput):
    """A ticket that cannot be checked in: unknown, another edition's, cancelled, waiting."""


class AlreadyCheckedIn(Conflict):
    def __init__(self, registration: Registration):
        super().__init__(_("%(name)s is already checked in.", name=registration.name))
        self.registration = registration


def _lock(edition_id: int) -> None:
    """Serialise every change of who holds a place at this edition."""
    db.session.execute(select(Edition.id).where(Edition.id == edition_id).with_for_update())


def save_settings(
    edition: Edition,
    *,
    is_open: bool,
    capacity: int | None,
    closes_local: datetime | None,
    questions: list[str],
) -> list[Registration]:
    """Set how ``edition`` takes registrations; a larger capacity moves the waiting list up.

    :param closes_local: the closing time on the edition's wall clock, or None.
    :param questions: the optional questions asked on the form (blank lines dropped).
    :returns: the registrations that got a place because the capacity grew.
    :raises FormErrors: if the capacity is not positive, a question is too long, or the
        closing time does not exist in the edition's zone.
    """
    errors = FieldErrors()
    if capacity is not None and capacity < 1:
        errors.add("capacity", _("The capacity must be at least 1, or empty for no limit."))
    cleaned = [" ".join(q.split()) for q in questions if q and q.strip()]
    if len(cleaned) > MAX_QUESTIONS:
        errors.add("questions", _("At most %(count)d questions.", count=MAX_QUESTIONS))
    if any(len(q) > 200 for q in cleaned):
        errors.add("questions", _("A question holds at most 200 characters."))
    closes_at = None
    if closes_local is not None:
        try:
            closes_at = local_to_utc(closes_local, edition.timezone)
        except LocalTimeError as error:
            errors.add("closes_local", str(error))
    errors.raise_any()
    _lock(edition.id)
    settings = db.session.get(RegistrationSettings, edition.id)
    if settings is None:
        settings = RegistrationSettings(edition_id=edition.id)
        db.session.add(settings)
    settings.is_open = is_open
    settings.capacity = capacity
    settings.closes_local = closes_local
    settings.closes_at = closes_at
    settings.questions = list(dict.fromkeys(cleaned))
    db.session.flush()
    return _fill_places(edition.id, settings)


def _fill_places(edition_id: int, settings: RegistrationSettings | None) -> list[Registration]:
    """Give free places to the waiting list, first come first served; the caller holds the lock."""
    capacity = settings.capacity if settings else None
    waiting = queries.count_with_status(edition_id, RegistrationStatus.WAITLISTED)
    if not waiting:
        return []
    if capacity is None:
        free = waiting
    else:
        free = capacity - queries.count_with_status(edition_id, RegistrationStatus.REGISTERED)
    if free <= 0:
        return []
    promoted = queries.waiting_list(edition_id, limit=free)
    now = utcnow()
    for registration in promoted:
        registration.status = RegistrationStatus.REGISTERED
        registration.promoted_at = now
    db.session.flush()
    for registration in promoted:
        emails.notify_promoted(registration)
    return promoted


def register(
    edition: Edition,
    user: User,
    *,
    full_name: str,
    organisation_name: str = "",
    role: str = "",
    answers: dict[str, str] | None = None,
    now: datetime | None = None,
) -> Registration:
    """Register ``user`` for ``edition``: a place while there is one, else the waiting list.

    A person who cancelled may register again (with a new ticket).

    :param answers: answers to the edition's optional questions, by question.
    :raises NotFound: if the edition is not published.
    :raises RegistrationClosed: if the edition takes no registrations now.
    :raises AlreadyRegistered: if ``user`` already holds a place or waits for one.
    :raises FormErrors: if the name is missing.
    """
    now = now or utcnow()
    if edition.status is not EditionStatus.PUBLISHED:
        raise NotFound(_("This edition is not open to the public."))
    full_name = " ".join((full_name or "").split())
    if not full_name:
        FieldErrors({"full_name": [_("Please give your name.")]}).raise_any()
    _lock(edition.id)
    settings = queries.settings_of(edition)
    if not queries.is_open(edition, settings, now):
        raise RegistrationClosed(_("Registration for this edition is closed."))
    questions = list(settings.questions or [])
    answers = {q: " ".join(str((answers or {}).get(q, "")).split())[:500] for q in questions}
    # Counted before the new row exists: autoflush would count it as a place otherwise.
    registered = queries.count_with_status(edition.id, RegistrationStatus.REGISTERED)
    # Nobody passes the people already waiting, even when a place looks free.
    waiting = queries.count_with_status(edition.id, RegistrationStatus.WAITLISTED)
    registration = queries.registration_of(user, edition)
    if registration is not None and registration.status is not RegistrationStatus.CANCELLED:
        raise AlreadyRegistered(_("You are already registered for this edition."))
    if registration is None:
        registration = Registration(user_id=user.id, edition_id=edition.id)
        db.session.add(registration)
    else:
        registration.ticket_code = new_ticket_code()
        registration.cancelled_at = registration.checked_in_at = None
        registration.promoted_at = None
    registration.full_name = full_name[:200]
    registration.organisation_name = " ".join((organisation_name or "").split())[:200]
    registration.role = " ".join((role or "").split())[:120]
    registration.answers = answers
    if settings.capacity is None or (registered < settings.capacity and not waiting):
        registration.status = RegistrationStatus.REGISTERED
        registration.waitlisted_at = None
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.waitlisted_at = now
    db.session.flush()
    if registration.status is RegistrationStatus.REGISTERED:
        emails.notify_registered(registration)
    else:
        emails.notify_waitlisted(registration)
    return registration


def cancel(registration: Registration, *, now: datetime | None = None) -> list[Registration]:
    """Cancel a registration; the place it held goes to the next people waiting.

    :returns: the registrations that moved up from the waiting list.
    :raises Conflict: if it is cancelled already.
    """
    _lock(registration.edition_id)
    db.session.refresh(registration)
    if registration.status is RegistrationStatus.CANCELLED:
        raise Conflict(_("This registration is already cancelled."))
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now or utcnow()
    registration.waitlisted_at = None
    db.session.flush()
    _give_up_seats(registration, registration.cancelled_at)
    return _fill_places(registration.edition_id, queries.settings_of(registration.edition))


def check_in(edition: Edition, code: str, *, by: User, now: datetime | None = None) -> Registration:
    """Check in the holder of ticket ``code`` at ``edition``'s door.

    :raises TicketRefused: if the code is unknown, belongs to another edition, or holds
        no place (cancelled or still waiting).
    :raises AlreadyCheckedIn: if this ticket was checked in before.
    """
    registration = queries.registration_by_code(code)
    if registration is None:
        raise TicketRefused(_("Unknown ticket: this code matches no registration."))
    return check_in_registration(edition, registration, by=by, now=now)


def check_in_registration(
    edition: Edition, registration: Registration, *, by: User, now: datetime | None = None
) -> Registration:
    """Check in ``registration`` (found by name) at ``edition``'s door.

    :raises TicketRefused: if it belongs to another edition or holds no place.
    :raises AlreadyCheckedIn: if it was checked in before.
    """
    if registration.edition_id != edition.id:
        raise TicketRefused(
            _("This ticket is for another edition: %(title)s.", title=registration.edition.title)
        )
    if registration.status is RegistrationStatus.CANCELLED:
        raise TicketRefused(_("This registration was cancelled."))
    if registration.status is RegistrationStatus.WAITLISTED:
        raise TicketRefused(_("This person is on the waiting list and holds no place yet."))
    # One UPDATE that only succeeds the first time: two scans at once check in once.
    done = db.session.execute(
        Registration.__table__.update()
        .where(Registration.id == registration.id, Registration.checked_in_at.is_(None))
        .values(checked_in_at=now or utcnow(), checked_in_by_id=by.id)
    ).rowcount
    db.session.refresh(registration)
    if not done:
        raise AlreadyCheckedIn(registration)
    return registration


# Seats at sessions (workshops) -----------------------------------------------------------


class BookingRefused(Conflict):
    """A seat that cannot be booked: not registered, no capacity, cancelled or over."""


class AlreadyBooked(Conflict):
    pass


def _lock_session(session_id: int) -> None:
    """Serialise every change of who holds a seat at this session."""
    db.session.execute(
        select(ConferenceSession.id).where(ConferenceSession.id == session_id).with_for_update()
    )


def book_seat(
    session_: ConferenceSession, user: User, *, now: datetime | None = None
) -> SessionBooking:
    """Book ``user`` a seat at ``session_``, or a place in its queue when the seats are taken.

    The session goes into the person's agenda too. Someone who cancelled may book again,
    at the end of the queue if there is one.

    :raises BookingRefused: if ``user`` holds no confirmed registration to the edition, or
        the session takes no bookings, is cancelled or is over.
    :raises AlreadyBooked: if ``user`` holds a seat or waits for one already.
    """
    now = now or utcnow()
    edition = session_.edition
    registration = db.session.scalar(
        select(Registration)
        .where(Registration.user_id == user.id, Registration.edition_id == edition.id)
        .with_for_update()
    )
    if registration is None or registration.status is not RegistrationStatus.REGISTERED:
        raise BookingRefused(
            _("Only attendees registered for %(title)s may book a seat.", title=edition.title)
        )
    _lock_session(session_.id)
    db.session.refresh(session_)
    if session_.is_cancelled:
        raise BookingRefused(_("This session is cancelled."))
    seats = session_.seats
    if seats is None:
        raise BookingRefused(_("This session takes no bookings: everyone may come."))
    if session_.ends_at <= now:
        raise BookingRefused(_("This session is over."))
    booking = queries.booking_of(user, session_)
    if booking is not None and booking.status is not BookingStatus.CANCELLED:
        raise AlreadyBooked(_("You already hold a seat or a place in the queue."))
    booked = queries.count_bookings(session_.id, BookingStatus.BOOKED)
    waiting = queries.count_bookings(session_.id, BookingStatus.WAITLISTED)
    if booking is None:
        booking = SessionBooking(session_id=session_.id, user_id=user.id)
        db.session.add(booking)
    booking.cancelled_at = booking.promoted_at = None
    booking.is_released = False
    # Nobody passes the people already waiting, even when a seat looks free.
    if booked < seats and not waiting:
        booking.status = BookingStatus.BOOKED
        booking.waitlisted_at = None
    else:
        booking.status = BookingStatus.WAITLISTED
        booking.waitlisted_at = now
    db.session.flush()
    agenda_services.star_session(user, session_)
    return booking


def cancel_seat(booking: SessionBooking, *, now: datetime | None = None) -> list[SessionBooking]:
    """Give up a seat or a place in the queue; a freed seat goes to the first who waits.

    :returns: the bookings that moved up from the queue (each told by mail).
    :raises Conflict: if the booking is cancelled already.
    """
    _lock_session(booking.session_id)
    db.session.refresh(booking)
    if booking.status is BookingStatus.CANCELLED:
        raise Conflict(_("This booking is already cancelled."))
    booking.status = BookingStatus.CANCELLED
    booking.cancelled_at = now or utcnow()
    booking.waitlisted_at = None
    db.session.flush()
    return fill_seats(booking.session)


def fill_seats(session_: ConferenceSession) -> list[SessionBooking]:
    """Give the free seats of ``session_`` to its queue, first come first served.

    The caller holds the session's lock. Fewer seats than people holding one frees
    nothing and takes no seat away. A session that no longer has a capacity seats
    everyone who waits.

    :returns: the bookings that moved up, each told by mail.
    """
    if session_.is_cancelled:
        return []
    seats = session_.seats
    if seats is None:
        free = None
    else:
        free = seats - queries.count_bookings(session_.id, BookingStatus.BOOKED)
        if free <= 0:
            return []
    promoted = queries.seat_queue(session_.id, limit=free)
    now = utcnow()
    for booking in promoted:
        booking.status = BookingStatus.BOOKED
        booking.promoted_at = now
    db.session.flush()
    for booking in promoted:
        emails.notify_seat_promoted(booking)
    return promoted


def release_seats(session_: ConferenceSession, *, now: datetime | None = None) -> int:
    """Free every seat and queue place of a cancelled session, telling each person by mail.

    :returns: how many people were released.
    """
    _lock_session(session_.id)
    now = now or utcnow()
    released = queries.live_bookings(session_.id)
    for booking in released:
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.waitlisted_at = None
        booking.is_released = True
    db.session.flush()
    for booking in released:
        emails.notify_seat_released(booking)
    return len(released)


def _give_up_seats(registration: Registration, now: datetime) -> None:
    """A cancelled registration gives up its seats at the edition's sessions."""
    held = queries.live_bookings_of(registration.user_id, registration.edition_id)
    for booking in sorted(held, key=lambda b: b.session_id):
        _lock_session(booking.session_id)
        booking.status = BookingStatus.CANCELLED
        booking.cancelled_at = now
        booking.waitlisted_at = None
        db.session.flush()
        fill_seats(booking.session)


def _on_session_cancelled(session_: ConferenceSession, **_details) -> None:
    release_seats(session_)


def _on_seats_changed(session_: ConferenceSession, **_details) -> None:
    _lock_session(session_.id)
    fill_seats(session_)


signals.session_cancelled.connect(_on_session_cancelled)
signals.session_seats_changed.connect(_on_seats_changed)


# My agenda -------------------------------------------------------------------------------


@dataclass
class AgendaItem:
    """One line of My agenda: a starred session or a thinklab meeting."""

    title: str
    starts_at: datetime
    ends_at: datetime
    zone: str
    link: str | None = None
    where: str = ""
    session_id: int | None = None
    is_cancelled: bool = False
    is_changed: bool = False
    is_meeting: bool = False
    overlaps: list[str] | None = None

    def starts_local(self, zone: str | None = None) -> datetime:
        return utc_to_local(self.starts_at, zone or self.zone)

    def ends_local(self, zone: str | None = None) -> datetime:
        return utc_to_local(self.ends_at, zone or self.zone)


def flag_overlaps(items: list[AgendaItem]) -> None:
    """Mark each item that overlaps another one that is not cancelled."""
    live = sorted((i for i in items if not i.is_cancelled), key=lambda i: i.starts_at)
    for item in items:
        item.overlaps = []
    for index, item in enumerate(live):
        for other in live[index + 1 :]:
            if other.starts_at >= item.ends_at:
                break
            item.overlaps.append(other.title)
            other.overlaps.append(item.title)


def group_by_day(items: list[AgendaItem], zone: str | None) -> list[tuple[date, list[AgendaItem]]]:
    """Items by day on ``zone``'s clock (or each item's own venue's), in time order."""
    days: dict[date, list[AgendaItem]] = {}
    for item in sorted(items, key=lambda i: (i.starts_at, i.title)):
        days.setdefault(item.starts_local(zone).date(), []).append(item)
    return sorted(days.items())


def mark_agenda_seen(user: User, sessions: list[ConferenceSession]) -> None:
    """Remember each starred session's sequence, so the next visit shows only newer changes."""
    sequences = {s.id: s.sequence for s in sessions}
    for entry in db.session.scalars(
        select(AgendaEntry).where(
            AgendaEntry.user_id == user.id, AgendaEntry.session_id.in_(sequences)
        )
    ):
        entry.seen_sequence = sequences[entry.session_id]
    db.session.flush()


def seen_sequences(user: User) -> dict[int, int | None]:
    return dict(
        db.session.execute(
            select(AgendaEntry.session_id, AgendaEntry.seen_sequence).where(
                AgendaEntry.user_id == user.id
            )
        ).all()
    )


def session_item(session_: ConferenceSession, seen: dict[int, int | None], link: str) -> AgendaItem:
    venue = session_.room.venue if session_.room else session_.venue
    where = ", ".join(
        x for x in (session_.room.name if session_.room else "", venue.town if venue else "") if x
    )
    last_seen = seen.get(session_.id)
    return AgendaItem(
        title=session_.title,
        starts_at=session_.starts_at,
        ends_at=session_.ends_at,
        zone=session_.timezone,
        link=link,
        where=where,
        session_id=session_.id,
        is_cancelled=session_.status is SessionStatus.CANCELLED,
        is_changed=last_seen is not None and session_.sequence > last_seen,
    )


def registrations_by_status(edition: Edition) -> dict[RegistrationStatus, int]:
    rows = db.session.execute(
        select(Registration.status, func.count())
        .where(Registration.edition_id == edition.id)
        .group_by(Registration.status)
    ).all()
    return {status: count for status, count in rows}


@dataclass
class Agenda:
    days: list[tuple[date, list[AgendaItem]]]
    zone: str | None
    changed: int
    sessions: list[ConferenceSession]


def open_agenda(
    user: User, *, zone: str | None, session_link, thinklab_link, now: datetime | None = None
) -> Agenda:
    """Build My agenda: starred sessions and thinklab meetings by day, overlaps flagged,
    each session changed since the last visit marked (:func:`mark_agenda_seen` then
    remembers the visit).

    :param zone: show every time in this zone; None for each venue's own.
    :param session_link: ``session_link(session) -> address``; ``thinklab_link`` likewise.
    """
    now = now or utcnow()
    sessions = calendars.agenda_sessions(user)
    seen = seen_sequences(user)
    items = [session_item(s, seen, session_link(s)) for s in sessions]
    for thinklab in calendars.agenda_thinklabs(user):
        try:
            meetings = occurrences(
                thinklab, now - timedelta(days=1), now + timedelta(days=120), limit=50
            )
        except InvalidRecurrence:
            meetings = []
        for meeting in meetings:
            items.append(
                AgendaItem(
                    title=thinklab.name,
                    starts_at=meeting.starts_at,
                    ends_at=meeting.ends_at,
                    zone=meeting.zone,
                    link=thinklab_link(thinklab),
                    where=thinklab.location or "",
                    is_meeting=True,
                    is_changed=meeting.is_moved,
                )
            )
    flag_overlaps(items)
    return Agenda(
        days=group_by_day(items, zone),
        zone=zone,
        changed=sum(1 for i in items if i.is_changed and not i.is_meeting),
        sessions=sessions,
    )
