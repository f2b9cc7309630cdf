"""A worker rebuilds an edition's feed, programme and exports after a change to it, so that
the subscriber who polls next finds them built."""

import pytest

from app import ical
from app.calendars.queries import pieces
from app.extensions import db
from app.models import ConferenceSession
from app.program.routes import item_cache, page_cache
from app.warmup import Rebuilder
from tests.program.conftest import build_programme


@pytest.fixture
def programme(app):
    with app.app_context():
        built = build_programme()
        db.session.commit()
    return built


@pytest.fixture
def rebuilder(app):
    found = Rebuilder(app)
    found.listen()
    yield found
    found.stop_listening()
    page_cache.clear()
    item_cache.clear()
    pieces.export_cache.clear()


def test_a_change_names_its_edition_for_the_rebuild(app, programme, rebuilder):
    with app.app_context():
        db.session.get(ConferenceSession, programme.sessions["opening"]).title = "Grand opening"
        db.session.commit()
    assert rebuilder.pending == {programme.edition_id}


def test_after_the_rebuild_readers_get_the_change_without_a_build(
    app, client, programme, rebuilder, monkeypatch
):
    with app.app_context():
        db.session.get(ConferenceSession, programme.sessions["opening"]).title = "Grand opening"
        db.session.commit()
    rebuilder.rebuild(rebuilder.pending)

    def no_build(*args, **kwargs):
        raise AssertionError("built again for a reader")

    monkeypatch.setattr(ical, "calendar_from_pieces", no_build)
    monkeypatch.setattr(pieces, "schedule_export", no_build)
    monkeypatch.setattr("app.program.routes._render_programme", no_build)
    for address in ("calendar.ics", "schedule.json", "schedule.xml", "programme?view=list"):
        response = client.get(f"/editions/{programme.slug}/{address}")
        assert response.status_code == 200
        assert b"Grand opening" in response.data
