"""Real-browser checks: the app served in a thread, headless Chromium, a signed-in proxy.

The app runs (werkzeug's server) on a free port against a SQLite file holding the demo
data; headless Chromium loads a page and prints the DOM it built. Without Chromium the
tests are skipped, except in CI (``CI=true``), where they fail instead.

Chromium has no flag to send a cookie, so organiser pages go through ``signed_in_proxy``:
a small local HTTP server that adds the Flask session cookie of a user to every request
and forwards it to the app.
"""

import http.client
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from flask import Flask
from werkzeug.serving import make_server

from app import create_app
from app.demo import load_demo
from app.extensions import db
from config import TestingConfig
from tests.support import session_secret

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_chromium() -> str:
    """Chromium's path; skip the test without it (fail in CI)."""
    if CHROMIUM is None:
        reason = "Chromium is not installed (apt-get install chromium); no real-browser check"
        if IN_CI:
            pytest.fail(reason)
        pytest.skip(reason)
    return CHROMIUM


@dataclass
class LiveServer:
    url: str
    app: Flask

    def __str__(self) -> str:
        return self.url


def once_per_run() -> None:
    """Skip a live demo's tests in the PostgreSQL pass of the suite.

    The live demo is a SQLite file of its own in both passes, so in the PostgreSQL pass
    its tests would repeat the SQLite pass's exactly (about a third of that pass's time).
    """
    url = os.environ.get("TEST_DATABASE_URL") or ""
    if url.startswith(("postgresql", "postgres:")):
        pytest.skip("live demo on a SQLite file in either pass: run in the SQLite pass")


@contextmanager
def serve_demo(folder: Path) -> Iterator[LiveServer]:
    """Serve the demo data at http://127.0.0.1:<port>, from a SQLite file in ``folder``."""
    once_per_run()
    config = type(
        "BrowserConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'agora.sqlite3'}",
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
        yield LiveServer(f"http://127.0.0.1:{server.server_port}", served)
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


def session_cookie(app: Flask, user_id: int, **values) -> str:
    """The ``Cookie`` header of a signed-in, fresh session of user ``user_id``."""
    data = {"_user_id": session_secret(app, user_id), "_fresh": True, **values}
    signed = app.session_interface.get_signing_serializer(app).dumps(data)
    return f"{app.config['SESSION_COOKIE_NAME']}={signed}"


_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class _Forward(BaseHTTPRequestHandler):
    server: "_ProxyServer"

    def _forward(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {
            name: value
            for name, value in self.headers.items()
            if name.lower() not in _HOP_BY_HOP | {"cookie"}
        }
        headers["Cookie"] = self.server.cookie
        upstream = http.client.HTTPConnection(*self.server.target, timeout=60)
        try:
            upstream.request(self.command, self.path, body=body, headers=headers)
            answer = upstream.getresponse()
            content = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in _HOP_BY_HOP:
                    self.send_header(name, value)
        finally:
            upstream.close()
        self.send_header("Content-Length", str(len(content)))
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(content)

    do_GET = do_POST = _forward

    def log_message(self, *args) -> None:  # quiet
        pass


class _ProxyServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, target: tuple[str, int], cookie: str):
        super().__init__(("127.0.0.1", 0), _Forward)
        self.target = target
        self.cookie = cookie


@contextmanager
def signed_in_proxy(live: LiveServer, user_id: int, **session_values) -> Iterator[str]:
    """Yield the address of a local server that forwards to ``live`` as user ``user_id``."""
    parts = urlsplit(live.url)
    cookie = session_cookie(live.app, user_id, **session_values)
    proxy = _ProxyServer((parts.hostname, parts.port), cookie)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{proxy.server_port}"
    finally:
        proxy.shutdown()
        proxy.server_close()
        thread.join(timeout=10)
