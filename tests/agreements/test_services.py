"""Lifecycle rules, creation and editing, commitments and documents, called directly."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.agreements import queries, services
from app.agreements.services import PartyInput
from app.errors import FormErrors, TransitionRefused
from app.extensions import db
from app.models import (
    Agreement,
    AgreementDocument,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    CommitmentProgress,
    SessionKind,
)
from tests.agreements.conftest import Case
from tests.factories import make_agreement, make_commitment, make_session

S = AgreementStatus


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield Case()


def data(case, **changes):
    values = {
        "kind": AgreementKind.CONVENTION,
        "title": "Convention A – B",
        "summary": "",
        "sponsorship_tier": None,
        "edition_id": case.edition.id,
        "signing_session_id": None,
        "timezone": "Africa/Tunis",
        "effective_date": None,
        "expiry_date": None,
        "is_public": False,
    }
    values.update(changes)
    return values


def two_parties(case, signed_on=None):
    return [
        PartyInput(case.school.id, "École", "A. Signatory", "Directrice", signed_on),
        PartyInput(case.partner.id, "École", "B. Signatory", "Directeur", signed_on),
    ]


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_creating_records_a_draft_with_its_owner_and_parties(ctx):
    agreement = services.save_agreement(None, data(ctx), two_parties(ctx), user=ctx.organiser)
    assert agreement.status is S.DRAFT and agreement.owner_id == ctx.organiser.id
    assert [p.organisation_id for p in agreement.parties] == [ctx.school.id, ctx.partner.id]
    (step,) = agreement.transitions
    assert step.from_status is None and step.to_status is S.DRAFT
    assert step.actor_id == ctx.organiser.id


def test_refused_input_saves_nothing(ctx):
    before = (count(Agreement), count(AgreementParty))
    bad = data(ctx, effective_date=date(2027, 1, 1), expiry_date=date(2026, 1, 1))
    parties = two_parties(ctx) + [PartyInput(ctx.school.id)]
    with pytest.raises(FormErrors) as refused:
        services.save_agreement(None, bad, parties, user=ctx.organiser)
    assert refused.value.errors["expiry_date"] == [
        "The expiry date must come after the effective date."
    ]
    assert refused.value.errors["parties"] == ["École A is listed twice as a party."]
    assert (count(Agreement), count(AgreementParty)) == before


def test_a_single_party_a_tierless_sponsorship_and_a_foreign_edition_are_refused(ctx):
    other = ctx.other_organiser.edition_roles[0].edition
    with pytest.raises(FormErrors) as refused:
        services.save_agreement(
            None,
            data(ctx, kind=AgreementKind.SPONSORSHIP, edition_id=other.id),
            two_parties(ctx)[:1],
            user=ctx.organiser,
        )
    assert set(refused.value.errors) == {"parties", "sponsorship_tier", "edition_id"}


def test_the_signing_session_belongs_to_the_edition(ctx):
    elsewhere = make_session(ctx.other_organiser.edition_roles[0].edition)
    with pytest.raises(FormErrors) as refused:
        services.save_agreement(
            None, data(ctx, signing_session_id=elsewhere.id), two_parties(ctx), user=ctx.organiser
        )
    assert "signing_session_id" in refused.value.errors
    ceremony = make_session(ctx.edition, kind=SessionKind.SIGNING_CEREMONY)
    saved = services.save_agreement(
        None, data(ctx, signing_session_id=ceremony.id), two_parties(ctx), user=ctx.organiser
    )
    assert saved.signing_session_id == ceremony.id


def test_editing_keeps_the_rows_of_parties_that_stay(ctx):
    agreement = services.save_agreement(None, data(ctx), two_parties(ctx), user=ctx.organiser)
    school_row = agreement.parties[0].id
    parties = [two_parties(ctx)[0], PartyInput(ctx.third.id, "Ville")]
    services.save_agreement(agreement, data(ctx, title="New title"), parties, user=ctx.organiser)
    assert agreement.title == "New title"
    assert [p.organisation_id for p in agreement.parties] == [ctx.school.id, ctx.third.id]
    assert agreement.parties[0].id == school_row


def test_the_lifecycle_from_draft_to_expiry(ctx):
    agreement = make_agreement(ctx.edition, [(ctx.school, None), (ctx.partner, date(2027, 3, 10))])
    services.transition(agreement, S.NEGOTIATION, actor=ctx.organiser, note="Talks")
    with pytest.raises(TransitionRefused, match=r"signature date of every party.*École A"):
        services.transition(agreement, S.SIGNED, actor=ctx.organiser)
    agreement.parties[0].signed_on = date(2027, 3, 10)
    services.transition(agreement, S.SIGNED, actor=ctx.organiser)
    with pytest.raises(TransitionRefused, match="effective date"):
        services.transition(agreement, S.ACTIVE, actor=ctx.organiser)
    agreement.effective_date, agreement.expiry_date = date(2027, 4, 1), date(2030, 3, 31)
    services.transition(agreement, S.ACTIVE, actor=ctx.organiser)
    with pytest.raises(TransitionRefused, match="only after its expiry date"):
        services.transition(agreement, S.EXPIRED, actor=None, today=date(2030, 3, 31))
    services.transition(agreement, S.EXPIRED, actor=None, today=date(2030, 4, 1))
    history = [(t.from_status, t.to_status, t.note) for t in agreement.transitions]
    assert history == [
        (S.DRAFT, S.NEGOTIATION, "Talks"),
        (S.NEGOTIATION, S.SIGNED, ""),
        (S.SIGNED, S.ACTIVE, ""),
        (S.ACTIVE, S.EXPIRED, ""),
    ]


@pytest.mark.parametrize(
    "start, target, message",
    [
        (S.DRAFT, S.SIGNED, "cannot become “Signed”; it may become: In negotiation, Terminated"),
        (S.DRAFT, S.ACTIVE, "cannot become “Active”"),
        (S.NEGOTIATION, S.ACTIVE, "cannot become “Active”"),
        (S.SIGNED, S.DRAFT, "cannot become “Draft”"),
        (S.TERMINATED, S.ACTIVE, "is closed; renew it"),
        (S.EXPIRED, S.ACTIVE, "is closed; renew it"),
    ],
)
def test_forbidden_transitions_are_refused_with_a_clear_message(ctx, start, target, message):
    signed = date(2027, 1, 1)
    agreement = make_agreement(
        ctx.edition,
        [(ctx.school, signed), (ctx.partner, signed)],
        status=start,
        effective_date=signed,
    )
    with pytest.raises(TransitionRefused, match=message):
        services.transition(agreement, target, actor=ctx.organiser)
    assert agreement.status is start and agreement.transitions == []


def test_signing_needs_two_parties(ctx):
    agreement = make_agreement(ctx.edition, [(ctx.school, date(2027, 1, 1))], status=S.NEGOTIATION)
    with pytest.raises(TransitionRefused, match="at least two parties"):
        services.transition(agreement, S.SIGNED, actor=ctx.organiser)


def test_renewal_starts_a_draft_term_with_the_same_parties(ctx):
    signed = date(2027, 1, 1)
    agreement = make_agreement(
        ctx.edition,
        [(ctx.school, signed), (ctx.partner, signed)],
        status=S.ACTIVE,
        kind=AgreementKind.TWINNING,
        owner_id=ctx.organiser.id,
    )
    term = services.renew(agreement, actor=ctx.organiser)
    assert term.renews_id == agreement.id and term.status is S.DRAFT
    assert term.kind is AgreementKind.TWINNING and term.owner_id == ctx.organiser.id
    assert [p.organisation_id for p in term.parties] == [ctx.school.id, ctx.partner.id]
    assert all(p.signed_on is None for p in term.parties)
    assert queries.renewals_of(agreement) == [term]
    with pytest.raises(TransitionRefused, match="Only an active or expired"):
        services.renew(term, actor=ctx.organiser)


def test_progress_values_must_be_numbers_of_zero_or_more(ctx):
    agreement = make_agreement(ctx.edition, [(ctx.school, None), (ctx.partner, None)])
    commitment = make_commitment(agreement)
    for text, message in (("abc", "Give a number"), ("-3", "0 or more"), ("NaN", "Give a number")):
        with pytest.raises(FormErrors) as refused:
            services.record_progress(commitment, text, date(2027, 1, 1), actor=None)
        assert message in refused.value.errors["value"][0]
    assert count(CommitmentProgress) == 0
    step = services.record_progress(commitment, "12,5", date(2027, 1, 1), actor=ctx.organiser)
    assert step.value == Decimal("12.5")


def test_a_commitment_needs_a_positive_target_and_a_party_of_its_agreement(ctx):
    agreement = make_agreement(ctx.edition, [(ctx.school, None), (ctx.partner, None)])
    other = make_agreement(ctx.edition, [(ctx.third, None), (ctx.partner, None)])
    with pytest.raises(FormErrors) as refused:
        services.save_commitment(
            agreement,
            None,
            {
                "title": "x",
                "due_date": date(2027, 1, 1),
                "target_value": "0",
                "party_id": other.parties[0].id,
            },
        )
    assert set(refused.value.errors) == {"target_value", "party_id"}


def test_the_state_starts_from_the_agreements_effective_date(ctx):
    agreement = make_agreement(
        ctx.edition, [(ctx.school, None), (ctx.partner, None)], effective_date=date(2027, 1, 1)
    )
    commitment = make_commitment(
        agreement,
        [(date(2027, 3, 1), "10"), (date(2027, 12, 1), "100")],
        due_date=date(2027, 12, 31),
    )
    early = queries.commitment_state(commitment, date(2027, 7, 2))
    # Half the year gone: 50 expected, 10 done (the December value does not count yet).
    assert early.latest == 10 and early.status is queries.CommitmentStatus.AT_RISK
    assert queries.commitment_state(commitment, date(2028, 1, 1)).status.value == "met"


def test_documents_are_pdfs_by_their_bytes_and_numbered(ctx, uploads):
    agreement = make_agreement(ctx.edition, [(ctx.school, None), (ctx.partner, None)])
    with pytest.raises(FormErrors, match="Only PDF"):
        services.add_document(agreement, "text.pdf", b"<html>not a pdf", actor=None)
    with pytest.raises(FormErrors, match="larger than"):
        ctx_limit = 1024
        from flask import current_app

        current_app.config["AGREEMENT_DOCUMENT_MAX_BYTES"] = ctx_limit
        try:
            services.add_document(agreement, "big.pdf", b"%PDF-" + b"x" * 2000, actor=None)
        finally:
            del current_app.config["AGREEMENT_DOCUMENT_MAX_BYTES"]
    assert count(AgreementDocument) == 0
    first = services.add_document(agreement, "../draft v1.pdf", b"%PDF-1.7 one", actor=None)
    second = services.add_document(
        agreement, "signed.PDF", b"%PDF-1.7 two", actor=None, signed_copy=True
    )
    assert (first.version, second.version) == (1, 2)
    assert first.filename == "draft_v1.pdf" and second.is_signed_copy
    assert queries.document_path(second).read_bytes() == b"%PDF-1.7 two"
    services.mark_signed_copy(agreement, first)
    assert first.is_signed_copy and not second.is_signed_copy


def test_the_list_filters_by_kind_status_party_and_expiry(ctx):
    today = date(2027, 1, 1)
    soon = make_agreement(
        ctx.edition,
        [(ctx.school, None), (ctx.partner, None)],
        status=S.ACTIVE,
        effective_date=date(2026, 1, 1),
        expiry_date=today + timedelta(days=90),
    )
    later = make_agreement(
        ctx.edition,
        [(ctx.third, None), (ctx.partner, None)],
        status=S.ACTIVE,
        kind=AgreementKind.TWINNING,
        effective_date=date(2026, 1, 1),
        expiry_date=today + timedelta(days=91),
    )
    make_agreement(None, [(ctx.school, None), (ctx.third, None)], title="Not organised here")
    F = queries.ListFilters
    listed = queries.list_agreements
    assert {a.id for a in listed(ctx.organiser, F(), today)} == {soon.id, later.id}
    assert listed(ctx.organiser, F(kind=AgreementKind.TWINNING), today) == [later]
    assert listed(ctx.organiser, F(organisation_id=ctx.school.id), today) == [soon]
    assert listed(ctx.organiser, F(status=S.DRAFT), today) == []
    assert queries.expiring_soon(ctx.organiser, today) == [soon]
    assert len(listed(ctx.site_organiser, F(), today)) == 3
    assert listed(ctx.other_organiser, F(), today) == []
