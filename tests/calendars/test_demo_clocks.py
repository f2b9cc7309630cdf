"""The demo read by ical.js, vobject and libical: every kind of feed and of invitation,
Casablanca sessions in the Ramadans of 2024 to 2027 and the Issy–Leshan series through
2030, all read alike and at the instants zoneinfo gives."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import selectinload

from app.demo import load_demo
from app.extensions import db
from app.ical import agreement_milestones, session_invitation, thinklab_invitation
from app.models import (
    AgendaEntry,
    Agreement,
    ConferenceSession,
    Edition,
    SessionSpeaker,
    Speaker,
    Thinklab,
    User,
)
from tests.calendars.parsers import same_readings
from tests.calendars.truth import Truth

UNTIL = datetime(2031, 1, 1, tzinfo=UTC)
# Mid-Ramadan evenings in Casablanca: UTC+0 during Ramadan until 2026, for good after.
RAMADAN_EVENINGS = (
    datetime(2024, 3, 25, 18),
    datetime(2025, 3, 10, 18),
    datetime(2026, 3, 1, 18),
    datetime(2027, 2, 22, 18),
)
FEED_TYPE = "text/calendar; charset=utf-8"


@pytest.fixture
def demo(app):
    """The demo, with Ramadan sessions in the Casablanca edition that the attendee
    starred, and the attendee's agenda address."""
    with app.app_context():
        load_demo()
        attendee = db.session.scalar(db.select(User).filter_by(email="attendee@demo.agora"))
        attendee.calendar_token = "demo-clock-token"
        edition = db.session.scalar(db.select(Edition).filter_by(slug="casablanca-smart-city-2023"))
        for starts in RAMADAN_EVENINGS:
            session_ = ConferenceSession(
                edition=edition, kind="talk", title=f"Ramadan {starts.year}"
            )
            session_.set_times(starts, starts + timedelta(hours=1), "Africa/Casablanca")
            db.session.add(session_)
            db.session.add(AgendaEntry(user=attendee, session=session_))
        db.session.commit()


def _all(model, *options):
    return list(db.session.scalars(db.select(model).options(*options).order_by(model.id)))


def test_every_demo_feed_and_invitation_reads_alike_and_as_zoneinfo_says(app, client, demo):
    truth = Truth(UNTIL)
    invitations = []
    with app.app_context():
        sessions = _all(ConferenceSession, selectinload(ConferenceSession.speakers))
        thinklabs = _all(Thinklab, selectinload(Thinklab.occurrence_changes))
        for session_ in sessions:
            truth.add_session(session_)
            if session_.speakers:
                invitations.append(session_invitation(session_, "speaker@example.org"))
        for thinklab in thinklabs:
            truth.add_thinklab(thinklab)
            invitations.append(thinklab_invitation(thinklab, "m@example.org", method="REQUEST"))
            invitations.append(thinklab_invitation(thinklab, "m@example.org", method="CANCEL"))
            for change in thinklab.occurrence_changes:
                if change.is_cancelled:
                    invitations.append(
                        thinklab_invitation(
                            thinklab, "m@example.org", method="CANCEL", occurrence=change
                        )
                    )
        agreement_days = {
            agreement.id: {m.day.isoformat() for m in agreement_milestones(agreement)}
            for agreement in _all(Agreement)
            if agreement.is_public
        }
        speaker_ids = {place.speaker_id for place in _all(SessionSpeaker)}
        assert speaker_ids and len(_all(Speaker)) >= len(speaker_ids)
        urls = [f"/editions/{edition.slug}/calendar.ics" for edition in _all(Edition)]
        urls += [f"/sessions/{session_.id}/calendar.ics" for session_ in sessions]
        urls += [f"/thinklabs/{thinklab.slug}/calendar.ics" for thinklab in thinklabs]
        urls += [f"/speakers/{speaker_id}/calendar.ics" for speaker_id in sorted(speaker_ids)]
        urls += [f"/agreements/{agreement_id}/calendar.ics" for agreement_id in agreement_days]
        urls += ["/agenda/demo-clock-token.ics"]
    methods = {"REQUEST", "CANCEL"}
    assert {"REQUEST", "CANCEL"} <= {
        "CANCEL" if b"METHOD:CANCEL" in body else "REQUEST" for body in invitations
    }
    feeds = []
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Content-Type"] == FEED_TYPE, url
        feeds.append(response.data)

    readings = same_readings(feeds + invitations, UNTIL)

    for url, reading in zip(urls, readings, strict=False):
        assert reading["method"] is None, url
        if url.startswith("/agreements/"):
            agreement_id = int(url.split("/")[2])
            starts = {event["start"] for event in reading["events"].values()}
            assert starts == agreement_days[agreement_id], url
    for reading in readings[len(feeds) :]:
        assert reading["method"] in methods
    for reading in readings:
        truth.check(reading)
    ramadan = [truth.sessions[s.ical_uid] for s in sessions if s.title.startswith("Ramadan ")]
    assert [start for start, _end in ramadan] == [
        "2024-03-25T18:00:00Z",
        "2025-03-10T18:00:00Z",
        "2026-03-01T18:00:00Z",
        "2027-02-22T18:00:00Z",
    ]
    paris = [t for t in thinklabs if t.slug.startswith("issy-leshan") and "Paris" in t.timezone]
    summers = [
        start
        for thinklab in paris
        for start, _end in truth.series[thinklab.ical_uid]
        if start[:4] in {"2025", "2030"} and start[5:7] == "07"
    ]
    assert summers  # the summer meetings of 2025 and 2030 were among those compared
    print(f"{len(readings)} documents, {truth.compared} instants per reader")
