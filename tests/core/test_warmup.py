"""The warm-up a gunicorn master and its workers do before their first reader."""

import logging

from app.extensions import db
from app.models import SessionSpeaker
from app.warmup import SITE_PAGES, warm_up, warm_worker
from tests.factories import make_edition, make_session, make_speaker
from tests.file_database import app_on_file_database


def test_the_warm_up_asks_for_the_site_and_the_recent_editions_and_each_answers(tmp_path, caplog):
    """Every address the master asks for answers 200 (a warning names any that does not),
    so a renamed route cannot leave the first readers with a cold page unnoticed."""
    with app_on_file_database(tmp_path / "warm.sqlite3") as app:
        _check_warm_up(app, caplog)


def _check_warm_up(app, caplog):
    with app.app_context():
        edition = make_edition(slug="warm-edition")
        session_ = make_session(edition)
        session_.speakers.append(SessionSpeaker(speaker=make_speaker(name="Warm Speaker")))
        db.session.commit()
        session_id = session_.id
    with caplog.at_level(logging.WARNING, logger="app.warmup"):
        timings = warm_up(app)
        worker_ms = warm_worker(app)
    assert [record.getMessage() for record in caplog.records] == []
    assert set(SITE_PAGES) <= timings.keys()
    for address in (
        "/editions/warm-edition/programme?view=grid",
        "/editions/warm-edition/calendar.ics",
        "/editions/warm-edition/schedule.json",
        f"/sessions/{session_id}",
    ):
        assert address in timings
    assert worker_ms > 0
