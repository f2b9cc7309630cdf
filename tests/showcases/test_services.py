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
from app.showcases import queries, services
from app.uploads import UploadRefused
from tests.showcases.conftest import HTML, PDF, set_call, stored_files

S = ShowcaseStatus


def draft(world, title="Casa Covoit'", **data):
    values = {"title": title, "kind": "system", "summary": "Shared rides.\nTo work."}
    values.update(data)
    return services.create_draft(world.founder, world.edition, values).showcase


def submitted(world, title="Casa Covoit'", track=0, by=None):
    showcase = draft(world, title)
    services.submit(
        showcase,
        by or world.founder,
        version=showcase.version_id,
        track_id=world.tracks[track].id,
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


def test_call_state_follows_the_window_on_the_editions_clock(world):
    edition = world.edition
    assert queries.call_state(edition) is queries.CallState.OPEN
    assert queries.call_is_open(edition)
    assert queries.call_state(edition, edition.call_opens_at - timedelta(seconds=1)) is (
        queries.CallState.UPCOMING
    )
    assert queries.call_state(edition, edition.call_closes_at) is queries.CallState.CLOSED
    edition.call_opens_local = edition.call_closes_local = None
    edition.refresh_instants()
    assert queries.call_state(edition) is queries.CallState.NOT_SET


def test_a_draft_edition_takes_no_submission(world):
    world.edition.status = EditionStatus.DRAFT
    with pytest.raises(Conflict, match="not open"):
        draft(world)


def test_no_draft_after_the_call_closed(world):
    set_call(world.edition, timedelta(days=-20), timedelta(minutes=-1))
    with pytest.raises(Conflict, match="closed"):
        draft(world)
    assert db.session.scalar(sa.select(sa.func.count(Showcase.id))) == 0


def test_no_draft_without_an_organisation(world):
    with pytest.raises(NotAllowed, match="organisation"):
        services.create_draft(world.attendee, world.edition, {"title": "x", "kind": "project"})


# Drafts and submission --------------------------------------------------------------------


def test_a_draft_records_its_creation_and_keeps_text_as_typed(world):
    showcase = draft(world, title="<script>alert(1)</script> Bus", summary="a\r\nb\x00\r\n\r\nc")
    assert showcase.status is S.DRAFT
    assert showcase.title == "<script>alert(1)</script> Bus"
    assert showcase.summary == "a\nb\n\nc"
    assert transitions(showcase) == [(None, S.DRAFT)]
    assert showcase.transitions[0].actor is world.founder


def test_creating_the_same_title_twice_returns_the_first_draft(world):
    first = services.create_draft(world.founder, world.edition, {"title": "Bus", "kind": "project"})
    second = services.create_draft(
        world.cofounder, world.edition, {"title": "bus ", "kind": "project"}
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
def test_bad_draft_input_is_refused_by_field(world, data, field):
    values = {"title": "Bus", "kind": "project", **data}
    with pytest.raises(FormErrors) as refused:
        services.create_draft(world.founder, world.edition, values)
    assert field in refused.value.errors


def test_a_track_of_another_edition_is_refused(world):
    with pytest.raises(FormErrors) as refused:
        draft(world, track_id=world.other_track.id)
    assert "track_id" in refused.value.errors
    showcase = draft(world)
    with pytest.raises(FormErrors):
        services.submit(
            showcase, world.founder, version=showcase.version_id, track_id=world.other_track.id
        )
    assert showcase.status is S.DRAFT


def test_submission_needs_a_track_and_a_summary(world):
    showcase = draft(world, summary="")
    with pytest.raises(FormErrors) as refused:
        services.submit(showcase, world.founder, version=showcase.version_id)
    assert set(refused.value.errors) == {"track_id", "summary"}


def test_submission_acknowledges_once_even_when_clicked_twice(world):
    showcase = draft(world)
    version = showcase.version_id
    first = services.submit(showcase, world.founder, version=version, track_id=world.tracks[0].id)
    second = services.submit(showcase, world.founder, version=version, track_id=world.tracks[0].id)
    assert not first.already and second.already
    assert showcase.status is S.SUBMITTED
    assert showcase.submitted_by is world.founder and showcase.submitted_at is not None
    assert transitions(showcase) == [(None, S.DRAFT), (S.DRAFT, S.SUBMITTED)]
    (ack,) = mails("showcases.received")
    assert ack.recipient == world.founder.email
    assert ack.status is OutboxStatus.PENDING
    assert ack.edition_id == world.edition.id
    assert "Casa Covoit'" in ack.body_text


def test_a_concurrent_submit_loses_on_the_version_and_changes_nothing(world):
    showcase = draft(world)
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
        services.submit(showcase, world.founder, version=version, track_id=world.tracks[0].id)
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


def test_a_stale_form_is_refused_before_anything_changes(world):
    showcase = draft(world)
    with pytest.raises(services.StaleShowcase):
        services.update_showcase(
            showcase,
            world.founder,
            {"title": "New", "kind": "project"},
            version=showcase.version_id - 1,
        )
    assert showcase.title == "Casa Covoit'"


def test_another_organisations_delegate_cannot_change_or_submit(world):
    showcase = draft(world)
    with pytest.raises(NotAllowed):
        services.update_showcase(
            showcase, world.rival, {"title": "Mine", "kind": "project"}, version=1
        )
    with pytest.raises(NotAllowed):
        services.submit(
            showcase, world.rival, version=showcase.version_id, track_id=world.tracks[0].id
        )
    with pytest.raises(NotAllowed):
        services.withdraw(showcase, world.rival)
    with pytest.raises(NotAllowed):
        services.delete_draft(showcase, world.rival)


def test_every_delegate_of_the_organisation_edits_its_showcases(world):
    showcase = draft(world)
    services.update_showcase(
        showcase,
        world.cofounder,
        {"title": "Casa Covoit' 2", "kind": "project", "track_id": world.tracks[1].id},
        version=showcase.version_id,
    )
    assert showcase.title == "Casa Covoit' 2" and showcase.track is world.tracks[1]


def test_after_the_call_closes_a_submitted_showcase_is_read_only(world, uploads_dir):
    showcase = submitted(world)
    set_call(world.edition, timedelta(days=-20), timedelta(minutes=-1))
    assert "closed" in queries.edit_problem(showcase)
    with pytest.raises(Conflict):
        services.update_showcase(
            showcase, world.founder, {"title": "Late", "kind": "project"}, version=1
        )
    with pytest.raises(Conflict):
        services.add_materials(showcase, world.founder, [(io.BytesIO(PDF), "late.pdf")])
    assert stored_files(uploads_dir) == []
    assert showcase.title == "Casa Covoit'"


def test_a_delegate_withdraws_until_the_programme_is_published(world):
    showcase = submitted(world)
    assert services.withdraw(showcase, world.cofounder, "Postponed")
    assert showcase.status is S.WITHDRAWN
    assert showcase.transitions[-1].note == "Postponed"
    assert not services.withdraw(showcase, world.cofounder)
    other = submitted(world, "Second")
    world.edition.programme_published_at = utcnow()
    with pytest.raises(Conflict, match="programme"):
        services.withdraw(other, world.founder)


def test_withdrawing_an_accepted_showcase_frees_its_place_and_drops_its_draft_mail(world):
    showcase = submitted(world)
    services.decide(showcase, S.ACCEPTED, world.organiser)
    services.set_stand(showcase, "A01")
    services.link_session(showcase, world.slot.id)
    services.withdraw(showcase, world.founder)
    assert showcase.stand_number is None
    assert db.session.scalar(sa.select(sa.func.count(SessionShowcase.id))) == 0
    assert mails("showcases.decision") == []


def test_only_a_draft_is_deleted_and_its_files_are_reported(world):
    showcase = draft(world)
    services.add_materials(showcase, world.founder, [(io.BytesIO(PDF), "deck.pdf")])
    keys = services.delete_draft(showcase, world.founder)
    assert len(keys) == 1
    assert db.session.get(Showcase, showcase.id) is None
    with pytest.raises(Conflict):
        services.delete_draft(submitted(world, "Kept"), world.founder)


# Materials --------------------------------------------------------------------------------


def test_materials_are_added_all_or_none(world, uploads_dir):
    showcase = draft(world)
    with pytest.raises(UploadRefused):
        services.add_materials(
            showcase,
            world.founder,
            [(io.BytesIO(PDF), "deck.pdf"), (io.BytesIO(HTML), "evil.pdf")],
        )
    db.session.rollback()
    assert stored_files(uploads_dir) == []
    assert showcase.materials == []


def test_a_showcase_keeps_at_most_five_files(world, uploads_dir):
    showcase = draft(world)
    services.add_materials(
        showcase, world.founder, [(io.BytesIO(PDF), f"deck{n}.pdf") for n in range(5)]
    )
    with pytest.raises(UploadRefused, match="at most 5"):
        services.add_materials(showcase, world.founder, [(io.BytesIO(PDF), "sixth.pdf")])
    assert len(showcase.materials) == 5
    assert len(stored_files(uploads_dir)) == 5


# Reviewers --------------------------------------------------------------------------------


def test_a_reviewer_is_never_assigned_their_own_organisation(world):
    showcase = submitted(world)
    with pytest.raises(InvalidInput, match="own organisation"):
        services.assign(showcase, world.reviewer_inside, world.organiser)
    assert not queries.can_see(world.reviewer_inside, showcase) or is_delegate_of(
        world.reviewer_inside, showcase.organisation_id
    )


def test_assigning_moves_a_submitted_showcase_under_review_once(world):
    showcase = submitted(world)
    assert services.assign(showcase, world.reviewer_a, world.organiser)
    assert not services.assign(showcase, world.reviewer_a, world.organiser)
    assert services.assign(showcase, world.reviewer_b, world.organiser)
    assert showcase.status is S.UNDER_REVIEW
    assert transitions(showcase)[-1] == (S.SUBMITTED, S.UNDER_REVIEW)
    assert len(showcase.transitions) == 3


def test_only_reviewers_of_the_edition_and_only_submitted_showcases(world):
    with pytest.raises(InvalidInput, match="not a reviewer"):
        services.assign(submitted(world), world.attendee, world.organiser)
    with pytest.raises(InvalidInput, match="submitted"):
        services.assign(draft(world, "Draft"), world.reviewer_a, world.organiser)


def test_a_track_reviewer_gets_present_and_future_showcases_but_not_their_own(world):
    first = submitted(world, "First")
    result = services.assign_track(world.tracks[0], world.reviewer_inside, world.organiser)
    assert result.assigned == 0 and result.skipped_own == ["First"]
    result = services.assign_track(world.tracks[0], world.reviewer_a, world.organiser)
    assert result.assigned == 1
    later = submitted(world, "Later")
    assert is_assigned_reviewer(world.reviewer_a, later)
    assert not is_assigned_reviewer(world.reviewer_inside, later)
    assert later.status is S.UNDER_REVIEW
    assert is_assigned_reviewer(world.reviewer_a, first)
    other_track = submitted(world, "Ecology one", track=1)
    assert not is_assigned_reviewer(world.reviewer_a, other_track)
    services.unassign_track(world.tracks[0], world.reviewer_a)
    assert db.session.scalar(sa.select(sa.func.count(TrackReviewer.id))) == 1
    assert is_assigned_reviewer(world.reviewer_a, later)


# Reviews ----------------------------------------------------------------------------------


def scores(world, relevance, maturity) -> dict:
    return {world.criteria[0].id: relevance, world.criteria[1].id: maturity}


def test_the_score_is_the_weighted_mean_of_the_criteria(world):
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    review = services.save_review(
        showcase, world.reviewer_a, values=scores(world, 5, 2), comment="Clear <b>plan</b>"
    )
    assert review.score == 4.0  # (2*5 + 1*2) / 3
    assert review.comment == "Clear <b>plan</b>"
    review = services.save_review(
        showcase, world.reviewer_a, values=scores(world, 3, 3), comment=""
    )
    assert review.score == 3.0
    assert sorted(s.value for s in review.scores) == [3, 3]
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 1


@pytest.mark.parametrize("bad", [0, 6, None, "x"])
def test_each_criterion_is_scored_from_1_to_5(world, bad):
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    with pytest.raises(FormErrors) as refused:
        services.save_review(showcase, world.reviewer_a, values=scores(world, 5, bad), comment="")
    assert list(refused.value.errors) == [f"criterion-{world.criteria[1].id}"]


def test_a_reviewer_cannot_score_what_is_not_assigned_to_them(world):
    showcase = submitted(world)
    with pytest.raises(NotAllowed):
        services.save_review(showcase, world.reviewer_b, values=scores(world, 5, 5), comment="")
    assert db.session.scalar(sa.select(sa.func.count(Review.id))) == 0


def test_others_scores_are_hidden_until_one_has_scored(world):
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    services.assign(showcase, world.reviewer_b, world.organiser)
    services.save_review(showcase, world.reviewer_a, values=scores(world, 5, 5), comment="Great")
    assert queries.others_reviews(showcase, world.reviewer_b) is None
    services.save_review(showcase, world.reviewer_b, values=scores(world, 2, 2), comment="Weak")
    (other,) = queries.others_reviews(showcase, world.reviewer_b)
    assert other.reviewer is world.reviewer_a and other.comment == "Great"


def test_an_edition_without_criteria_takes_one_overall_score(world):
    for criterion in list(world.edition.review_criteria):
        db.session.delete(criterion)
    db.session.flush()
    db.session.expire(world.edition)
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    with pytest.raises(FormErrors):
        services.save_review(showcase, world.reviewer_a, values={}, comment="", overall="9")
    review = services.save_review(showcase, world.reviewer_a, values={}, comment="", overall="4")
    assert review.score == 4.0


def test_decided_showcases_are_no_longer_reviewed(world):
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    services.decide(showcase, S.REJECTED, world.organiser)
    with pytest.raises(Conflict):
        services.save_review(showcase, world.reviewer_a, values=scores(world, 5, 5), comment="")


# Ranking and decisions --------------------------------------------------------------------


def test_ranked_tables_give_mean_spread_and_count_per_track(world):
    good, weak, unreviewed = (submitted(world, t) for t in ("Good", "Weak", "Unreviewed"))
    eco = submitted(world, "Eco", track=1)
    draft(world, "Draft stays out")
    for showcase in (good, weak):
        services.assign(showcase, world.reviewer_a, world.organiser)
        services.assign(showcase, world.reviewer_b, world.organiser)
    services.save_review(good, world.reviewer_a, values=scores(world, 5, 5), comment="")
    services.save_review(good, world.reviewer_b, values=scores(world, 4, 1), comment="")
    services.save_review(weak, world.reviewer_a, values=scores(world, 2, 2), comment="")
    tables = queries.ranked_tables(world.edition)
    assert [t.track for t in tables] == world.tracks
    rows = tables[0].rows
    assert [r.showcase for r in rows] == [good, weak, unreviewed]
    assert rows[0].mean == 4.0 and rows[0].spread == 1.0 and rows[0].reviews == 2
    assert rows[1].mean == 2.0 and rows[1].spread is None and rows[1].assigned == 2
    assert rows[2].mean is None and rows[2].reviews == 0
    assert [r.showcase for r in tables[1].rows] == [eco]


def test_a_decision_is_recorded_and_its_mail_drafted_in_the_recipients_language(world):
    world.founder.locale = "fr"
    showcase = submitted(world)
    outcome = services.decide(showcase, S.ACCEPTED, world.organiser, "Strong jury")
    assert outcome.changed and showcase.status is S.ACCEPTED
    last = showcase.transitions[-1]
    assert (last.from_status, last.to_status, last.actor, last.note) == (
        S.SUBMITTED,
        S.ACCEPTED,
        world.organiser,
        "Strong jury",
    )
    (mail,) = mails("showcases.decision")
    assert mail.status is OutboxStatus.DRAFT
    assert mail.kind == "showcases.decision.accepted"
    assert mail.edition_id == world.edition.id
    assert mail.recipient == world.founder.email and mail.locale == "fr"
    assert "retenu" in mail.subject and "retenu" in mail.body_text
    assert "Strong jury" not in mail.body_text


def test_changing_a_decision_before_release_replaces_its_draft(world):
    showcase = submitted(world)
    services.decide(showcase, S.ACCEPTED, world.organiser)
    services.decide(showcase, S.WAITLISTED, world.organiser)
    assert not services.decide(showcase, S.WAITLISTED, world.organiser).changed
    (mail,) = mails("showcases.decision")
    assert mail.kind == "showcases.decision.waitlisted" and mail.status is OutboxStatus.DRAFT
    assert len(showcase.transitions) == 4


def test_a_released_decision_is_never_mailed_twice(world):
    showcase = submitted(world)
    services.decide(showcase, S.ACCEPTED, world.organiser)
    (mail,) = queries.waiting_mails(world.edition)
    assert services.release_mails(world.edition, [mail.id], world.organiser) == 1
    assert services.release_mails(world.edition, [mail.id], world.organiser) == 0
    assert mail.status is OutboxStatus.PENDING
    assert mail.released_by_id == world.organiser.id and mail.released_at is not None
    services.decide(showcase, S.WAITLISTED, world.organiser)
    outcome = services.decide(showcase, S.ACCEPTED, world.organiser)
    assert outcome.already_told and outcome.mail is None
    kinds = [(m.kind, m.status) for m in mails("showcases.decision")]
    assert kinds == [("showcases.decision.accepted", OutboxStatus.PENDING)]


def test_release_only_touches_the_editions_decision_drafts(world):
    showcase = submitted(world)
    services.decide(showcase, S.REJECTED, world.organiser)
    ack = mails("showcases.received")[0]
    (mail,) = queries.waiting_mails(world.edition)
    assert services.release_mails(world.other_edition, [mail.id], world.organiser) == 0
    assert services.release_mails(world.edition, [ack.id], world.organiser) == 0
    assert mail.status is OutboxStatus.DRAFT


def test_one_mail_per_decision_goes_to_the_submitter_only(world):
    showcase = submitted(world, by=world.cofounder)
    services.decide(showcase, S.ACCEPTED, world.organiser)
    (mail,) = mails("showcases.decision")
    assert mail.recipient == world.cofounder.email


def test_bulk_decisions_refuse_what_cannot_be_decided_and_keep_the_rest(world):
    a, b = submitted(world, "A"), submitted(world, "B")
    gone = submitted(world, "Gone")
    services.withdraw(gone, world.founder)
    lone = draft(world, "Lone draft")
    foreign = services.create_draft(
        world.rival, world.other_edition, {"title": "Elsewhere", "kind": "project"}
    ).showcase
    result = services.decide_many(
        world.edition, [a.id, b.id, gone.id, lone.id, foreign.id], S.ACCEPTED, world.organiser
    )
    assert result.changed == 2 and len(result.refused) == 3
    assert (a.status, b.status, gone.status, lone.status) == (
        S.ACCEPTED,
        S.ACCEPTED,
        S.WITHDRAWN,
        S.DRAFT,
    )
    assert len(queries.waiting_mails(world.edition)) == 2


def test_a_decision_on_a_draft_or_withdrawn_showcase_is_refused(world):
    with pytest.raises(Conflict):
        services.decide(draft(world), S.ACCEPTED, world.organiser)
    with pytest.raises(InvalidInput):
        services.decide(submitted(world, "X"), S.WITHDRAWN, world.organiser)


# Places -----------------------------------------------------------------------------------


def test_stand_numbers_are_unique_in_an_edition_and_only_for_accepted(world):
    a, b = submitted(world, "A"), submitted(world, "B")
    with pytest.raises(Conflict):
        services.set_stand(a, "A01")
    services.decide(a, S.ACCEPTED, world.organiser)
    services.decide(b, S.ACCEPTED, world.organiser)
    services.set_stand(a, " A01 ")
    assert a.stand_number == "A01"
    with pytest.raises(FormErrors, match="already"):
        services.set_stand(b, "A01")
    assert b.stand_number is None
    services.set_stand(a, "")
    assert a.stand_number is None


def test_an_accepted_showcase_is_linked_to_showcase_sessions_only(world):
    showcase = submitted(world)
    with pytest.raises(Conflict):
        services.link_session(showcase, world.slot.id)
    services.decide(showcase, S.ACCEPTED, world.organiser)
    with pytest.raises(FormErrors):
        services.link_session(showcase, world.talk.id)
    services.link_session(showcase, world.slot.id)
    services.link_session(showcase, world.slot.id)
    assert queries.presented_in(showcase) == [world.slot]
    services.decide(showcase, S.WAITLISTED, world.organiser)
    assert queries.presented_in(showcase) == []


# Visibility -------------------------------------------------------------------------------


def test_who_sees_a_showcase_that_is_not_accepted(world):
    showcase = submitted(world)
    services.assign(showcase, world.reviewer_a, world.organiser)
    assert queries.can_see(world.cofounder, showcase)
    assert queries.can_see(world.organiser, showcase)
    assert queries.can_see(world.reviewer_a, showcase)
    for outsider in (world.reviewer_b, world.rival, world.attendee, None):
        assert not queries.can_see(outsider, showcase)
    mail = services.decide(showcase, S.ACCEPTED, world.organiser).mail
    assert not queries.can_see(None, showcase)  # not before the decision is announced
    services.release_mails(world.edition, [mail.id], world.organiser)
    assert queries.can_see(None, showcase)
    world.edition.status = EditionStatus.DRAFT
    assert not queries.can_see(None, showcase)


def test_the_showcase_kinds_have_labels():
    assert set(queries.KIND_LABELS) == set(ShowcaseKind)
    assert set(queries.STATUS_LABELS) == set(ShowcaseStatus)


def test_an_edition_without_axes_takes_submissions_without_one(world):
    for track in list(world.edition.tracks):
        db.session.delete(track)
    db.session.flush()
    db.session.expire(world.edition)
    showcase = draft(world)
    assert not services.submit(showcase, world.founder, version=showcase.version_id).already
    assert showcase.status is S.SUBMITTED and showcase.track is None


def test_withdrawn_showcases_rank_last_whatever_their_scores(world):
    kept, gone = submitted(world, "Kept"), submitted(world, "Gone")
    for showcase, value in ((kept, 2), (gone, 5)):
        services.assign(showcase, world.reviewer_a, world.organiser)
        services.save_review(
            showcase, world.reviewer_a, values=scores(world, value, value), comment=""
        )
    services.withdraw(gone, world.founder)
    (table,) = queries.ranked_tables(world.edition)
    assert [row.showcase for row in table.rows] == [kept, gone]
