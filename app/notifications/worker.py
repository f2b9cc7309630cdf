"""Deliver the outbox: claim due messages, send them over SMTP, record every attempt.

This is the only module of Agora that touches Flask-Mail. Several workers may run at
once: each claims a batch (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, a guarded UPDATE
on SQLite), commits the claim, sends the batch over one SMTP connection and commits the
outcome of each message as soon as the server has answered. A worker that dies leaves
its claims behind; they expire after a lease and another worker takes them over.
Delivery is at least once: a worker killed between the server's "250" and its own
commit sends that message again. Retries keep the same Message-ID so receivers can
tell.
"""

import logging
import os
import random
import re
import signal
import smtplib
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.base64mime import header_encode
from email.message import Message as _HeaderParser
from email.utils import formataddr, parseaddr
from urllib.parse import urlsplit

import click
import sqlalchemy as sa
from flask import current_app
from flask_mail import BadHeaderError, Connection, Message
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import AttemptOutcome, OutboxAttempt, OutboxMessage, OutboxStatus
from app.models.base import utcnow

logger = logging.getLogger(__name__)

# Defaults; each can be overridden in the app config under the name in brackets.
BACKOFF_BASE_SECONDS = 30  # [OUTBOX_BACKOFF_BASE_SECONDS] first retry after ~30 s
BACKOFF_MAX_SECONDS = 3600  # [OUTBOX_BACKOFF_MAX_SECONDS] never wait more than an hour
LEASE_SECONDS = 600  # [OUTBOX_LEASE_SECONDS] how long a claim protects a message

CONSOLE_NOTE = "printed to console (no MAIL_SERVER)"
SUPPRESSED_NOTE = "not sent: MAIL_SUPPRESS_SEND is on"
MAX_ERROR_LENGTH = 2000

_HEADER_NAME = re.compile(r"[!-9;-~]+")  # RFC 5322 field name: printable ASCII but ':'
_TOKEN = re.compile(r"[A-Za-z0-9!#$%&'*+.^_`|~-]+")
# Headers the message itself sets; a second copy from ``message.headers`` would be a lie.
_RESERVED_HEADERS = frozenset(
    {
        "from",
        "to",
        "cc",
        "bcc",
        "subject",
        "date",
        "message-id",
        "mime-version",
        "content-type",
        "content-transfer-encoding",
        "sender",
    }
)

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


def _mail_state():
    return current_app.extensions["mail"]


def mail_server_configured() -> bool:
    return bool(_mail_state().server)


def can_deliver() -> bool:
    """True if due messages can leave: over SMTP, or printed when PRINT_MAIL is on."""
    return mail_server_configured() or bool(current_app.config.get("PRINT_MAIL"))


def _due_clause(now: datetime, due_before: datetime | None = None):
    cutoff = now if due_before is None else min(now, due_before)
    return sa.or_(
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


def count_due() -> int:
    """Count the messages a worker would claim now."""
    return db.session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(_due_clause(utcnow()))
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


def _clean_content_type(value: str) -> str:
    """Return ``maintype/subtype; param=value ...`` as Flask-Mail can take it.

    Parameters such as ``method=REQUEST`` on ``text/calendar`` matter to calendar
    clients and are kept. Flask-Mail splits the string on "/", so a parameter whose
    value holds a slash is dropped (with a warning) rather than breaking the message.
    """
    parser = _HeaderParser()
    parser["Content-Type"] = value
    parts = [parser.get_content_type()]
    for name, param in (parser.get_params() or [])[1:]:
        param = str(param)
        if "/" in param or "\r" in param or "\n" in param or not _TOKEN.fullmatch(name):
            logger.warning("dropped attachment parameter %s=%r", name, param)
            continue
        if not _TOKEN.fullmatch(param):
            param = '"' + param.replace("\\", "\\\\").replace('"', '\\"') + '"'
        parts.append(f"{name}={param}")
    return "; ".join(parts)


def _message_id(message: OutboxMessage) -> str:
    """A Message-ID that stays the same across retries of one outbox message."""
    host = urlsplit(current_app.config.get("AGORA_BASE_URL") or "").hostname or "agora.localhost"
    stamp = message.created_at.strftime("%Y%m%d%H%M%S") if message.created_at else "0"
    return f"<outbox-{message.id}-{stamp}@{host}>"


def _has_line_break(value: str) -> bool:
    return "\r" in value or "\n" in value


# An encoded word may hold 75 characters (RFC 2047 2): 39 bytes of UTF-8 make 64, which
# leaves room for "Subject: " on the first line of 78; 45 bytes make 72, room for "From: ".
_WORD_BYTES = 39
_NAME_BYTES = 45


def encode_words(text: str, limit: int = _WORD_BYTES) -> str:
    """Return non-ASCII ``text`` as RFC 2047 encoded words (UTF-8, base64), one a line.

    Every character, spaces included, sits inside an encoded word, and words are cut
    between characters only: decoders drop the folding whitespace between adjacent
    encoded words (RFC 2047 6.2), so the text comes back exactly, in any script.
    """
    chunks: list[bytes] = []
    for character in text:
        data = character.encode()
        if chunks and len(chunks[-1]) + len(data) <= limit:
            chunks[-1] += data
        else:
            chunks.append(data)
    return "\n ".join(header_encode(chunk, charset="utf-8") for chunk in chunks)


def _mailbox(name: str, address: str) -> str | None:
    """A From or To value whose name is encoded by ``encode_words``; None when the
    standard form is right (an ASCII name) or cannot be written so (a non-ASCII address).

    A name of up to 45 bytes stays one encoded word: the address parser of Python
    3.13.0 puts a space between two encoded words of a name, where RFC 2047 has none.
    """
    if name.isascii() or not address.isascii():
        return None
    return f"{encode_words(name, _NAME_BYTES)}\n <{address}>"


class _Mail(Message):
    """A Flask-Mail message whose Subject, and From and To names, keep their spaces.

    Flask-Mail encodes them with ``email.header.Header``, then the SMTP policy parses
    and folds them again, and so does ``email.headerregistry`` given the plain text (on
    Python 3.13.0): either way a space is lost, doubled or added between encoded words
    when a subject mixes scripts (Arabic words and an emoji). So the non-ASCII ones are
    written here, as ``encode_words`` lines that the policy keeps as they are.
    """

    def __init__(self, *args, to: tuple[str, str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.to = to

    def _message(self):
        message = super()._message()
        sender = self.sender if isinstance(self.sender, str) else formataddr(self.sender)
        values = {
            "Subject": encode_words(self.subject) if not self.subject.isascii() else None,
            "From": _mailbox(*parseaddr(sender)),
            "To": _mailbox(*self.to),
        }
        for name, value in values.items():
            if value is not None:
                del message[name]
                message.set_raw(name, value)
        return message


def build_mail(message: OutboxMessage) -> Message:
    """Turn an outbox row into a Flask-Mail message.

    :raises ValueError: if a header would carry a line break (a header injection) or a
        header of ``message.headers`` is malformed or one the message sets itself.
    """
    for value in (message.recipient, message.recipient_name or "", message.subject):
        if _has_line_break(value):
            raise ValueError("Line breaks are not allowed in email headers.")
    extra_headers = {}
    for name, value in (message.headers or {}).items():
        name, value = str(name), str(value)
        if not _HEADER_NAME.fullmatch(name) or name.lower() in _RESERVED_HEADERS:
            raise ValueError(f"Header {name!r} cannot be set on an outbox message.")
        if _has_line_break(value):
            raise ValueError(f"Line breaks are not allowed in the {name} header.")
        extra_headers[name] = value
    mail_message = _Mail(
        subject=message.subject,
        recipients=[formataddr((message.recipient_name or "", message.recipient))],
        to=(message.recipient_name or "", message.recipient),
        body=message.body_text,
        html=message.body_html or None,
        extra_headers=extra_headers or None,
    )
    mail_message.msgId = _message_id(message)
    for attachment in message.attachments:
        if _has_line_break(attachment.filename) or _has_line_break(attachment.content_type):
            raise ValueError("Line breaks are not allowed in attachment headers.")
        mail_message.attach(
            filename=attachment.filename,
            content_type=_clean_content_type(attachment.content_type),
            data=attachment.data,
        )
    return mail_message


@dataclass
class _Outgoing:
    """What a batch needs of one claimed message once the claim transaction ended."""

    id: int
    attempts: int
    recipient: str
    mail: Message | None
    problem: str | None
    summary: str


def _summary(message: OutboxMessage) -> str:
    lines = [
        f"----- outbox message {message.id} ({message.kind}) -----",
        f"To: {formataddr((message.recipient_name or '', message.recipient))}",
        f"Subject: {message.subject}",
    ]
    lines += [f"{name}: {value}" for name, value in (message.headers or {}).items()]
    for attachment in message.attachments:
        lines.append(
            f"Attachment: {attachment.filename} ({attachment.content_type}, "
            f"{len(attachment.data)} bytes)"
        )
    lines += ["", message.body_text, "-----"]
    return "\n".join(lines)


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
        summary=_summary(message) if console else "",
    )


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
    attempts = item.attempts + 1
    error = error[:MAX_ERROR_LENGTH] if error else error
    values: dict = {"attempts": attempts, "claimed_by": None, "claimed_until": None}
    if outcome is AttemptOutcome.SENT:
        counter = "sent"
        values.update(status=OutboxStatus.SENT, sent_at=now, last_error=None)
    elif outcome is AttemptOutcome.PERMANENT_FAILURE:
        counter = "failed"
        values.update(status=OutboxStatus.FAILED, last_error=error)
    elif attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
        counter = "failed"
        values.update(
            status=OutboxStatus.FAILED,
            last_error=f"Gave up after {attempts} attempts. Last error: {error}",
        )
    else:
        counter = "retried"
        values.update(
            status=OutboxStatus.PENDING,
            next_attempt_at=now + backoff_delay(attempts),
            last_error=error,
        )
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


class _TimedConnection(Connection):
    """Flask-Mail's connection with a socket timeout, and a quiet close.

    Flask-Mail 0.10 opens ``smtplib.SMTP(server, port)`` without a timeout, so a server
    that accepts and then never answers would block the worker for ever. ``quit()`` on
    a connection that already broke raises, which must not hide the real error.
    """

    def __init__(self, state, timeout: float) -> None:
        super().__init__(state)
        self.timeout = timeout

    def configure_host(self) -> smtplib.SMTP:
        state = self.mail
        smtp_class = smtplib.SMTP_SSL if state.use_ssl else smtplib.SMTP
        host = smtp_class(state.server, state.port, timeout=self.timeout)
        try:
            host.set_debuglevel(int(state.debug))
            if state.use_tls:
                host.starttls()
            if state.username and state.password:
                host.login(state.username, state.password)
        except BaseException:
            host.close()
            raise
        return host

    def __exit__(self, exc_type, exc_value, tb) -> None:
        if self.host is None:
            return
        try:
            self.host.quit()
        except (smtplib.SMTPException, OSError):
            self.host.close()
        self.host = None


def connect() -> _TimedConnection:
    """Open the SMTP connection described by Flask-Mail's state and ``MAIL_TIMEOUT``."""
    return _TimedConnection(_mail_state(), float(current_app.config.get("MAIL_TIMEOUT") or 30))


class _ConnectionLost(Exception):
    def __init__(self, error: BaseException, smtp_code: int | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.smtp_code = smtp_code


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__


def _send_one(conn: _TimedConnection, item: _Outgoing, worker_id: str) -> str:
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
        return _answer(item, worker_id, error.smtp_code, _describe(error), error)
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
        return _record(item, worker_id, AttemptOutcome.TEMPORARY_FAILURE, error=_describe(error))
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
        reason = f"Connection to {_mail_state().server}:{_mail_state().port} failed: "
        reason += _describe(error)
        logger.warning("%s; %s messages go back to pending", reason, len(sendable) - position)
        for item in sendable[position:]:
            done(
                _record(
                    item, worker_id, AttemptOutcome.TEMPORARY_FAILURE, smtp_code=code, error=reason
                )
            )
    return counts


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
