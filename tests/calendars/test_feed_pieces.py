"""Feeds and exports put together from events kept per session version: the same bytes as
a file written whole, and after a change only the changed session's event is written."""

import pytest

from app import ical
from app.calendars.queries import exports, feeds, pieces
from app.extensions import db
from app.models import ConferenceSession, Edition, Room, Speaker
from app.program.queries import programme_sessions
from tests.program.conftest import build_programme


@pytest.fixture
def programme(app):
    with app.app_context():
        built = build_programme()
        db.session.commit()
    pieces.export_cache.clear()
    yield built
    pieces.export_cache.clear()


def written_whole(app, slug: str, kind: str, **filters) -> bytes:
    """The file as the builders write it from loaded sessions, every event anew."""
    with app.test_request_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
        sessions = programme_sessions(edition)
        if kind == "calendar.ics":
            return ical.edition_to_ical(edition, sessions).to_ical()
        if kind == "schedule.xml":
            return exports.schedule_xml(edition, sessions)
        return exports.schedule_json(edition, sessions)


@pytest.fixture
def written_events(monkeypatch):
    """Count the session events written (VEVENTs and export events)."""
    written = []
    session_piece = ical.session_piece

    def counted(session_):
        written.append(session_.id)
        return session_piece(session_)

    monkeypatch.setattr(ical, "session_piece", counted)
    for kind, (build, write) in list(pieces.EXPORTS.items()):

        def counted_export(edition, name, session_, write=write):
            written.append(session_.id)
            return write(edition, name, session_)

        monkeypatch.setitem(pieces.EXPORTS, kind, (build, counted_export))
    return written


@pytest.mark.parametrize("kind", ["calendar.ics", "schedule.xml", "schedule.json"])
def test_a_file_from_kept_events_is_the_file_written_whole(app, client, programme, kind):
    served = client.get(f"/editions/{programme.slug}/{kind}")
    assert served.status_code == 200
    assert served.data == written_whole(app, programme.slug, kind)


@pytest.mark.parametrize("kind", ["calendar.ics", "schedule.xml", "schedule.json"])
def test_after_a_change_one_event_is_written_again(app, client, programme, kind, written_events):
    url = f"/editions/{programme.slug}/{kind}"
    assert client.get(url).status_code == 200
    assert len(written_events) >= 4
    written_events.clear()
    with app.app_context():
        db.session.get(ConferenceSession, programme.sessions["opening"]).title = "Grand opening"
        db.session.commit()
    served = client.get(url)
    assert written_events == [programme.sessions["opening"]]
    assert b"Grand opening" in served.data
    assert b"Opening keynote" not in served.data
    assert served.data == written_whole(app, programme.slug, kind)


@pytest.mark.parametrize("kind", ["calendar.ics", "schedule.xml", "schedule.json"])
def test_a_renamed_room_reaches_every_event_of_the_file(app, client, programme, kind):
    url = f"/editions/{programme.slug}/{kind}"
    assert b"Hall A" in client.get(url).data
    with app.app_context():
        db.session.get(Room, programme.rooms["hall"]).name = "Grand hall"
        db.session.commit()
    served = client.get(url)
    assert b"Hall A" not in served.data
    assert b"Grand hall" in served.data
    assert served.data == written_whole(app, programme.slug, kind)


def test_a_speaker_feed_from_kept_events_is_the_feed_written_whole(app, client, programme):
    speaker_id = programme.speakers["amina"]
    client.get(f"/editions/{programme.slug}/calendar.ics")  # the edition's events are kept
    served = client.get(f"/speakers/{speaker_id}/calendar.ics")
    assert served.status_code == 200
    with app.test_request_context():
        speaker = db.session.get(Speaker, speaker_id)
        whole = ical.speaker_to_ical(speaker, feeds.speaker_sessions(speaker_id)).to_ical()
    assert served.data == whole
    assert served.data.count(b"BEGIN:VEVENT") == 2


def test_the_apis_calendar_is_the_public_feed_kept(app, client, programme, written_events):
    public = client.get(f"/editions/{programme.slug}/calendar.ics")
    written_events.clear()
    api = client.get(f"/api/v1/editions/{programme.slug}/calendar.ics")
    assert api.status_code == 200 and api.data == public.data
    assert api.headers["ETag"] == public.headers["ETag"]
    assert written_events == []  # served from the kept feed
    assert api.data == written_whole(app, programme.slug, "calendar.ics")
    again = client.get(
        f"/api/v1/editions/{programme.slug}/calendar.ics",
        headers={"If-None-Match": api.headers["ETag"]},
    )
    assert again.status_code == 304 and again.data == b""
