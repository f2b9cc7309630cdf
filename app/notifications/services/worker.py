"""Deliver the outbox: claim due messages, send them over SMTP, record every attempt.

Several workers may run at once: each claims a batch (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, a guarded UPDATE on SQLite), commits the claim, sends the batch over one
SMTP connection and commits the outcome of each message as soon as the server has
answered. A worker that dies leaves its claims behind; they expire after a lease and
another worker takes them over.
Delivery is at least once: a worker killed between the server's "250" and its own
commit sends that message again. Retries keep the same Message-ID so receivers can
tell.

Unlike the other services, the worker commits: it runs outside any request, and each
claim and each outcome must be durable before the next SMTP exchange.
"""

import logging
import os
import random
import signal
import smtplib
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import click
import sqlalchemy as sa
from flask import current_app
from flask_mail import BadHeaderError, Message
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.notifications.services.jobs import is_job, run_due_jobs
from app.notifications.services.smtp import (
    TimedConnection,
    build_mail,
    connect,
    describe_error,
    mail_server_configured,
    mail_state,
    summary,
)

logger = logging.getLogger(__name__)

# Defaults; each can be overridden in the app config under the name in brackets.
BACKOFF_BASE_SECONDS = 30  # [OUTBOX_BACKOFF_BASE_SECONDS] first retry after ~30 s
BACKOFF_MAX_SECONDS = 3600  # [OUTBOX_BACKOFF_MAX_SECONDS] never wait more than an hour
LEASE_SECONDS = 600  # [OUTBOX_LEASE_SECONDS] how long a claim protects a message

CONSOLE_NOTE = "printed to console (no MAIL_SERVER)"
SUPPRESSED_NOTE = "not sent: MAIL_SUPPRESS_SEND is on"
MAX_ERROR_LENGTH = 2000

Counts = dict[str, int]
Progress = Callable[[int], object]


def _new_counts() -> Counts:
    return {"sent": 0, "retried": 0, "failed": 0, "held": 0}


def _setting(name: str, default: float) -> float:
    value = current_app.config.get(name)
    return default if value is None else value


def default_worker_id() -> str:
    """Name this worker uniquely: host, process and a random suffix (for threads)."""
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


def backoff_delay(attempts: int) -> timedelta:
    """Return how long to wait after the ``attempts``-th failed try.

    Exponential (base, 2 x base, 4 x base ...) capped at the maximum, minus up to 10 %
    of jitter so that messages which failed together do not all come back together.
    """
    base = _setting("OUTBOX_BACKOFF_BASE_SECONDS", BACKOFF_BASE_SECONDS)
    cap = _setting("OUTBOX_BACKOFF_MAX_SECONDS", BACKOFF_MAX_SECONDS)
    delay = min(cap, base * 2 ** min(max(attempts - 1, 0), 30))
    return timedelta(seconds=delay * random.uniform(0.9, 1.0))


def can_deliver() -> bool:
    """True if due messages can leave: over SMTP, or printed when PRINT_MAIL is on."""
    return mail_server_configured() or bool(current_app.config.get("PRINT_MAIL"))


def _due_clause(now: datetime, due_before: datetime | None = None):
    cutoff = now if due_before is None else min(now, due_before)
    due = sa.or_(
        sa.and_(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= cutoff,
        ),
        # A worker that crashed or hung left these behind: its lease has run out.
        sa.and_(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_until < now,
        ),
    )
    # Jobs are run by ``run_due_jobs``, never sent.
    return sa.and_(due, sa.not_(is_job()))


def count_due() -> int:
    """Count the messages a worker would claim now."""
    return db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(_due_clause(utcnow()))
    )


def _mark_claimed(candidates, due, claim: dict) -> None:
    """Set ``claim`` on the ``candidates`` still ``due``, never on a row another worker took."""
    if db.session.get_bind().dialect.name == "postgresql":
        ids = db.session.scalars(candidates.with_for_update(skip_locked=True)).all()
        if ids:
            db.session.execute(
                sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids)).values(**claim),
                execution_options={"synchronize_session": False},
            )
    else:
        # One statement, writing first: SQLite takes its write lock before reading, so
        # two workers serialise here, and the repeated ``due`` condition makes a row
        # claimed by the other one fail the WHERE instead of being taken twice.
        db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id.in_(candidates), due).values(**claim),
            execution_options={"synchronize_session": False},
        )


def claim_batch(
    worker_id: str, limit: int, *, due_before: datetime | None = None
) -> list[OutboxMessage]:
    """Claim up to ``limit`` due messages for ``worker_id`` and commit the claim.

    Due means pending with ``next_attempt_at`` passed, or stuck in SENDING with an
    expired claim. Claimed messages turn SENDING with ``claimed_by`` and
    ``claimed_until`` set, so other workers skip them until the lease expires.

    :param due_before: only take pending messages due at that instant (``send_due``
        passes its start so that a message retried during the run waits for the next).
    :returns: the claimed messages with their attachments loaded, oldest due first.
    """
    if limit <= 0:
        return []
    now = utcnow()
    until = now + timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", LEASE_SECONDS))
    due = _due_clause(now, due_before)
    candidates = (
        sa.select(OutboxMessage.id)
        .where(due)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(limit)
    )
    claim = {
        "status": OutboxStatus.SENDING,
        "claimed_by": worker_id,
        "claimed_until": until,
    }
    _mark_claimed(candidates, due, claim)
    claimed_ids = db.session.scalars(
        sa.select(OutboxMessage.id).where(
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
            OutboxMessage.claimed_until == until,
        )
    ).all()
    db.session.commit()
    if not claimed_ids:
        return []
    messages = db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.id.in_(claimed_ids))
        .options(selectinload(OutboxMessage.attachments))
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .execution_options(populate_existing=True)
    ).all()
    logger.debug("%s claimed %s messages", worker_id, len(messages))
    return list(messages)


@dataclass
class _Outgoing:
    """What a batch needs of one claimed message once the claim transaction ended."""

    id: int
    attempts: int
    recipient: str
    mail: Message | None
    problem: str | None
    summary: str


def _prepare(message: OutboxMessage, *, console: bool) -> _Outgoing:
    try:
        mail_message, problem = build_mail(message), None
    except ValueError as error:
        mail_message, problem = None, f"Refused before sending: {error}"
    return _Outgoing(
        id=message.id,
        attempts=message.attempts,
        recipient=message.recipient,
        mail=mail_message,
        problem=problem,
        summary=summary(message) if console else "",
    )


def _outcome_values(
    attempts: int, outcome: AttemptOutcome, error: str | None, now: datetime
) -> tuple[str, dict]:
    """Return the counter of an outcome and the columns it sets on the message.

    A temporary failure is tried again after a backoff, until the maximum of attempts.
    """
    values: dict = {"attempts": attempts, "claimed_by": None, "claimed_until": None}
    if outcome is AttemptOutcome.SENT:
        values.update(status=OutboxStatus.SENT, sent_at=now, last_error=None)
        return "sent", values
    if outcome is AttemptOutcome.PERMANENT_FAILURE:
        values.update(status=OutboxStatus.FAILED, last_error=error)
        return "failed", values
    if attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        values.update(
            status=OutboxStatus.FAILED,
            last_error=f"Gave up after {attempts} attempts. Last error: {error}",
        )
        return "failed", values
    values.update(
        status=OutboxStatus.PENDING,
        next_attempt_at=now + backoff_delay(attempts),
        last_error=error,
    )
    return "retried", values


def _record(
    item: _Outgoing,
    worker_id: str,
    outcome: AttemptOutcome,
    *,
    smtp_code: int | None = None,
    error: str | None = None,
) -> str:
    """Store the outcome of one try and its OutboxAttempt, and commit.

    :returns: the counter it adds to: ``sent``, ``retried`` or ``failed``.
    """
    now = utcnow()
    error = error[:MAX_ERROR_LENGTH] if error else error
    counter, values = _outcome_values(item.attempts + 1, outcome, error, now)
    # The UPDATE comes first in the transaction: on SQLite a transaction that reads
    # before writing can be refused the write lock instead of waiting for it.
    result = db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id == item.id,
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(**values),
        execution_options={"synchronize_session": False},
    )
    if result.rowcount != 1:
        logger.warning(
            "%s lost its claim on outbox message %s before recording %s",
            worker_id,
            item.id,
            outcome.value,
        )
    db.session.add(
        OutboxAttempt(
            message_id=item.id,
            attempted_at=now,
            outcome=outcome,
            smtp_code=smtp_code,
            error=error,
            worker=worker_id,
        )
    )
    try:
        db.session.commit()
    except SQLAlchemyError:
        # The row is gone (deleted meanwhile): nothing left to record against.
        db.session.rollback()
        logger.exception("could not record the attempt on outbox message %s", item.id)
    if counter == "sent":
        logger.info("sent outbox message %s to %s %s", item.id, item.recipient, error or "")
    else:
        logger.warning("outbox message %s to %s: %s (%s)", item.id, item.recipient, error, counter)
    return counter


def _release(items: list[_Outgoing], worker_id: str) -> None:
    """Hand claimed messages back untouched (nothing was tried)."""
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([item.id for item in items]),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(status=OutboxStatus.PENDING, claimed_by=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()


def _renew_lease(items: list[_Outgoing], worker_id: str) -> datetime:
    until = utcnow() + timedelta(seconds=_setting("OUTBOX_LEASE_SECONDS", LEASE_SECONDS))
    db.session.execute(
        sa.update(OutboxMessage)
        .where(
            OutboxMessage.id.in_([item.id for item in items]),
            OutboxMessage.status == OutboxStatus.SENDING,
            OutboxMessage.claimed_by == worker_id,
        )
        .values(claimed_until=until),
        execution_options={"synchronize_session": False},
    )
    db.session.commit()
    return until


class _ConnectionLost(Exception):
    def __init__(self, error: BaseException, smtp_code: int | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.smtp_code = smtp_code


def _send_one(conn: TimedConnection, item: _Outgoing, worker_id: str) -> str:
    """Send one message on an open connection and record the outcome.

    :raises _ConnectionLost: if the connection cannot carry more messages; this
        message's outcome is then left to the caller.
    """
    try:
        conn.send(item.mail)
    except smtplib.SMTPRecipientsRefused as error:
        code, text = next(iter(error.recipients.values()), (None, b""))
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return _answer(item, worker_id, code, f"{code} {text}", error)
    except smtplib.SMTPResponseException as error:
        return _answer(item, worker_id, error.smtp_code, describe_error(error), error)
    except BadHeaderError:
        return _record(
            item,
            worker_id,
            AttemptOutcome.PERMANENT_FAILURE,
            error="Refused before sending: a header carries a line break.",
        )
    except OSError as error:  # timeouts, resets, SMTPServerDisconnected and friends
        raise _ConnectionLost(error) from error
    except Exception as error:
        logger.exception("unexpected error sending outbox message %s", item.id)
        if conn.host is None or conn.host.sock is None:
            raise _ConnectionLost(error) from error
        return _record(
            item, worker_id, AttemptOutcome.TEMPORARY_FAILURE, error=describe_error(error)
        )
    note = SUPPRESSED_NOTE if conn.host is None else None
    return _record(item, worker_id, AttemptOutcome.SENT, smtp_code=250, error=note)


def _answer(item: _Outgoing, worker_id: str, code, text: str, error: BaseException) -> str:
    """Record the server's refusal of one message: 5xx is final, 4xx is tried again."""
    if code == 421 or not isinstance(code, int) or not 400 <= code < 600:
        # 421: the server is closing the connection; anything else is not an answer.
        raise _ConnectionLost(error, code if isinstance(code, int) else None) from error
    outcome = AttemptOutcome.PERMANENT_FAILURE if code >= 500 else AttemptOutcome.TEMPORARY_FAILURE
    return _record(item, worker_id, outcome, smtp_code=code, error=text)


def deliver_batch(
    messages: list[OutboxMessage], worker_id: str, *, progress: Progress | None = None
) -> Counts:
    """Send claimed messages over one SMTP connection and record each outcome.

    Without a MAIL_SERVER the messages are printed to the console and marked sent when
    PRINT_MAIL is on, else handed back untouched. If the connection fails, every
    message not yet answered goes back to pending as a temporary failure.

    :param messages: messages claimed by ``worker_id`` (see :func:`claim_batch`).
    :param progress: called with 1 after each message.
    :returns: counts of ``sent``, ``retried``, ``failed`` and ``held`` messages.
    """
    counts = _new_counts()
    if not messages:
        return counts
    console = not mail_server_configured()
    items = [_prepare(message, console=console) for message in messages]
    # End the read transaction: nothing may hold a database lock while SMTP talks.
    db.session.commit()

    def done(counter: str) -> None:
        counts[counter] += 1
        if progress is not None:
            progress(1)

    if console and not current_app.config.get("PRINT_MAIL"):
        _release(items, worker_id)
        counts["held"] += len(items)
        logger.warning(
            "MAIL_SERVER is not set and PRINT_MAIL is off: %s messages stay pending",
            len(items),
        )
        return counts

    sendable = []
    for item in items:
        if item.problem is not None:
            done(_record(item, worker_id, AttemptOutcome.PERMANENT_FAILURE, error=item.problem))
        elif console:
            click.echo(item.summary)
            done(_record(item, worker_id, AttemptOutcome.SENT, error=CONSOLE_NOTE))
        else:
            sendable.append(item)
    if not sendable:
        return counts

    _send_over_smtp(sendable, worker_id, done)
    return counts


def _send_over_smtp(sendable: list[_Outgoing], worker_id: str, done: Callable[[str], None]) -> None:
    """Send ``sendable`` over one connection, renewing the lease at half-time.

    If the connection fails, every message not yet answered goes back to pending as a
    temporary failure. ``done`` is called with the counter of each outcome.
    """
    lease = _setting("OUTBOX_LEASE_SECONDS", LEASE_SECONDS)
    renew_at = utcnow() + timedelta(seconds=lease / 2)
    position = 0
    try:
        with connect() as conn:
            while position < len(sendable):
                if utcnow() >= renew_at:
                    _renew_lease(sendable[position:], worker_id)
                    renew_at = utcnow() + timedelta(seconds=lease / 2)
                done(_send_one(conn, sendable[position], worker_id))
                position += 1
    except (_ConnectionLost, OSError) as failure:
        error = failure.error if isinstance(failure, _ConnectionLost) else failure
        code = failure.smtp_code if isinstance(failure, _ConnectionLost) else None
        if code is None and isinstance(error, smtplib.SMTPResponseException):
            code = error.smtp_code
        reason = f"Connection to {mail_state().server}:{mail_state().port} failed: "
        reason += describe_error(error)
        logger.warning("%s; %s messages go back to pending", reason, len(sendable) - position)
        for item in sendable[position:]:
            done(
                _record(
                    item, worker_id, AttemptOutcome.TEMPORARY_FAILURE, smtp_code=code, error=reason
                )
            )


def send_due(
    worker_id: str | None = None, limit: int | None = None, *, progress: Progress | None = None
) -> Counts:
    """Deliver every message due now, batch after batch, and return the counts.

    Messages retried during the run wait for their next turn, so this ends even when
    the server is down. Without MAIL_SERVER and PRINT_MAIL nothing is claimed: the
    messages stay pending and ``held`` says how many.

    :param limit: stop after this many messages.
    """
    worker_id = worker_id or default_worker_id()
    counts = _new_counts()
    # Jobs write mails (a large audience's, say): they run first, so those mails are in
    # the outbox for this run or the next.
    run_due_jobs(worker_id)
    if not can_deliver():
        counts["held"] = count_due()
        if counts["held"]:
            logger.warning(
                "MAIL_SERVER is not set and PRINT_MAIL is off: %s messages stay pending",
                counts["held"],
            )
        return counts
    started = utcnow()
    batch_size = int(current_app.config.get("OUTBOX_BATCH_SIZE") or 50)
    handled = 0
    while limit is None or handled < limit:
        size = batch_size if limit is None else min(batch_size, limit - handled)
        batch = claim_batch(worker_id, size, due_before=started)
        if not batch:
            break
        for name, value in deliver_batch(batch, worker_id, progress=progress).items():
            counts[name] += value
        handled += len(batch)
    return counts


def _install_signal_handlers(stop: threading.Event) -> Callable[[], None]:
    """Make SIGTERM and SIGINT finish the current batch and stop; a second one aborts."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handle(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        logger.info("signal %s: the outbox worker stops after this batch", signum)
        stop.set()

    previous = {sig: signal.signal(sig, handle) for sig in (signal.SIGTERM, signal.SIGINT)}

    def restore() -> None:
        for sig, handler in previous.items():
            signal.signal(sig, handler)

    return restore


def run_worker(
    poll_interval: float = 5.0,
    stop_after: int | None = None,
    *,
    worker_id: str | None = None,
    stop_event: threading.Event | None = None,
) -> Counts:
    """Deliver due messages, then sleep ``poll_interval`` seconds, until told to stop.

    SIGTERM or SIGINT (in the main thread) or ``stop_event`` ends the loop after the
    current batch. A database error is logged and the loop tries again later.

    :param stop_after: end after this many rounds (``1`` delivers once and returns).
    :returns: the counts summed over all rounds.
    """
    worker_id = worker_id or default_worker_id()
    stop = stop_event or threading.Event()
    restore = _install_signal_handlers(stop)
    totals = _new_counts()
    rounds = 0
    logger.info("outbox worker %s started (every %s s)", worker_id, poll_interval)
    try:
        while not stop.is_set():
            try:
                counts = send_due(worker_id)
            except SQLAlchemyError:
                db.session.rollback()
                logger.exception("outbox worker %s: database error, trying again later", worker_id)
                counts = _new_counts()
            for name, value in counts.items():
                totals[name] += value
            rounds += 1
            if stop_after is not None and rounds >= stop_after:
                break
            stop.wait(poll_interval)
    finally:
        restore()
        db.session.remove()
    logger.info("outbox worker %s stopped: %s", worker_id, totals)
    return totals
