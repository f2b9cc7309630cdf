"""A real browser on a 375-px phone: the home page, an edition and its programme.

The app runs in a thread (werkzeug's server) on a free port against a SQLite file holding
the demo data; headless Chromium loads each page and prints the DOM it built. Skipped
when Chromium is missing, except in CI (``CI=true``), where it fails instead.
"""

import os
import shutil
import subprocess
import tempfile
import threading

import pytest
from werkzeug.serving import make_server

from app import create_app
from app.demo import CASABLANCA_SLUG, load_demo
from app.extensions import db
from config import TestingConfig

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

pytestmark = pytest.mark.real_commits


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install chromium); no real-browser check"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    """Serve the demo data at http://127.0.0.1:<port>, from a SQLite file."""
    path = tmp_path_factory.mktemp("browser") / "agora.sqlite3"
    config = type(
        "BrowserConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "SERVER_NAME": None,
            "AGORA_BASE_URL": "http://127.0.0.1",
        },
    )
    served = create_app(config)
    with served.app_context():
        db.create_all()
        load_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, served, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with served.app_context():
            db.engine.dispose()


def dom(browser: str, url: str, width: int = 375, height: int = 812) -> str:
    """Return the DOM Chromium built for ``url`` in a ``width``-px-wide window."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run(
            [
                browser,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "--dump-dom",
                url,
            ],
            capture_output=True,
            text=True,
            timeout=90,
            check=False,
        )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_the_home_page_on_a_phone(browser, live_server):
    html = dom(browser, f"{live_server}/?lang=en")
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in html
    assert "Smart-city conference series" in html
    for title in ("Casablanca Smart City 2023", "Bizerte Smart City 2017", "Caravane"):
        assert title in html, title


def test_an_edition_page_on_a_phone(browser, live_server):
    html = dom(browser, f"{live_server}/editions/{CASABLANCA_SLUG}?lang=en")
    assert "Ville smart, vers les transitions métropolitaines durables" in html
    assert "Africa/Casablanca" in html
    assert f'href="/editions/{CASABLANCA_SLUG}/programme"' in html
    assert "Manage this edition" not in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Programme", "Salle plénière", "Casablanca, UTC+1", "Keynote"]),
        ("view=list", ["Programme", "(Casablanca, UTC+1)", "Cancelled"]),
        ("view=list&track=1&day=2023-10-18", ["2 sessions", "Clear filters"]),
    ],
)
def test_the_programme_on_a_phone(browser, live_server, query, expected):
    html = dom(browser, f"{live_server}/editions/{CASABLANCA_SLUG}/programme?lang=en&{query}")
    for text in expected:
        assert text in html, (query, text)
