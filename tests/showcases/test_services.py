"""The showcase services: the call, submission, withdrawal, review, decision and places."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy.orm.exc import StaleDataError

from app.errors import Conflict, FormErrors, InvalidInput, NotAllowed
from app.extensions import db
from app.models import (
    EditionStatus,
    OutboxMessage,
    OutboxStatus,
    Review,
    SessionShowcase,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    ShowcaseTransition,
    utcnow,
)
from app.models.showcases import TrackReviewer
from app.permissions import is_assigned_reviewer, is_delegate_of
from app.program.queries.versions import edition_version
from app.showcases import queries, services
from app.uploads import UploadRefused
from tests.showcases.conftest import HTML, PDF, set_call, stored_files

S = ShowcaseStatus


def draft(open_call, title="Casa Covoit'", **data):
    values = {"title": title, "kind": "system", "summary": "Shared rides.\nTo work."}
    values.update(data)
    return services.create_draft(open_call.founder, open_call.edition, values).showcase


def submitted(open_call, title="Casa Covoit'", track=0, by=None):
    showcase = draft(open_call, title)
    services.submit(
        showcase,
        by or open_call.founder,
        version=showcase.version_id,
        track_id=open_call.tracks[track].id,
    )
    return showcase


def transitions(showcase) -> list[tuple]:
    return [(t.from_status, t.to_status) for t in showcase.transitions]


def mails(kind_prefix: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            sa.select(OutboxMessage)
            .where(OutboxMessage.kind.like(f"{kind_prefix}%"))
            .order_by(OutboxMessage.id)
        )
    )


# The call ---------------------------------------------------------------------------------


def test_call_state_follows_the_window_on_the_editions_clock(open_call):
    edition = open_call.edition
    assert queries.call_state(edition) is queries.CallState.OPEN
    assert queries.call_is_open(edition)
    assert queries.call_state(edition, edition.call_opens_at - timedelta(seconds=1)) is (
        queries.CallState.UPCOMING
    )
    assert queries.call_state(edition, edition.call_closes_at) is queries.CallState.CLOSED
    edition.call_opens_local = edition.call_closes_local = None
    edition.refresh_instants()
    assert queries.call_state(edition) is queries.CallState.NOT_SET


def test_a_draft_edition_takes_no_submission(open_call):
    open_call.edition.status = EditionStatus.DRAFT
    with pytest.raises(Conflict, match="not open"):
        draft(open_call)


def test_no_draft_after_the_call_closed(open_call):
    set_call(open_call.edition, timedelta(days=-20), timedelta(minutes=-1))
    with pytest.raises(Conflict, match="closed"):
        draft(open_call)
    assert db.session.scalar(sa.select(sa.func.count(Showcase.id))) == 0


def test_no_draft_without_an_organisation(open_call):
    with pytest.raises(NotAllowed, match="organisation"):
        services.create_draft(
            open_call.attendee, open_call.edition, {"title": "x", "kind": "project"}
        )


# Drafts and submission --------------------------------------------------------------------


def test_a_draft_records_its_creation_and_keeps_text_as_typed(open_call):
    showcase = draft(
        open_call, title="<script>alert(1)</script> Bus", summary="a\r\nb\x00\r\n\r\nc"
    )
    assert showcase.status is S.DRAFT
    assert showcase.title == "<script>alert(1)</script> Bus"
    assert showcase.summary == "a\nb\n\nc"
    assert transitions(showcase) == [(None, S.DRAFT)]
    assert showcase.transitions[0].actor is open_call.founder


def test_creating_the_same_title_twice_returns_the_first_draft(open_call):
    first = services.create_draft(
        open_call.founder, open_call.edition, {"title": "Bus", "kind": "project"}
    )
    second = services.create_draft(
        open_call.cofounder, open_call.edition, {"title": "bus ", "kind": "project"}
    )
    assert first.created and not second.created
    assert second.showcase is first.showcase
    assert db.session.scalar(sa.select(sa.func.count(Showcase.id))) == 1


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "two\nlines"}, "title"),
        ({"summary": "x" * 5001}, "summary"),
        ({"kind": "spaceship"}, "kind"),
        ({"track_id": "999999"}, "track_id"),
        ({"track_id": "not-a-number"}, "track_id"),
    ],
)
def test_bad_draft_input_is_refused_by_field(open_call, data, field):
    values = {"title": "Bus", "kind": "project", **data}
    with pytest.raises(FormErrors) as refused:
        services.create_draft(open_call.founder, open_call.edition, values)
    assert field in refused.value.errors


def test_a_track_of_another_edition_is_refused(open_call):
    with pytest.raises(FormErrors) as refused:
        draft(open_call, track_id=open_call.other_track.id)
    assert "track_id" in refused.value.errors
    showcase = draft(open_call)
    with pytest.raises(FormErrors):
        services.submit(
            showcase,
            open_call.founder,
            version=showcase.version_id,
            track_id=open_call.other_track.id,
        )
    assert showcase.status is S.DRAFT


def test_submission_needs_a_track_and_a_summary(open_call):
    showcase = draft(open_call, summary="")
    with pytest.raises(FormErrors) as refused:
        services.submit(showcase, open_call.founder, version=showcase.version_id)
    assert set(refused.value.errors) == {"track_id", "summary"}


def test_submission_acknowledges_once_even_when_clicked_twice(open_call):
    showcase = draft(open_call)
    version = showcase.version_id
    first = services.submit(
        showcase, open_call.founder, version=version, track_id=open_call.tracks[0].id
    )
    second = services.submit(
        showcase, open_call.founder, version=version, track_id=open_call.tracks[0].id
    )
    assert not first.already and second.already
    assert showcase.status is S.SUBMITTED
    assert showcase.submitted_by is open_call.founder and showcase.submitted_at is not None
    assert transitions(showcase) == [(None, S.DRAFT), (S.DRAFT, S.SUBMITTED)]
    (ack,) = mails("showcases.received")
    assert ack.recipient == open_call.founder.email
    assert ack.status is OutboxStatus.PENDING
    assert ack.edition_id == open_call.edition.id
    assert "Casa Covoit'" in ack.body_text


def test_a_concurrent_submit_loses_on_the_version_and_changes_nothing(open_call):
    showcase = draft(open_call)
    db.session.commit()
    version = showcase.version_id
    # Another request submits first: the row's version moves on behind our back.
    db.session.execute(
        sa.update(Showcase)
        .where(Showcase.id == showcase.id)
        .values(status=S.SUBMITTED, version_id=version + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(StaleDataError):
        services.submit(
            showcase, open_call.founder, version=version, track_id=open_call.tracks[0].id
        )
    db.session.rollback()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(ShowcaseTransition.id)).where(
                ShowcaseTransition.showcase_id == showcase.id
            )
        )
        == 1
    )
    assert mails("showcases.received") == []


def test_a_stale_form_is_refused_before_anything_changes(open_call):
    showcase = draft(open_call)
    with pytest.raises(services.StaleShowcase):
        services.update_showcase(
            showcase,
            open_call.founder,
            {"title": "New", "kind": "project"},
            version=showcase.version_id - 1,
        )
    assert showcase.title == "Casa Covoit'"


def test_another_organisations_delegate_cannot_change_or_submit(open_call):
    showcase = draft(open_call)
    with pytest.raises(NotAllowed):
        services.update_showcase(
            showcase, open_call.rival, {"title": "Mine", "kind": "project"}, version=1
        )
    with pytest.raises(NotAllowed):
        services.submit(
            showcase, open_call.rival, version=showcase.version_id, track_id=open_call.tracks[0].id
        )
    with pytest.raises(NotAllowed):
        services.withdraw(showcase, open_call.rival)
    with pytest.raises(NotAllowed):
        services.delete_draft(showcase, open_call.rival)


def test_every_delegate_of_the_organisation_edits_its_showcases(open_call):
    showcase = draft(open_call)
    services.update_showcase(
        showcase,
        open_call.cofounder,
        {"title": "Casa Covoit' 2", "kind": "project", "track_id": open_call.tracks[1].id},
        version=showcase.version_id,
    )
    assert showcase.title == "Casa Covoit' 2" and showcase.track is open_call.tracks[1]


def test_after_the_call_closes_a_submitted_showcase_is_read_only(open_call, uploads_dir):
    showcase = submitted(open_call)
    set_call(open_call.edition, timedelta(days=-20), timedelta(minutes=-1))
    assert "closed" in queries.edit_problem(showcase)
    with pytest.raises(Conflict):
        services.update_showcase(
            showcase, open_call.founder, {"title": "Late", "kind": "project"}, version=1
        )
    with pytest.raises(Conflict):
        services.add_materials(showcase, open_call.founder, [(io.BytesIO(PDF), "late.pdf")])
    assert stored_files(uploads_dir) == []
    assert showcase.title == "Casa Covoit'"


def test_a_delegate_withdraws_until_the_programme_is_published(open_call):
    showcase = submitted(open_call)
    assert services.withdraw(showcase, open_call.cofounder, "Postponed")
    assert showcase.status is S.WITHDRAWN
    assert showcase.transitions[-1].note == "Postponed"
    assert not services.withdraw(showcase, open_call.cofounder)
    other = submitted(open_call, "Second")
    open_call.edition.programme_published_at = utcnow()
    with pytest.raises(Conflict, match="programme"):
        services.withdraw(other, open_call.founder)


def test_withdrawing_an_accepted_showcase_frees_its_place_and_drops_its_draft_mail(open_call):
    showcase = submitted(open_call)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    services.set_stand(showcase, "A01")
    services.link_session(showcase, open_call.slot.id)
    services.withdraw(showcase, open_call.founder)
    assert showcase.stand_number is None
    assert db.session.scalar(sa.select(sa.func.count(SessionShowcase.id))) == 0
    assert mails("showcases.decision") == []


def test_only_a_draft_is_deleted_and_its_files_are_reported(open_call):
    showcase = draft(open_call)
    services.add_materials(showcase, open_call.founder, [(io.BytesIO(PDF), "deck.pdf")])
    keys = services.delete_draft(showcase, open_call.founder)
    assert len(keys) == 1
    assert db.session.get(Showcase, showcase.id) is None
    with pytest.raises(Conflict):
        services.delete_draft(submitted(open_call, "Kept"), open_call.founder)


# Materials --------------------------------------------------------------------------------


def test_materials_are_added_all_or_none(open_call, uploads_dir):
    showcase = draft(open_call)
    with pytest.raises(UploadRefused):
        services.add_materials(
            showcase,
            open_call.founder,
            [(io.BytesIO(PDF), "deck.pdf"), (io.BytesIO(HTML), "evil.pdf")],
        )
    db.session.rollback()
    assert stored_files(uploads_dir) == []
    assert showcase.materials == []


def test_a_showcase_keeps_at_most_five_files(open_call, uploads_dir):
    showcase = draft(open_call)
    services.add_materials(
        showcase, open_call.founder, [(io.BytesIO(PDF), f"deck{n}.pdf") for n in range(5)]
    )
    with pytest.raises(UploadRefused, match="at most 5"):
        services.add_materials(showcase, open_call.founder, [(io.BytesIO(PDF), "sixth.pdf")])
    assert len(showcase.materials) == 5
    assert len(stored_files(uploads_dir)) == 5


# Reviewers --------------------------------------------------------------------------------


def test_a_reviewer_is_never_assigned_their_own_organisation(open_call):
    showcase = submitted(open_call)
    with pytest.raises(InvalidInput, match="own organisation"):
        services.assign(showcase, open_call.reviewer_inside, open_call.organiser)
    assert not queries.can_see(open_call.reviewer_inside, showcase) or is_delegate_of(
        open_call.reviewer_inside, showcase.organisation_id
    )


def test_assigning_moves_a_submitted_showcase_under_review_once(open_call):
    showcase = submitted(open_call)
    assert services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    assert not services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    assert services.assign(showcase, open_call.reviewer_b, open_call.organiser)
    assert showcase.status is S.UNDER_REVIEW
    assert transitions(showcase)[-1] == (S.SUBMITTED, S.UNDER_REVIEW)
    assert len(showcase.transitions) == 3


def test_only_reviewers_of_the_edition_and_only_submitted_showcases(open_call):
    with pytest.raises(InvalidInput, match="not a reviewer"):
        services.assign(submitted(open_call), open_call.attendee, open_call.organiser)
    with pytest.raises(InvalidInput, match="submitted"):
        services.assign(draft(open_call, "Draft"), open_call.reviewer_a, open_call.organiser)


def test_a_track_reviewer_gets_present_and_future_showcases_but_not_their_own(open_call):
    first = submitted(open_call, "First")
    result = services.assign_track(
        open_call.tracks[0], open_call.reviewer_inside, open_call.organiser
    )
    assert result.assigned == 0 and result.skipped_own == ["First"]
    result = services.assign_track(open_call.tracks[0], open_call.reviewer_a, open_call.organiser)
    assert result.assigned == 1
    later = submitted(open_call, "Later")
    assert is_assigned_reviewer(open_call.reviewer_a, later)
    assert not is_assigned_reviewer(open_call.reviewer_inside, later)
    assert later.status is S.UNDER_REVIEW
    assert is_assigned_reviewer(open_call.reviewer_a, first)
    other_track = submitted(open_call, "Ecology one", track=1)
    assert not is_assigned_reviewer(open_call.reviewer_a, other_track)
    services.unassign_track(open_call.tracks[0], open_call.reviewer_a)
    assert db.session.scalar(sa.select(sa.func.count(TrackReviewer.id))) == 1
    assert is_assigned_reviewer(open_call.reviewer_a, later)


# Reviews ----------------------------------------------------------------------------------


def scores(open_call, relevance, maturity) -> dict:
    return {open_call.criteria[0].id: relevance, open_call.criteria[1].id: maturity}


def test_the_score_is_the_weighted_mean_of_the_criteria(open_call):
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    review = services.save_review(
        showcase, open_call.reviewer_a, values=scores(open_call, 5, 2), comment="Clear <b>plan</b>"
    )
    assert review.score == 4.0  # (2*5 + 1*2) / 3
    assert review.comment == "Clear <b>plan</b>"
    review = services.save_review(
        showcase, open_call.reviewer_a, values=scores(open_call, 3, 3), comment=""
    )
    assert review.score == 3.0
    assert sorted(s.value for s in review.scores) == [3, 3]
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1


@pytest.mark.parametrize("bad", [0, 6, None, "x"])
def test_each_criterion_is_scored_from_1_to_5(open_call, bad):
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    with pytest.raises(FormErrors) as refused:
        services.save_review(
            showcase, open_call.reviewer_a, values=scores(open_call, 5, bad), comment=""
        )
    assert list(refused.value.errors) == [f"criterion-{open_call.criteria[1].id}"]


def test_a_reviewer_cannot_score_what_is_not_assigned_to_them(open_call):
    showcase = submitted(open_call)
    with pytest.raises(NotAllowed):
        services.save_review(
            showcase, open_call.reviewer_b, values=scores(open_call, 5, 5), comment=""
        )
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_others_scores_are_hidden_until_one_has_scored(open_call):
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    services.assign(showcase, open_call.reviewer_b, open_call.organiser)
    services.save_review(
        showcase, open_call.reviewer_a, values=scores(open_call, 5, 5), comment="Great"
    )
    assert queries.others_reviews(showcase, open_call.reviewer_b) is None
    services.save_review(
        showcase, open_call.reviewer_b, values=scores(open_call, 2, 2), comment="Weak"
    )
    (other,) = queries.others_reviews(showcase, open_call.reviewer_b)
    assert other.reviewer is open_call.reviewer_a and other.comment == "Great"


def test_an_edition_without_criteria_takes_one_overall_score(open_call):
    for criterion in list(open_call.edition.review_criteria):
        db.session.delete(criterion)
    db.session.flush()
    db.session.expire(open_call.edition)
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    with pytest.raises(FormErrors):
        services.save_review(showcase, open_call.reviewer_a, values={}, comment="", overall="9")
    review = services.save_review(
        showcase, open_call.reviewer_a, values={}, comment="", overall="4"
    )
    assert review.score == 4.0


def test_decided_showcases_are_no_longer_reviewed(open_call):
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    services.decide(showcase, S.REJECTED, open_call.organiser)
    with pytest.raises(Conflict):
        services.save_review(
            showcase, open_call.reviewer_a, values=scores(open_call, 5, 5), comment=""
        )


# Ranking and decisions --------------------------------------------------------------------


def test_ranked_tables_give_mean_spread_and_count_per_track(open_call):
    good, weak, unreviewed = (submitted(open_call, t) for t in ("Good", "Weak", "Unreviewed"))
    eco = submitted(open_call, "Eco", track=1)
    draft(open_call, "Draft stays out")
    for showcase in (good, weak):
        services.assign(showcase, open_call.reviewer_a, open_call.organiser)
        services.assign(showcase, open_call.reviewer_b, open_call.organiser)
    services.save_review(good, open_call.reviewer_a, values=scores(open_call, 5, 5), comment="")
    services.save_review(good, open_call.reviewer_b, values=scores(open_call, 4, 1), comment="")
    services.save_review(weak, open_call.reviewer_a, values=scores(open_call, 2, 2), comment="")
    tables = queries.ranked_tables(open_call.edition)
    assert [t.track for t in tables] == open_call.tracks
    rows = tables[0].rows
    assert [r.showcase for r in rows] == [good, weak, unreviewed]
    assert rows[0].mean == 4.0 and rows[0].spread == 1.0 and rows[0].reviews == 2
    assert rows[1].mean == 2.0 and rows[1].spread is None and rows[1].assigned == 2
    assert rows[2].mean is None and rows[2].reviews == 0
    assert [r.showcase for r in tables[1].rows] == [eco]


def test_a_decision_is_recorded_and_its_mail_drafted_in_the_recipients_language(open_call):
    open_call.founder.locale = "fr"
    showcase = submitted(open_call)
    outcome = services.decide(showcase, S.ACCEPTED, open_call.organiser, "Strong jury")
    assert outcome.changed and showcase.status is S.ACCEPTED
    last = showcase.transitions[-1]
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        S.SUBMITTED,
        S.ACCEPTED,
        open_call.organiser,
        "Strong jury",
    )
    (mail,) = mails("showcases.decision")
    assert mail.status is OutboxStatus.DRAFT
    assert mail.kind == "showcases.decision.accepted"
    assert mail.edition_id == open_call.edition.id
    assert mail.recipient == open_call.founder.email and mail.locale == "fr"
    assert "retenu" in mail.subject and "retenu" in mail.body_text
    assert "Strong jury" not in mail.body_text


def test_changing_a_decision_before_release_replaces_its_draft(open_call):
    showcase = submitted(open_call)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    services.decide(showcase, S.WAITLISTED, open_call.organiser)
    assert not services.decide(showcase, S.WAITLISTED, open_call.organiser).changed
    (mail,) = mails("showcases.decision")
    assert mail.kind == "showcases.decision.waitlisted" and mail.status is OutboxStatus.DRAFT
    assert len(showcase.transitions) == 4


def test_a_released_decision_is_never_mailed_twice(open_call):
    showcase = submitted(open_call)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    (mail,) = queries.waiting_mails(open_call.edition)
    assert services.release_mails(open_call.edition, [mail.id], open_call.organiser) == 1
    assert services.release_mails(open_call.edition, [mail.id], open_call.organiser) == 0
    assert mail.status is OutboxStatus.PENDING
    assert mail.released_by_id == open_call.organiser.id and mail.released_at is not None
    services.decide(showcase, S.WAITLISTED, open_call.organiser)
    outcome = services.decide(showcase, S.ACCEPTED, open_call.organiser)
    assert outcome.already_told and outcome.mail is None
    kinds = [(m.kind, m.status) for m in mails("showcases.decision")]
    assert kinds == [("showcases.decision.accepted", OutboxStatus.PENDING)]


def test_release_only_touches_the_editions_decision_drafts(open_call):
    showcase = submitted(open_call)
    services.decide(showcase, S.REJECTED, open_call.organiser)
    ack = mails("showcases.received")[0]
    (mail,) = queries.waiting_mails(open_call.edition)
    assert services.release_mails(open_call.other_edition, [mail.id], open_call.organiser) == 0
    assert services.release_mails(open_call.edition, [ack.id], open_call.organiser) == 0
    assert mail.status is OutboxStatus.DRAFT


def test_one_mail_per_decision_goes_to_the_submitter_only(open_call):
    showcase = submitted(open_call, by=open_call.cofounder)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    (mail,) = mails("showcases.decision")
    assert mail.recipient == open_call.cofounder.email


def test_bulk_decisions_refuse_what_cannot_be_decided_and_keep_the_rest(open_call):
    a, b = submitted(open_call, "A"), submitted(open_call, "B")
    gone = submitted(open_call, "Gone")
    services.withdraw(gone, open_call.founder)
    lone = draft(open_call, "Lone draft")
    foreign = services.create_draft(
        open_call.rival, open_call.other_edition, {"title": "Elsewhere", "kind": "project"}
    ).showcase
    result = services.decide_many(
        open_call.edition,
        [a.id, b.id, gone.id, lone.id, foreign.id],
        S.ACCEPTED,
        open_call.organiser,
    )
    assert result.changed == 2 and len(result.refused) == 3
    assert (a.status, b.status, gone.status, lone.status) == (
        S.ACCEPTED,
        S.ACCEPTED,
        S.WITHDRAWN,
        S.DRAFT,
    )
    assert len(queries.waiting_mails(open_call.edition)) == 2


def test_a_decision_on_a_draft_or_withdrawn_showcase_is_refused(open_call):
    with pytest.raises(Conflict):
        services.decide(draft(open_call), S.ACCEPTED, open_call.organiser)
    with pytest.raises(InvalidInput):
        services.decide(submitted(open_call, "X"), S.WITHDRAWN, open_call.organiser)


# Places -----------------------------------------------------------------------------------


def test_stand_numbers_are_unique_in_an_edition_and_only_for_accepted(open_call):
    a, b = submitted(open_call, "A"), submitted(open_call, "B")
    with pytest.raises(Conflict):
        services.set_stand(a, "A01")
    services.decide(a, S.ACCEPTED, open_call.organiser)
    services.decide(b, S.ACCEPTED, open_call.organiser)
    services.set_stand(a, " A01 ")
    assert a.stand_number == "A01"
    with pytest.raises(FormErrors, match="already"):
        services.set_stand(b, "A01")
    assert b.stand_number is None
    services.set_stand(a, "")
    assert a.stand_number is None


def test_an_accepted_showcase_is_linked_to_showcase_sessions_only(open_call):
    showcase = submitted(open_call)
    with pytest.raises(Conflict):
        services.link_session(showcase, open_call.slot.id)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    with pytest.raises(FormErrors):
        services.link_session(showcase, open_call.talk.id)
    services.link_session(showcase, open_call.slot.id)
    services.link_session(showcase, open_call.slot.id)
    assert queries.presented_in(showcase) == [open_call.slot]
    services.decide(showcase, S.WAITLISTED, open_call.organiser)
    assert queries.presented_in(showcase) == []


def test_taking_a_showcase_out_of_a_session_moves_the_programmes_version(open_call):
    """The programme and feeds show a session's showcases: taking one out (or its
    withdrawal) must reach them, through the edition's data version."""
    showcase = submitted(open_call)
    services.decide(showcase, S.ACCEPTED, open_call.organiser)
    services.link_session(showcase, open_call.slot.id)
    before = edition_version(open_call.edition).etag
    services.unlink_session(showcase, open_call.slot.id)
    after_unlink = edition_version(open_call.edition).etag
    assert after_unlink != before
    services.link_session(showcase, open_call.slot.id)
    linked = edition_version(open_call.edition).etag
    services.withdraw(showcase, open_call.founder)
    db.session.flush()
    assert edition_version(open_call.edition).etag != linked


# Visibility -------------------------------------------------------------------------------


def test_who_sees_a_showcase_that_is_not_accepted(open_call):
    showcase = submitted(open_call)
    services.assign(showcase, open_call.reviewer_a, open_call.organiser)
    assert queries.can_see(open_call.cofounder, showcase)
    assert queries.can_see(open_call.organiser, showcase)
    assert queries.can_see(open_call.reviewer_a, showcase)
    for outsider in (open_call.reviewer_b, open_call.rival, open_call.attendee, None):
        assert not queries.can_see(outsider, showcase)
    mail = services.decide(showcase, S.ACCEPTED, open_call.organiser).mail
    assert not queries.can_see(None, showcase)  # not before the decision is announced
    services.release_mails(open_call.edition, [mail.id], open_call.organiser)
    assert queries.can_see(None, showcase)
    open_call.edition.status = EditionStatus.DRAFT
    assert not queries.can_see(None, showcase)


def test_the_showcase_kinds_have_labels():
    assert set(queries.KIND_LABELS) == set(ShowcaseKind)
    assert set(queries.STATUS_LABELS) == set(ShowcaseStatus)


def test_an_edition_without_axes_takes_submissions_without_one(open_call):
    for track in list(open_call.edition.tracks):
        db.session.delete(track)
    db.session.flush()
    db.session.expire(open_call.edition)
    showcase = draft(open_call)
    assert not services.submit(showcase, open_call.founder, version=showcase.version_id).already
    assert showcase.status is S.SUBMITTED and showcase.track is None


def test_withdrawn_showcases_rank_last_whatever_their_scores(open_call):
    kept, gone = submitted(open_call, "Kept"), submitted(open_call, "Gone")
    for showcase, value in ((kept, 2), (gone, 5)):
        services.assign(showcase, open_call.reviewer_a, open_call.organiser)
        services.save_review(
            showcase, open_call.reviewer_a, values=scores(open_call, value, value), comment=""
        )
    services.withdraw(gone, open_call.founder)
    (table,) = queries.ranked_tables(open_call.edition)
    assert [row.showcase for row in table.rows] == [kept, gone]
