"""The per-account login limit: a growing wait after many wrong passwords, never long."""

import pytest

from app import create_app
from app.auth.services import throttle
from app.extensions import db, limiter
from app.models import EditionStatus
from config import TestingConfig
from tests.factories import PASSWORD, make_edition, make_user


class LimitedConfig(TestingConfig):
    RATELIMIT_ENABLED = True
    LOGIN_FAILURES_BEFORE_DELAY = 3
    LOGIN_DELAY_BASE_SECONDS = 10
    LOGIN_DELAY_MAX_SECONDS = 40


@pytest.fixture
def limited(monkeypatch, tmp_path):
    # The limiter is one object shared by every app: give it back its state afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    # Without the per-address headers, whose Retry-After (the larger of both waits) follows
    # the real clock, not this test's.
    monkeypatch.setattr(limiter, "_headers_enabled", False)
    # An app of its own commits for real: on a database file of its own, whatever the suite's.
    monkeypatch.setattr(
        LimitedConfig, "SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path / 'limit.sqlite3'}"
    )
    application = create_app(LimitedConfig)
    with application.app_context():
        db.create_all()
        user = make_user(email="amina@example.org")
        db.session.commit()
        assert user.id
    clock = {"now": 1_000_000.0}
    monkeypatch.setattr(throttle, "_now", lambda: clock["now"])
    limiter.storage.reset()
    try:
        yield application, clock
    finally:
        limiter.storage.reset()
        with application.app_context():
            db.engine.dispose()


def _attempt(application, password, *, address):
    client = application.test_client()
    return client.post(
        "/login",
        data={"email": "amina@example.org", "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def test_guesses_from_many_addresses_wait_longer_and_longer_up_to_the_cap(limited):
    application, clock = limited
    statuses = [
        _attempt(application, "wrong guess", address=f"10.0.0.{n}").status_code for n in range(3)
    ]
    assert statuses == [200, 200, 200]

    waits = []
    for n in range(5):
        refused = _attempt(application, "wrong guess", address=f"10.0.1.{n}")
        assert refused.status_code == 429
        wait = int(refused.headers["Retry-After"])
        waits.append(wait)
        clock["now"] += wait
        # Once the wait is over, one more guess is heard (and is wrong).
        assert _attempt(application, "wrong guess", address=f"10.0.2.{n}").status_code == 200
    assert waits == [10, 20, 40, 40, 40]


def test_the_right_password_works_once_the_wait_is_over(limited):
    application, clock = limited
    for n in range(3):
        _attempt(application, "wrong guess", address=f"10.0.0.{n}")

    refused = _attempt(application, PASSWORD, address="192.0.2.1")
    assert refused.status_code == 429
    assert "Too many wrong passwords" in refused.get_data(as_text=True)

    clock["now"] += int(refused.headers["Retry-After"])
    assert _attempt(application, PASSWORD, address="192.0.2.1").status_code == 302
    # Success forgets the failures: the next wrong password is heard at once.
    assert _attempt(application, "wrong guess", address="192.0.2.1").status_code == 200


def test_another_account_is_not_slowed_down(limited):
    application, _clock = limited
    for n in range(4):
        _attempt(application, "wrong guess", address=f"10.0.0.{n}")
    other = application.test_client().post(
        "/login", data={"email": "someone@example.org", "password": "wrong guess"}
    )
    assert other.status_code == 200


def test_a_venue_sharing_one_address_reads_the_programme_and_feeds_unlimited(limited):
    application, _clock = limited
    with application.app_context():
        edition = make_edition(status=EditionStatus.PUBLISHED)
        db.session.commit()
        slug = edition.slug
    client = application.test_client()
    paths = [f"/editions/{slug}/programme", f"/editions/{slug}/calendar.ics", "/"]
    statuses = {
        client.get(path, environ_base={"REMOTE_ADDR": "198.51.100.7"}).status_code
        for _ in range(70)
        for path in paths
    }
    assert statuses == {200}
