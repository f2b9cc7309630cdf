"""A change seen by many people: the organiser's request queues one job, the outbox worker
writes the same mails (one per person, folded, with the invitation)."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AgendaEntry, OutboxMessage, OutboxStatus
from app.notifications.services import jobs, run_due_jobs, send_due
from app.program import emails, services
from tests.factories import make_speaker, make_user
from tests.program.test_services import data, speak


def _mails():
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith("program."))
            .order_by(OutboxMessage.recipient)
        )
    )


def _jobs():
    return list(db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind.like("job.%"))))


def _starred_by(session_, count: int) -> None:
    for n in range(count):
        fan = make_user(email=f"fan{n:02}@example.org", display_name=f"Fan {n}")
        db.session.add(AgendaEntry(user=fan, session=session_))
    db.session.flush()


def test_a_large_audience_is_written_by_the_worker_with_the_same_mails(paris_rooms):
    edition, _, hall, studio = paris_rooms
    session_ = services.save_session(edition, data(hall, title="Keynote")).session
    speak(session_, make_speaker(name="Amina", email="amina@example.org"))
    _starred_by(session_, emails.WRITTEN_WITH_THE_CHANGE)

    moved = data(studio, (2027, 3, 27, 14), (2027, 3, 27, 15), title="Keynote")
    services.save_session(edition, moved, session_=session_)
    assert _mails() == []
    [job] = _jobs()
    assert job.edition_id is None and job.status is OutboxStatus.PENDING

    # The worker's round runs the job first; the mails it writes wait (folding) like others.
    assert send_due("test")["sent"] == 0
    assert _jobs() == []
    mails = _mails()
    assert len(mails) == emails.WRITTEN_WITH_THE_CHANGE + 1
    amina = mails[0]
    assert amina.recipient == "amina@example.org"
    assert amina.kind == "program.session_changed" and amina.edition_id == edition.id
    assert "Keynote" in amina.subject and "14:00" in amina.body_text
    assert amina.body_text.startswith("Hello Amina,")
    assert amina.next_attempt_at > datetime.now(UTC) + timedelta(minutes=4)
    [invite] = amina.attachments
    assert b"METHOD:REQUEST" in invite.data and b"amina@example.org" in invite.data
    assert mails[1].body_text.startswith("Hello Fan 0,")


def test_the_worker_folds_a_second_change_into_the_waiting_mails(paris_rooms):
    edition, _, hall, studio = paris_rooms
    session_ = services.save_session(edition, data(hall, title="Keynote")).session
    _starred_by(session_, emails.WRITTEN_WITH_THE_CHANGE + 1)
    services.save_session(edition, data(studio, title="Keynote"), session_=session_)
    run_due_jobs("test")
    later = data(studio, (2027, 3, 27, 16), (2027, 3, 27, 17), title="Keynote, later")
    services.save_session(edition, later, session_=session_)
    run_due_jobs("test")

    mails = _mails()
    assert len(mails) == emails.WRITTEN_WITH_THE_CHANGE + 1
    assert all("Keynote, later" in m.subject and "16:00" in m.body_text for m in mails)


def test_a_cancellation_with_a_large_audience_mails_a_cancellation(paris_rooms):
    edition, _, hall, _ = paris_rooms
    session_ = services.save_session(edition, data(hall, title="Keynote")).session
    _starred_by(session_, emails.WRITTEN_WITH_THE_CHANGE + 1)
    services.cancel_session(session_)
    run_due_jobs("test")

    mails = _mails()
    assert {m.kind for m in mails} == {"program.session_cancelled"}
    assert all(b"METHOD:CANCEL" in m.attachments[0].data for m in mails)


def test_a_few_people_are_written_with_the_change(paris_rooms):
    edition, _, hall, studio = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    _starred_by(session_, 3)
    services.save_session(edition, data(studio), session_=session_)
    assert len(_mails()) == 3 and _jobs() == []


def test_a_failing_job_stays_and_is_tried_again(paris_rooms, monkeypatch):
    edition, _, hall, studio = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    _starred_by(session_, emails.WRITTEN_WITH_THE_CHANGE + 1)
    services.save_session(edition, data(studio), session_=session_)

    def broken(_arguments):
        raise RuntimeError("template store unreachable")

    monkeypatch.setitem(jobs._handlers, emails.AUDIENCE_JOB, broken)
    assert run_due_jobs("test") == 0
    [job] = _jobs()
    assert job.status is OutboxStatus.PENDING and job.attempts == 1
    assert "unreachable" in job.last_error
    assert job.next_attempt_at > datetime.now(UTC)
