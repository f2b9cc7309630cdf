"""Feeds are not iTIP messages (no METHOD, no ``method=``); invitations are (METHOD with
an ORGANIZER, and the matching ``method=``); calendar names read back as written."""

from datetime import date, datetime

import pytest
from icalendar import Calendar

from app.extensions import db
from app.ical import calendar_media_type, session_invitation, thinklab_invitation
from app.models import (
    AgendaEntry,
    Agreement,
    AgreementKind,
    MeetingChange,
    SessionSpeaker,
    Thinklab,
)
from tests.calendars.parsers import read_with_icaljs, read_with_vobject
from tests.factories import make_edition, make_session, make_speaker, make_user

NAME = 'evil; semi;colon, comma \\ back "quoted" مدينة 🎉'
FEED_TYPE = "text/calendar; charset=utf-8"


@pytest.fixture
def feeds(app) -> dict[str, str]:
    """One feed of every kind, each named ``NAME`` (or after it), by address."""
    with app.app_context():
        edition = make_edition(slug="names-edition", title=NAME)
        session_ = make_session(edition, datetime(2027, 3, 10, 10), datetime(2027, 3, 10, 11))
        session_.title = NAME
        speaker = make_speaker(name=NAME)
        session_.speakers.append(SessionSpeaker(speaker=speaker))
        thinklab = Thinklab(
            slug="names-thinklab",
            name=NAME,
            timezone="Africa/Casablanca",
            first_meeting_local=datetime(2027, 1, 12, 14),
            rrule="FREQ=MONTHLY;COUNT=6",
        )
        agreement = Agreement(
            kind=AgreementKind.CONVENTION,
            title=NAME,
            is_public=True,
            effective_date=date(2027, 1, 1),
        )
        user = make_user(display_name=NAME)
        user.calendar_token = "names-agenda-token"
        db.session.add_all([thinklab, agreement])
        db.session.flush()
        db.session.add(AgendaEntry(user=user, session=session_))
        db.session.commit()
        return {
            f"/editions/{edition.slug}/calendar.ics": NAME,
            f"/sessions/{session_.id}/calendar.ics": NAME,
            f"/speakers/{speaker.id}/calendar.ics": f"Sessions of {NAME}",
            f"/thinklabs/{thinklab.slug}/calendar.ics": NAME,
            f"/agreements/{agreement.id}/calendar.ics": NAME,
            "/agenda/names-agenda-token.ics": f"Agenda of {NAME}",
        }


def test_feeds_carry_no_method_and_no_method_parameter(client, feeds):
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "METHOD" not in Calendar.from_ical(response.data), url
        assert response.headers["Content-Type"] == FEED_TYPE, url


def test_calendar_names_read_back_without_escapes(client, feeds):
    for url, name in feeds.items():
        data = client.get(url).data
        calendar = Calendar.from_ical(data)
        assert str(calendar["NAME"]) == name, url
        assert str(calendar["X-WR-CALNAME"]) == name, url
        assert read_with_icaljs(data)["name"] == name, url
        assert read_with_vobject(data)["name"] == name, url


def test_invitations_keep_their_method_an_organizer_and_a_matching_type(app_ctx):
    edition = make_edition(slug="names-itip")
    session_ = make_session(edition)
    thinklab = Thinklab(
        slug="names-itip-lab",
        name="Lab",
        timezone="Europe/Paris",
        first_meeting_local=datetime(2027, 1, 12, 18),
        rrule="FREQ=WEEKLY",
    )
    db.session.add(thinklab)
    db.session.flush()
    skipped = MeetingChange(
        thinklab=thinklab, timezone="Europe/Paris", original_local=datetime(2027, 1, 19, 18)
    )
    skipped.is_cancelled = True
    skipped.refresh_instants()
    db.session.add(skipped)
    db.session.flush()
    bodies = {
        "REQUEST": [
            session_invitation(session_, "a@example.org", method="REQUEST"),
            thinklab_invitation(thinklab, "a@example.org", method="REQUEST"),
        ],
        "CANCEL": [
            session_invitation(session_, "a@example.org", method="CANCEL"),
            thinklab_invitation(thinklab, "a@example.org", method="CANCEL"),
            thinklab_invitation(thinklab, "a@example.org", method="CANCEL", occurrence=skipped),
        ],
    }
    for method, messages in bodies.items():
        for body in messages:
            calendar = Calendar.from_ical(body)
            assert calendar["METHOD"] == method
            assert calendar_media_type(body) == f"{FEED_TYPE}; method={method}"
            events = calendar.walk("VEVENT")
            assert events and all("ORGANIZER" in event for event in events)
