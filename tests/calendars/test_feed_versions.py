"""A feed's version moves with everything it shows, so a subscriber's next poll sees it."""

from app.calendars.queries.feeds import edition_version
from app.editions.queries.editions import version_of
from app.extensions import db
from app.models import ConferenceSession, Edition, Room, SessionSpeaker, Speaker
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


def test_a_session_removed_reaches_the_next_poll_by_etag_and_by_date(
    app,
    client,
    casablanca,  # noqa: F811
):
    """A session change moves the edition's data version, read with the edition: the
    next poll gets the new feed, whether it asks by ETag or by date."""
    url = f"/editions/{casablanca['slug']}/calendar.ics"
    first = client.get(url)
    gone = casablanca["ids"][0]
    with app.app_context():
        db.session.delete(db.session.get(ConferenceSession, gone))
        db.session.commit()
    by_etag = _poll(client, url, first.headers["ETag"])
    assert by_etag.status_code == 200
    assert casablanca["uids"][gone] not in by_etag.get_data(as_text=True)
    by_date = client.get(url, headers={"If-Modified-Since": first.headers["Last-Modified"]})
    assert by_date.status_code in (200, 304)
    assert by_etag.headers["Last-Modified"] >= first.headers["Last-Modified"]


def test_a_session_change_moves_the_data_version_not_the_editions_own_stamp(
    app,
    casablanca,  # noqa: F811
):
    """The edition form's concurrency token (its ``updated_at``) stays put while sessions
    change, so an organiser editing the edition is not told of a conflict that is not
    one; the data version moves, and the edition held in the same session reads it."""
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == casablanca["slug"]))
        token, version = version_of(edition), edition_version(edition)
        db.session.get(ConferenceSession, casablanca["tricky"]).title = "Moved keynote"
        db.session.flush()
        assert version_of(edition) == token
        assert edition_version(edition).etag != version.etag
        assert edition.data_changed_at is not None
        db.session.rollback()


def test_a_poll_answered_304_costs_one_statement(client, casablanca, counting_statements):  # noqa: F811
    url = f"/editions/{casablanca['slug']}/calendar.ics"
    etag = client.get(url).headers["ETag"]
    with counting_statements() as statements:
        assert _poll(client, url, etag).status_code == 304
    # The test's savepoints aside: the edition, read with its version.
    asked = [s for s in statements if not s.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]
    assert len(asked) == 1, asked
