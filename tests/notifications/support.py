"""Harness shared by the two-worker outbox tests."""

import threading

from app.extensions import db
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
