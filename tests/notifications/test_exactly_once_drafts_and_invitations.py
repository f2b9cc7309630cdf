"""The outbox end to end: 1,000 mails by two workers, demo decisions as drafts, iTIP pairs."""

from collections import Counter

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    OutboxMessage,
    OutboxStatus,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseStatus,
    User,
)
from app.notifications import services
from app.notifications.services import worker
from tests.factories import make_edition, make_session, make_speaker
from tests.notifications.conftest import SmtpServer, free_port, queue
from tests.notifications.support import drain_with_two_workers, make_due_now
from tests.notifications.test_concurrency import shared_app  # noqa: F401  (fixture)

BATCH = 1000


@pytest.mark.postgres
@pytest.mark.real_commits
def test_a_thousand_messages_two_workers_each_delivered_exactly_once(
    shared_app,  # noqa: F811
    use_mail_server,
):
    with shared_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("runs on PostgreSQL (SKIP LOCKED); set TEST_DATABASE_URL")
    server = SmtpServer(free_port())
    server.start()
    use_mail_server(server.port, target=shared_app, OUTBOX_BATCH_SIZE=50)
    with shared_app.app_context():
        queue(BATCH, subject="Batch")
    results, errors = drain_with_two_workers(shared_app, server, timeout=120)

    assert errors == []
    subjects = Counter(received.message["Subject"] for received in server.received)
    assert len(subjects) == BATCH and set(subjects.values()) == {1}
    assert results["left"]["sent"] + results["right"]["sent"] == BATCH
    assert results["left"]["sent"] > 0 and results["right"]["sent"] > 0
    with shared_app.app_context():
        statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
        assert Counter(statuses) == {OutboxStatus.SENT: BATCH}


def test_the_demo_agoras_decision_mails_wait_as_drafts_until_released(app, runner, smtp_server):
    """`flask demo` drafts Casablanca 2023's decision mails; only a release sends them."""
    from app.demo import CASABLANCA_SLUG

    assert runner.invoke(args=["demo"]).exit_code == 0
    with app.app_context():
        edition = db.session.scalar(sa.select(Edition).where(Edition.slug == CASABLANCA_SLUG))
        organiser = db.session.scalar(sa.select(User).where(User.email == "organiser@demo.agora"))
        decided = db.session.scalars(
            sa.select(Showcase).where(
                Showcase.edition_id == edition.id,
                Showcase.status.in_(
                    [ShowcaseStatus.ACCEPTED, ShowcaseStatus.WAITLISTED, ShowcaseStatus.REJECTED]
                ),
            )
        ).all()
        drafts = db.session.scalars(
            sa.select(OutboxMessage).where(
                OutboxMessage.edition_id == edition.id,
                OutboxMessage.kind.like("showcases.decision.%"),
            )
        ).all()
        assert decided and len(drafts) == len(decided)
        assert {m.status for m in drafts} == {OutboxStatus.DRAFT}
        assert {m.kind.rsplit(".", 1)[1] for m in drafts} == {
            "accepted",
            "waitlisted",
            "rejected",
        }
        assert {m.dedupe_key for m in drafts} == {
            f"showcases.decision:{s.id}:{s.status.value}" for s in decided
        }
        ids = [m.id for m in drafts]

    again = runner.invoke(args=["demo"])
    sent = runner.invoke(args=["outbox", "send"])
    assert again.exit_code == 0 and sent.exit_code == 0, sent.output
    assert smtp_server.received == []
    with app.app_context():
        statuses = db.session.scalars(
            sa.select(OutboxMessage.status).where(OutboxMessage.id.in_(ids))
        ).all()
        assert len(statuses) == len(ids) and set(statuses) == {OutboxStatus.DRAFT}

        assert services.release(edition, by=organiser, ids=ids) == len(ids)
        db.session.commit()
        assert services.release(edition, by=organiser, ids=ids) == 0
        db.session.commit()
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    assert runner.invoke(args=["outbox", "send"]).exit_code == 0
    subjects = Counter(received.message["Subject"] for received in smtp_server.received)
    assert len(smtp_server.received) == len(ids) and set(subjects.values()) == {1}
    with app.app_context():
        assert set(
            db.session.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.id.in_(ids)))
        ) == {OutboxStatus.SENT}


def _calendar_of(received) -> Calendar:
    (part,) = [p for p in received.message.iter_attachments()]
    assert part.get_content_type() == "text/calendar"
    return part.get_param("method"), Calendar.from_ical(part.get_payload(decode=True))


def test_an_invitation_is_request_and_its_cancellation_cancel_with_the_same_uid(app, smtp_server):
    from app.program.emails import notify_session_changed

    with app.test_request_context():
        edition = make_edition()
        session_ = make_session(edition, title="Mobility panel")
        speaker = make_speaker(email="speaker@example.org", name="Nadia")
        db.session.add(SessionSpeaker(session=session_, speaker=speaker))
        db.session.commit()

        notify_session_changed(session_)
        make_due_now()
        assert worker.send_due()["sent"] == 1

        session_ = db.session.get(ConferenceSession, session_.id)
        session_.status = SessionStatus.CANCELLED
        db.session.flush()
        notify_session_changed(session_, cancelled=True)
        make_due_now()
        assert worker.send_due()["sent"] == 1

    first, second = smtp_server.received
    method_1, request = _calendar_of(first)
    method_2, cancel = _calendar_of(second)
    assert (method_1, str(request["METHOD"])) == ("REQUEST", "REQUEST")
    assert (method_2, str(cancel["METHOD"])) == ("CANCEL", "CANCEL")
    (event_1,) = request.walk("VEVENT")
    (event_2,) = cancel.walk("VEVENT")
    assert str(event_1["UID"]) == str(event_2["UID"])
    assert str(event_2["STATUS"]) == "CANCELLED"
    assert int(event_2.get("SEQUENCE", 0)) >= int(event_1.get("SEQUENCE", 0))
