"""The programme kept per data version: served again without a render, and every change at once."""

import pytest

from app.extensions import db
from app.models import AgendaEntry, ConferenceSession, Room, SessionSpeaker, Speaker, Track
from app.program import routes
from app.program.routes import day_cache, item_cache, page_cache
from tests.factories import make_speaker, make_user
from tests.support import sign_in


@pytest.fixture(autouse=True)
def _empty_caches():
    for cache in (page_cache, day_cache, item_cache):
        cache.clear()
    yield
    for cache in (page_cache, day_cache, item_cache):
        cache.clear()


def html(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def grid_and_list(client, slug: str) -> list[str]:
    return [html(client, f"/editions/{slug}/programme?view={view}") for view in ("grid", "list")]


def test_a_second_anonymous_request_is_served_without_rendering(
    client, programme, counting_statements
):
    url = f"/editions/{programme.slug}/programme?view=list"
    first = counting_statements.for_page(client, url)
    again = counting_statements.for_page(client, url)
    assert again < first
    assert html(client, url) == html(client, url)


def test_a_session_title_changes_at_once(app, client, programme):
    before = grid_and_list(client, programme.slug)
    assert all("Opening keynote" in page for page in before)
    with app.app_context():
        db.session.get(ConferenceSession, programme.sessions["opening"]).title = "Grand opening"
        db.session.commit()
    for page in grid_and_list(client, programme.slug):
        assert "Grand opening" in page
        assert "Opening keynote" not in page


def test_a_track_renamed_shows_at_once(app, client, programme):
    assert all("Smart governance" in page for page in grid_and_list(client, programme.slug))
    with app.app_context():
        db.session.get(Track, programme.tracks["governance"]).name = "Open governance"
        db.session.commit()
    for page in grid_and_list(client, programme.slug):
        assert "Open governance" in page
        assert "Smart governance" not in page


def test_a_room_renamed_shows_at_once(app, client, programme):
    assert "Hall A" in grid_and_list(client, programme.slug)[0]
    with app.app_context():
        db.session.get(Room, programme.rooms["hall"]).name = "Auditorium"
        db.session.commit()
    page = grid_and_list(client, programme.slug)[0]
    assert "Auditorium" in page
    assert "Hall A" not in page


def test_a_speaker_renamed_or_added_shows_at_once(app, client, programme):
    assert all("Amina Benali" in page for page in grid_and_list(client, programme.slug))
    with app.app_context():
        db.session.get(Speaker, programme.speakers["amina"]).name = "Amina Benali-Idrissi"
        db.session.commit()
    assert all("Amina Benali-Idrissi" in page for page in grid_and_list(client, programme.slug))
    with app.app_context():
        newcomer = make_speaker(name="Yasmine Tazi")
        db.session.add(
            SessionSpeaker(session_id=programme.sessions["moved"], speaker_id=newcomer.id)
        )
        db.session.commit()
    assert all("Yasmine Tazi" in page for page in grid_and_list(client, programme.slug))


def test_a_signed_in_reader_gets_their_own_page(app, client, programme):
    anonymous = html(client, f"/editions/{programme.slug}/programme?view=list")
    with app.app_context():
        user_id = make_user(display_name="Nadia Reader").id
        db.session.commit()
    sign_in(client, user_id)
    own = html(client, f"/editions/{programme.slug}/programme?view=list")
    assert "Nadia Reader" in own or own != anonymous


def test_a_signed_in_reader_sees_changes_and_stars_at_once(app, client, programme):
    with app.app_context():
        user_id = make_user().id
        db.session.commit()
    sign_in(client, user_id)
    url = f"/editions/{programme.slug}/programme?view=list"
    assert "In my agenda" not in html(client, url)
    with app.app_context():
        db.session.add(AgendaEntry(user_id=user_id, session_id=programme.sessions["panel"]))
        db.session.get(ConferenceSession, programme.sessions["panel"]).title = "Metro panel"
        db.session.commit()
    page = html(client, url)
    assert "Metro panel" in page
    assert "In my agenda" in page


def test_a_change_builds_its_day_again_and_keeps_the_others(app, client, programme, monkeypatch):
    grid_and_list(client, programme.slug)
    with app.app_context():
        opening = db.session.get(ConferenceSession, programme.sessions["opening"])
        opening.title = "Grand opening"
        day = opening.starts_local.date()
        db.session.commit()
    read = []
    real = routes.programme_rows

    def spy(*args, **kwargs):
        read.append(kwargs.get("days"))
        return real(*args, **kwargs)

    monkeypatch.setattr(routes, "programme_rows", spy)
    changed = grid_and_list(client, programme.slug)
    assert read == [[day], [day]]
    # The page joined from kept days is the page built from nothing.
    for cache in (page_cache, day_cache, item_cache):
        cache.clear()
    assert grid_and_list(client, programme.slug) == changed
    assert all("Grand opening" in page for page in changed)
