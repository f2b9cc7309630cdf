"""An Idempotency-Key is stored in the transaction of the creation it answers: a crash
between the two loses both (the retry creates once), and two retries at the same moment
create one object, the second getting the first's answer (PostgreSQL, two threads)."""

import threading

import pytest
import sqlalchemy as sa

from app.api import services
from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    EditionRoleKind,
    IdempotentRequest,
    Series,
    User,
    Webhook,
)
from tests.api.conftest import session_body
from tests.factories import grant, make_edition, make_user


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_a_crash_before_the_answer_is_stored_keeps_nothing(app, client, world, monkeypatch):
    headers = {**world.auth("organiser"), "Idempotency-Key": "crash-1"}
    url = f"/api/v1/editions/{world.slug}/sessions"

    def crash(*_args, **_kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(services, "remember_answer", crash)
    crashed = client.post(url, json=session_body(world), headers=headers)
    assert crashed.status_code == 500 and crashed.is_json
    with app.app_context():
        assert _count(ConferenceSession) == 0 and _count(IdempotentRequest) == 0
    monkeypatch.undo()
    first = client.post(url, json=session_body(world), headers=headers)
    again = client.post(url, json=session_body(world), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.headers["Idempotent-Replayed"] == "true"
    with app.app_context():
        assert _count(ConferenceSession) == 1


def test_a_refused_creation_keeps_no_answer_and_may_be_retried(app, client, world):
    headers = {**world.auth("organiser"), "Idempotency-Key": "refused-1"}
    url = f"/api/v1/editions/{world.slug}/sessions"
    backwards = session_body(world, ends_local="2027-03-10T09:00:00")
    assert client.post(url, json=backwards, headers=headers).status_code == 422
    with app.app_context():
        assert _count(IdempotentRequest) == 0
    assert client.post(url, json=backwards, headers=headers).status_code == 422


@pytest.fixture
def postgres_app(app):
    with app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("two transactions at once need PostgreSQL (TEST_DATABASE_URL)")
    return app


@pytest.mark.postgres
@pytest.mark.real_commits
def test_two_retries_at_once_create_one_object(postgres_app, monkeypatch):
    app = postgres_app
    with app.app_context():
        edition = make_edition(slug="idempotent-race")
        organiser = make_user(email="idempotent-race@example.org")
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        secret = services.create_token(
            organiser, name="race", scope=services.TokenScope.READ_WRITE, expires_in_days=1
        )[1]
        db.session.commit()
        ids = {"edition": edition.id, "series": edition.series_id, "user": organiser.id}
    first_inside = threading.Event()
    save_webhook = services.save_webhook

    def slow_save(*args, **kwargs):
        """The first request holds its transaction open while the second arrives."""
        first_inside.set()
        threading.Event().wait(0.5)
        return save_webhook(*args, **kwargs)

    monkeypatch.setattr(services, "save_webhook", slow_save)
    answers: dict[str, object] = {}

    def post(name: str) -> None:
        if name == "second":
            first_inside.wait(10)
        try:
            answers[name] = app.test_client().post(
                "/api/v1/editions/idempotent-race/webhooks",
                json={"url": "https://example.org/hook", "events": ["session.changed"]},
                headers={"Authorization": f"Bearer {secret}", "Idempotency-Key": "race-1"},
            )
        except BaseException as error:  # noqa: BLE001  (reported to the test)
            answers[name] = error

    threads = [threading.Thread(target=post, args=(name,)) for name in ("first", "second")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        first, second = answers["first"], answers["second"]
        assert first.status_code == 201, first.get_json()
        assert second.status_code == 201, second.get_json()
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.get_json() == first.get_json()
        with app.app_context():
            hooks = db.session.scalars(
                sa.select(Webhook.id).where(Webhook.edition_id == ids["edition"])
            ).all()
            assert len(hooks) == 1
    finally:
        with app.app_context():
            db.session.execute(sa.delete(Webhook).where(Webhook.edition_id == ids["edition"]))
            db.session.execute(sa.delete(User).where(User.id == ids["user"]))
            db.session.execute(sa.delete(Edition).where(Edition.id == ids["edition"]))
            db.session.execute(sa.delete(Series).where(Series.id == ids["series"]))
            db.session.commit()
