"""Journeys in headless Chromium (Playwright driving Debian's /usr/bin/chromium): the demo
served on loopback, its outbox delivered by the worker's code to a real SMTP server
(aiosmtpd), every page
checked for console errors, failed requests and accessibility (axe-core from npm), and
screenshots kept under tests/artefacts/ (git-ignored).

Without Chromium or Playwright the journeys are skipped, except in CI (``CI=true``),
where they fail instead.
"""

import email
import socket
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.policy import default as default_policy
from pathlib import Path
from urllib.parse import urljoin

import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.demo import load_demo
from app.extensions import db, mail
from app.notifications.services import send_due
from tests.browser_support import IN_CI, once_per_run, require_chromium

ROOT = Path(__file__).resolve().parents[2]
ARTEFACTS = ROOT / "tests" / "artefacts"
AXE = ROOT / "tests" / "browser" / "js" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (375, 1280)


def require_playwright():
    """The Playwright module; skip without it or without Chromium (fail in CI)."""
    try:
        from playwright import sync_api
    except ImportError:
        reason = "Playwright is not installed (pip install -r requirements-dev.txt)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    if not AXE.exists():
        reason = "axe-core is not installed (npm ci --prefix tests/browser/js)"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return sync_api, require_chromium()


@contextmanager
def launched_chromium() -> Iterator:
    """A headless Chromium driven by Playwright, closed on the way out (one per module)."""
    sync_api, chromium = require_playwright()
    with sync_api.sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        yield launched
        launched.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Mailbox:
    """What the loopback SMTP server received, parsed."""

    deliver: Callable[[], None]
    messages: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def wait_for(self, recipient: str, subject_part: str, timeout: float = 15) -> object:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.deliver()
            with self.lock:
                for message in self.messages:
                    if recipient in str(message["To"]) and subject_part in str(message["Subject"]):
                        return message
            time.sleep(0.2)
        raise AssertionError(f"no mail to {recipient} about {subject_part!r}")


@dataclass
class Live:
    url: str
    app: Flask
    mailbox: Mailbox


@contextmanager
def serve_demo_with_mail(folder: Path) -> Iterator[Live]:
    """The demo at http://127.0.0.1:<port>, its outbox delivered by a worker to aiosmtpd."""
    from config import TestingConfig

    once_per_run()

    # The outbox worker's round runs from the test's thread while the pages are idle: on
    # a SQLite file a worker thread writing during a request would make it wait or fail.
    mailbox = Mailbox(deliver=lambda: None)
    smtp_port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    config = type(
        "JourneyConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'agora.sqlite3'}",
            "SERVER_NAME": None,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_port,
            "MAIL_TIMEOUT": 5,
            "OUTBOX_BACKOFF_BASE_SECONDS": 1,
        },
    )
    served = create_app(config)
    # Flask-Mail suppresses sending under TESTING: these journeys send for real.
    served.extensions["mail"] = mail.init_mail({**served.config, "MAIL_SUPPRESS_SEND": False})
    with served.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    served.config["AGORA_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()

    def deliver() -> None:
        with served.app_context():
            send_due("journey")
            db.session.remove()

    mailbox.deliver = deliver
    try:
        yield Live(url, served, mailbox)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        controller.stop()
        with served.app_context():
            db.engine.dispose()


class PageWatch:
    """Fails the journey on a console error or a failed request of the page."""

    def __init__(self, page, base: str) -> None:
        self.problems: list[str] = []
        self.base = base
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request) -> None:
        # A navigation that replaces a pending one is aborted by the browser itself.
        if request.failure and "ERR_ABORTED" in request.failure:
            return
        self.problems.append(f"request failed: {request.url} {request.failure}")

    def _response(self, response) -> None:
        if response.url.startswith(self.base) and response.status >= 400:
            expected = getattr(self, "expected_statuses", set())
            if response.status not in expected:
                self.problems.append(f"{response.status} for {response.url}")

    def check(self) -> None:
        problems, self.problems = self.problems, []
        assert problems == [], problems


def check_accessibility(page) -> None:
    """Run axe-core in the page; no serious or critical violation is allowed."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]
    assert bad == [], f"{page.url}: {bad}"


def shot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# Steps the journeys share.


def visit_check(page, watch, name: str) -> None:
    """Wait for the page, then check its console and requests, axe-core, and save it."""
    page.wait_for_load_state("networkidle")
    watch.check()
    check_accessibility(page)
    shot(page, name)


def go(page, locator) -> None:
    """Click something that loads a new page, and wait for it."""
    with page.expect_navigation():
        locator.click()
    page.wait_for_load_state("networkidle")


def follow(page, locator) -> None:
    """Follow a link: clicked when shown, else (a collapsed phone menu) its address opened."""
    link = locator.first
    if link.is_visible():
        go(page, link)
    else:
        page.goto(urljoin(page.url, link.get_attribute("href")))
        page.wait_for_load_state("networkidle")


def flash(page, kind: str) -> str:
    """The text of the page's first flash message of ``kind`` (fails without one)."""
    found = page.locator(f".flash-{kind}")
    assert found.count() >= 1, page.locator("main").inner_text()[:800]
    return found.first.inner_text()


# Every page a role reaches: the reachability walk, but keeping one address per route.
# Routes named in these sets are left out of the browser walks: they are files, feeds,
# JSON, or reached only through a secret link sent by mail.
def pages_of_role(app: Flask, email: str | None, limit_per_route: int = 1) -> dict[str, str]:
    """The address of each HTML page ``email`` (None: a visitor) reaches from the home page
    by following links and GET forms, keyed ``endpoint`` (``endpoint view=...`` for the
    programme's views); at most ``limit_per_route`` addresses per key."""
    from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

    from werkzeug.exceptions import HTTPException

    from app.models import User
    from tests.registrations.test_reachability import _Links
    from tests.support import sign_in

    client = app.test_client()
    if email:
        with app.app_context():
            user_id = db.session.scalar(db.select(User.id).where(User.email == email))
        sign_in(client, user_id)
    adapter = app.url_map.bind("localhost")
    pages: dict[str, str] = {}
    counts: dict[str, int] = {}
    seen: set[str] = set()
    queue = deque(["/"])
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        parts = urlsplit(url)
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except HTTPException:
            continue
        view = dict(parse_qsl(parts.query)).get("view")
        key = f"{endpoint} view={view}" if view else endpoint
        if counts.get(key, 0) >= limit_per_route or endpoint in _NOT_BROWSED:
            continue
        if endpoint.startswith("api_v1.") or endpoint == "static":
            continue
        response = client.get(url)
        if response.status_code != 200 or not response.mimetype.startswith("text/html"):
            continue
        counts[key] = counts.get(key, 0) + 1
        pages.setdefault(key, url)
        parser = _Links()
        parser.feed(response.get_data(as_text=True))
        for link in parser.links:
            target = urlsplit(urljoin("http://localhost" + parts.path, link))
            if target.scheme != "http" or target.netloc != "localhost":
                continue
            query = [(k, v) for k, v in parse_qsl(target.query) if k not in {"lang", "next"}]
            address = target.path + ("?" + urlencode(query) if query else "")
            if address not in seen:
                queue.append(address)
    return pages


_NOT_BROWSED = {"auth.logout", "api.healthz", "api.openapi_json"}

DEMO_ROLES = (
    None,
    "attendee@demo.agora",
    "startup@demo.agora",
    "reviewer@demo.agora",
    "organiser@demo.agora",
    "admin@demo.agora",
)


def with_lang(url: str, lang: str) -> str:
    """``url`` asking for the interface in ``lang``."""
    return url + ("&" if "?" in url else "?") + f"lang={lang}"


def sideways_overflow(page) -> dict | None:
    """None when the page fits its window; else how far it overflows and the widest
    elements sticking out (tag, classes, width), to say what to fix."""
    return page.evaluate(
        """() => {
          const width = window.innerWidth;
          const extra = document.documentElement.scrollWidth - width;
          if (extra <= 0) return null;
          const out = (el) => {
            const box = el.getBoundingClientRect();
            return box.width > 0 && (box.right > width + 1 || box.left < -1);
          };
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (!out(el) || (el.parentElement && out(el.parentElement))) continue;
            const box = el.getBoundingClientRect();
            const name = [el.tagName.toLowerCase(), ...el.classList].join('.');
            culprits.push(`${name} ${Math.round(box.left)}..${Math.round(box.right)}`);
          }
          return {extra, culprits: culprits.slice(0, 6)};
        }"""
    )


def axe_problems(page) -> list[str]:
    """The serious and critical axe-core violations of the page (empty when it passes)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def screenshot(page, name: str) -> Path:
    """Save the whole page as tests/artefacts/screenshots/<name>.png."""
    folder = ARTEFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
