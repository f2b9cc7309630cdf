"""Reviewing: assigning showcases to reviewers (one by one or by track) and their scores."""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload

from app.errors import Conflict, FieldErrors, InvalidInput, NotAllowed
from app.extensions import db
from app.models import (
    EditionRoleKind,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    Showcase,
    Track,
    User,
    utcnow,
)
from app.models.showcases import TrackReviewer
from app.permissions import has_edition_role, is_assigned_reviewer
from app.showcases.queries.reviewing import review_of
from app.showcases.queries.rules import (
    COMMENT_MAX,
    IN_PLAY,
    S,
    clean_text,
    conflict_of_interest,
    review_problem,
)
from app.showcases.services.transitions import record_transition


def assign(showcase: Showcase, reviewer: User, by: User | None) -> bool:
    """Assign ``reviewer`` to ``showcase``; return False if they already were.

    :raises InvalidInput: if the reviewer belongs to the showcase's organisation, is not a
        reviewer of the edition, or the showcase is a draft or withdrawn.
    """
    if conflict_of_interest(reviewer, showcase):
        raise InvalidInput(
            _(
                "%(name)s belongs to %(organisation)s, which submitted this showcase: "
                "a reviewer never reviews their own organisation.",
                name=reviewer.display_name,
                organisation=showcase.organisation.name,
            )
        )
    if not has_edition_role(reviewer, showcase.edition, EditionRoleKind.REVIEWER):
        raise InvalidInput(
            _("%(name)s is not a reviewer of this edition.", name=reviewer.display_name)
        )
    if showcase.status in (S.DRAFT, S.WITHDRAWN):
        raise InvalidInput(_("Only submitted showcases are reviewed."))
    if is_assigned_reviewer(reviewer, showcase):
        return False
    db.session.add(
        ReviewAssignment(showcase=showcase, reviewer=reviewer, assigned_by_id=by.id if by else None)
    )
    if showcase.status is S.SUBMITTED:
        record_transition(showcase, S.UNDER_REVIEW, by, _("Sent to the reviewers."))
    db.session.flush()
    return True


def unassign(showcase: Showcase, reviewer: User) -> None:
    """Take a showcase back from a reviewer who has not reviewed it yet."""
    if review_of(showcase, reviewer) is not None:
        raise Conflict(
            _("%(name)s has already reviewed this showcase.", name=reviewer.display_name)
        )
    db.session.execute(
        delete(ReviewAssignment).where(
            ReviewAssignment.showcase_id == showcase.id,
            ReviewAssignment.reviewer_id == reviewer.id,
        )
    )
    db.session.flush()


@dataclass
class TrackAssignment:
    assigned: int = 0
    skipped_own: list[str] = field(default_factory=list)


def assign_track(track: Track, reviewer: User, by: User | None) -> TrackAssignment:
    """Make ``reviewer`` a reviewer of every showcase of ``track``, now and later.

    Showcases of the reviewer's own organisation are left out and listed.
    """
    if not has_edition_role(reviewer, track.edition, EditionRoleKind.REVIEWER):
        raise InvalidInput(
            _("%(name)s is not a reviewer of this edition.", name=reviewer.display_name)
        )
    exists = db.session.scalar(
        select(TrackReviewer.id).where(
            TrackReviewer.track_id == track.id, TrackReviewer.reviewer_id == reviewer.id
        )
    )
    if exists is None:
        db.session.add(
            TrackReviewer(track=track, reviewer=reviewer, assigned_by_id=by.id if by else None)
        )
    result = TrackAssignment()
    showcases = db.session.scalars(
        select(Showcase)
        .where(Showcase.track_id == track.id, Showcase.status.in_(IN_PLAY))
        .options(joinedload(Showcase.organisation))
        .order_by(Showcase.id)
    )
    for showcase in showcases:
        if conflict_of_interest(reviewer, showcase):
            result.skipped_own.append(showcase.title)
            continue
        if assign(showcase, reviewer, by):
            result.assigned += 1
    db.session.flush()
    return result


def unassign_track(track: Track, reviewer: User) -> None:
    """Stop assigning the track's new showcases to ``reviewer`` (assignments made stay)."""
    db.session.execute(
        delete(TrackReviewer).where(
            TrackReviewer.track_id == track.id, TrackReviewer.reviewer_id == reviewer.id
        )
    )
    db.session.flush()


def assign_track_reviewers(showcase: Showcase) -> None:
    """Give a newly submitted (or moved) showcase to its track's reviewers."""
    if showcase.track_id is None:
        return
    reviewers = db.session.scalars(
        select(User)
        .join(TrackReviewer, TrackReviewer.reviewer_id == User.id)
        .where(TrackReviewer.track_id == showcase.track_id)
    )
    for reviewer in reviewers:
        if conflict_of_interest(reviewer, showcase) or is_assigned_reviewer(reviewer, showcase):
            continue
        if not has_edition_role(reviewer, showcase.edition, EditionRoleKind.REVIEWER):
            continue
        db.session.add(ReviewAssignment(showcase=showcase, reviewer=reviewer))
        if showcase.status is S.SUBMITTED:
            record_transition(
                showcase, S.UNDER_REVIEW, None, _("Sent to the reviewers of the axis.")
            )
    db.session.flush()


def _check_may_review(showcase: Showcase, reviewer: User) -> None:
    if not is_assigned_reviewer(reviewer, showcase):
        raise NotAllowed(_("This showcase is not assigned to you."))
    if conflict_of_interest(reviewer, showcase):
        raise NotAllowed(_("You cannot review a showcase of your own organisation."))


def weighted_mean(criteria: list[ReviewCriterion], values: dict[int, int]) -> float:
    total = sum(criterion.weight for criterion in criteria)
    return round(sum(c.weight * values[c.id] for c in criteria) / total, 2)


def _score_of(raw) -> int | None:
    """A score from 1 to 5, or None for anything else."""
    try:
        value = int(raw)
    except (TypeError, ValueError):
        return None
    return value if 1 <= value <= 5 else None


def _criteria_scores(
    criteria: list[ReviewCriterion], values: dict, errors: FieldErrors
) -> dict[int, int]:
    """The score of each criterion read from ``values``; a missing or wrong one goes to
    ``errors``."""
    scores: dict[int, int] = {}
    for criterion in criteria:
        value = _score_of(values.get(criterion.id, values.get(str(criterion.id))))
        if value is None:
            errors.add(
                f"criterion-{criterion.id}",
                _("Score “%(name)s” from 1 to 5.", name=criterion.name),
            )
        else:
            scores[criterion.id] = value
    return scores


def _replace_scores(review: Review, scores: dict[int, int]) -> None:
    """Make the review's criterion scores exactly ``scores``."""
    by_criterion = {item.criterion_id: item for item in review.scores}
    for criterion_id, value in scores.items():
        if criterion_id in by_criterion:
            by_criterion[criterion_id].value = value
        else:
            review.scores.append(ReviewScore(criterion_id=criterion_id, value=value))
    for criterion_id, item in by_criterion.items():
        if criterion_id not in scores:
            review.scores.remove(item)


def save_review(
    showcase: Showcase, reviewer: User, *, values: dict, comment: str, overall=None
) -> Review:
    """Record a reviewer's scores (1 to 5 on each criterion of the edition) and comment.

    With no criteria on the edition, ``overall`` is the score. The stored score is the
    weighted mean of the criteria. Saving again replaces the earlier scores.

    :raises NotAllowed: if the showcase is not assigned to the reviewer.
    :raises FormErrors: if a criterion is not scored from 1 to 5.
    """
    _check_may_review(showcase, reviewer)
    problem = review_problem(showcase)
    if problem:
        raise Conflict(problem)
    criteria = list(showcase.edition.review_criteria)
    errors = FieldErrors()
    scores: dict[int, int] = {}
    if criteria:
        scores = _criteria_scores(criteria, values, errors)
        score = None
    else:
        score = _score_of(overall)
        if score is None:
            errors.add("overall", _("Give a score from 1 to 5."))
    comment = clean_text(comment)
    if len(comment) > COMMENT_MAX:
        errors.add("comment", _("Keep the comment under %(max)d characters.", max=COMMENT_MAX))
    errors.raise_any()
    if criteria:
        score = weighted_mean(criteria, scores)
    review = review_of(showcase, reviewer)
    if review is None:
        review = Review(showcase=showcase, reviewer=reviewer)
        db.session.add(review)
    review.score = float(score)
    review.comment = comment
    review.submitted_at = utcnow()
    _replace_scores(review, scores)
    db.session.flush()
    return review
