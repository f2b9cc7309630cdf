"""The organiser's rule form: simple fields write the RRULE, editing fills them back, a rule
they cannot express opens in the advanced mode, and bad input gets a message by its field."""

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Thinklab
from tests.factories import make_user
from tests.support import sign_in
from tests.thinklabs.test_routes import text

BASE = {
    "slug": "rule-lab",
    "name": "Rule lab",
    "timezone": "Africa/Tunis",
    "first_meeting_local": "2027-01-12T14:00",
    "meeting_minutes": "90",
    "meeting_mode": "online",
    "online_url": "https://visio.example.org/rule",
    "edition_id": "",
    "agreement_id": "",
    "venue_id": "",
    "repeat": "",
    "interval": "1",
    "monthly": "day",
    "month_day": "",
    "nth": "1",
    "nth_weekday": "MO",
    "ends": "never",
    "until": "",
    "count": "",
    "rrule": "",
}


@pytest.fixture
def organiser(app, client):
    with app.app_context():
        user = make_user(is_organiser=True)
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    return user_id


def stored_rule(app) -> str:
    with app.app_context():
        return db.session.scalar(select(Thinklab.rrule).where(Thinklab.slug == "rule-lab"))


def selected(page: str, name: str) -> list[str]:
    """The values the page shows chosen for ``name`` (select options, checked boxes)."""
    chosen = re.findall(rf'<input[^>]*name="{name}"[^>]*>', page)
    values = [re.search(r'value="([^"]*)"', tag).group(1) for tag in chosen if "checked" in tag]
    select_at = page.find(f'name="{name}"')
    if select_at != -1 and page.rfind("<select", 0, select_at) > page.rfind(">", 0, select_at) - 1:
        block = page[select_at : page.index("</select>", select_at)]
        values += re.findall(r'<option selected value="([^"]*)"', block)
        values += re.findall(r'<option value="([^"]*)" selected', block)
    return values


@pytest.mark.parametrize(
    ("fields", "rule", "words"),
    [
        (
            {
                "repeat": "MONTHLY",
                "interval": "3",
                "monthly": "weekday",
                "nth": "2",
                "nth_weekday": "TU",
            },
            "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
            "every 3 months, on the second Tuesday",
        ),
        (
            {"repeat": "WEEKLY", "weekdays": ["TH", "MO"], "ends": "until", "until": "2027-06-30"},
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630T225959Z",
            "every week on Monday and Thursday, until June 30, 2027",
        ),
        (
            {"repeat": "DAILY", "ends": "count", "count": "10"},
            "FREQ=DAILY;COUNT=10",
            "every day, 10 times",
        ),
        (
            {"repeat": "MONTHLY", "monthly": "weekday", "nth": "-1", "nth_weekday": "FR"},
            "FREQ=MONTHLY;BYDAY=-1FR",
            "every month, on the last Friday",
        ),
        (
            {"repeat": "MONTHLY", "month_day": "15"},
            "FREQ=MONTHLY;BYMONTHDAY=15",
            "every month, on day 15",
        ),
        ({"repeat": ""}, "", None),
    ],
)
def test_the_fields_write_the_rule_and_the_public_page_says_it_in_words(
    app, client, organiser, fields, rule, words
):
    created = client.post("/manage/thinklabs/new", data={**BASE, **fields})

    assert created.status_code == 302, text(created)[:3000]
    assert stored_rule(app) == rule
    public = text(client.get("/thinklabs/rule-lab"))
    assert "FREQ=" not in public
    if words:
        assert words in public


def test_editing_fills_the_fields_back_from_the_stored_rule(app, client, organiser):
    client.post(
        "/manage/thinklabs/new",
        data={**BASE, "repeat": "WEEKLY", "weekdays": ["MO", "TH"], "ends": "count", "count": "8"},
    )

    page = text(client.get("/thinklabs/rule-lab/manage"))

    assert selected(page, "repeat") == ["WEEKLY"]
    assert sorted(selected(page, "weekdays")) == ["MO", "TH"]
    assert selected(page, "ends") == ["count"]
    assert 'name="count" type="number" value="8"' in page or 'value="8"' in page
    assert not re.search(
        r'<input[^>]*checked[^>]*name="advanced"|name="advanced"[^>]*checked', page
    )


def test_a_rule_the_fields_cannot_express_opens_in_the_advanced_mode(app, client, organiser):
    raw = "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1"
    client.post("/manage/thinklabs/new", data={**BASE, "advanced": "y", "rrule": raw})
    assert stored_rule(app) == raw

    page = text(client.get("/thinklabs/rule-lab/manage"))

    assert re.search(r'<input[^>]*checked[^>]*name="advanced"|name="advanced"[^>]*checked', page)
    assert f'value="{raw}"' in page
    assert "every month, on the last weekday" in text(client.get("/thinklabs/rule-lab"))


def test_saving_again_without_changes_keeps_the_rule(app, client, organiser):
    fields = {
        "repeat": "MONTHLY",
        "interval": "3",
        "monthly": "weekday",
        "nth": "2",
        "nth_weekday": "TU",
    }
    client.post("/manage/thinklabs/new", data={**BASE, **fields})
    saved = client.post("/thinklabs/rule-lab/manage", data={**BASE, **fields})
    assert saved.status_code == 302
    assert stored_rule(app) == "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"repeat": "WEEKLY", "interval": "0"}, "interval", ""),
        ({"repeat": "WEEKLY", "interval": "99999999999999"}, "interval", ""),
        ({"repeat": "DAILY", "ends": "until", "until": ""}, "until", "last day"),
        ({"repeat": "DAILY", "ends": "count", "count": "0"}, "count", ""),
        ({"repeat": "DAILY", "ends": "count", "count": "5000"}, "count", ""),
        ({"repeat": "DAILY", "ends": "until", "until": "30/06/2027"}, "until", ""),
        ({"repeat": "HOURLY"}, "repeat", ""),
        ({"repeat": "MONTHLY", "monthly": "weekday", "nth": "9"}, "nth", ""),
        ({"repeat": "WEEKLY", "weekdays": ["XX"]}, "weekdays", ""),
        (
            {"advanced": "y", "rrule": "FREQ=DAILY;COUNT=3;UNTIL=20270630T225959Z"},
            "rrule",
            "not both",
        ),
        ({"advanced": "y", "rrule": "FREQ=DAILY;\x00COUNT=3" + "x" * 600}, "rrule", ""),
        ({"advanced": "y", "rrule": "FREQ=DAILY" + "\x00" * 10 + ";BYHOUR=1,2,3,4"}, "rrule", ""),
        ({"advanced": "y", "rrule": "F" * 10_000_000}, "rrule", ""),
        ({"timezone": "US/Nowhere"}, "timezone", ""),
        ({"timezone": ""}, "timezone", ""),
    ],
    ids=[
        "interval 0",
        "interval huge",
        "until missing",
        "count 0",
        "count huge",
        "until unreadable",
        "hourly",
        "nth 9",
        "weekday XX",
        "count and until",
        "NUL and too long",
        "NUL never ends",
        "10 MB",
        "unknown zone",
        "no zone",
    ],
)
def test_bad_rule_input_gets_a_message_by_its_field(app, client, organiser, fields, field, message):
    refused = client.post("/manage/thinklabs/new", data={**BASE, **fields})

    if fields.get("rrule", "").startswith("FFFF") or "\x00" in fields.get("rrule", ""):
        # Agora's input guard refuses NUL characters and oversized bodies outright.
        assert refused.status_code in (400, 413, 422)
        return
    assert refused.status_code == 422, refused.status_code
    page = text(refused)
    assert f'id="{field}-error"' in page
    error_at = page.index(f'id="{field}-error"')
    assert message in page[error_at : error_at + 400]
    with app.app_context():
        assert db.session.scalar(select(func.count(Thinklab.id))) == 0
