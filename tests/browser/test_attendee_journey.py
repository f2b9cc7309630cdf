"""Journey: an attendee registers for the upcoming edition, gets the ticket mail, stars
three sessions (two overlapping, flagged), opens My agenda, downloads the .ics and fetches
the subscription address, both holding exactly those sessions at the right instants; an
organiser checks the attendee in from the ticket's QR payload. At 375 and 1280 px."""

import urllib.request
from datetime import UTC, datetime

import pytest
from icalendar import Calendar
from sqlalchemy import select

from app.demo.upcoming import OVERLAPPING_TITLES, UPCOMING_SLUG
from app.extensions import db
from app.models import ConferenceSession, Edition, Registration, User
from app.registrations import queries
from tests.browser.support import (
    WIDTHS,
    PageWatch,
    check_accessibility,
    go,
    serve_demo_with_mail,
    shot,
    visit_check,
)
from tests.factories import PASSWORD, make_user

OPENING = "Ouverture : la ville sobre et ouverte"
STARRED = (OPENING, *OVERLAPPING_TITLES)


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo_with_mail(tmp_path_factory.mktemp("journey")) as served:
        yield served


def _newcomer(live, width: int) -> str:
    with live.app.app_context():
        user = make_user(email=f"newcomer{width}@example.org", display_name=f"Amel {width}")
        db.session.commit()
        return user.email


def _page(browser, live, width: int):
    context = browser.new_context(
        viewport={"width": width, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    page = context.new_page()
    return context, page, PageWatch(page, live.url)


def _log_in(page, email: str) -> None:
    page.fill("#email", email)
    page.fill("#password", PASSWORD if "example.org" in email else "agora-demo-2026")
    go(page, page.locator("main form[method=post]").first.locator("[type=submit]").first)


def _fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=20) as answer:  # noqa: S310  (loopback)
        assert answer.status == 200
        return answer.read()


def _events(body: bytes) -> dict[str, datetime]:
    calendar = Calendar.from_ical(body)
    return {
        str(event["SUMMARY"]): event.decoded("DTSTART").astimezone(UTC)
        for event in calendar.walk("VEVENT")
    }


@pytest.mark.parametrize("width", WIDTHS)
def test_attendee_registers_stars_and_takes_the_calendars_home(live, browser, width):
    email = _newcomer(live, width)
    context, page, watch = _page(browser, live, width)
    try:
        # Home → the upcoming edition → Register (sign in on the way).
        page.goto(live.url + "/")
        visit_check(page, watch, f"attendee-{width}-01-home")
        page.get_by_role("link", name="Sfax Smart City — prochaine édition").first.click()
        visit_check(page, watch, f"attendee-{width}-02-edition")
        go(page, page.locator("main").get_by_role("link", name="Register", exact=True))
        _log_in(page, email)
        assert "/register" in page.url, page.locator("main").inner_text()
        visit_check(page, watch, f"attendee-{width}-03-register")
        page.fill("#organisation_name", "Commune de Sfax")
        page.select_option("#role", "city")
        go(page, page.locator("main form [type=submit]").first)
        assert page.url.endswith(f"/editions/{UPCOMING_SLUG}/ticket")
        visit_check(page, watch, f"attendee-{width}-04-ticket")
        code = page.locator(".ticket-code").inner_text().strip()
        qr_src = page.locator("img.ticket-qr").get_attribute("src")

        # The ticket mail, from the real SMTP server.
        mail = live.mailbox.wait_for(email, "You are registered")
        assert code in mail.get_body(("plain",)).get_content()

        # Star three sessions from their pages, without a reload.
        for title in STARRED:
            page.goto(f"{live.url}/editions/{UPCOMING_SLUG}/programme?view=list")
            page.wait_for_load_state("networkidle")
            go(page, page.get_by_role("link", name=title).first)
            url_before = page.url
            page.get_by_role("button", name="Add to my agenda").click()
            page.get_by_role("button", name="Remove from my agenda").wait_for()
            assert page.url == url_before
            watch.check()
        check_accessibility(page)
        shot(page, f"attendee-{width}-05-session-starred")

        # My agenda: three sessions, the two workshops flagged as overlapping.
        go(page, page.locator("header").get_by_role("link", name="My agenda"))
        assert page.locator(".overlap-flag").count() == 2, page.locator("main").inner_text()
        go(page, page.get_by_role("button", name="Get my calendar address"))
        assert "/agenda" in page.url
        visit_check(page, watch, f"attendee-{width}-06-agenda")
        download = page.locator("#subscribe ~ p.actions a[download]").get_attribute("href")
        webcal = page.locator("#feed-address").input_value()
        assert webcal.startswith("webcal://127.0.0.1:")

        with live.app.test_request_context():
            edition = db.session.scalar(select(Edition).where(Edition.slug == UPCOMING_SLUG))
            expected = {
                s.title: s.starts_at
                for s in db.session.scalars(
                    select(ConferenceSession).where(
                        ConferenceSession.edition_id == edition.id,
                        ConferenceSession.title.in_(STARRED),
                    )
                )
            }
            registration = db.session.scalar(
                select(Registration)
                .join(User, User.id == Registration.user_id)
                .where(User.email == email)
            )
            payload = queries.check_in_link(registration)
            assert qr_src == queries.qr_svg_data_uri(payload)
        assert len(expected) == 3
        assert _events(_fetch(download)) == expected
        assert _events(_fetch("http://" + webcal[len("webcal://") :])) == expected
    finally:
        context.close()

    # At the door: an organiser opens the QR payload on a phone and checks the attendee in.
    context, page, watch = _page(browser, live, width)
    try:
        page.goto(payload)
        page.wait_for_load_state("networkidle")
        _log_in(page, "organiser@demo.agora")
        assert "/manage/check-in" in page.url and code in page.url
        visit_check(page, watch, f"attendee-{width}-07-check-in")
        go(page, page.locator("main form[method=post] button[type=submit]").first)
        # The demo organiser reads Agora in French: the outcome is told by its kind.
        assert page.locator(".check-in-outcome.flash-success").count() == 1
        visit_check(page, watch, f"attendee-{width}-08-checked-in")
        page.fill("#code", code)
        go(page, page.locator("main form[method=post] button[type=submit]").first)
        assert page.locator(".check-in-outcome.flash-warning").count() == 1
    finally:
        context.close()
