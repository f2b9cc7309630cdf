"""Fixtures of the demo tests: the demo data, loaded and committed in the test's transaction."""

import pytest

from app.demo import load_demo
from app.extensions import db


@pytest.fixture
def demo(app):
    """Load the demo data once for the test; the test's transaction rolls it back."""
    with app.app_context():
        created = load_demo()
        db.session.commit()
    return created


@pytest.fixture
def sign_in(client, app):
    """Sign ``email`` in on the test client without going through the login form."""
    from sqlalchemy import select

    from app.models import User

    def do_sign_in(email: str) -> None:
        with app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.email == email))
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = str(user_id)
            flask_session["_fresh"] = True

    return do_sign_in
