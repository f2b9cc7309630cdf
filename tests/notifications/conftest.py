"""Fixtures of the outbox tests: a real SMTP server on loopback and queued messages."""

import email
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.policy import default as default_policy

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.extensions import db, mail
from app.models import OutboxAttachment, OutboxAttempt, OutboxMessage
from app.notifications.services import queue_email


def free_port() -> int:
    """A loopback port nothing listens on (right now)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    peer: tuple
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class RecordingHandler:
    """An aiosmtpd handler that keeps every envelope and refuses on demand."""

    received: list[Received] = field(default_factory=list)
    rcpt_answers: dict[str, str] = field(default_factory=dict)
    data_answer: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        answer = self.rcpt_answers.get(address)
        if answer:
            return answer
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.data_answer:
            return self.data_answer
        parsed = email.message_from_bytes(envelope.content, policy=default_policy)
        with self.lock:
            self.received.append(
                Received(session.peer, envelope.mail_from, list(envelope.rcpt_tos), parsed)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    """aiosmtpd on 127.0.0.1; ``start`` and ``stop`` simulate an outage."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.handler = RecordingHandler()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def received(self) -> list[Received]:
        return self.handler.received


@pytest.fixture
def use_mail_server(app, monkeypatch):
    """Point Flask-Mail at ``127.0.0.1:port``, with a short timeout, for one test."""

    def configure(port: int, target=None, **settings) -> None:
        target = target or app
        monkeypatch.setitem(target.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(target.config, "MAIL_PORT", port)
        monkeypatch.setitem(target.config, "MAIL_TIMEOUT", settings.pop("timeout", 2))
        for name, value in settings.items():
            monkeypatch.setitem(target.config, name, value)
        # Flask-Mail reads its settings once, in init_app, and suppresses sending when
        # TESTING is on: build its state again from the patched config.
        state = mail.init_mail({**target.config, "MAIL_SUPPRESS_SEND": False})
        monkeypatch.setitem(target.extensions, "mail", state)

    return configure


@pytest.fixture
def smtp_server(use_mail_server):
    """A running SMTP server the app sends to."""
    server = SmtpServer(free_port())
    server.start()
    use_mail_server(server.port)
    yield server
    server.stop()


@pytest.fixture
def down_server(use_mail_server):
    """An SMTP server that is down (nothing listens on its port) until started."""
    server = SmtpServer(free_port())
    use_mail_server(server.port)
    yield server
    server.stop()


def queue(n: int = 1, **fields) -> list[OutboxMessage]:
    """Queue ``n`` messages with distinct subjects and commit."""
    messages = []
    for index in range(n):
        options = {
            "kind": "test.notice",
            "recipient": f"person{index}@example.org",
            "recipient_name": f"Person {index}",
            "subject": f"Notice {index}",
            "body_text": f"Hello {index}",
        }
        options.update(fields)
        if n > 1 and "subject" in fields:
            options["subject"] = f"{fields['subject']} {index}"
        messages.append(queue_email(**options))
    db.session.commit()
    return messages


def delete_outbox_rows() -> None:
    for model in (OutboxAttempt, OutboxAttachment, OutboxMessage):
        db.session.execute(sa.delete(model))
    db.session.commit()


@pytest.fixture
def outbox_cleanup(app):
    """For ``real_commits`` tests: delete every outbox row at the end."""
    yield
    with app.app_context():
        delete_outbox_rows()
