"""The search box and the speaker pages in headless Chromium, at 375 and 1280 px: typed
into from the header of the home page, results highlighted, no serious accessibility
violation, nothing wider than the screen."""

import pytest

from tests.browser.support import (
    WIDTHS,
    PageWatch,
    check_accessibility,
    launched_chromium,
    shot,
)
from tests.browser_support import serve_demo

pytestmark = pytest.mark.real_commits

FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("search-browser")) as served:
        yield served


@pytest.fixture(scope="module")
def browser(live):
    with launched_chromium() as launched:
        yield launched


def _checked(page, watch, name: str) -> None:
    watch.check()
    check_accessibility(page)
    shot(page, name)


@pytest.mark.parametrize("width", WIDTHS)
def test_searching_from_the_header_and_browsing_speakers(browser, live, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    watch = PageWatch(page, live.url)
    try:
        page.goto(live.url + "/")
        page.get_by_role("search", name="Search the site").get_by_label("Search").fill("numerique")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=numerique")
        assert page.locator(".search-result").count() > 0
        assert "numérique" in page.locator(".search-result mark").first.inner_text().lower()
        assert page.evaluate(FITS)
        _checked(page, watch, f"search-{width}-results")

        page.goto(live.url + "/speakers")
        assert page.locator(".speaker-card").count() > 0
        assert page.evaluate(FITS)
        _checked(page, watch, f"search-{width}-speakers")

        page.locator(".speaker-name a").first.click()
        page.wait_for_load_state()
        assert page.locator(".speaker-edition").count() > 0
        assert page.evaluate(FITS)
        _checked(page, watch, f"search-{width}-speaker")
    finally:
        context.close()
