"""Mails to attendees: their ticket, their place on the waiting list, a place freed for them."""

from flask_babel import lazy_gettext as _l

from app.models import Registration
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
