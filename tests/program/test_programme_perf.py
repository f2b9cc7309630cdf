"""The programme read as plain rows, and session pages kept per change for anonymous readers."""

import pytest

from app.extensions import db
from app.models import ConferenceSession, Edition, Showcase, Track
from app.program.queries import programme_rows, programme_sessions
from app.program.routes import session_cache
from tests.factories import make_user
from tests.support import sign_in


@pytest.fixture(autouse=True)
def _empty_session_cache():
    session_cache.clear()
    yield
    session_cache.clear()


def test_plain_rows_show_what_the_loaded_sessions_show(app, programme):
    with app.app_context():
        edition = db.session.get(Edition, programme.edition_id)
        loaded = programme_sessions(edition)
        rows = programme_rows(edition)
        assert [row.id for row in rows] == [session_.id for session_ in loaded]
        for row, session_ in zip(rows, loaded, strict=True):
            assert (row.title, row.kind, row.status, row.is_cancelled) == (
                session_.title,
                session_.kind,
                session_.status,
                session_.is_cancelled,
            )
            assert (row.starts_at, row.ends_at, row.timezone) == (
                session_.starts_at,
                session_.ends_at,
                session_.timezone,
            )
            assert row.track is session_.track
            assert row.room is session_.room
            assert row.venue is session_.venue
            assert [(p.speaker.name, p.role) for p in row.speakers] == [
                (p.speaker.name, p.role) for p in session_.speakers
            ]


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_kept_session_page_costs_one_query(client, programme, counting_statements):
    url = f"/sessions/{programme.sessions['opening']}"
    client.get(url)
    with counting_statements() as statements:
        assert client.get(url).status_code == 200
    assert len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1
    assert page(client, url) == page(client, url)


def test_a_session_change_shows_at_once_on_its_page(app, client, programme):
    url = f"/sessions/{programme.sessions['opening']}"
    assert "Opening keynote" in page(client, url)
    with app.app_context():
        db.session.get(ConferenceSession, programme.sessions["opening"]).title = "Grand opening"
        db.session.commit()
    assert "Grand opening" in page(client, url)


def test_a_track_or_showcase_change_shows_at_once_on_the_session_page(app, client, programme):
    url = f"/sessions/{programme.sessions['slot']}"
    before = page(client, url)
    assert "Smart bus stops" in before
    with app.app_context():
        db.session.scalar(
            db.select(Showcase).where(Showcase.title == "Smart bus stops")
        ).title = "Solar bus stops"
        db.session.commit()
    assert "Solar bus stops" in page(client, url)
    opening = f"/sessions/{programme.sessions['opening']}"
    assert "Smart governance" in page(client, opening)
    with app.app_context():
        db.session.get(Track, programme.tracks["governance"]).name = "Open governance"
        db.session.commit()
    assert "Open governance" in page(client, opening)


def test_a_signed_in_reader_gets_a_page_of_their_own(app, client, programme):
    url = f"/sessions/{programme.sessions['opening']}"
    assert "Log in to add this session" in page(client, url)
    with app.app_context():
        user_id = make_user().id
        db.session.commit()
    sign_in(client, user_id)
    own = page(client, url)
    assert "Add to my agenda" in own
    assert "Log in to add this session" not in own


def test_an_unknown_zone_is_explained_not_kept(client, programme):
    url = f"/sessions/{programme.sessions['opening']}?tz=Mars/Olympus"
    assert "Unknown time zone" in page(client, url)
    assert "Unknown time zone" in page(client, url)
