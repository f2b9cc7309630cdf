"""Measure one benchmark database in a fresh process: page times, SQL statements, memory.

Started by ``bench/run.py`` once per database and size, on a database that
``flask bench-data`` built in another process (as in production). Prints one JSON
object: for every measured request its timings (ms), status and SQL statements.

    .venv/bin/python bench/measure.py --url sqlite:////tmp/bench.sqlite3 --sessions 100
"""

import argparse
import gc
import json
import os
import resource
import secrets
import socket
import statistics
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ORGANISER_EMAIL = "organiser@bench.agora"
PASSWORD = "agora-bench-2026"
OUTBOX_MESSAGES = 300


class StatementCounter:
    """Counts the SQL statements sent by every engine while active."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.count = 0
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *_exc) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.remove(Engine, "before_cursor_execute", self)


def summary(times: list[float], statements: int, status: int, **extra) -> dict:
    return {
        "median_ms": round(statistics.median(times), 2),
        "min_ms": round(min(times), 2),
        "max_ms": round(max(times), 2),
        "stdev_ms": round(statistics.stdev(times), 2) if len(times) > 1 else 0.0,
        "runs": len(times),
        "statements": statements,
        "status": status,
        **extra,
    }


class Bench:
    """The app, its clients, and what the requests need (ids, tokens, a change to make)."""

    def __init__(self, url: str, sessions: int, repeat: int, warmup: int) -> None:
        from app import create_app
        from app.benchdata import bench_slug
        from config import TestingConfig, _database_url

        self.smtp_port = free_port()

        class BenchConfig(TestingConfig):
            SQLALCHEMY_DATABASE_URI = _database_url(url)
            MAIL_SERVER = "127.0.0.1"
            MAIL_PORT = self.smtp_port
            MAIL_TIMEOUT = 10
            # As production is asked, behind its TLS proxy (and as the warm-up asks).
            PREFERRED_URL_SCHEME = "https"

        started = time.perf_counter()
        self.app = create_app(BenchConfig)
        self.start_ms = (time.perf_counter() - started) * 1000
        self.warm_ms = 0.0
        self.slug = bench_slug(sessions)
        self.sessions = sessions
        self.repeat = repeat
        self.warmup = warmup
        self.results: dict[str, dict] = {}
        self.anonymous = self.app.test_client()
        self._toggle = 0

    # Setup (not timed) -------------------------------------------------------------------

    def prepare(self) -> None:
        """Pick the ids the requests use; open the call; give an attendee a feed token."""
        from sqlalchemy import func, select

        from app.auth.services import create_admin
        from app.extensions import db
        from app.models import (
            AgendaEntry,
            ConferenceSession,
            Edition,
            SessionSpeaker,
            Showcase,
            User,
        )

        with self.app.app_context():
            edition = db.session.scalar(select(Edition).where(Edition.slug == self.slug))
            self.edition_id = edition.id
            ids = list(
                db.session.scalars(
                    select(ConferenceSession.id)
                    .where(ConferenceSession.edition_id == edition.id)
                    .order_by(ConferenceSession.id)
                )
            )
            self.session_id = ids[len(ids) // 2]
            # Sessions nobody has asked for yet, one per request of "session page, not kept".
            self.unread_ids = ids[len(ids) // 2 + 1 :]
            self.speaker_id = db.session.scalar(
                select(SessionSpeaker.speaker_id)
                .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
                .where(ConferenceSession.edition_id == edition.id)
                .group_by(SessionSpeaker.speaker_id)
                .order_by(func.count().desc(), SessionSpeaker.speaker_id)
                .limit(1)
            )
            attendee = db.session.scalar(
                select(User)
                .where(User.id.in_(select(AgendaEntry.user_id)))
                .order_by(User.id)
                .limit(1)
            )
            attendee.calendar_token = secrets.token_urlsafe(32)
            self.agenda_token = attendee.calendar_token
            now = edition.start_date
            edition.call_opens_local = edition.call_opens_local or _midnight(now, -400)
            edition.call_closes_local = _midnight(now, 400)
            edition.refresh_instants()
            submitter = db.session.scalar(
                select(User)
                .where(User.id.in_(select(Showcase.submitted_by_id)))
                .order_by(User.id)
                .limit(1)
            )
            self.submitter_email = submitter.email
            # The session an organiser moves: the first of a room on the first day, so that
            # five minutes earlier is free (sessions follow each other in a room).
            first = db.session.execute(
                select(ConferenceSession.id, ConferenceSession.starts_local)
                .where(
                    ConferenceSession.edition_id == edition.id,
                    ConferenceSession.room_id.is_not(None),
                )
                .order_by(ConferenceSession.starts_local, ConferenceSession.id)
                .limit(1)
            ).one()
            self.moved_id, self.moved_start = first
            self.schedule_day = first.starts_local.date().isoformat()
            self.track_id = edition.tracks[0].id if edition.tracks else ""
            create_admin(email=ORGANISER_EMAIL, display_name="Bench organiser", password=PASSWORD)
            db.session.commit()
        self.organiser = self._logged_in(ORGANISER_EMAIL)
        self.submitter = self._logged_in(self.submitter_email)

    def warm(self) -> None:
        """What the master and then a worker do before its first request (gunicorn.conf.py)."""
        try:
            from app.warmup import warm_up, warm_worker
        except ImportError:
            return
        started = time.perf_counter()
        warm_up(self.app)
        warm_worker(self.app)
        self.warm_ms = (time.perf_counter() - started) * 1000

    def _logged_in(self, email: str):
        client = self.app.test_client()
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        if response.status_code != 302:
            raise SystemExit(f"could not log in as {email}: {response.status_code}")
        return client

    def change(self) -> None:
        """What an organiser does between two renders: one session's title changes."""
        from app.extensions import db
        from app.models import ConferenceSession

        with self.app.app_context():
            item = db.session.get(ConferenceSession, self.session_id)
            self._toggle += 1
            base = item.title.removesuffix(" (updated)")
            item.title = base if self._toggle % 2 else base + " (updated)"
            db.session.commit()

    # Timing --------------------------------------------------------------------------------

    def request(self, client, url: str, *, method: str = "GET", **kwargs):
        with StatementCounter() as counter:
            started = time.perf_counter()
            response = client.open(url, method=method, **kwargs)
            _ = response.data
            elapsed = (time.perf_counter() - started) * 1000
        return response, elapsed, counter.count

    def first(self, name: str, url: str) -> None:
        """The first request this process serves at ``url``."""
        response, elapsed, statements = self.request(self.anonymous, url)
        self.results[f"first: {name}"] = summary([elapsed], statements, response.status_code)

    def timed(
        self,
        name: str,
        url: str,
        *,
        client=None,
        before: Callable[[], None] | None = None,
        headers: Callable[[], dict] | None = None,
        expect: int = 200,
    ) -> None:
        """Warm up, then time ``repeat`` requests, running ``before`` (untimed) before each."""
        client = client or self.anonymous
        times, statements, status = [], 0, 0
        for index in range(self.warmup + self.repeat):
            if before:
                before()
            response, elapsed, statements = self.request(
                client, url, headers=headers() if headers else None
            )
            status = response.status_code
            if status != expect:
                raise SystemExit(f"{name}: {url} answered {status}, not {expect}")
            if index >= self.warmup:
                times.append(elapsed)
        self.results[name] = summary(times, statements, status, bytes=len(response.data))

    def each(self, name: str, urls: list[str]) -> None:
        """Like :meth:`timed`, but each request at another address of the same kind, none
        of them asked for before (what a page costs when it is not kept yet)."""
        times, statements, status = [], 0, 0
        for index, url in enumerate(urls[: self.warmup + self.repeat]):
            response, elapsed, statements = self.request(self.anonymous, url)
            status = response.status_code
            if status != 200:
                raise SystemExit(f"{name}: {url} answered {status}")
            if index >= self.warmup:
                times.append(elapsed)
        self.results[name] = summary(times, statements, status, bytes=len(response.data))

    def etag_of(self, url: str) -> Callable[[], dict]:
        def headers() -> dict:
            return {"If-None-Match": self.anonymous.get(url).headers["ETag"]}

        return headers

    def run(self) -> dict:
        slug = self.slug
        programme = f"/editions/{slug}/programme"
        feed = f"/editions/{slug}/calendar.ics"
        agenda = f"/agenda/{self.agenda_token}.ics"
        session_page = f"/sessions/{self.session_id}"
        # A fresh process: each of these is the first of its kind after the start.
        self.first("programme list", f"{programme}?view=list")
        self.first("programme grid", f"{programme}?view=grid")
        self.first("session page", session_page)
        self.first("edition feed", feed)

        self.timed("programme list, after a change", f"{programme}?view=list", before=self.change)
        self.timed("programme grid, after a change", f"{programme}?view=grid", before=self.change)
        self.timed("programme list, warm", f"{programme}?view=list")
        self.timed("programme grid, warm", f"{programme}?view=grid")
        self.timed("session page", session_page)
        self.each("session page, not kept", [f"/sessions/{id}" for id in self.unread_ids])
        self.timed("speaker page", f"/speakers/{self.speaker_id}")
        self.timed("edition feed, after a change", feed, before=self.change)
        self.timed("edition feed, cached", feed)
        self.timed("edition feed, 304", feed, headers=self.etag_of(feed), expect=304)
        self.timed("agenda feed, after a change", agenda, before=self.change)
        self.timed("agenda feed, cached", agenda)
        for export in ("schedule.xml", "schedule.json"):
            url = f"/editions/{slug}/{export}"
            self.timed(f"{export}, after a change", url, before=self.change)
            self.timed(f"{export}, cached", url)
        self.timed("catalogue search", "/showcases?q=mobility")
        self.timed(
            "conflict check (organiser page)",
            f"/editions/{slug}/manage/conflicts",
            client=self.organiser,
        )
        self.timed(
            "organiser day schedule",
            f"/editions/{slug}/manage/schedule?day={self.schedule_day}",
            client=self.organiser,
        )
        self.moves()
        self.submission()
        self.outbox()
        self.results["_process"] = {
            "app_start_ms": round(self.start_ms, 1),
            "warm_up_ms": round(self.warm_ms, 1),
            "load_average": os.getloadavg()[0],
            "peak_memory_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
        return self.results

    def moves(self) -> None:
        """An organiser moves a session five minutes back and forth (as ``make load`` does):
        its speakers and the attendees who starred it are to be told."""
        from app.extensions import db
        from app.models import ConferenceSession

        with self.app.app_context():
            sequence = db.session.get(ConferenceSession, self.moved_id).sequence
        times = []
        for index in range(self.warmup + self.repeat):
            with self.app.app_context():
                item = db.session.get(ConferenceSession, self.moved_id)
                data = {
                    "version": str(item.version_id),
                    "room_id": str(item.room_id),
                    "starts_local": (
                        self.moved_start - timedelta(minutes=5 if index % 2 == 0 else 0)
                    ).strftime("%Y-%m-%dT%H:%M"),
                    "accept_warnings": "y",
                }
            response, elapsed, _statements = self.request(
                self.organiser, f"/sessions/{self.moved_id}/place", method="POST", data=data
            )
            if response.status_code != 302:
                raise SystemExit(f"session move: {response.status_code}")
            if index >= self.warmup:
                times.append(elapsed)
        with self.app.app_context():
            moved = db.session.get(ConferenceSession, self.moved_id).sequence - sequence
        if moved != self.warmup + self.repeat:
            raise SystemExit("session move: the session did not move every time")
        # Its statements depend on the session's speakers, not on the number of sessions.
        self.results["session moved (organiser)"] = summary(times, None, 302)

    def submission(self) -> None:
        """A delegate creates a draft showcase, then submits it (two requests, each timed)."""
        import re

        drafts, submits = [], []
        statements = {}
        for index in range(self.warmup + self.repeat):
            response, elapsed, statements["draft"] = self.request(
                self.submitter,
                f"/editions/{self.slug}/showcases/new",
                method="POST",
                data={
                    "title": f"Bench showcase {index}",
                    "kind": "project",
                    "track_id": str(self.track_id),
                    "summary": "A platform that maps the district's energy use, street by street.",
                },
            )
            if response.status_code != 302:
                raise SystemExit(f"showcase draft: {response.status_code}")
            showcase_id = int(re.search(r"/showcases/(\d+)/edit", response.location).group(1))
            if index >= self.warmup:
                drafts.append(elapsed)
            with self.app.app_context():
                from app.extensions import db
                from app.models import Showcase

                version = db.session.get(Showcase, showcase_id).version_id
            response, elapsed, statements["submit"] = self.request(
                self.submitter,
                f"/showcases/{showcase_id}/submit",
                method="POST",
                data={"track_id": str(self.track_id), "version": str(version)},
            )
            if response.status_code != 302 or "/edit" in response.location:
                raise SystemExit(f"showcase submission: {response.status_code} {response.location}")
            if index >= self.warmup:
                submits.append(elapsed)
        self.results["showcase draft"] = summary(drafts, statements["draft"], 302)
        self.results["showcase submission"] = summary(submits, statements["submit"], 302)

    def outbox(self) -> None:
        """Deliver queued messages to an SMTP server on loopback; messages per second."""
        from aiosmtpd.controller import Controller

        from app.extensions import db, mail
        from app.notifications.services import worker
        from app.notifications.services.outbox import queue_email

        received = []
        lock = threading.Lock()

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                with lock:
                    received.append(len(envelope.content))
                return "250 OK"

        controller = Controller(Handler(), hostname="127.0.0.1", port=self.smtp_port)
        controller.start()
        try:
            # The test configuration keeps mail; this run sends it for real, to loopback.
            self.app.extensions["mail"] = mail.init_mail(
                {**self.app.config, "MAIL_SUPPRESS_SEND": False}
            )
            with self.app.app_context():
                worker.send_due(worker_id="bench-drain")
                received.clear()
                for index in range(OUTBOX_MESSAGES):
                    queue_email(
                        kind="bench.notice",
                        recipient=f"person{index}@bench.agora",
                        recipient_name=f"Person {index}",
                        subject=f"Session moved {index}",
                        body_text=f"Hello {index},\n\nYour session moved to 14:00.\n",
                        body_html=f"<p>Hello {index},</p><p>Your session moved to 14:00.</p>",
                    )
                db.session.commit()
                with StatementCounter() as counter:
                    started = time.perf_counter()
                    counts = worker.send_due(worker_id="bench")
                    seconds = time.perf_counter() - started
                db.session.remove()
        finally:
            controller.stop()
        self.results["outbox delivery"] = {
            "messages": counts["sent"],
            "received": len(received),
            "seconds": round(seconds, 3),
            "messages_per_second": round(counts["sent"] / seconds, 1),
            "statements_per_message": round(counter.count / max(counts["sent"], 1), 2),
        }


def _midnight(day, days: int):
    from datetime import datetime

    return datetime.combine(day + timedelta(days=days), datetime.min.time())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True, help="the database bench-data built")
    parser.add_argument("--sessions", type=int, required=True)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()
    # The collector stays on, as in production: the crash this guards against needs it.
    assert gc.isenabled()
    bench = Bench(args.url, args.sessions, args.repeat, args.warmup)
    bench.prepare()
    bench.warm()
    print(json.dumps(bench.run()))


if __name__ == "__main__":
    main()
