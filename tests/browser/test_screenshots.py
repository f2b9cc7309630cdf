"""The public pages at 375 px and 1280 px, in English, French and Arabic: each saved as a
screenshot under tests/artefacts/screenshots/ (<page>-<language>-<width>.png, to look at),
each without a serious or critical axe-core violation, and none wider than a phone.

To add a page, add one line to SCREENS: a name and its address. ``{endpoint}`` in an
address is replaced by the first page of that endpoint the visitors' walk finds; a page
whose route does not exist (yet) is left out."""

import re

import pytest
from werkzeug.exceptions import NotFound

from app.demo.bizerte import BIZERTE_SLUG, THINKLAB_SLUG
from tests.browser.support import (
    WIDTHS,
    axe_problems,
    pages_of_role,
    screenshot,
    sideways_overflow,
    with_lang,
)
from tests.browser_support import serve_demo

SCREENS = (
    ("home", "/"),
    ("edition", f"/editions/{BIZERTE_SLUG}"),
    ("programme-grid", f"/editions/{BIZERTE_SLUG}/programme?view=grid"),
    ("programme-list", f"/editions/{BIZERTE_SLUG}/programme?view=list"),
    ("session", "{program.session_page}"),
    ("speaker", "{program.speaker_page}"),
    ("catalogue", "/showcases"),
    ("search", "/search?q=medina"),
    ("thinklab", f"/thinklabs/{THINKLAB_SLUG}"),
    ("thinklab-meetings", f"/thinklabs/{THINKLAB_SLUG}/meetings"),
    ("agreement", "{agreements.agreement}"),
)
LANGUAGES = ("en", "fr", "ar")


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("screenshots")) as served:
        yield served


@pytest.fixture(scope="module")
def screens(live) -> list[tuple[str, str]]:
    """SCREENS with their addresses filled in, without the routes that do not exist."""
    found = pages_of_role(live.app, None)
    adapter = live.app.url_map.bind("localhost")
    screens = []
    for name, address in SCREENS:
        url = re.sub(r"\{([\w.]+)\}", lambda m: found[m.group(1)], address)
        try:
            adapter.match(url.split("?")[0], method="GET")
        except NotFound:
            continue
        screens.append((name, url))
    return screens


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("lang", LANGUAGES)
def test_public_pages_look_right_and_pass_axe(live, browser, screens, lang, width):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = []
    try:
        for name, url in screens:
            answer = page.goto(live.url + with_lang(url, lang), wait_until="networkidle")
            assert answer.status == 200, url
            screenshot(page, f"{name}-{lang}-{width}")
            problems += [f"{name}: {problem}" for problem in axe_problems(page)]
            overflow = sideways_overflow(page)
            if overflow:
                problems.append(f"{name}: wider than the window {overflow}")
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
