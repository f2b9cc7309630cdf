"""On a 375 px phone no page scrolls sideways: as each demo role, every page that role
reaches from the home page (one address per route, found by following links and GET
forms), in English and in Arabic (right to left), is no wider than the window.

A new page needs no change here: the walk finds it once something links to it."""

import pytest
from sqlalchemy import select

from app.demo.bizerte import BIZERTE_SLUG
from app.demo.upcoming import UPCOMING_SLUG
from app.extensions import db
from app.models import User
from tests.browser.support import (
    DEMO_ROLES,
    pages_of_role,
    sideways_overflow,
    with_lang,
)
from tests.browser_support import serve_demo, session_cookie

PHONE = {"width": 375, "height": 812}
LANGUAGES = ("en", "ar")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("phones")) as served:
        yield served


def _phone(browser, live, email: str | None):
    """A 375 px window, signed in as ``email`` (None: a visitor)."""
    context = browser.new_context(viewport=PHONE, bypass_csp=True)
    if email:
        with live.app.app_context():
            user_id = db.session.scalar(select(User.id).where(User.email == email))
        name, value = session_cookie(live.app, user_id).split("=", 1)
        context.add_cookies([{"name": name, "value": value, "url": live.url}])
    return context


@pytest.mark.parametrize("email", DEMO_ROLES, ids=lambda e: e or "anonymous")
def test_no_page_scrolls_sideways_on_a_phone(live, browser, email):
    pages = pages_of_role(live.app, email)
    assert len(pages) > 10, pages
    context = _phone(browser, live, email)
    page = context.new_page()
    too_wide = []
    try:
        for lang in LANGUAGES:
            for key, url in sorted(pages.items()):
                page.goto(live.url + with_lang(url, lang), wait_until="load")
                overflow = sideways_overflow(page)
                if overflow:
                    too_wide.append(f"{lang} {key} {url}: +{overflow['extra']}px {overflow}")
    finally:
        context.close()
    assert too_wide == [], "\n".join(too_wide)


def test_cancelling_looks_secondary_beside_the_main_action(live, browser):
    """The ticket's "Cancel my registration" is outlined, not filled like the main action."""
    context = _phone(browser, live, "attendee@demo.agora")
    page = context.new_page()
    try:
        page.goto(live.url + with_lang(f"/editions/{UPCOMING_SLUG}/ticket", "en"))
        cancel = page.get_by_role("button", name="Cancel my registration")
        style = cancel.evaluate(
            "b => { const s = getComputedStyle(b);"
            " return [s.backgroundColor, s.color, s.borderTopStyle]; }"
        )
        # The page's own background, the brand's ink, an outline: a secondary button.
        assert style == ["rgb(255, 255, 255)", "rgb(31, 63, 122)", "solid"]
    finally:
        context.close()


@pytest.mark.parametrize(
    ("address", "first_result"),
    [
        ("/showcases", "ul.cards > li"),
        (f"/editions/{BIZERTE_SLUG}/programme?view=list", ".session-item"),
    ],
)
def test_the_first_result_is_on_a_phones_first_screen(live, browser, address, first_result):
    """On a phone the filters are folded, so the first result shows without scrolling; on a
    wide screen they are open."""
    for width, filters_shown in ((PHONE["width"], False), (1280, True)):
        context = browser.new_context(viewport={"width": width, "height": PHONE["height"]})
        page = context.new_page()
        try:
            page.goto(live.url + with_lang(address, "en"))
            assert page.locator(".filter-fields").is_visible() is filters_shown
            top = page.locator(first_result).first.evaluate("e => e.getBoundingClientRect().top")
            assert top < PHONE["height"], (width, top)
        finally:
            context.close()
