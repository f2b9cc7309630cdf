"""Outbox jobs: writing many mails, queued by a request and done by the outbox worker.

A change that concerns a large audience (a session moved that fifty attendees starred)
would otherwise render fifty mails and invitations inside the organiser's request. The
area queues one job instead, in the same transaction as the change (so the change and
its mails still commit or roll back together); the worker runs it before delivering,
and the job writes the mails with the area's own function. A job is a row of the outbox
of its own kind (``job.``), with no edition (no organiser's outbox lists it) and its
arguments in ``template_context``; it is deleted once done.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import OutboxMessage, OutboxStatus
from app.models.base import utcnow

logger = logging.getLogger(__name__)

JOB_PREFIX = "job."
# A job that failed is tried again after this long (a worker that died holding one leaves
# it SENDING; its lease runs out after the same time).
RETRY_AFTER = timedelta(minutes=2)

_handlers: dict[str, Callable[[dict], object]] = {}


def register_job(kind: str, handler: Callable[[dict], object]) -> None:
    """Make ``handler(arguments)`` the work of jobs of ``kind`` (which starts with ``job.``)."""
    if not kind.startswith(JOB_PREFIX):
        raise ValueError(f"a job's kind starts with {JOB_PREFIX!r}: {kind!r}")
    _handlers[kind] = handler


def is_job(kind_column=OutboxMessage.kind):
    """The SQL condition that a row of the outbox is a job (not a mail)."""
    return kind_column.startswith(JOB_PREFIX, autoescape=True)


def queue_job(kind: str, arguments: dict) -> OutboxMessage:
    """Queue a job in the current transaction and flush it; the worker runs it after the commit.

    :param kind: a kind given to :func:`register_job`.
    :param arguments: what the handler needs (ids, flags: JSON values).
    :raises KeyError: if no handler is registered for ``kind``.
    """
    if kind not in _handlers:
        raise KeyError(kind)
    job = OutboxMessage(
        kind=kind,
        recipient="",
        subject="",
        body_text="",
        status=OutboxStatus.PENDING,
        next_attempt_at=utcnow(),
        template_context=arguments,
    )
    db.session.add(job)
    db.session.flush()
    return job


def _claim_one(worker_id: str) -> OutboxMessage | None:
    """Take one due job for ``worker_id`` and commit the claim, or None."""
    now = utcnow()
    due = sa.and_(
        is_job(),
        sa.or_(
            sa.and_(
                OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now
            ),
            sa.and_(
                OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_until < now
            ),
        ),
    )
    candidate = (
        sa.select(OutboxMessage.id).where(due).order_by(OutboxMessage.next_attempt_at).limit(1)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        candidate = candidate.with_for_update(skip_locked=True)
    job_id = db.session.scalar(candidate)
    if job_id is None:
        db.session.commit()
        return None
    # The repeated condition makes a job another worker took meanwhile fail the WHERE.
    claimed = db.session.execute(
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == job_id, due)
        .values(status=OutboxStatus.SENDING, claimed_by=worker_id, claimed_until=now + RETRY_AFTER),
        execution_options={"synchronize_session": False},
    ).rowcount
    db.session.commit()
    if not claimed:
        return _claim_one(worker_id)
    return db.session.get(OutboxMessage, job_id, populate_existing=True)


def run_due_jobs(worker_id: str, limit: int = 100) -> int:
    """Run the due jobs one by one, each in its own transaction; return how many ran.

    A job whose handler fails stays in the outbox and is tried again later; the others
    still run.
    """
    done = 0
    for _ in range(limit):
        job = _claim_one(worker_id)
        if job is None:
            break
        job_id, kind, arguments = job.id, job.kind, dict(job.template_context or {})
        handler = _handlers.get(kind)
        try:
            if handler is None:
                raise LookupError(f"no handler for the job {kind}")
            # The mails' links and unsubscribe addresses are built as in a request.
            base_url = current_app.config["AGORA_BASE_URL"]
            with current_app.test_request_context("/", base_url=base_url):
                handler(arguments)
                db.session.execute(sa.delete(OutboxMessage).where(OutboxMessage.id == job_id))
                db.session.commit()
        except Exception as error:  # one failing job must not stop the others or the mails
            db.session.rollback()
            logger.exception("outbox job %s (%s) failed", job_id, kind)
            db.session.execute(
                sa.update(OutboxMessage)
                .where(OutboxMessage.id == job_id)
                .values(
                    status=OutboxStatus.PENDING,
                    attempts=OutboxMessage.attempts + 1,
                    next_attempt_at=utcnow() + RETRY_AFTER,
                    last_error=str(error)[:2000],
                    claimed_by=None,
                    claimed_until=None,
                )
            )
            db.session.commit()
            continue
        done += 1
    return done
