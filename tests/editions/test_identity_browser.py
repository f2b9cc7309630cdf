"""In headless Chromium at 375 and 1280 px, in English, French and Arabic: the home page,
edition pages with their banner, logo and accent, the programme with its track stripes,
the embedded programme and the organiser's identity page. Every page passes axe-core
(no serious or critical violation), loads every picture and stylesheet, and does not
scroll sideways; screenshots are kept under tests/artefacts/."""

import pytest

from app.demo import CASABLANCA_SLUG, DEMO_PASSWORD
from app.demo.upcoming import UPCOMING_SLUG
from tests.browser.support import (
    WIDTHS,
    PageWatch,
    check_accessibility,
    launched_chromium,
    serve_demo_with_mail,
    shot,
)

pytestmark = pytest.mark.real_commits

PAGES = {
    "home": "/",
    "edition": f"/editions/{CASABLANCA_SLUG}",
    "edition-light-accent": f"/editions/{UPCOMING_SLUG}",
    "programme-grid": f"/editions/{CASABLANCA_SLUG}/programme",
    "programme-list": f"/editions/{CASABLANCA_SLUG}/programme?view=list",
    "programme-embedded": f"/editions/{CASABLANCA_SLUG}/programme?view=list&embed=1",
}


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo_with_mail(tmp_path_factory.mktemp("identity")) as served:
        yield served


@pytest.fixture(scope="module")
def browser(live):
    with launched_chromium() as launched:
        yield launched


def _visit(browser, live, width: int, path: str, name: str, *, log_in: str | None = None):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    watch = PageWatch(page, live.url)
    try:
        if log_in:
            page.goto(f"{live.url}/login")
            page.fill("#email", log_in)
            page.fill("#password", DEMO_PASSWORD)
            with page.expect_navigation():
                page.locator("main form[method=post] [type=submit]").first.click()
        page.goto(live.url + path)
        page.wait_for_load_state("networkidle")
        broken = page.evaluate(
            "() => [...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)"
        )
        assert broken == [], broken
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path
        check_accessibility(page)
        shot(page, f"identity-{name}-{width}")
        watch.check()
        return page.content()
    finally:
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", ["en", "fr", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_public_pages_show_the_identity_readably(browser, live, width, lang, name):
    path = PAGES[name]
    joiner = "&" if "?" in path else "?"
    html = _visit(browser, live, width, f"{path}{joiner}lang={lang}", f"{name}-{lang}")
    if name.startswith("edition"):
        assert 'class="edition-banner"' in html and 'class="edition-logo"' in html
        assert "identity.css" in html
    if name.startswith("programme"):
        assert 'class="track-stripe"' in html
    if name == "programme-embedded":
        assert "site-header" not in html
    if name == "home":
        assert 'class="card-logo"' in html and 'class="partners"' in html


@pytest.mark.parametrize("width", WIDTHS)
def test_the_organisers_identity_page(browser, live, width):
    html = _visit(
        browser,
        live,
        width,
        f"/editions/{CASABLANCA_SLUG}/manage/identity?lang=en",
        "manage",
        log_in="organiser@demo.agora",
    )
    assert "Accent colour" in html and "Remove the banner" in html
