"""Reminders through the outbox: before a due date, when late, before expiry; never twice."""

from datetime import date

import pytest
from sqlalchemy import select

from app.agreements.emails import send_reminders
from app.extensions import db
from app.models import AgreementStatus, OutboxMessage
from tests.agreements.conftest import Case
from tests.factories import make_agreement, make_commitment

S = AgreementStatus
DUE = date(2027, 6, 30)


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield Case()


def outbox(kind_prefix="agreements."):
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(kind_prefix))
            .order_by(OutboxMessage.id)
        )
    )


def active_agreement(ctx, **fields):
    fields.setdefault("status", S.ACTIVE)
    fields.setdefault("effective_date", date(2027, 1, 1))
    return make_agreement(
        ctx.edition, [(ctx.school, None), (ctx.partner, None)], owner_id=ctx.organiser.id, **fields
    )


def test_a_commitment_due_in_30_then_7_days_reminds_owner_and_party_delegates(ctx):
    agreement = active_agreement(ctx)
    make_commitment(agreement, party=agreement.parties[0], due_date=DUE, title="Hosted students")
    assert send_reminders(date(2027, 5, 30)) == {}  # 31 days before: nothing yet
    assert send_reminders(date(2027, 5, 31))["due"] == 2
    assert send_reminders(date(2027, 5, 31)) == {}  # the same day again: nothing twice
    assert send_reminders(date(2027, 6, 10)) == {}  # still the 30-day window
    assert send_reminders(date(2027, 6, 23))["due"] == 2  # 7 days before
    messages = outbox()
    assert sorted({m.recipient for m in messages}) == sorted(
        [ctx.organiser.email, ctx.delegate.email]
    )
    assert ctx.partner_delegate.email not in {m.recipient for m in messages}
    french = next(m for m in messages if m.recipient == ctx.delegate.email)
    assert french.locale == "fr"
    assert "Hosted students" in french.body_text and "30" in french.subject
    assert "http://agora.test/agreements/" in french.body_html


def test_a_late_commitment_reminds_once_and_a_met_one_never(ctx):
    agreement = active_agreement(ctx)
    make_commitment(agreement, party=agreement.parties[1], due_date=DUE, title="Late one")
    make_commitment(agreement, [(date(2027, 6, 1), "100")], due_date=DUE, title="Met one")
    assert send_reminders(date(2027, 7, 1))["late"] == 2
    assert send_reminders(date(2027, 7, 2)) == {}
    late = outbox("agreements.commitment_late")
    assert {m.recipient for m in late} == {ctx.organiser.email, ctx.partner_delegate.email}
    assert all("Late one" in m.subject for m in late)


def test_draft_and_expired_agreements_send_no_commitment_reminders(ctx):
    for status in (S.DRAFT, S.NEGOTIATION, S.EXPIRED, S.TERMINATED):
        make_commitment(active_agreement(ctx, status=status), due_date=DUE)
    assert send_reminders(date(2027, 7, 1)) == {}


def test_an_agreement_expiring_within_90_days_reminds_its_owner_once(ctx):
    active_agreement(ctx, expiry_date=date(2027, 12, 31), title="Twinning")
    assert send_reminders(date(2027, 10, 1)) == {}  # 91 days before
    assert send_reminders(date(2027, 10, 2)) == {"expiring": 1}
    assert send_reminders(date(2027, 11, 2)) == {}
    (message,) = outbox()
    assert message.recipient == ctx.organiser.email and "Twinning" in message.subject


def test_the_daily_command_run_twice_queues_nothing_twice(app, runner):
    with app.app_context():
        ctx = Case()
        agreement = active_agreement(ctx, expiry_date=date(2027, 8, 1))
        make_commitment(agreement, party=agreement.parties[0], due_date=DUE)
        db.session.commit()
    first = runner.invoke(args=["agreements", "remind", "--today", "2027-06-25"])
    assert first.exit_code == 0, first.output
    assert "2 due-date reminders, 0 late reminders, 1 expiry reminders queued." in first.output
    second = runner.invoke(args=["agreements", "remind", "--today", "2027-06-25"])
    assert "0 due-date reminders, 0 late reminders, 0 expiry reminders queued." in second.output
    with app.app_context():
        assert len(outbox()) == 3
