"""Reads of registrations: an edition's settings and list, a ticket, counts, check-in search."""

import csv
import io
from datetime import datetime

import segno
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    BookingStatus,
    ConferenceSession,
    Edition,
    Registration,
    RegistrationSettings,
    RegistrationStatus,
    SessionBooking,
    User,
)
from app.urls import absolute_link

STATUS_LABELS = {
    RegistrationStatus.REGISTERED: _l("Registered"),
    RegistrationStatus.WAITLISTED: _l("On the waiting list"),
    RegistrationStatus.CANCELLED: _l("Cancelled"),
}


BOOKING_LABELS = {
    BookingStatus.BOOKED: _l("Seat booked"),
    BookingStatus.WAITLISTED: _l("In the queue"),
    BookingStatus.CANCELLED: _l("Cancelled"),
}


def settings_of(edition: Edition) -> RegistrationSettings | None:
    return db.session.get(RegistrationSettings, edition.id)


def is_open(edition: Edition, settings: RegistrationSettings | None, now: datetime) -> bool:
    """Whether ``edition`` takes registrations at ``now``: published, open, not closed yet."""
    if edition.status.value != "published" or settings is None or not settings.is_open:
        return False
    return settings.closes_at is None or now < settings.closes_at


def registration_of(user, edition: Edition) -> Registration | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(Registration).where(
            Registration.user_id == user.id, Registration.edition_id == edition.id
        )
    )


def count_with_status(edition_id: int, status: RegistrationStatus) -> int:
    return db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.edition_id == edition_id, Registration.status == status
        )
    )


def waiting_list(edition_id: int, limit: int | None = None) -> list[Registration]:
    """The waiting list in the order people joined it."""
    query = (
        select(Registration)
        .where(
            Registration.edition_id == edition_id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.waitlisted_at, Registration.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def waiting_position(registration: Registration) -> int | None:
    """1 for the next person to get a place; None when not waiting."""
    if registration.status is not RegistrationStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(Registration.id)).where(
            Registration.edition_id == registration.edition_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                (Registration.waitlisted_at == registration.waitlisted_at)
                & (Registration.id < registration.id),
            ),
        )
    )
    return ahead + 1


def list_registrations(
    edition: Edition, *, status: RegistrationStatus | None = None, text: str = ""
) -> list[Registration]:
    """An edition's registrations, by status and by a piece of name, email or organisation."""
    query = (
        select(Registration)
        .join(User, User.id == Registration.user_id)
        .where(Registration.edition_id == edition.id)
        .order_by(func.lower(Registration.full_name), Registration.id)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    text = (text or "").strip()
    if text:
        pattern = f"%{text.lower()}%"
        query = query.where(
            or_(
                func.lower(Registration.full_name).like(pattern),
                func.lower(User.display_name).like(pattern),
                func.lower(User.email).like(pattern),
                func.lower(Registration.organisation_name).like(pattern),
            )
        )
    return list(db.session.scalars(query.limit(500)))


def registration_by_code(code: str) -> Registration | None:
    code = (code or "").strip()
    if not code or len(code) > 64:
        return None
    return db.session.scalar(select(Registration).where(Registration.ticket_code == code))


def check_in_link(registration: Registration) -> str:
    """The address a ticket's QR code holds: the organisers' check-in page for this ticket."""
    return absolute_link(
        "registrations.check_in",
        slug=registration.edition.slug,
        code=registration.ticket_code,
    )


def qr_svg_data_uri(payload: str) -> str:
    """A QR code of ``payload`` as an SVG ``data:`` address for an ``<img>``."""
    return segno.make(payload, error="m").svg_data_uri(scale=5, border=2)


def csv_safe(value) -> str:
    """A cell a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    if text and text[0] in "=+-@\t\r":
        return "'" + text
    return text


def registrations_csv(edition: Edition, registrations: list[Registration]) -> str:

    settings = settings_of(edition)
    questions = list(settings.questions) if settings else []
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["name", "email", "organisation", "role", "status", "registered_at", "checked_in_at"]
        + questions
    )
    for one in registrations:
        writer.writerow(
            [
                csv_safe(value)
                for value in [
                    one.name,
                    one.user.email,
                    one.organisation_name,
                    one.role,
                    one.status.value,
                    one.created_at.isoformat(timespec="minutes"),
                    one.checked_in_at.isoformat(timespec="minutes") if one.checked_in_at else "",
                    *((one.answers or {}).get(question, "") for question in questions),
                ]
            ]
        )
    return out.getvalue()


def registrations_of_user(user) -> list[Registration]:
    """A person's registrations that are not cancelled, newest edition first."""
    return list(
        db.session.scalars(
            select(Registration)
            .join(Edition, Edition.id == Registration.edition_id)
            .where(
                Registration.user_id == user.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
            .order_by(Edition.start_date.desc())
            .options(selectinload(Registration.edition).selectinload(Edition.texts))
        )
    )


# Seats at sessions ------------------------------------------------------------------------


def booking_of(user, session_: ConferenceSession) -> SessionBooking | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(SessionBooking).where(
            SessionBooking.user_id == user.id, SessionBooking.session_id == session_.id
        )
    )


def count_bookings(session_id: int, status: BookingStatus) -> int:
    return db.session.scalar(
        select(func.count(SessionBooking.id)).where(
            SessionBooking.session_id == session_id, SessionBooking.status == status
        )
    )


def seat_queue(session_id: int, limit: int | None = None) -> list[SessionBooking]:
    """A session's queue in the order people joined it."""
    query = (
        select(SessionBooking)
        .where(
            SessionBooking.session_id == session_id,
            SessionBooking.status == BookingStatus.WAITLISTED,
        )
        .order_by(SessionBooking.waitlisted_at, SessionBooking.id)
    )
    if limit is not None:
        query = query.limit(limit)
    return list(db.session.scalars(query))


def queue_position(booking: SessionBooking) -> int | None:
    """1 for the next person to get a seat; None when not waiting."""
    if booking.status is not BookingStatus.WAITLISTED:
        return None
    ahead = db.session.scalar(
        select(func.count(SessionBooking.id)).where(
            SessionBooking.session_id == booking.session_id,
            SessionBooking.status == BookingStatus.WAITLISTED,
            or_(
                SessionBooking.waitlisted_at < booking.waitlisted_at,
                (SessionBooking.waitlisted_at == booking.waitlisted_at)
                & (SessionBooking.id < booking.id),
            ),
        )
    )
    return ahead + 1


def live_bookings(session_id: int) -> list[SessionBooking]:
    """Who holds a seat or waits for one at a session."""
    return list(
        db.session.scalars(
            select(SessionBooking)
            .where(
                SessionBooking.session_id == session_id,
                SessionBooking.status != BookingStatus.CANCELLED,
            )
            .order_by(SessionBooking.id)
        )
    )


def live_bookings_of(user_id: int, edition_id: int) -> list[SessionBooking]:
    """A person's seats and queue places at an edition's sessions."""
    return list(
        db.session.scalars(
            select(SessionBooking)
            .join(ConferenceSession, ConferenceSession.id == SessionBooking.session_id)
            .where(
                SessionBooking.user_id == user_id,
                ConferenceSession.edition_id == edition_id,
                SessionBooking.status != BookingStatus.CANCELLED,
            )
        )
    )


def session_bookings(session_: ConferenceSession) -> dict[str, list[SessionBooking]]:
    """A session's seat holders (in booking order) and its queue (in line order)."""
    booked = db.session.scalars(
        select(SessionBooking)
        .where(
            SessionBooking.session_id == session_.id,
            SessionBooking.status == BookingStatus.BOOKED,
        )
        .order_by(SessionBooking.created_at, SessionBooking.id)
    )
    return {"booked": list(booked), "waiting": seat_queue(session_.id)}


def seat_counts(session_ids: list[int]) -> dict[int, dict[BookingStatus, int]]:
    """Seats booked and people waiting, by session."""
    counts: dict[int, dict[BookingStatus, int]] = {i: {} for i in session_ids}
    if not session_ids:
        return counts
    rows = db.session.execute(
        select(SessionBooking.session_id, SessionBooking.status, func.count())
        .where(SessionBooking.session_id.in_(session_ids))
        .group_by(SessionBooking.session_id, SessionBooking.status)
    ).all()
    for session_id, status, count in rows:
        counts[session_id][status] = count
    return counts


def sessions_with_seats(edition: Edition) -> list[ConferenceSession]:
    """An edition's sessions that take bookings (a capacity), in time order."""
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(
                ConferenceSession.edition_id == edition.id,
                ConferenceSession.capacity.is_not(None),
            )
            .order_by(ConferenceSession.starts_at, ConferenceSession.id)
        )
    )


def seats_of_user(user) -> dict[int, tuple[BookingStatus, int | None]]:
    """A person's seats and queue places, by session: (status, place in the queue)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return {}
    held = db.session.scalars(
        select(SessionBooking).where(
            SessionBooking.user_id == user.id,
            SessionBooking.status != BookingStatus.CANCELLED,
        )
    )
    return {b.session_id: (b.status, queue_position(b)) for b in held}


def bookings_csv(session_: ConferenceSession, found: dict[str, list[SessionBooking]]) -> str:
    """Seat holders then the queue, one line each, cells safe from spreadsheet formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["name", "email", "status", "queue_position", "booked_at", "promoted_at"])
    lines = [(b, "") for b in found["booked"]]
    lines += [(b, n) for n, b in enumerate(found["waiting"], start=1)]
    for booking, position in lines:
        promoted = booking.promoted_at
        writer.writerow(
            [
                csv_safe(value)
                for value in [
                    booking.user.display_name,
                    booking.user.email,
                    booking.status.value,
                    position,
                    booking.created_at.isoformat(timespec="minutes"),
                    promoted.isoformat(timespec="minutes") if promoted else "",
                ]
            ]
        )
    return out.getvalue()
