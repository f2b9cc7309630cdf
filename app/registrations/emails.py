"""Mails to attendees: their ticket, their place on the waiting list, a place freed for them,
a seat at a session freed for them or released because the session was cancelled."""

from flask_babel import lazy_gettext as _l

from app.models import Registration, SessionBooking
from app.notifications.services import queue_templated_email
from app.registrations.queries import waiting_position
from app.urls import absolute_link


def _queue(registration: Registration, kind: str, template: str, subject=None) -> None:
    edition = registration.edition
    queue_templated_email(
        template=template,
        user=registration.user,
        kind=kind,
        subject=subject,
        edition_id=edition.id,
        context={
            "edition": edition,
            "registration": registration,
            "link": absolute_link("registrations.ticket", slug=edition.slug),
            "position": waiting_position(registration),
        },
    )


def notify_registered(registration: Registration) -> None:
    """Queue the ticket mail of a new registration.

    :param registration: a registration that holds a place.
    """
    _queue(registration, "registrations.confirmed", "registrations/confirmed")


def notify_waitlisted(registration: Registration) -> None:
    """Queue the mail telling someone they are on the waiting list, and where.

    :param registration: a registration waiting for a place.
    """
    _queue(
        registration,
        "registrations.waitlisted",
        "registrations/waitlisted",
        _l("You are on the waiting list"),
    )


def notify_promoted(registration: Registration) -> None:
    """Queue the mail telling someone on the waiting list that a place is now theirs.

    :param registration: a registration that just moved up to a place.
    """
    _queue(
        registration,
        "registrations.promoted",
        "registrations/promoted",
        _l("A place is yours: you are registered"),
    )


def _queue_seat(booking: SessionBooking, kind: str, template: str, subject) -> None:
    session_ = booking.session
    queue_templated_email(
        template=template,
        user=booking.user,
        kind=kind,
        subject=subject,
        edition_id=session_.edition_id,
        context={
            "edition": session_.edition,
            "item": session_,
            "link": absolute_link("program.session_page", id=session_.id),
        },
    )


def notify_seat_promoted(booking: SessionBooking) -> None:
    """Queue the mail telling someone in a session's queue that a seat is now theirs.

    :param booking: a booking that just moved up to a seat.
    """
    _queue_seat(
        booking,
        "registrations.seat_promoted",
        "registrations/seat_promoted",
        _l("A seat is yours: %(title)s", title=booking.session.title),
    )


def notify_seat_released(booking: SessionBooking) -> None:
    """Queue the mail telling a seat holder (or someone waiting) that the session is cancelled.

    :param booking: a booking released by the session's cancellation.
    """
    _queue_seat(
        booking,
        "registrations.seat_released",
        "registrations/seat_released",
        _l("Cancelled: %(title)s", title=booking.session.title),
    )
