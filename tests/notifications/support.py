"""Helpers shared by the outbox tests: two workers at once, messages made due."""

import threading
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus, utcnow
from app.notifications.services import worker
from tests.notifications.conftest import SmtpServer


def drain_with_two_workers(
    app, server: SmtpServer, *, timeout: float
) -> tuple[dict[str, dict], list[BaseException]]:
    """Run ``worker.send_due`` in two threads, "left" and "right", released together; stop
    ``server`` once both have finished (or ``timeout`` seconds have passed for each).

    Returns each worker's summary by name and whatever the threads raised.
    """
    start = threading.Barrier(2)
    results: dict[str, dict] = {}
    errors: list[BaseException] = []

    def drain(name: str) -> None:
        with app.app_context():
            try:
                start.wait()
                results[name] = worker.send_due(worker_id=name)
            except BaseException as error:  # reported by the caller's assertion
                errors.append(error)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=drain, args=(name,)) for name in ("left", "right")]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=timeout)
    finally:
        server.stop()
    return results, errors


def make_due_now() -> None:
    """Jump over the backoff: every pending message becomes due."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .values(next_attempt_at=utcnow() - timedelta(seconds=1))
    )
    db.session.commit()
