"""Warm a process before its first reader, and rebuild public answers ahead of readers.

gunicorn runs :func:`warm_up` once in the master (``preload_app``), before it forks the
workers: they start with the compiled templates, the imported modules and the answers
kept per data version, so the first reader is served like the hundredth. Each worker
then runs :func:`rebuild_after_changes`: after a commit that changes an edition's
programme, a thread of the worker builds its feed, programme and exports again, and
:func:`warm_worker` opens the worker's own database connection before its first reader.
"""

import logging
import threading
import time

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.extensions import db
from app.models import ConferenceSession, Edition, EditionStatus, SessionSpeaker, Track, Venue

logger = logging.getLogger(__name__)

# The editions warmed: the most recent published ones (older ones are rarely read).
EDITIONS = 10
PAGES = (
    "/editions/{slug}",
    "/editions/{slug}/programme",
    "/editions/{slug}/programme?view=grid",
    "/editions/{slug}/programme?view=list",
    "/editions/{slug}/calendar.ics",
    "/editions/{slug}/schedule.xml",
    "/editions/{slug}/schedule.json",
)


# Pages of the whole site, asked once so that their templates and queries are ready.
SITE_PAGES = ("/", "/showcases", "/showcases?q=smart", "/search?q=smart", "/speakers", "/login")


def _addresses(editions: int = EDITIONS) -> list[str]:
    editions = db.session.execute(
        select(Edition.id, Edition.slug)
        .where(Edition.status == EditionStatus.PUBLISHED)
        .order_by(Edition.start_date.desc(), Edition.id.desc())
        .limit(editions)
    ).all()
    addresses = list(SITE_PAGES)
    for edition_id, slug in editions:
        addresses += [page.format(slug=slug) for page in PAGES]
        session_id = db.session.scalar(
            select(ConferenceSession.id)
            .where(ConferenceSession.edition_id == edition_id)
            .order_by(ConferenceSession.id)
            .limit(1)
        )
        if session_id is not None:
            addresses.append(f"/sessions/{session_id}")
            speaker_id = db.session.scalar(
                select(SessionSpeaker.speaker_id)
                .where(SessionSpeaker.session_id == session_id)
                .limit(1)
            )
            if speaker_id is not None:
                addresses.append(f"/speakers/{speaker_id}")
    return addresses


def warm_up(app: Flask) -> dict[str, float]:
    """Request the site's pages and the public pages and feeds of the recent published
    editions once.

    Ends with the database pool closed, so that no connection crosses a fork.

    :returns: the milliseconds each address took.
    """
    timings = _ask(app, editions=EDITIONS)
    with app.app_context():
        db.engine.dispose()
    logger.info("Warmed %d addresses in %.0f ms", len(timings), sum(timings.values()))
    return timings


def warm_worker(app: Flask) -> float:
    """Open a forked worker's database connection and ask for the site's pages and the
    newest edition's public answers once (kept, copied from the master), before the
    worker's first reader.

    The master closed its connections before forking: without this the first reader pays
    for the connection, and on PostgreSQL for a new server process that has read none of
    the tables' descriptions yet.

    :returns: the milliseconds it took.
    """
    return sum(_ask(app, editions=1).values())


def _ask(app: Flask, editions: int) -> dict[str, float]:
    """Ask once for the site's pages and those of the ``editions`` most recent editions,
    as the TLS-terminating proxy asks; warn of any that does not answer 200.

    :returns: the milliseconds each address took.
    """
    with app.app_context():
        addresses = _addresses(editions)
        db.session.remove()
    host = app.config.get("SERVER_NAME") or "localhost"
    client = app.test_client()
    timings = {}
    for address in addresses:
        started = time.perf_counter()
        response = client.get(address, base_url=f"https://{host}")
        timings[address] = (time.perf_counter() - started) * 1000
        if response.status_code != 200:
            logger.warning("Warming %s answered %s", address, response.status_code)
    return timings


# Rebuilding ahead of the readers ---------------------------------------------------------

# The public answers of an edition that a change makes stale, rebuilt after the commit.
REBUILT = (
    "/editions/{slug}/calendar.ics",
    "/editions/{slug}/programme?view=grid",
    "/editions/{slug}/programme?view=list",
    "/editions/{slug}/schedule.json",
    "/editions/{slug}/schedule.xml",
)


class Rebuilder:
    """A thread of the worker that rebuilds an edition's public answers after a change.

    A commit that changes sessions, tracks or venues of an edition names it; the thread
    requests its feed, programme and exports once (changes that arrive meanwhile are
    taken together), so the answers are in the caches before the subscribers poll and
    the unlucky one does not pay the build.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.pending: set[int] = set()
        self.lock = threading.Lock()
        self.wake = threading.Event()
        self.thread = threading.Thread(target=self._run, name="agora-rebuild", daemon=True)

    def start(self) -> None:
        self.listen()
        self.thread.start()

    def listen(self) -> None:
        event.listen(Session, "after_flush", self._note)
        event.listen(Session, "after_commit", self._committed)

    def stop_listening(self) -> None:
        event.remove(Session, "after_flush", self._note)
        event.remove(Session, "after_commit", self._committed)

    def _note(self, session, _flush_context) -> None:
        found = session.info.setdefault("agora_changed_editions", set())
        for item in (*session.new, *session.dirty, *session.deleted):
            if isinstance(item, Edition):
                found.add(item.id)
            elif isinstance(item, (ConferenceSession, Track, Venue)):
                found.add(item.edition_id)

    def _committed(self, session) -> None:
        found = session.info.pop("agora_changed_editions", None)
        if found and threading.current_thread() is not self.thread:
            with self.lock:
                self.pending |= found - {None}
            self.wake.set()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            with self.lock:
                editions, self.pending = self.pending, set()
            try:
                self.rebuild(editions)
            except Exception:  # a failed rebuild leaves the build to the next reader
                logger.exception("Rebuilding the public answers of %s failed", editions)

    def rebuild(self, edition_ids: set[int]) -> None:
        with self.app.app_context():
            slugs = list(
                db.session.scalars(
                    select(Edition.slug).where(
                        Edition.id.in_(edition_ids), Edition.status == EditionStatus.PUBLISHED
                    )
                )
            )
            db.session.remove()
        host = self.app.config.get("SERVER_NAME") or "localhost"
        client = self.app.test_client()
        for slug in slugs:
            for address in REBUILT:
                client.get(address.format(slug=slug), base_url=f"https://{host}")


def rebuild_after_changes(app: Flask) -> Rebuilder:
    """Start rebuilding the public answers of editions after each change (one per process)."""
    rebuilder = Rebuilder(app)
    rebuilder.start()
    return rebuilder
