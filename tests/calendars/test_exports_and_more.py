"""Schedule exports against their schemas, iTIP invitations, the agenda, the CSV,
bounded query counts, and the demo's feeds read alike by independent parsers."""

import csv
import io
import json
import os
from datetime import datetime, timedelta
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from icalendar import Calendar
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.calendars.exports import safe_cell
from app.calendars.ical import session_invitation
from app.demo import load_demo
from app.extensions import db
from app.models import (
    AgendaEntry,
    Agreement,
    EditionRoleKind,
    SessionSpeaker,
    SessionStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    User,
)
from tests.calendars.parsers import same_reading
from tests.factories import (
    grant,
    make_edition,
    make_room,
    make_session,
    make_speaker,
    make_track,
    make_user,
    make_venue,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
SCHEMAS = Path(__file__).resolve().parents[2] / ".." / "shared" / "schemas" / "voc-schedule"


def schemas() -> Path:
    if not SCHEMAS.is_dir():
        reason = f"the schedule schemas are not at {SCHEMAS.resolve()} (shared/ beside the project)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return SCHEMAS


@pytest.fixture
def demo(app):
    with app.app_context():
        load_demo()
        attendee = db.session.scalar(db.select(User).filter_by(email="attendee@demo.agora"))
        attendee.calendar_token = "demo-agenda-token"
        db.session.commit()
        return {
            "agreements": [a.id for a in db.session.scalars(db.select(Agreement))],
            "attendee": attendee.id,
        }


DEMO_EDITIONS = (
    "casablanca-smart-city-2023",
    "bizerte-smart-city-2017",
    "tunisian-smart-cities-caravan-2020",
)


@pytest.mark.parametrize("slug", DEMO_EDITIONS)
def test_demo_exports_validate_against_their_schemas(client, demo, slug):
    folder = schemas()
    xml = client.get(f"/editions/{slug}/schedule.xml")
    assert xml.status_code == 200
    xmlschema.XMLSchema(str(folder / "schedule.xml.xsd")).validate(io.BytesIO(xml.data))
    document = client.get(f"/editions/{slug}/schedule.json")
    assert document.status_code == 200
    schema = json.loads((folder / "schema.json").read_text())
    jsonschema.Draft6Validator(schema, format_checker=jsonschema.FormatChecker()).validate(
        json.loads(document.data)
    )
    assert (
        client.get(
            f"/editions/{slug}/schedule.json", headers={"If-None-Match": document.headers["ETag"]}
        ).status_code
        == 304
    )


def test_demo_feeds_read_alike_in_independent_parsers(client, demo):
    urls = [f"/editions/{slug}/calendar.ics" for slug in DEMO_EDITIONS]
    urls += ["/thinklabs/bizerte-2050/calendar.ics", "/agenda/demo-agenda-token.ics"]
    urls += [f"/agreements/{i}/calendar.ics" for i in demo["agreements"]]
    read_some = 0
    for url in urls:
        response = client.get(url)
        if url.startswith("/agreements") and response.status_code == 404:
            continue  # a private agreement, for those it concerns only
        assert response.status_code == 200, url
        read = same_reading(response.data)
        assert read["events"], url
        assert (
            client.get(url, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
        )
        read_some += 1
    assert read_some >= 7
    casablanca = Calendar.from_ical(
        client.get("/editions/casablanca-smart-city-2023/calendar.ics").data
    )
    statuses = {str(e["STATUS"]) for e in casablanca.walk("VEVENT")}
    assert "CANCELLED" in statuses
    assert any(int(e["SEQUENCE"]) >= 1 for e in casablanca.walk("VEVENT"))


def test_invitations_request_then_cancel_with_the_same_uid(app):
    with app.app_context():
        edition = make_edition(slug="itip-edition")
        session_ = make_session(edition, title="Keynote; with, commas")
        first = session_invitation(session_, "speaker@example.org", "Speaker, One")
        session_.set_times(datetime(2027, 3, 10, 15), datetime(2027, 3, 10, 16), session_.timezone)
        session_.sequence += 1
        moved = session_invitation(session_, "speaker@example.org", "Speaker, One")
        session_.status = SessionStatus.CANCELLED
        session_.sequence += 1
        cancelled = session_invitation(session_, "speaker@example.org")
    readings = []
    for body, method in ((first, "REQUEST"), (moved, "REQUEST"), (cancelled, "CANCEL")):
        calendar = Calendar.from_ical(body)
        assert calendar["METHOD"] == method
        (vevent,) = calendar.walk("VEVENT")
        assert str(vevent["ORGANIZER"]) == "mailto:no-reply@agora.localhost"
        attendee = vevent["ATTENDEE"]
        assert attendee.params["PARTSTAT"] == "NEEDS-ACTION" and attendee.params["RSVP"] == "TRUE"
        readings.append(same_reading(body))
    uids = [next(iter(r["events"]))[0] for r in readings]
    assert len(set(uids)) == 1
    sequences = [next(iter(r["events"].values()))["sequence"] for r in readings]
    assert sequences == sorted(set(sequences))
    assert next(iter(readings[2]["events"].values()))["status"] == "CANCELLED"
    assert next(iter(readings[1]["events"].values()))["start"] == "2027-03-10T15:00:00Z"


def _count_queries(client, url) -> int:
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(Engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(Engine, "before_cursor_execute", count)
    return len(statements)


@pytest.mark.parametrize("export", ["calendar.ics", "schedule.xml", "schedule.json"])
def test_feed_query_count_does_not_grow_with_the_sessions(app, client, export):
    counts = []
    for size in (10, 200):
        with app.app_context():
            edition = make_edition(slug=f"bulk-{export}-{size}")
            track = make_track(edition)
            room = make_room(make_venue(edition))
            speaker = make_speaker()
            start = datetime(2027, 3, 10, 8)
            for n in range(size):
                starts = start + timedelta(minutes=30 * (n % 20), days=n // 20 % 2)
                session_ = make_session(
                    edition, starts, starts + timedelta(minutes=25), track=track, room=room
                )
                session_.speakers.append(SessionSpeaker(speaker=speaker))
            db.session.commit()
            slug = edition.slug
        counts.append(_count_queries(client, f"/editions/{slug}/{export}"))
    assert counts[0] == counts[1], counts


def test_agenda_has_starred_sessions_talks_and_thinklabs_and_rotation_kills_it(app, client):
    with app.app_context():
        edition = make_edition(slug="agenda-edition")
        starred, spoken, other = (make_session(edition) for _ in range(3))
        user = make_user()
        speaker = make_speaker(user=user)
        spoken.speakers.append(SessionSpeaker(speaker=speaker))
        thinklab = Thinklab(
            slug="agenda-thinklab",
            name="Agenda thinklab",
            timezone="Africa/Tunis",
            first_meeting_local=datetime(2027, 1, 12, 14),
            rrule="FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        )
        thinklab.members.append(
            ThinklabMember(user=user, name="Me", category=StakeholderCategory.STARTUP)
        )
        db.session.add(thinklab)
        db.session.commit()
        user_id, ids = user.id, (starred.id, spoken.id, other.id)
        session_uids = [s.ical_uid for s in (starred, spoken, other)]
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(user_id)
        flask_session["_fresh"] = True
    assert client.post(f"/sessions/{ids[0]}/star").status_code == 302
    response = client.post("/account/agenda-token")
    assert response.status_code == 302
    with app.app_context():
        token = db.session.get(User, user_id).calendar_token
    feed = client.get(f"/agenda/{token}.ics")
    assert feed.status_code == 200
    uids = {uid for uid, _r in same_reading(feed.data)["events"]}
    assert session_uids[0] in uids
    assert session_uids[1] in uids
    assert session_uids[2] not in uids
    assert any(uid.startswith("thinklab-") for uid in uids)
    page = client.get("/account")
    assert f"webcal://agora.test/agenda/{token}.ics" in page.get_data(as_text=True)
    client.post(f"/sessions/{ids[0]}/unstar")
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(AgendaEntry.id))) == 0
    client.post("/account/agenda-token")
    assert client.get(f"/agenda/{token}.ics").status_code == 404
    assert client.get("/agenda/unknown-token.ics").status_code == 404


def test_csv_is_for_organisers_and_neutralises_formulas(app, client):
    with app.app_context():
        edition = make_edition(slug="csv-edition")
        make_session(edition, title='=HYPERLINK("http://evil")', abstract="x")
        make_session(edition, title="-2+3")
        organiser, stranger = make_user(), make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        db.session.commit()
        ids = organiser.id, stranger.id
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(ids[1])
    assert client.get("/editions/csv-edition/sessions.csv").status_code == 403
    with client.session_transaction() as flask_session:
        flask_session["_user_id"] = str(ids[0])
    response = client.get("/editions/csv-edition/sessions.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ['\'=HYPERLINK("http://evil")', "'-2+3"]


def test_safe_cell():
    for text in ("=1", "+1", "-1", "@SUM", "\tx", "\rx"):
        assert safe_cell(text) == "'" + text
    assert safe_cell("Casablanca") == "Casablanca"
