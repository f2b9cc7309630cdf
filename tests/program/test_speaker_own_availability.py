"""Speakers state their own availability from their invitation link, without a password."""

from datetime import datetime

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.models import SessionSpeaker, SpeakerAvailability
from app.program import services
from tests.support import sign_in


@pytest.fixture
def invitation_url(app, speaker_with_a_talk) -> str:
    """The link of Amina's invitation to her talk."""
    with app.app_context():
        place = db.session.get(SessionSpeaker, speaker_with_a_talk["place"])
        return f"/speaker-invitations/{services.invitation_token(place)}"


def periods(app) -> list[tuple[datetime, datetime]]:
    with app.app_context():
        rows = db.session.execute(
            select(SpeakerAvailability.starts_local, SpeakerAvailability.ends_local)
        )
        return [tuple(row) for row in rows]


def test_the_invitation_page_offers_the_availability_form(client, invitation_url):
    page = Markup(client.get(invitation_url).get_data(as_text=True)).unescape()
    assert "Your availability" in page
    assert "(2027-03-27 to 2027-03-28), on the wall clock of Europe/Paris" in page
    assert 'for="starts_local"' in page and 'for="ends_local"' in page


def test_a_stated_period_reaches_the_organisers_conflicts_page(
    app, client, speaker_with_a_talk, invitation_url
):
    saved = client.post(
        invitation_url + "/availability",
        data={"starts_local": "2027-03-28T09:00", "ends_local": "2027-03-28T12:00"},
    )
    assert saved.status_code == 302
    assert saved.location.endswith("#availability")
    assert periods(app) == [(datetime(2027, 3, 28, 9), datetime(2027, 3, 28, 12))]
    page = client.get(invitation_url).get_data(as_text=True)
    assert "2027-03-28 09:00 – 2027-03-28 12:00" in page

    organiser = sign_in(app.test_client(), speaker_with_a_talk["organiser"])
    conflicts_page = f"/editions/{speaker_with_a_talk['slug']}/manage/conflicts"
    listed = organiser.get(conflicts_page).get_data(as_text=True)
    assert "Amina said they are not available for “Afternoon talk”" in listed


def test_the_speaker_removes_a_period(app, client, invitation_url):
    client.post(
        invitation_url + "/availability",
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    with app.app_context():
        period_id = db.session.scalar(select(SpeakerAvailability.id))
    removed = client.post(invitation_url + "/availability/remove", data={"object_id": period_id})
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
    app, client, invitation_url, starts, ends, field, message
):
    refused = client.post(
        invitation_url + "/availability", data={"starts_local": starts, "ends_local": ends}
    )
    assert refused.status_code == 422
    page = Markup(refused.get_data(as_text=True)).unescape()
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 300]
    assert periods(app) == []


def test_a_tampered_link_states_nothing(app, client, invitation_url):
    refused = client.post(
        invitation_url + "x/availability",
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    assert refused.status_code == 400
    assert "not valid" in refused.get_data(as_text=True)
    assert periods(app) == []
    with app.app_context():
        assert db.session.scalar(select(func.count(SpeakerAvailability.id))) == 0
