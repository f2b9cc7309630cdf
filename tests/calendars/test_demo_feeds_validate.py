"""The demo's schedule exports validate against the frab and C3VOC schemas, and its
calendar feeds read alike in independent parsers."""

import io
import json
import os
from pathlib import Path

import jsonschema
import pytest
import xmlschema
from icalendar import Calendar

from app.demo import load_demo
from app.extensions import db
from app.models import Agreement, User
from tests.calendars.parsers import same_reading

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
