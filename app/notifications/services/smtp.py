"""Turn an outbox row into a Flask-Mail message, and open the SMTP connection.

With the worker beside it, this is the only code of Agora that touches Flask-Mail.
"""

import logging
import re
import smtplib
from email.message import Message as _HeaderParser
from email.utils import formataddr
from urllib.parse import urlsplit

from flask import current_app
from flask_mail import Connection, Message

from app.models import OutboxMessage

logger = logging.getLogger(__name__)

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


def mail_state():
    """Return Flask-Mail's state: the server, port and credentials of the app."""
    return current_app.extensions["mail"]


def mail_server_configured() -> bool:
    """True if a MAIL_SERVER is set (else mails can only be printed)."""
    return bool(mail_state().server)


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
    mail_message = Message(
        subject=message.subject,
        recipients=[formataddr((message.recipient_name or "", message.recipient))],
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


def summary(message: OutboxMessage) -> str:
    """Return the message as printed to the console when no MAIL_SERVER is set."""
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


class TimedConnection(Connection):
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


def connect() -> TimedConnection:
    """Open the SMTP connection described by Flask-Mail's state and ``MAIL_TIMEOUT``."""
    return TimedConnection(mail_state(), float(current_app.config.get("MAIL_TIMEOUT") or 30))


def describe_error(error: BaseException) -> str:
    """Say in one line what went wrong: the SMTP answer, or the kind of error and its text."""
    if isinstance(error, smtplib.SMTPResponseException):
        text = error.smtp_error
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        return f"{error.smtp_code} {text}"
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
