"""Bad thinklab input through the organiser's page: a clear message by its field, nothing saved."""

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Thinklab
from tests.factories import make_user
from tests.thinklabs.test_routes import sign_in, text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"rrule": "FREQ=DAILY;BYHOUR=8,9,10,11,12,13"}, "rrule", "never ends"),
        ({"rrule": "FREQ=DAILY;COUNT=5000"}, "rrule", "more than 1000"),
        ({"rrule": "FREQ=SOMETIMES"}, "rrule", ""),
        (
            {"timezone": "Europe/Paris", "first_meeting_local": "2027-03-28T02:30"},
            "first_meeting_local",
            "does not exist",
        ),
    ],
    ids=["never ends", "too many", "invalid", "DST gap"],
)
def test_bad_rules_and_times_are_refused_on_the_page(app, client, changes, field, message):
    with app.app_context():
        organiser = make_user(is_organiser=True)
        db.session.commit()
        organiser_id = organiser.id
    sign_in(client, organiser_id)
    data = {
        "slug": "refused-lab",
        "name": "Refused lab",
        "timezone": "Africa/Tunis",
        "first_meeting_local": "2027-01-12T14:00",
        "meeting_minutes": "90",
        "rrule": "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        "meeting_mode": "online",
        "online_url": "https://visio.example.org/refused",
        "edition_id": "",
        "agreement_id": "",
        "venue_id": "",
        **changes,
    }
    refused = client.post("/manage/thinklabs/new", data=data)
    assert refused.status_code == 422
    page = text(refused)
    assert f'id="{field}-error"' in page
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 400]
    with app.app_context():
        assert db.session.scalar(select(func.count(Thinklab.id))) == 0
