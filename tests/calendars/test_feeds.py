"""Feeds read back by independent parsers: same events at the same UTC instants."""

from datetime import UTC, datetime

import pytest
from icalendar import Calendar

from app.extensions import db
from app.models import MeetingChange, SessionSpeaker, SessionStatus, Thinklab
from tests.calendars.parsers import read_with_icaljs, read_with_vobject, same_reading
from tests.factories import (
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_venue,
)

TRICKY = 'Budget, plan; C:\\data\\ "quoted"\r\nATTENDEE:mailto:evil@example.org\nمدينة ذكية 🏙️'


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def casablanca(app):
    """Sessions in Casablanca in 2023 (UTC+1, and UTC+0 in Ramadan) and in 2027 (UTC+0
    for good), and in Paris on both sides of a DST change."""
    with app.app_context():
        edition = make_edition(slug="feeds-casa", timezone="Africa/Casablanca")
        track = make_track(edition, name="Gouvernance, données; confiance")
        venue = make_venue(edition, name="Palais des congrès", town="Casablanca")
        room = make_room(venue, name="Salle Anfa")
        org = make_organisation(name="Cluster e-Madina")
        speaker = make_speaker(name="Salma Berrada", organisation=org)
        times = [
            (datetime(2023, 3, 1, 10), datetime(2023, 3, 1, 11), "Africa/Casablanca"),
            (datetime(2023, 4, 5, 10), datetime(2023, 4, 5, 11), "Africa/Casablanca"),
            (datetime(2027, 6, 10, 10), datetime(2027, 6, 10, 11), "Africa/Casablanca"),
            (datetime(2027, 3, 27, 10), datetime(2027, 3, 27, 11), "Europe/Paris"),
            (datetime(2027, 3, 28, 10), datetime(2027, 3, 28, 11), "Europe/Paris"),
        ]
        ids = []
        for starts, ends, zone in times:
            session_ = make_session(
                edition, starts, ends, timezone=zone, track=track, room=room, venue=venue
            )
            ids.append(session_.id)
        tricky = make_session(
            edition,
            datetime(2027, 3, 11, 9),
            datetime(2027, 3, 11, 10),
            title=TRICKY,
            abstract=TRICKY + "\n" + "long " * 40,
            status=SessionStatus.CONFIRMED,
            room=room,
        )
        tricky.speakers.append(SessionSpeaker(speaker=speaker))
        cancelled = make_session(
            edition,
            datetime(2027, 3, 11, 11),
            datetime(2027, 3, 11, 12),
            status=SessionStatus.CANCELLED,
            sequence=2,
        )
        db.session.commit()
        sessions = list(
            db.session.scalars(db.select(type(tricky)).where(type(tricky).edition_id == edition.id))
        )
        expected = {s.id: (_utc(s.starts_at), _utc(s.ends_at)) for s in sessions}
        return {
            "slug": edition.slug,
            "ids": ids,
            "tricky": tricky.id,
            "cancelled": cancelled.id,
            "expected": expected,
            "uids": {s.id: s.ical_uid for s in sessions},
        }


def test_edition_feed_reads_the_same_in_every_parser(client, casablanca):
    response = client.get(f"/editions/{casablanca['slug']}/calendar.ics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    read = same_reading(response.data)
    assert read["method"] is None
    starts = {uid: event["start"] for (uid, _r), event in read["events"].items()}
    for session_id, (start, end) in casablanca["expected"].items():
        event = read["events"][(casablanca["uids"][session_id], None)]
        assert (event["start"], event["end"]) == (start, end)
    first, ramadan, after_2026, paris_before, paris_after = (
        starts[casablanca["uids"][i]] for i in casablanca["ids"]
    )
    assert first == "2023-03-01T09:00:00Z"  # UTC+1
    assert ramadan == "2023-04-05T10:00:00Z"  # UTC+0 in Ramadan
    assert after_2026 == "2027-06-10T10:00:00Z"  # UTC+0 for good since 2026-09-20
    assert paris_before == "2027-03-27T09:00:00Z"  # CET
    assert paris_after == "2027-03-28T08:00:00Z"  # CEST


def test_every_zone_has_a_vtimezone_and_events_carry_what_clients_need(client, casablanca):
    calendar = Calendar.from_ical(client.get(f"/editions/{casablanca['slug']}/calendar.ics").data)
    assert calendar.get_missing_tzids() == set()
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} == {
        "Africa/Casablanca",
        "Europe/Paris",
    }
    assert calendar["X-WR-CALNAME"] == calendar["NAME"]
    assert calendar["REFRESH-INTERVAL"].to_ical() == b"PT1H"
    for event in calendar.walk("VEVENT"):
        for name in ("UID", "DTSTAMP", "LAST-MODIFIED", "SEQUENCE", "DTSTART", "DTEND"):
            assert name in event, name
        for name in ("SUMMARY", "URL", "STATUS"):
            assert name in event, name
    cancelled = next(
        e
        for e in calendar.walk("VEVENT")
        if e["UID"] == casablanca["uids"][casablanca["cancelled"]]
    )
    assert cancelled["STATUS"] == "CANCELLED"
    assert cancelled["SEQUENCE"] == 2


def test_tricky_text_is_read_back_exactly_and_injects_nothing(client, casablanca):
    data = client.get(f"/sessions/{casablanca['tricky']}/calendar.ics").data
    assert b"\r\nATTENDEE" not in data
    expected = TRICKY.replace("\r\n", "\n")
    for read in (read_with_icaljs(data), read_with_vobject(data)):
        ((key, event),) = read["events"].items()
        assert event["summary"] == expected
        assert event["description"].startswith(expected)
        assert "Salma Berrada (Cluster e-Madina)" in event["description"]
        assert "ATTENDEE" not in [p.upper().replace("_", "-") for p in event["properties"]]
    for line in data.split(b"\r\n"):
        assert len(line) <= 75


def test_rescheduled_session_keeps_its_uid_with_a_higher_sequence(app, client, casablanca):
    url = f"/sessions/{casablanca['ids'][0]}/calendar.ics"
    before = read_with_icaljs(client.get(url).data)["events"]
    with app.app_context():
        session_ = db.session.get(
            __import__("app.models", fromlist=["ConferenceSession"]).ConferenceSession,
            casablanca["ids"][0],
        )
        session_.set_times(datetime(2023, 3, 1, 14), datetime(2023, 3, 1, 15), session_.timezone)
        session_.sequence += 1
        session_.changed_at = datetime.now(UTC)
        db.session.commit()
    after = read_with_icaljs(client.get(url).data)["events"]
    ((uid, old),) = before.items()
    assert set(after) == {uid}
    assert after[uid]["sequence"] == old["sequence"] + 1
    assert after[uid]["start"] == "2023-03-01T13:00:00Z"


def test_thinklab_recurrence_expands_alike_with_skipped_and_moved_meetings(app, client):
    with app.app_context():
        thinklab = Thinklab(
            slug="feeds-thinklab",
            name="Thinklab, test; recurrence",
            timezone="Europe/Paris",
            first_meeting_local=datetime(2026, 1, 13, 18, 0),
            meeting_minutes=90,
            rrule="FREQ=MONTHLY;BYDAY=2TU",
        )
        db.session.add(thinklab)
        db.session.flush()
        skipped = MeetingChange(
            thinklab=thinklab, timezone="Europe/Paris", original_local=datetime(2026, 3, 10, 18)
        )
        skipped.is_cancelled = True
        moved = MeetingChange(
            thinklab=thinklab,
            timezone="Europe/Paris",
            original_local=datetime(2026, 4, 14, 18),
            starts_local=datetime(2026, 4, 16, 9),
            ends_local=datetime(2026, 4, 16, 10, 30),
            sequence=1,
        )
        for change in (skipped, moved):
            change.refresh_instants()
            db.session.add(change)
        db.session.commit()
    data = client.get("/thinklabs/feeds-thinklab/calendar.ics").data
    read = same_reading(data, until=datetime(2026, 7, 1, tzinfo=UTC))
    starts = [start for _uid, start, _end in read["occurrences"]]
    assert starts == [
        "2026-01-13T17:00:00Z",
        "2026-02-10T17:00:00Z",
        # 10 March skipped (EXDATE)
        "2026-04-16T07:00:00Z",  # moved from 14 April (RECURRENCE-ID), summer time
        "2026-05-12T16:00:00Z",
        "2026-06-09T16:00:00Z",
    ]


def test_second_poll_gets_304_by_etag_and_by_date(client, casablanca):
    url = f"/editions/{casablanca['slug']}/calendar.ics"
    first = client.get(url)
    assert first.headers["ETag"] and first.headers["Last-Modified"]
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    since = {"If-Modified-Since": first.headers["Last-Modified"]}
    assert client.get(url, headers=since).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200


def test_feed_follows_the_programme_filters(client, casablanca):
    url = f"/editions/{casablanca['slug']}/calendar.ics?day=2027-03-11"
    uids = {str(e["UID"]) for e in Calendar.from_ical(client.get(url).data).walk("VEVENT")}
    assert uids == {
        casablanca["uids"][casablanca["tricky"]],
        casablanca["uids"][casablanca["cancelled"]],
    }
