"""Warm a process before its first reader: templates compiled, public pages and feeds built.

gunicorn runs :func:`warm_up` once in the master (``preload_app``), before it forks the
workers: they start with the compiled templates, the imported modules and the answers
kept per data version, so the first reader is served like the hundredth.
"""

import logging
import time

from flask import Flask
from sqlalchemy import select

from app.extensions import db
from app.models import ConferenceSession, Edition, EditionStatus, SessionSpeaker

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


def _addresses() -> list[str]:
    editions = db.session.execute(
        select(Edition.id, Edition.slug)
        .where(Edition.status == EditionStatus.PUBLISHED)
        .order_by(Edition.start_date.desc(), Edition.id.desc())
        .limit(EDITIONS)
    ).all()
    addresses = []
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
    """Request the public pages and feeds of the recent published editions once.

    Ends with the database pool closed, so that no connection crosses a fork.

    :returns: the milliseconds each address took.
    """
    with app.app_context():
        addresses = _addresses()
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
    with app.app_context():
        db.engine.dispose()
    logger.info("Warmed %d addresses in %.0f ms", len(timings), sum(timings.values()))
    return timings
