"""The outbox worker against a real SMTP server on loopback."""

import os
import signal
import socket
import threading
import time
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import AttemptOutcome, OutboxMessage, OutboxStatus
from app.models.base import utcnow
from app.notifications.services import Attachment, worker
from tests.notifications.conftest import queue
from tests.notifications.support import make_due_now

ICS = (
    b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REQUEST\r\nPRODID:-//Agora//EN\r\n"
    b"BEGIN:VEVENT\r\nUID:session-1@agora.test\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
)


def reload(message: OutboxMessage) -> OutboxMessage:
    db.session.expire_all()
    return db.session.get(OutboxMessage, message.id)


def test_delivers_headers_both_bodies_and_calendar_attachment(app_ctx, smtp_server):
    (message,) = queue(
        recipient="zoe@example.org",
        recipient_name="Zoé Benali, Casablanca",
        subject="Your session is scheduled",
        body_text="Plain words.",
        body_html="<p>Rich <b>words</b>.</p>",
        headers={"List-Unsubscribe": "<https://agora.test/unsubscribe/abc>"},
        attachments=[Attachment("invite.ics", "text/calendar; method=REQUEST", ICS)],
    )

    counts = worker.send_due()

    assert counts == {"sent": 1, "retried": 0, "failed": 0, "held": 0}
    (received,) = smtp_server.received
    assert received.rcpt_tos == ["zoe@example.org"]
    got = received.message
    (to,) = got["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Zoé Benali, Casablanca", "zoe@example.org")
    assert len(got.get_all("To")) == 1
    assert got["Subject"] == "Your session is scheduled"
    assert got["List-Unsubscribe"] == "<https://agora.test/unsubscribe/abc>"
    assert got["Message-ID"].startswith(f"<outbox-{message.id}-")
    assert got.get_body(("plain",)).get_content().strip() == "Plain words."
    assert got.get_body(("html",)).get_content().strip() == "<p>Rich <b>words</b>.</p>"
    (calendar,) = list(got.iter_attachments())
    assert calendar.get_content_type() == "text/calendar"
    assert calendar.get_param("method") == "REQUEST"
    assert calendar.get_filename() == "invite.ics"
    assert calendar.get_payload(decode=True) == ICS

    message = reload(message)
    assert message.status is OutboxStatus.SENT
    assert message.sent_at is not None and message.claimed_by is None
    assert message.attempts == 1
    (attempt,) = message.attempt_log
    assert (attempt.outcome, attempt.smtp_code) == (AttemptOutcome.SENT, 250)


def test_a_batch_travels_over_one_connection(app_ctx, smtp_server):
    queue(6)

    assert worker.send_due()["sent"] == 6

    assert len(smtp_server.received) == 6
    assert len({received.peer for received in smtp_server.received}) == 1


def test_server_down_then_up_delivers_everything_exactly_once(app_ctx, down_server):
    messages = queue(3)
    delays = []
    for _ in range(2):
        counts = worker.send_due()
        assert counts["retried"] == 3
        for message in messages:
            message = reload(message)
            assert message.status is OutboxStatus.PENDING
            assert message.next_attempt_at > utcnow()
            assert "Connection to 127.0.0.1" in message.last_error
        first = reload(messages[0])
        delays.append(first.next_attempt_at - first.attempt_log[-1].attempted_at)
        make_due_now()
    assert timedelta(seconds=25) < delays[0] < delays[1] <= timedelta(seconds=60)

    down_server.start()
    assert worker.send_due()["sent"] == 3
    assert worker.send_due()["sent"] == 0

    subjects = sorted(received.message["Subject"] for received in down_server.received)
    assert subjects == ["Notice 0", "Notice 1", "Notice 2"]
    for message in messages:
        message = reload(message)
        assert message.status is OutboxStatus.SENT
        assert message.attempts == 3
        assert [attempt.outcome for attempt in message.attempt_log] == [
            AttemptOutcome.TEMPORARY_FAILURE,
            AttemptOutcome.TEMPORARY_FAILURE,
            AttemptOutcome.SENT,
        ]


def test_gives_up_after_the_maximum_attempts(app, app_ctx, down_server, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_MAX_ATTEMPTS", 2)
    (message,) = queue()

    assert worker.send_due()["retried"] == 1
    make_due_now()
    assert worker.send_due()["failed"] == 1

    message = reload(message)
    assert message.status is OutboxStatus.FAILED
    assert message.last_error.startswith("Gave up after 2 attempts")


def test_a_550_answer_fails_at_once_and_the_batch_goes_on(app_ctx, smtp_server):
    smtp_server.handler.rcpt_answers["ghost@example.org"] = "550 5.1.1 No such user here"
    ghost, other = queue(recipient="ghost@example.org") + queue(recipient="real@example.org")

    counts = worker.send_due()

    assert counts == {"sent": 1, "retried": 0, "failed": 1, "held": 0}
    ghost = reload(ghost)
    assert ghost.status is OutboxStatus.FAILED
    assert ghost.last_error == "550 5.1.1 No such user here"
    assert ghost.attempt_log[0].smtp_code == 550
    assert ghost.attempt_log[0].outcome is AttemptOutcome.PERMANENT_FAILURE
    assert [r.rcpt_tos for r in smtp_server.received] == [["real@example.org"]]
    assert reload(other).status is OutboxStatus.SENT


def test_a_5xx_answer_to_the_data_fails_the_message(app_ctx, smtp_server):
    smtp_server.handler.data_answer = "554 5.6.0 Message content rejected"
    (message,) = queue()

    assert worker.send_due()["failed"] == 1

    message = reload(message)
    assert message.status is OutboxStatus.FAILED
    assert message.last_error.startswith("554 5.6.0")


def test_a_451_answer_is_tried_again_later(app_ctx, smtp_server):
    smtp_server.handler.rcpt_answers["busy@example.org"] = "451 4.7.1 Greylisted, come back later"
    (message,) = queue(recipient="busy@example.org")

    assert worker.send_due()["retried"] == 1
    assert worker.send_due()["retried"] == 0  # not due yet

    message = reload(message)
    assert message.status is OutboxStatus.PENDING
    assert message.attempts == 1
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)
    assert message.last_error == "451 4.7.1 Greylisted, come back later"
    assert message.attempt_log[0].smtp_code == 451

    del smtp_server.handler.rcpt_answers["busy@example.org"]
    make_due_now()
    assert worker.send_due()["sent"] == 1
    assert reload(message).attempts == 2


def test_a_server_that_never_answers_times_out(app_ctx, use_mail_server):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel accepts connections; nobody ever writes a greeting
    try:
        use_mail_server(listener.getsockname()[1], timeout=1)
        (message,) = queue()
        started = time.monotonic()
        counts = worker.send_due()
        elapsed = time.monotonic() - started
    finally:
        listener.close()

    assert counts["retried"] == 1
    assert elapsed < 3
    message = reload(message)
    assert message.status is OutboxStatus.PENDING
    assert "timed out" in message.last_error


def test_a_crashed_workers_expired_claim_is_taken_over(app_ctx, smtp_server):
    stale, fresh = queue(2)
    for message, until in ((stale, -5), (fresh, 300)):
        message.status = OutboxStatus.SENDING
        message.claimed_by = "crashed-worker"
        message.claimed_until = utcnow() + timedelta(seconds=until)
    db.session.commit()

    assert worker.send_due(worker_id="rescuer")["sent"] == 1

    stale, fresh = reload(stale), reload(fresh)
    assert stale.status is OutboxStatus.SENT
    assert stale.attempt_log[0].worker == "rescuer"
    assert fresh.status is OutboxStatus.SENDING and fresh.claimed_by == "crashed-worker"


def test_claim_marks_messages_and_skips_those_not_due(app_ctx):
    due, later = queue(2)
    later.next_attempt_at = utcnow() + timedelta(hours=1)
    db.session.commit()

    claimed = worker.claim_batch("w1", 10)

    assert [message.id for message in claimed] == [due.id]
    assert worker.claim_batch("w2", 10) == []
    due = reload(due)
    assert due.status is OutboxStatus.SENDING and due.claimed_by == "w1"
    assert due.claimed_until > utcnow() + timedelta(minutes=5)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"headers": {"Bcc": "spy@example.org"}}, "Header 'Bcc' cannot be set"),
        ({"headers": {"X-Note": "a\r\nBcc: spy@example.org"}}, "Line breaks"),
        ({"recipient_name": "Eve\r\nBcc: spy@example.org"}, "Line breaks"),
    ],
)
def test_header_injection_is_refused_before_sending(app_ctx, smtp_server, fields, reason):
    # Rows written without queue_email (which refuses these) still cannot inject.
    message = OutboxMessage(
        kind="test.notice",
        recipient="someone@example.org",
        subject="Hello",
        body_text="Hello",
        **fields,
    )
    db.session.add(message)
    db.session.commit()

    assert worker.send_due()["failed"] == 1

    assert smtp_server.received == []
    message = reload(message)
    assert message.status is OutboxStatus.FAILED
    assert reason in message.last_error


def test_without_mail_server_print_mail_prints_and_marks_sent(app, app_ctx, monkeypatch, capsys):
    monkeypatch.setitem(app.config, "PRINT_MAIL", True)
    (message,) = queue(
        subject="Confirm your address",
        body_text="Open https://agora.test/confirm/xyz",
        attachments=[Attachment("invite.ics", "text/calendar; method=REQUEST", ICS)],
    )

    assert worker.send_due()["sent"] == 1

    out = capsys.readouterr().out
    assert "Subject: Confirm your address" in out
    assert "Open https://agora.test/confirm/xyz" in out
    assert "invite.ics (text/calendar; method=REQUEST" in out
    message = reload(message)
    assert message.status is OutboxStatus.SENT
    assert message.attempt_log[0].error == worker.CONSOLE_NOTE


def test_without_mail_server_or_print_mail_messages_stay_pending(app_ctx):
    (message,) = queue()

    assert worker.send_due() == {"sent": 0, "retried": 0, "failed": 0, "held": 1}

    message = reload(message)
    assert (message.status, message.attempts) == (OutboxStatus.PENDING, 0)


def test_flask_outbox_send(app_ctx, runner, smtp_server):
    queue(25)

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "25 sent, 0 to retry later, 0 failed." in result.output
    assert len(smtp_server.received) == 25


def test_flask_outbox_send_says_when_mail_stays(app_ctx, runner):
    queue(2)

    result = runner.invoke(args=["outbox", "send"])

    assert "2 messages stay pending: MAIL_SERVER is not set" in result.output


def test_flask_outbox_worker_once(app_ctx, runner, smtp_server):
    queue(2)

    result = runner.invoke(args=["outbox", "worker", "--once"])

    assert result.exit_code == 0, result.output
    assert "2 sent" in result.output


def test_run_worker_stops_gracefully_on_sigterm(app_ctx, smtp_server):
    queue(2)
    timer = threading.Timer(0.5, os.kill, (os.getpid(), signal.SIGTERM))
    timer.start()
    started = time.monotonic()
    try:
        counts = worker.run_worker(poll_interval=30)
    finally:
        timer.cancel()

    assert time.monotonic() - started < 5
    assert counts["sent"] == 2
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL


def test_a_connection_lost_mid_batch_sends_the_rest_back_to_pending(app_ctx, smtp_server):
    handler = smtp_server.handler
    original = handler.handle_DATA

    async def close_after_two(server, session, envelope):
        if len(handler.received) >= 2:
            return "421 4.3.2 Service shutting down"
        return await original(server, session, envelope)

    handler.handle_DATA = close_after_two
    messages = queue(5)

    assert worker.send_due() == {"sent": 2, "retried": 3, "failed": 0, "held": 0}
    assert all("421 4.3.2" in reload(m).last_error for m in messages[2:])

    handler.handle_DATA = original
    make_due_now()
    assert worker.send_due()["sent"] == 3
    subjects = sorted(received.message["Subject"] for received in smtp_server.received)
    assert subjects == [f"Notice {index}" for index in range(5)]


def test_a_short_lease_is_renewed_while_the_batch_is_sent(app, app_ctx, smtp_server, monkeypatch):
    monkeypatch.setitem(app.config, "OUTBOX_LEASE_SECONDS", 0.001)
    messages = queue(3)

    assert worker.send_due(worker_id="slow")["sent"] == 3

    assert all(reload(message).status is OutboxStatus.SENT for message in messages)
