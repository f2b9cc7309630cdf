"""The scripts of examples/ run against a live Agora (the demo, served on loopback) with
personal tokens, as their docstrings tell a reader to run them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.api.services import create_token
from app.extensions import db
from app.models import Edition, Registration, TokenScope, User
from app.registrations import services as registrations
from tests.browser_support import serve_demo

ROOT = Path(__file__).resolve().parents[2]
EDITION = "sfax-smart-city-next"

pytestmark = pytest.mark.real_commits


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("examples")) as served:
        yield served


def _token(live, email: str) -> str:
    with live.app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        _, secret = create_token(
            user, name="examples", scope=TokenScope.READ_WRITE, expires_in_days=1
        )
        db.session.commit()
        return secret


def _run(live, script: str, *arguments: str, stdin: str = "", **tokens) -> str:
    environment = {**os.environ, "AGORA_URL": live.url, **tokens}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / script), *arguments],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return done.stdout


def test_the_api_tour_builds_an_edition_and_reads_its_calendar(live):
    output = _run(
        live,
        "api_tour.py",
        AGORA_TOKEN=_token(live, "organiser@demo.agora"),
        AGORA_DELEGATE_TOKEN=_token(live, "startup@demo.agora"),
    )
    assert "sessions listed: 2" in output
    assert "calendar: text/calendar" in output and ", 2 events," in output
    assert "calendar again with If-None-Match: 304" in output
    slug = next(line for line in output.splitlines() if line.startswith("edition: "))
    slug = slug.split()[1]
    # What the script built is there, read back by an independent parser.
    with live.app.test_client() as client:
        body = client.get(f"/editions/{slug}/calendar.ics").get_data()
    events = Calendar.from_ical(body).walk("VEVENT")
    assert len(events) == 2 and all(event.get("DTSTART") for event in events)
    assert "showcase: #" in output and " is submitted" in output


def test_the_check_in_desk_admits_a_ticket_once(live):
    with live.app.test_request_context():  # the ticket mail builds addresses
        edition = db.session.scalar(select(Edition).where(Edition.slug == EDITION))
        attendee = db.session.scalar(select(User).where(User.email == "admin@demo.agora"))
        held = db.session.scalar(
            select(Registration).filter_by(user_id=attendee.id, edition_id=edition.id)
        )
        ticket = held or registrations.register(edition, attendee, full_name="Desk Test")
        code = ticket.ticket_code
        db.session.commit()
    token = _token(live, "organiser@demo.agora")
    scans = f"{code}\nnot-a-ticket\n{code}\n"
    lines = _run(live, "check_in.py", EDITION, stdin=scans, AGORA_TOKEN=token).splitlines()
    assert lines[0] == "welcome, Desk Test"
    assert lines[1].startswith("refused (404 unknown_ticket)")
    assert lines[2].startswith("already checked in at ")
    listed = _run(live, "check_in.py", EDITION, "--list", AGORA_TOKEN=token)
    assert "Desk Test" in listed and "admin@demo.agora" in listed
