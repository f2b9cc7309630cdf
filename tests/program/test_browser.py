"""An organiser's session edit page in a real browser, and two browsers saving it at once.

Headless Chromium loads the page through a local proxy that adds the organiser's session
cookie (see tests/browser_support.py). The two "browsers" are two signed-in proxies: each
reads the form Chromium built, and posts it back as the browser would.
"""

from html.parser import HTMLParser
from urllib.parse import urlencode
from urllib.request import Request, urlopen

import pytest
from sqlalchemy import select

from app.demo import CASABLANCA_SLUG
from app.extensions import db
from app.models import ConferenceSession, Edition, SessionStatus, User
from tests.browser_support import dom, require_chromium, serve_demo, signed_in_proxy

pytestmark = pytest.mark.real_commits


@pytest.fixture(scope="module")
def browser():
    return require_chromium()


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo(tmp_path_factory.mktemp("program-browser")) as served:
        yield served


@pytest.fixture(scope="module")
def people(live):
    """The demo's Casablanca organiser, the site administrator and a session to edit."""
    with live.app.app_context():
        organiser = db.session.scalar(select(User).where(User.email == "organiser@demo.agora"))
        admin = db.session.scalar(select(User).where(User.email == "admin@demo.agora"))
        session_id = db.session.scalar(
            select(ConferenceSession.id)
            .join(Edition)
            .where(
                Edition.slug == CASABLANCA_SLUG,
                ConferenceSession.room_id.is_not(None),
                ConferenceSession.status != SessionStatus.CANCELLED,
            )
            .order_by(ConferenceSession.starts_at)
        )
        return {"organiser": organiser.id, "admin": admin.id, "session": session_id}


class SessionFormReader(HTMLParser):
    """The fields a browser would submit from the page's first form without an action."""

    def __init__(self):
        super().__init__()
        self.fields: dict[str, str] = {}
        self.labels: list[str] = []
        self._in_form = self._done = False
        self._select: str | None = None
        self._first_option: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = {name: value or "" for name, value in attrs}
        if tag == "form" and not self._done and "action" not in attrs:
            self._in_form = True
        if not self._in_form:
            return
        name = attrs.get("name")
        if tag == "label":
            self.labels.append(attrs.get("for", ""))
        elif tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind == "checkbox" and "checked" not in attrs:
                return
            if kind != "submit":
                self.fields[name] = attrs.get("value", "y" if kind == "checkbox" else "")
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = attrs.get("value", "")
            if "selected" in attrs:
                self.fields[self._select] = attrs.get("value", "")
        elif tag == "textarea":
            self._textarea = name
            self.fields[name] = ""

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.fields.setdefault(self._select, self._first_option or "")
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def read_form(html: str) -> SessionFormReader:
    reader = SessionFormReader()
    reader.feed(html)
    return reader


def post(url: str, fields: dict[str, str]) -> str:
    """Submit ``fields`` as a browser would, following the redirect; return the page."""
    request = Request(url, data=urlencode(fields).encode(), method="POST")
    with urlopen(request, timeout=60) as answer:
        return answer.read().decode()


def test_the_session_edit_page_in_a_real_browser(browser, live, people):
    with signed_in_proxy(live, people["organiser"], lang="en") as proxy:
        html = dom(browser, f"{proxy}/sessions/{people['session']}/edit", width=1280)
    assert "Edit the session" in html
    form = read_form(html)
    for name in ("kind", "title", "abstract", "room_id", "starts_local", "ends_local", "status"):
        assert name in form.labels, name
        assert name in form.fields, name
    with live.app.app_context():
        version = db.session.get(ConferenceSession, people["session"]).version_id
    assert form.fields["version"] == str(version)


def test_two_browsers_the_second_save_is_refused_with_the_newer_values(browser, live, people):
    edit = f"/sessions/{people['session']}/edit"
    with (
        signed_in_proxy(live, people["organiser"], lang="en") as first,
        signed_in_proxy(live, people["admin"], lang="en") as second,
    ):
        # Both open the form before either saves.
        first_form = read_form(dom(browser, first + edit, width=1280)).fields
        second_form = read_form(dom(browser, second + edit, width=1280)).fields
        assert first_form["version"] == second_form["version"]

        saved = post(
            second + edit,
            {**second_form, "title": "Renamed by the second organiser", "accept_warnings": "y"},
        )
        assert "changed meanwhile" not in saved
        refused = post(
            first + edit,
            {**first_form, "title": "Renamed by the first organiser", "accept_warnings": "y"},
        )
    assert "This session was changed meanwhile by someone else." in refused
    assert "Changed meanwhile: the saved values are now" in refused
    assert "Renamed by the second organiser" in refused
    with live.app.app_context():
        title = db.session.get(ConferenceSession, people["session"]).title
    assert title == "Renamed by the second organiser"
