"""Development only: mail is delivered (printed) as it is queued, without a second command.

With no MAIL_SERVER in development, a small thread prints each due message of the outbox
right after the commit that queued it: an SQLAlchemy ``after_commit`` hook wakes it, and
it also looks every few seconds for retries. It never runs in testing or production,
where ``flask outbox worker`` delivers. It starts with the first request, so CLI commands
(``flask demo``, ``flask db upgrade``) never start it.
"""

import logging
import threading

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from app.extensions import db
from app.notifications.services import send_due

logger = logging.getLogger(__name__)

EXTENSION = "agora_live_delivery"
POLL_SECONDS = 5.0


def wanted(app: Flask) -> bool:
    """Tell whether ``app`` delivers mail as it is queued: development, no mail server."""
    return (
        app.config.get("ENV_NAME") == "development"
        and not app.testing
        and not app.config.get("MAIL_SERVER")
        and bool(app.config.get("PRINT_MAIL"))
    )


class LiveDelivery:
    """The thread that prints due messages, woken after each commit."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.wake = threading.Event()
        self.stop = threading.Event()
        self.thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def start(self) -> None:
        with self._lock:
            if self.thread is None:
                self.thread = threading.Thread(
                    target=self._run, name="agora-live-delivery", daemon=True
                )
                self.thread.start()

    def _run(self) -> None:
        with self.app.app_context():
            while not self.stop.is_set():
                self.wake.wait(POLL_SECONDS)
                self.wake.clear()
                if self.stop.is_set():
                    break
                try:
                    send_due("live-delivery")
                except SQLAlchemyError:
                    db.session.rollback()
                    logger.exception("live delivery: database error, trying again later")
                finally:
                    db.session.remove()


def _after_commit(session) -> None:
    if not has_app_context():
        return
    delivery = current_app.extensions.get(EXTENSION)
    if delivery is not None:
        delivery.wake.set()


def init_live_delivery(app: Flask) -> LiveDelivery | None:
    """Set up delivery as mail is queued when :func:`wanted`; return it, or None."""
    if not wanted(app):
        return None
    delivery = LiveDelivery(app)
    app.extensions[EXTENSION] = delivery
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
    app.before_request(delivery.start)
    return delivery
