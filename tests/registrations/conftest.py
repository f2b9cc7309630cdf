"""Helpers of the registrations tests: an edition taking registrations, attendees."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app.demo import load_demo
from app.extensions import db
from app.models import User
from app.registrations import services
from tests.factories import make_edition, make_user
from tests.support import sign_in as sign_in_client


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


@pytest.fixture
def demo(app):
    """Load the demo data for the test; the test's transaction rolls it back."""
    with app.app_context():
        created = load_demo()
        db.session.commit()
    return created


@pytest.fixture
def sign_in(client, app):
    """Sign ``email`` in on the test client without going through the login form."""

    def do_sign_in(email: str) -> None:
        with app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.email == email))
        sign_in_client(client, user_id)

    return do_sign_in
