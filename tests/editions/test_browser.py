"""A real browser on a 375-px phone and a 1280-px desktop: home, edition and programme.

The app runs in a thread (werkzeug's server) on a free port against a SQLite file holding
the demo data; headless Chromium loads each page and prints the DOM it built. Skipped
when Chromium is missing, except in CI (``CI=true``), where it fails instead.
"""

import pytest

from app.demo import CASABLANCA_SLUG
from tests.browser_support import dom, require_chromium, serve_demo

pytestmark = pytest.mark.real_commits


@pytest.fixture(scope="module")
def browser():
    return require_chromium()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data at http://127.0.0.1:<port>, from a SQLite file."""
    with serve_demo(tmp_path_factory.mktemp("browser")) as live:
        yield live.url


def test_the_home_page_on_a_phone(browser, live_server):
    html = dom(browser, f"{live_server}/?lang=en")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Smart-city conference series" in html
    for title in ("Casablanca Smart City 2023", "Bizerte Smart City 2017", "Caravan 2020"):
        assert title in html, title


def test_an_edition_page_on_a_phone(browser, live_server):
    html = dom(browser, f"{live_server}/editions/{CASABLANCA_SLUG}?lang=en")
    assert "Ville smart, vers les transitions métropolitaines durables" in html
    assert "Africa/Casablanca" in html
    assert f'href="/editions/{CASABLANCA_SLUG}/programme"' in html
    assert "Manage this edition" not in html


PROGRAMME_VIEWS = [
    ("", ["Programme", "Salle plénière", "Casablanca, UTC+1", "Keynote"]),
    ("view=list", ["Programme", "(Casablanca, UTC+1)", "Cancelled"]),
    ("view=list&track=1&day=2023-10-18", ["2 sessions", "Clear filters"]),
]


@pytest.mark.parametrize(("width", "height"), [(375, 812), (1280, 900)], ids=["phone", "desktop"])
@pytest.mark.parametrize(("query", "expected"), PROGRAMME_VIEWS)
def test_the_programme_grid_list_and_filters(browser, live_server, width, height, query, expected):
    url = f"{live_server}/editions/{CASABLANCA_SLUG}/programme?lang=en&{query}"
    html = dom(browser, url, width=width, height=height)
    for text in expected:
        assert text in html, (width, query, text)
