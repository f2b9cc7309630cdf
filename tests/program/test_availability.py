"""Speakers' availability periods: stated by organisers, checked against the schedule."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Edition, SpeakerAvailability
from app.program.queries import conflicts
from tests.support import sign_in


def url(talk):
    return f"/editions/{talk['slug']}/manage/speakers/{talk['speaker']}/availability"


def count_periods(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(SpeakerAvailability.id)))


def test_a_stated_period_makes_a_session_outside_it_a_conflict(app, client, speaker_with_a_talk):
    sign_in(client, speaker_with_a_talk["organiser"])
    conflicts_page = f"/editions/{speaker_with_a_talk['slug']}/manage/conflicts"
    assert "not available" not in client.get(conflicts_page).get_data(as_text=True)
    saved = client.post(
        url(speaker_with_a_talk),
        data={"starts_local": "2027-03-28T09:00", "ends_local": "2027-03-28T12:00"},
    )
    assert saved.status_code == 302
    page = client.get(url(speaker_with_a_talk)).get_data(as_text=True)
    assert "2027-03-28 09:00 – 2027-03-28 12:00" in page
    listed = client.get(conflicts_page).get_data(as_text=True)
    assert "Amina said they are not available for “Afternoon talk”" in listed


def test_a_period_covering_the_session_clears_the_warning(app, client, speaker_with_a_talk):
    sign_in(client, speaker_with_a_talk["organiser"])
    client.post(
        url(speaker_with_a_talk),
        data={"starts_local": "2027-03-28T14:00", "ends_local": "2027-03-28T18:00"},
    )
    with app.app_context():
        slug = speaker_with_a_talk["slug"]
        edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
        kinds = {c.kind for c in conflicts.edition_conflicts(edition)}
    assert conflicts.OUTSIDE_AVAILABILITY not in kinds


@pytest.mark.parametrize(
    ("starts", "ends", "field", "message"),
    [
        ("2027-03-28T12:00", "2027-03-28T09:00", "ends_local", "must end after it starts"),
        ("2027-03-28T02:30", "2027-03-28T09:00", "starts_local", "does not exist in Europe/Paris"),
        ("", "2027-03-28T09:00", "starts_local", "Give a date and time."),
    ],
)
def test_bad_periods_are_refused_next_to_the_field(
    app, client, speaker_with_a_talk, starts, ends, field, message
):
    sign_in(client, speaker_with_a_talk["organiser"])
    refused = client.post(
        url(speaker_with_a_talk), data={"starts_local": starts, "ends_local": ends}
    )
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert f'id="{field}-error"' in page
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 300]
    assert count_periods(app) == 0


def test_a_period_is_removed(app, client, speaker_with_a_talk):
    sign_in(client, speaker_with_a_talk["organiser"])
    client.post(
        url(speaker_with_a_talk),
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    with app.app_context():
        period_id = db.session.scalar(select(SpeakerAvailability.id))
    removed = client.post(url(speaker_with_a_talk) + "/remove", data={"object_id": str(period_id)})
    assert removed.status_code == 302
    assert count_periods(app) == 0


def test_only_organisers_state_availability(app, client, speaker_with_a_talk):
    sign_in(client, speaker_with_a_talk["outsider"])
    response = client.post(
        url(speaker_with_a_talk),
        data={"starts_local": "2027-03-27T09:00", "ends_local": "2027-03-27T18:00"},
    )
    assert response.status_code == 403
    assert count_periods(app) == 0
