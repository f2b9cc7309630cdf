"""A feed's version moves with everything it shows, so a subscriber's next poll sees it."""

from app.extensions import db
from app.models import Room, Speaker
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
