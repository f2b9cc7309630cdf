"""Helpers of the registrations tests: an edition taking registrations, attendees."""

from datetime import datetime

from app.registrations import services
from tests.factories import make_edition, make_user


def open_edition(capacity: int | None = None, *, closes_local: datetime | None = None, **fields):
    """A published edition taking registrations, with ``capacity`` places."""
    edition = make_edition(**fields)
    services.save_settings(
        edition, is_open=True, capacity=capacity, closes_local=closes_local, questions=[]
    )
    return edition


def attendee(n: int | str = ""):
    return make_user(display_name=f"Attendee {n}".strip())


def register(edition, user, **fields):
    fields.setdefault("full_name", user.display_name)
    return services.register(edition, user, **fields)
