"""A feed's version moves with everything it shows, so a subscriber's next poll sees it."""

from app.extensions import db
from app.models import Room, SessionSpeaker, Speaker
from tests.calendars.test_feeds import casablanca  # noqa: F401  (the fixture)


def _poll(client, url: str, etag: str):
    return client.get(url, headers={"If-None-Match": etag})


def test_a_speaker_renamed_reaches_the_next_poll(app, client, casablanca):  # noqa: F811
    url = f"/editions/{casablanca['slug']}/calendar.ics"
    first = client.get(url)
    assert "Salma Berrada" in first.get_data(as_text=True)
    with app.app_context():
        speaker = db.session.scalar(db.select(Speaker).where(Speaker.name == "Salma Berrada"))
        speaker.name = "Salma Berrada-Alami"
        db.session.commit()
    again = _poll(client, url, first.headers["ETag"])
    assert again.status_code == 200
    assert again.headers["ETag"] != first.headers["ETag"]
    assert "Salma Berrada-Alami" in again.get_data(as_text=True)


def test_a_room_renamed_reaches_the_next_poll_of_the_exports(app, client, casablanca):  # noqa: F811
    url = f"/editions/{casablanca['slug']}/schedule.json"
    first = client.get(url)
    with app.app_context():
        db.session.scalar(db.select(Room).where(Room.name == "Salle Anfa")).name = "Salle Atlas"
        db.session.commit()
    again = _poll(client, url, first.headers["ETag"])
    assert again.status_code == 200
    assert "Salle Atlas" in again.get_data(as_text=True)


def test_a_speakers_organisation_renamed_reaches_the_feed_and_the_session_page(
    app,
    client,
    casablanca,  # noqa: F811
):
    """The feed names each speaker's organisation; organisations have no stamp of their
    own, so renaming one moves the version of the editions it appears in."""
    url = f"/editions/{casablanca['slug']}/calendar.ics"
    first = client.get(url)
    with app.app_context():
        speaker = db.session.scalar(db.select(Speaker).where(Speaker.name == "Salma Berrada"))
        organisation = speaker.organisation
        assert organisation is not None and organisation.name in first.get_data(as_text=True)
        session_id = db.session.scalar(
            db.select(SessionSpeaker.session_id).where(SessionSpeaker.speaker_id == speaker.id)
        )
        page = client.get(f"/sessions/{session_id}").get_data(as_text=True)
        assert organisation.name in page
        organisation.name = "Dar Mobility Maroc"
        db.session.commit()
    again = _poll(client, url, first.headers["ETag"])
    assert again.status_code == 200
    assert "Dar Mobility Maroc" in again.get_data(as_text=True)
    assert "Dar Mobility Maroc" in client.get(f"/sessions/{session_id}").get_data(as_text=True)
