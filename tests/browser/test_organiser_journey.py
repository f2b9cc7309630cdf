"""Journey: an organiser schedules a session. Logs in, creates a workshop with seats, places
it in the grid, meets a room conflict and resolves it, invites a speaker (the invitation
arrives on the loopback SMTP server), confirms the session and publishes the programme;
the public session page then shows it with its seats. At 375 and 1280 px, each on a fresh
demo (publishing the programme happens once)."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app.demo.upcoming import UPCOMING_SLUG
from app.extensions import db
from app.models import ConferenceSession, Edition, SessionSpeaker, SessionStatus
from tests.browser.support import (
    WIDTHS,
    PageWatch,
    flash,
    follow,
    go,
    serve_demo_with_mail,
    visit_check,
)

ORGANISER = "organiser@demo.agora"
DEMO_PASSWORD = "agora-demo-2026"
PLENARY = "Salle plénière"
THYNA = "Salle Thyna"
# On the second morning the plenary holds "Showcases : les startups de la mobilité",
# 09:30–11:00: moving the workshop there at 10:00 meets that room conflict.
TAKEN, FREE = "10:00", "11:30"


@pytest.fixture
def live(tmp_path):
    with serve_demo_with_mail(tmp_path) as served:
        yield served


def _choose(page, selector: str, label_part: str) -> None:
    """Pick the option of a select whose label holds ``label_part``."""
    options = page.locator(f"{selector} option")
    for index in range(options.count()):
        if label_part in options.nth(index).inner_text():
            page.select_option(selector, value=options.nth(index).get_attribute("value"))
            return
    raise AssertionError(f"no option {label_part!r} in {selector}")


def _first_day(live) -> date:
    with live.app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.slug == UPCOMING_SLUG))
        return edition.start_date


@pytest.mark.parametrize("width", WIDTHS)
def test_organiser_schedules_a_session(live, browser, width):
    second_day = _first_day(live) + timedelta(days=1)
    title = f"Atelier : capteurs citoyens ({width})"
    speaker_email = f"speaker{width}@example.org"
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    watch = PageWatch(page, live.url)
    try:
        # Log in from the home page.
        page.goto(live.url + "/")
        follow(page, page.locator("header a[href='/login']"))
        page.fill("#email", ORGANISER)
        page.fill("#password", DEMO_PASSWORD)
        go(page, page.locator("main form[method=post] [type=submit]").first)
        visit_check(page, watch, f"organiser-{width}-01-home")

        # Manage → the upcoming edition → Sessions → New session.
        follow(page, page.locator("header a[href='/manage']"))
        follow(page, page.locator(f"main a[href='/editions/{UPCOMING_SLUG}/manage']"))
        visit_check(page, watch, f"organiser-{width}-02-edition-menu")
        follow(page, page.locator(f"a[href='/editions/{UPCOMING_SLUG}/manage/sessions']"))
        follow(page, page.locator(f"a[href='/editions/{UPCOMING_SLUG}/manage/sessions/new']"))
        visit_check(page, watch, f"organiser-{width}-03-new-session")
        page.select_option("#kind", "workshop")
        page.fill("#title", title)
        _choose(page, "#room_id", THYNA)
        page.fill("#starts_local", f"{second_day.isoformat()}T14:00")
        page.fill("#ends_local", f"{second_day.isoformat()}T15:30")
        page.fill("#capacity", "25")
        go(page, page.locator("main form.stacked [type=submit]").first)
        flash(page, "success")
        found = re.search(r"/sessions/(\d+)/edit", page.url)
        assert found, page.url
        session_id = int(found.group(1))
        visit_check(page, watch, f"organiser-{width}-04-session-created")

        # The grid: move it to the plenary at a time already taken, meet the conflict.
        follow(page, page.locator(f"a[href='/editions/{UPCOMING_SLUG}/manage/schedule']"))
        follow(page, page.locator(f"a[href$='day={second_day.isoformat()}']"))
        _choose(page, f"#room-{session_id}", PLENARY)
        page.fill(f"#start-{session_id}", f"{second_day.isoformat()}T{TAKEN}")
        form = page.locator(f"form[action='/sessions/{session_id}/place']")
        go(page, form.locator("button[type=submit]"))
        assert "Showcases : les startups de la mobilité" in flash(page, "error")
        # On a phone the grid scrolls inside its box; the page itself never scrolls sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        visit_check(page, watch, f"organiser-{width}-05-grid-conflict")
        with live.app.app_context():
            unchanged = db.session.get(ConferenceSession, session_id)
            assert unchanged.room.name == THYNA

        # Resolve it: the plenary once the showcases are over.
        _choose(page, f"#room-{session_id}", PLENARY)
        page.fill(f"#start-{session_id}", f"{second_day.isoformat()}T{FREE}")
        form = page.locator(f"form[action='/sessions/{session_id}/place']")
        go(page, form.locator("button[type=submit]"))
        flash(page, "success")
        assert page.locator(".flash-error").count() == 0
        visit_check(page, watch, f"organiser-{width}-06-grid-placed")
        with live.app.app_context():
            placed = db.session.get(ConferenceSession, session_id)
            assert placed.room.name == PLENARY
            assert placed.starts_local.strftime("%H:%M") == FREE

        # A speaker profile with an email, added to the session and invited.
        follow(page, page.locator(f"a[href='/sessions/{session_id}/edit']"))
        follow(page, page.locator(f"a[href='/editions/{UPCOMING_SLUG}/manage/speakers/new']"))
        page.fill("#name", f"Sana Trabelsi {width}")
        page.fill("#email", speaker_email)
        go(page, page.locator("main form [type=submit]").first)
        flash(page, "success")
        page.goto(f"{live.url}/sessions/{session_id}/edit")
        page.wait_for_load_state("networkidle")
        _choose(page, "#speaker_id", f"Sana Trabelsi {width}")
        add = page.locator(f"form[action='/sessions/{session_id}/speakers']")
        go(page, add.locator("[type=submit]"))
        flash(page, "success")
        go(page, page.locator("form[action$='/invite'] button[type=submit]").first)
        flash(page, "success")
        invitation = live.mailbox.wait_for(speaker_email, "")
        assert title in invitation.get_body(("plain",)).get_content()
        with live.app.app_context():
            place = db.session.scalar(
                select(SessionSpeaker).where(SessionSpeaker.session_id == session_id)
            )
            assert place.invitation.value == "invited"

        # Confirm it, then publish the programme from the edition's page.
        page.select_option("#status", "confirmed")
        go(page, page.locator("main form.stacked [type=submit]").first)
        flash(page, "success")
        visit_check(page, watch, f"organiser-{width}-07-session-confirmed")
        follow(page, page.locator(f"main a[href='/editions/{UPCOMING_SLUG}/manage']"))
        publish = page.locator(f"form[action='/editions/{UPCOMING_SLUG}/manage/programme/publish']")
        go(page, publish.locator("button[type=submit]"))
        flash(page, "success")
        visit_check(page, watch, f"organiser-{width}-08-programme-published")
        with live.app.app_context():
            edition = db.session.scalar(select(Edition).where(Edition.slug == UPCOMING_SLUG))
            assert edition.programme_published_at is not None
            assert db.session.get(ConferenceSession, session_id).status is SessionStatus.CONFIRMED

        # The public programme lists it; its page shows its seats.
        page.goto(f"{live.url}/editions/{UPCOMING_SLUG}/programme?view=list")
        page.wait_for_load_state("networkidle")
        go(page, page.get_by_role("link", name=title).first)
        assert page.url.endswith(f"/sessions/{session_id}")
        assert page.locator("#seat").count() == 1
        visit_check(page, watch, f"organiser-{width}-09-public-session")
    finally:
        context.close()
