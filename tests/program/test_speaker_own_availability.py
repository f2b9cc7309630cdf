"""Speakers state their own availability from their invitation link, without a password."""

from datetime import date, datetime

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.models import EditionRoleKind, SessionSpeaker, SpeakerAvailability
from app.program import services
from tests.factories import (
    grant,
    make_edition,
    make_room,
    make_session,
    make_speaker,
    make_user,
    make_venue,
)


@pytest.fixture
def world(app):
    with app.app_context():
        edition = make_edition(
            slug="paris-own-avail",
            timezone="Europe/Paris",
            start_date=date(2027, 3, 27),
            end_date=date(2027, 3, 28),
        )
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        hall = make_room(make_venue(edition, name="Centre", town="Paris"), name="Hall")
        speaker = make_speaker(name="Amina")
        talk = make_session(
            edition,
            datetime(2027, 3, 28, 15),
            datetime(2027, 3, 28, 16),
            title="Afternoon talk",
            room=hall,
            venue=hall.venue,
            timezone="Europe/Paris",
        )
        place = SessionSpeaker(speaker=speaker)
        talk.speakers.append(place)
        db.session.commit()
        return {
            "slug": edition.slug,
            "organiser": organiser.id,
            "url": f"/speaker-invitations/{services.invitation_token(place)}",
        }


def periods(app) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        rows = db.session.execute(
            select(SpeakerAvailability.starts_local, SpeakerAvailability.ends_local)
        )
        return [tuple(row) for row in rows]


def test_the_invitation_page_offers_the_availability_form(client, world):
    page = Markup(client.get(world["url"]).get_data(as_text=True)).unescape()
    assert "Your availability" in page
    assert "(2027-03-27 to 2027-03-28), on the wall clock of Europe/Paris" in page
    assert 'for="starts_local"' in page and 'for="ends_local"' in page


def test_a_stated_period_reaches_the_organisers_conflicts_page(app, client, world):
    saved = client.post(
        world["url"] + "/availability",
        data={"starts_local": "2027-03-28T09:00", "ends_local": "2027-03-28T12:00"},
    )
    assert saved.status_code == 302
    assert saved.location.endswith("#availability")
    assert periods(app) == [(datetime(2027, 3, 28, 9), datetime(2027, 3, 28, 12))]
    page = client.get(world["url"]).get_data(as_text=True)
    assert "2027-03-28 09:00 – 2027-03-28 12:00" in page

    organiser = app.test_client()
    with organiser.session_transaction() as flask_session:
        flask_session["_user_id"] = str(world["organiser"])
        flask_session["_fresh"] = True
    listed = organiser.get(f"/editions/{world['slug']}/manage/conflicts").get_data(as_text=True)
    assert "Amina said they are not available for “Afternoon talk”" in listed


def test_the_speaker_removes_a_period(app, client, world):
    client.post(
        world["url"] + "/availability",
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    with app.app_context():
        period_id = db.session.scalar(select(SpeakerAvailability.id))
    removed = client.post(world["url"] + "/availability/remove", data={"object_id": period_id})
    assert removed.status_code == 302
    assert periods(app) == []


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        ("2027-03-28T12:00", "2027-03-28T09:00", "ends_local", "must end after it starts"),
        ("2027-03-28T02:30", "2027-03-28T09:00", "starts_local", "does not exist in Europe/Paris"),
        (
            "2027-03-26T09:00",
            "2027-03-27T12:00",
            "starts_local",
            "within the edition's days, 2027-03-27 to 2027-03-28",
        ),
        (
            "2027-03-28T20:00",
            "2027-03-29T09:00",
            "ends_local",
            "within the edition's days, 2027-03-27 to 2027-03-28",
        ),
    ],
)
def test_bad_periods_are_refused_next_to_the_field(
    app, client, world, starts, ends, field, message
):
    refused = client.post(
        world["url"] + "/availability", data={"starts_local": starts, "ends_local": ends}
    )
    assert refused.status_code == 422
    page = Markup(refused.get_data(as_text=True)).unescape()
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 300]
    assert periods(app) == []


def test_a_tampered_link_states_nothing(app, client, world):
    refused = client.post(
        world["url"] + "x/availability",
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    assert refused.status_code == 400
    assert "not valid" in refused.get_data(as_text=True)
    assert periods(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(SpeakerAvailability.id))) == 0
