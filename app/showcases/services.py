"""Showcases: the call, drafts and submission, withdrawal, review, decision and placement.

Every function checks all of its input before it changes anything, flushes and leaves
the commit to its caller; a refusal raises a ``DomainError`` (``FormErrors`` for input
refused field by field), and the caller rolls back. Rules that concern who may do
something (a delegate editing, a reviewer scoring) are checked here too, so that no
page can force them.
"""

import enum
import logging
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.errors import Conflict, FieldErrors, FormErrors, InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    Organisation,
    OrganisationKind,
    OutboxMessage,
    OutboxStatus,
    Review,
    ReviewAssignment,
    ReviewCriterion,
    ReviewScore,
    Room,
    SessionKind,
    SessionShowcase,
    Showcase,
    ShowcaseKind,
    ShowcaseMaterial,
    ShowcaseStatus,
    ShowcaseTransition,
    Track,
    User,
    utcnow,
)
from app.models.showcases import TrackReviewer
from app.notifications.services import drafts_released, release
from app.permissions import (
    can_organise,
    has_edition_role,
    is_admin,
    is_assigned_reviewer,
    is_delegate_of,
)
from app.showcases import uploads

logger = logging.getLogger(__name__)

S = ShowcaseStatus
TITLE_MAX = 200
SUMMARY_MAX = 5000
NOTE_MAX = 2000
COMMENT_MAX = 10_000
STAND_MAX = 20
MATERIALS_AREA = "showcases"

DECISIONS = (S.ACCEPTED, S.WAITLISTED, S.REJECTED)
DECIDABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.REJECTED)
WITHDRAWABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED)
REVIEWABLE = (S.SUBMITTED, S.UNDER_REVIEW, S.WAITLISTED)
IN_PLAY = (S.SUBMITTED, S.UNDER_REVIEW, S.ACCEPTED, S.WAITLISTED, S.REJECTED)
DECISION_MAIL_PREFIX = "showcases.decision."

STATUS_LABELS = {
    S.DRAFT: _l("Draft"),
    S.SUBMITTED: _l("Submitted"),
    S.UNDER_REVIEW: _l("Under review"),
    S.ACCEPTED: _l("Accepted"),
    S.WAITLISTED: _l("Waitlisted"),
    S.REJECTED: _l("Not retained"),
    S.WITHDRAWN: _l("Withdrawn"),
}
KIND_LABELS = {
    ShowcaseKind.PROJECT: _l("Project"),
    ShowcaseKind.SYSTEM: _l("System"),
    ShowcaseKind.POLICY: _l("Policy"),
    ShowcaseKind.PROGRAMME: _l("Programme"),
}
ORGANISATION_KIND_LABELS = {
    OrganisationKind.PUBLIC_INSTITUTION: _l("Public institution"),
    OrganisationKind.MINISTRY: _l("Ministry"),
    OrganisationKind.CITY: _l("City or local government"),
    OrganisationKind.COMPANY: _l("Company"),
    OrganisationKind.STARTUP: _l("Startup"),
    OrganisationKind.INNOVATOR: _l("Innovator"),
    OrganisationKind.RESEARCH_LAB: _l("Research lab"),
    OrganisationKind.UNIVERSITY: _l("University"),
    OrganisationKind.ASSOCIATION: _l("Association"),
    OrganisationKind.CLUSTER: _l("Cluster"),
}


class StaleShowcase(Conflict):
    """Someone else changed the showcase since the form was opened."""


def clean_text(value: str | None) -> str:
    """Strip blanks and NUL characters; keep line breaks, as ``\\n`` only."""
    if value is None:
        return ""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


def _log(showcase: Showcase, to_status: ShowcaseStatus, actor: User | None, note: str = ""):
    """Move ``showcase`` to ``to_status`` and record the transition."""
    transition = ShowcaseTransition(
        from_status=showcase.status, to_status=to_status, actor=actor, note=note[:NOTE_MAX]
    )
    showcase.transitions.append(transition)
    showcase.status = to_status
    return transition


# The call ---------------------------------------------------------------------------------


class CallState(enum.Enum):
    NOT_SET = "not_set"
    UPCOMING = "upcoming"
    OPEN = "open"
    CLOSED = "closed"


def call_state(edition: Edition, now: datetime | None = None) -> CallState:
    """Where the edition's call for showcases stands at ``now`` (its window is on its clock)."""
    if edition.call_opens_at is None or edition.call_closes_at is None:
        return CallState.NOT_SET
    now = now or utcnow()
    if now < edition.call_opens_at:
        return CallState.UPCOMING
    if now >= edition.call_closes_at:
        return CallState.CLOSED
    return CallState.OPEN


def call_is_open(edition: Edition, now: datetime | None = None) -> bool:
    """Submissions are taken while the window is open and the edition is published."""
    return edition.status is EditionStatus.PUBLISHED and call_state(edition, now) is CallState.OPEN


def _call_closed_message(edition: Edition) -> str:
    state = call_state(edition)
    if edition.status is not EditionStatus.PUBLISHED:
        return _("The call for showcases of this edition is not open.")
    if state is CallState.UPCOMING:
        return _("The call for showcases has not opened yet.")
    if state is CallState.CLOSED:
        return _("The call for showcases is closed: showcases can no longer be changed.")
    return _("This edition has no call for showcases.")


def open_calls(now: datetime | None = None) -> list[Edition]:
    """Published editions whose call is open, soonest closing first."""
    now = now or utcnow()
    return list(
        db.session.scalars(
            select(Edition)
            .where(
                Edition.status == EditionStatus.PUBLISHED,
                Edition.call_opens_at <= now,
                Edition.call_closes_at > now,
            )
            .order_by(Edition.call_closes_at)
        )
    )


# Who may see and do what ------------------------------------------------------------------


def is_public(showcase: Showcase) -> bool:
    """In the catalogue: accepted, the acceptance announced, and the edition public."""
    return (
        showcase.status is S.ACCEPTED
        and showcase.decision_released_at is not None
        and showcase.edition.is_public
    )


def can_see(user: User | None, showcase: Showcase) -> bool:
    """Accepted showcases of public editions are public; others are seen by the showcase's
    delegates, the edition's organisers and the reviewers assigned to it."""
    return (
        is_public(showcase)
        or is_admin(user)
        or is_delegate_of(user, showcase.organisation_id)
        or can_organise(user, showcase.edition)
        or is_assigned_reviewer(user, showcase)
    )


def can_see_history(user: User | None, showcase: Showcase) -> bool:
    return (
        is_admin(user)
        or is_delegate_of(user, showcase.organisation_id)
        or can_organise(user, showcase.edition)
    )


def edit_problem(showcase: Showcase, now: datetime | None = None) -> str | None:
    """Why the delegates cannot change ``showcase`` now, or None if they can."""
    if showcase.status is S.WITHDRAWN:
        return _("This showcase was withdrawn: it can no longer be changed.")
    if showcase.status in DECISIONS:
        return _("A decision was taken on this showcase: it can no longer be changed.")
    if not call_is_open(showcase.edition, now):
        return _call_closed_message(showcase.edition)
    return None


def _check_editable(showcase: Showcase) -> None:
    problem = edit_problem(showcase)
    if problem:
        raise Conflict(problem)


def _check_delegate(user: User, showcase: Showcase) -> None:
    if not (is_delegate_of(user, showcase.organisation_id) or is_admin(user)):
        raise NotAllowed(_("Only the delegates of the showcase's organisation may change it."))


def withdraw_problem(showcase: Showcase) -> str | None:
    if showcase.status not in WITHDRAWABLE:
        return _("Only a submitted showcase can be withdrawn.")
    if showcase.edition.programme_published_at is not None:
        return _(
            "The programme of this edition is published: write to the organisers to "
            "withdraw the showcase."
        )
    return None


# Drafts and submission --------------------------------------------------------------------


def edition_track(edition: Edition, track_id) -> Track | None:
    """The track ``track_id`` if it belongs to ``edition``; None for no track.

    :raises FormErrors: for an unknown track or one of another edition.
    """
    if track_id in (None, "", 0):
        return None
    try:
        track_id = int(track_id)
    except (TypeError, ValueError):
        track_id = -1
    track = db.session.get(Track, track_id)
    if track is None or track.edition_id != edition.id:
        raise FormErrors({"track_id": [_("Choose one of this edition's axes.")]})
    return track


def _validated(edition: Edition, data: dict) -> dict:
    errors = FieldErrors()
    title = clean_text(data.get("title"))
    summary = clean_text(data.get("summary"))
    if not title:
        errors.add("title", _("Give the showcase a title."))
    elif len(title) > TITLE_MAX:
        errors.add("title", _("Keep the title under %(max)d characters.", max=TITLE_MAX))
    elif "\n" in title:
        errors.add("title", _("The title fits on one line."))
    if len(summary) > SUMMARY_MAX:
        errors.add("summary", _("Keep the summary under %(max)d characters.", max=SUMMARY_MAX))
    kind = data.get("kind")
    try:
        kind = ShowcaseKind(kind.value if isinstance(kind, ShowcaseKind) else kind)
    except ValueError:
        errors.add(
            "kind", _("Choose what the showcase is: a project, system, policy or programme.")
        )
    track = None
    try:
        track = edition_track(edition, data.get("track_id"))
    except FormErrors as error:
        for name, messages in error.errors.items():
            for message in messages:
                errors.add(name, message)
    errors.raise_any()
    return {"title": title, "summary": summary, "kind": kind, "track": track}


def _same_title(edition: Edition, organisation_id: int, title: str) -> Showcase | None:
    return db.session.scalar(
        select(Showcase).where(
            Showcase.edition_id == edition.id,
            Showcase.organisation_id == organisation_id,
            func.lower(Showcase.title) == title.lower(),
            Showcase.status != S.WITHDRAWN,
        )
    )


def _lock_organisation(organisation_id: int) -> None:
    """Serialise the creations of one organisation (PostgreSQL; SQLite serialises writes)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
        )


@dataclass
class Created:
    showcase: Showcase
    created: bool


def create_draft(user: User, edition: Edition, data: dict) -> Created:
    """Create a draft for the user's organisation while the call is open.

    A second creation with the same title (a double-click, a reloaded page) returns
    the first showcase instead of making another one.

    :raises NotAllowed: if the user represents no organisation.
    :raises Conflict: if the call is not open.
    :raises FormErrors: for a missing title, an unknown track...
    """
    if user.organisation_id is None:
        raise NotAllowed(_("Create your organisation's profile before submitting a showcase."))
    if not call_is_open(edition):
        raise Conflict(_call_closed_message(edition))
    values = _validated(edition, data)
    _lock_organisation(user.organisation_id)
    existing = _same_title(edition, user.organisation_id, values["title"])
    if existing is not None:
        return Created(existing, False)
    showcase = Showcase(
        edition=edition,
        organisation_id=user.organisation_id,
        title=values["title"],
        summary=values["summary"],
        kind=values["kind"],
        track=values["track"],
        status=S.DRAFT,
    )
    showcase.transitions.append(
        ShowcaseTransition(from_status=None, to_status=S.DRAFT, actor=user, note="")
    )
    db.session.add(showcase)
    db.session.flush()
    return Created(showcase, True)


def update_showcase(showcase: Showcase, user: User, data: dict, *, version) -> Showcase:
    """Change a showcase's title, summary, kind and track while the call is open.

    :raises StaleShowcase: if ``version`` is not the showcase's current version.
    """
    _check_delegate(user, showcase)
    _check_editable(showcase)
    _check_version(showcase, version)
    values = _validated(showcase.edition, data)
    other = _same_title(showcase.edition, showcase.organisation_id, values["title"])
    if other is not None and other.id != showcase.id:
        raise FormErrors(
            {"title": [_("Your organisation already has a showcase with this title here.")]}
        )
    old_track_id = showcase.track_id
    showcase.title = values["title"]
    showcase.summary = values["summary"]
    showcase.kind = values["kind"]
    showcase.track = values["track"]
    db.session.flush()
    if showcase.status is not S.DRAFT and showcase.track_id != old_track_id:
        _assign_track_reviewers(showcase)
    return showcase


def _check_version(showcase: Showcase, version) -> None:
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    if version != showcase.version_id:
        raise StaleShowcase(
            _(
                "This showcase was changed by someone else since you opened the page. "
                "Nothing was saved: check it below and try again."
            )
        )


@dataclass
class Submitted:
    showcase: Showcase
    already: bool


def submit(showcase: Showcase, user: User, *, version, track_id=None) -> Submitted:
    """Submit a draft to one of its edition's tracks and acknowledge it by email.

    Submitting again what is already submitted changes nothing (a double-click).

    :raises Conflict: if the call is closed or the showcase was withdrawn or decided.
    :raises StaleShowcase: if the draft changed since the page was opened.
    :raises FormErrors: if the track is unknown or the draft is incomplete.
    """
    _check_delegate(user, showcase)
    if showcase.status in (S.SUBMITTED, S.UNDER_REVIEW):
        return Submitted(showcase, True)
    if showcase.status is not S.DRAFT:
        raise Conflict(_("Only a draft can be submitted."))
    if not call_is_open(showcase.edition):
        raise Conflict(_call_closed_message(showcase.edition))
    _check_version(showcase, version)
    errors = FieldErrors()
    track = showcase.track
    if track_id not in (None, ""):
        try:
            track = edition_track(showcase.edition, track_id)
        except FormErrors as error:
            errors.update(error.errors)
    if track is None and "track_id" not in errors and showcase.edition.tracks:
        errors.add("track_id", _("Choose the axis you submit the showcase to."))
    if not showcase.summary.strip():
        errors.add("summary", _("Write a summary before submitting."))
    errors.raise_any()
    from app.showcases import emails

    showcase.track = track
    showcase.submitted_at = utcnow()
    showcase.submitted_by = user
    _log(showcase, S.SUBMITTED, user)
    db.session.flush()
    emails.notify_received(showcase, user)
    _assign_track_reviewers(showcase)
    return Submitted(showcase, False)


def withdraw(showcase: Showcase, user: User, note: str = "") -> bool:
    """Withdraw a submitted showcase until the programme is published.

    Its stand and its slots are freed, and a decision mail not yet released is dropped.
    Returns False when it was already withdrawn.
    """
    _check_delegate(user, showcase)
    if showcase.status is S.WITHDRAWN:
        return False
    problem = withdraw_problem(showcase)
    if problem:
        raise Conflict(problem)
    _free_place(showcase)
    _drop_draft_decision_mails(showcase)
    _log(showcase, S.WITHDRAWN, user, clean_text(note))
    db.session.flush()
    return True


def delete_draft(showcase: Showcase, user: User) -> list[str]:
    """Delete a draft that was never submitted; return the storage keys of its files."""
    _check_delegate(user, showcase)
    if showcase.status is not S.DRAFT:
        raise Conflict(_("Only a draft that was never submitted can be deleted."))
    keys = [material.storage_key for material in showcase.materials]
    db.session.delete(showcase)
    db.session.flush()
    return keys


def organisation_showcases(organisation_id: int) -> list[Showcase]:
    return list(
        db.session.scalars(
            select(Showcase)
            .where(Showcase.organisation_id == organisation_id)
            .options(
                joinedload(Showcase.edition),
                joinedload(Showcase.track),
                selectinload(Showcase.transitions).joinedload(ShowcaseTransition.actor),
            )
            .order_by(Showcase.created_at.desc(), Showcase.id.desc())
        )
    )


# Materials --------------------------------------------------------------------------------


def add_materials(showcase: Showcase, user: User, files: list) -> list[ShowcaseMaterial]:
    """Check and store uploaded files, all or none.

    :param files: ``(stream, filename)`` pairs.
    :raises UploadRefused: if one file is refused (none is kept).
    :raises Conflict: if the showcase cannot be changed or too many files would be kept.
    """
    _check_delegate(user, showcase)
    _check_editable(showcase)
    files = [(stream, name) for stream, name in files if name]
    if not files:
        raise uploads.UploadRefused(_("Choose a file to upload."), field="file")
    limit = uploads.max_materials()
    if len(showcase.materials) + len(files) > limit:
        raise uploads.UploadRefused(
            _(
                "A showcase keeps at most %(max)d files; it has %(count)d. "
                "Delete one before adding another.",
                max=limit,
                count=len(showcase.materials),
            ),
            field="file",
        )
    stored = []
    try:
        for stream, name in files:
            stored.append(
                uploads.store(
                    stream,
                    name,
                    area=MATERIALS_AREA,
                    types=uploads.MATERIAL_TYPES,
                    limit=uploads.max_material_bytes(),
                )
            )
        materials = [
            ShowcaseMaterial(
                filename=item.filename,
                content_type=item.content_type,
                size=item.size,
                sha256=item.sha256,
                storage_key=item.storage_key,
                uploaded_by_id=user.id,
            )
            for item in stored
        ]
        showcase.materials.extend(materials)
        db.session.flush()
    except Exception:
        for item in stored:
            uploads.discard(MATERIALS_AREA, item.storage_key)
        raise
    return materials


def delete_material(material: ShowcaseMaterial, user: User) -> str:
    """Delete a material; return its storage key, to remove the file after the commit."""
    showcase = material.showcase
    _check_delegate(user, showcase)
    _check_editable(showcase)
    key = material.storage_key
    showcase.materials.remove(material)
    db.session.flush()
    return key


# Reviewers --------------------------------------------------------------------------------


def edition_reviewers(edition: Edition) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(EditionRole, EditionRole.user_id == User.id)
            .where(
                EditionRole.edition_id == edition.id,
                EditionRole.role == EditionRoleKind.REVIEWER,
            )
            .options(joinedload(User.organisation))
            .order_by(User.display_name, User.id)
        )
    )


def conflict_of_interest(reviewer: User, showcase: Showcase) -> bool:
    return reviewer.organisation_id is not None and (
        reviewer.organisation_id == showcase.organisation_id
    )


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
        _log(showcase, S.UNDER_REVIEW, by, _("Sent to the reviewers."))
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


def track_reviewers(edition: Edition) -> dict[int, list[User]]:
    rows = db.session.execute(
        select(TrackReviewer.track_id, User)
        .join(User, User.id == TrackReviewer.reviewer_id)
        .join(Track, Track.id == TrackReviewer.track_id)
        .where(Track.edition_id == edition.id)
        .order_by(User.display_name)
    )
    found: dict[int, list[User]] = defaultdict(list)
    for track_id, user in rows:
        found[track_id].append(user)
    return found


def reviewer_load(edition: Edition) -> dict[int, tuple[int, int]]:
    """For each reviewer of ``edition``: (showcases assigned, reviews written)."""
    assigned = db.session.execute(
        select(ReviewAssignment.reviewer_id, func.count(ReviewAssignment.id))
        .join(Showcase, Showcase.id == ReviewAssignment.showcase_id)
        .where(Showcase.edition_id == edition.id)
        .group_by(ReviewAssignment.reviewer_id)
    ).all()
    written = dict(
        db.session.execute(
            select(Review.reviewer_id, func.count(Review.id))
            .join(Showcase, Showcase.id == Review.showcase_id)
            .where(Showcase.edition_id == edition.id, Review.submitted_at.is_not(None))
            .group_by(Review.reviewer_id)
        ).all()
    )
    return {user_id: (count, written.get(user_id, 0)) for user_id, count in assigned}


def _assign_track_reviewers(showcase: Showcase) -> None:
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
            _log(showcase, S.UNDER_REVIEW, None, _("Sent to the reviewers of the axis."))
    db.session.flush()


def assigned_reviewers(showcase: Showcase) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(ReviewAssignment, ReviewAssignment.reviewer_id == User.id)
            .where(ReviewAssignment.showcase_id == showcase.id)
            .order_by(User.display_name)
        )
    )


# Reviews ----------------------------------------------------------------------------------


def review_of(showcase: Showcase, reviewer: User) -> Review | None:
    return db.session.scalar(
        select(Review)
        .where(Review.showcase_id == showcase.id, Review.reviewer_id == reviewer.id)
        .options(selectinload(Review.scores))
    )


def _check_may_review(showcase: Showcase, reviewer: User) -> None:
    if not is_assigned_reviewer(reviewer, showcase):
        raise NotAllowed(_("This showcase is not assigned to you."))
    if conflict_of_interest(reviewer, showcase):
        raise NotAllowed(_("You cannot review a showcase of your own organisation."))


def review_problem(showcase: Showcase) -> str | None:
    if showcase.status not in REVIEWABLE:
        return _(
            "This showcase is not open for review (it is %(status)s).",
            status=str(STATUS_LABELS[showcase.status]).lower(),
        )
    return None


def weighted_mean(criteria: list[ReviewCriterion], values: dict[int, int]) -> float:
    total = sum(criterion.weight for criterion in criteria)
    return round(sum(c.weight * values[c.id] for c in criteria) / total, 2)


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

    def score_of(raw) -> int | None:
        try:
            value = int(raw)
        except (TypeError, ValueError):
            return None
        return value if 1 <= value <= 5 else None

    if criteria:
        for criterion in criteria:
            value = score_of(values.get(criterion.id, values.get(str(criterion.id))))
            if value is None:
                errors.add(
                    f"criterion-{criterion.id}",
                    _("Score “%(name)s” from 1 to 5.", name=criterion.name),
                )
            else:
                scores[criterion.id] = value
        score = None
    else:
        score = score_of(overall)
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
    by_criterion = {item.criterion_id: item for item in review.scores}
    for criterion_id, value in scores.items():
        if criterion_id in by_criterion:
            by_criterion[criterion_id].value = value
        else:
            review.scores.append(ReviewScore(criterion_id=criterion_id, value=value))
    for criterion_id, item in by_criterion.items():
        if criterion_id not in scores:
            review.scores.remove(item)
    db.session.flush()
    return review


def reviews_of(showcase: Showcase) -> list[Review]:
    return list(
        db.session.scalars(
            select(Review)
            .where(Review.showcase_id == showcase.id, Review.submitted_at.is_not(None))
            .options(
                joinedload(Review.reviewer),
                selectinload(Review.scores).joinedload(ReviewScore.criterion),
            )
            .order_by(Review.submitted_at)
        )
    )


def others_reviews(showcase: Showcase, reviewer: User) -> list[Review] | None:
    """The other reviewers' reviews, or None while ``reviewer`` has not reviewed it."""
    own = review_of(showcase, reviewer)
    if own is None or own.submitted_at is None:
        return None
    return [review for review in reviews_of(showcase) if review.reviewer_id != reviewer.id]


@dataclass
class Assignment:
    showcase: Showcase
    review: Review | None


def my_assignments(reviewer: User) -> list[Assignment]:
    """What ``reviewer`` is asked to review, by edition, with their own review if any."""
    showcases = list(
        db.session.scalars(
            select(Showcase)
            .join(ReviewAssignment, ReviewAssignment.showcase_id == Showcase.id)
            .where(ReviewAssignment.reviewer_id == reviewer.id)
            .options(
                joinedload(Showcase.edition),
                joinedload(Showcase.track),
                joinedload(Showcase.organisation),
            )
            .order_by(Showcase.edition_id.desc(), Showcase.track_id, Showcase.id)
        )
    )
    reviews = {
        review.showcase_id: review
        for review in db.session.scalars(select(Review).where(Review.reviewer_id == reviewer.id))
    }
    return [Assignment(showcase, reviews.get(showcase.id)) for showcase in showcases]


def reviews_anything(user: User) -> bool:
    """The ``allow`` check of the reviewer's list: a reviewer role or an assignment."""
    role = db.session.scalar(
        select(EditionRole.id).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.REVIEWER
        )
    )
    if role is not None:
        return True
    return (
        db.session.scalar(
            select(ReviewAssignment.id).where(ReviewAssignment.reviewer_id == user.id).limit(1)
        )
        is not None
    )


# Ranking and decisions --------------------------------------------------------------------


@dataclass
class Ranked:
    showcase: Showcase
    scores: list[float]
    assigned: int

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None

    @property
    def spread(self) -> float | None:
        """The population standard deviation of the reviewers' scores."""
        return round(statistics.pstdev(self.scores), 2) if len(self.scores) > 1 else None

    @property
    def reviews(self) -> int:
        return len(self.scores)


@dataclass
class TrackTable:
    track: Track | None
    rows: list[Ranked]


def ranked_tables(edition: Edition, *, status: ShowcaseStatus | None = None) -> list[TrackTable]:
    """The edition's submitted showcases per track, best mean score first."""
    query = (
        select(Showcase)
        .where(Showcase.edition_id == edition.id, Showcase.status != S.DRAFT)
        .options(joinedload(Showcase.organisation), joinedload(Showcase.track))
    )
    if status is not None:
        query = query.where(Showcase.status == status)
    showcases = list(db.session.scalars(query))
    scores: dict[int, list[float]] = defaultdict(list)
    for showcase_id, score in db.session.execute(
        select(Review.showcase_id, Review.score)
        .join(Showcase, Showcase.id == Review.showcase_id)
        .where(
            Showcase.edition_id == edition.id,
            Review.submitted_at.is_not(None),
            Review.score.is_not(None),
        )
    ):
        scores[showcase_id].append(score)
    assigned = dict(
        db.session.execute(
            select(ReviewAssignment.showcase_id, func.count(ReviewAssignment.id))
            .join(Showcase, Showcase.id == ReviewAssignment.showcase_id)
            .where(Showcase.edition_id == edition.id)
            .group_by(ReviewAssignment.showcase_id)
        ).all()
    )
    by_track: dict[int | None, list[Ranked]] = defaultdict(list)
    for showcase in showcases:
        by_track[showcase.track_id].append(
            Ranked(showcase, scores.get(showcase.id, []), assigned.get(showcase.id, 0))
        )
    tables = []
    for track in [*edition.tracks, None]:
        rows = by_track.get(track.id if track else None, [])
        if not rows:
            continue
        rows.sort(
            key=lambda r: (
                r.showcase.status is S.WITHDRAWN,
                r.mean is None,
                -(r.mean or 0),
                r.showcase.id,
            )
        )
        tables.append(TrackTable(track, rows))
    return tables


@dataclass
class Decided:
    showcase: Showcase
    changed: bool
    mail: OutboxMessage | None = None
    already_told: bool = False


def decide(
    showcase: Showcase, decision: ShowcaseStatus, by: User | None, note: str = ""
) -> Decided:
    """Accept, waitlist or reject a showcase, record it and draft the decision mail.

    Taking the same decision again changes nothing. Changing a decision whose mail is
    still a draft replaces the draft; a decision already announced by a released mail
    is never announced twice.

    :raises InvalidInput: if ``decision`` is not a decision.
    :raises Conflict: if the showcase is a draft or withdrawn.
    """
    from app.showcases import emails

    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, waitlist or reject."))
    if showcase.status not in DECIDABLE:
        raise Conflict(
            _(
                "“%(title)s” is %(status)s: no decision can be taken on it.",
                title=showcase.title,
                status=str(STATUS_LABELS[showcase.status]).lower(),
            )
        )
    if showcase.status is decision:
        return Decided(showcase, False)
    if decision is not S.ACCEPTED:
        _free_place(showcase)
    _log(showcase, decision, by, clean_text(note))
    showcase.decided_at = utcnow()
    db.session.flush()
    mail, already = emails.draft_decision(showcase, by)
    _sync_decision_released([showcase])
    return Decided(showcase, True, mail, already)


@dataclass
class BulkResult:
    changed: int = 0
    unchanged: int = 0
    refused: list[str] = field(default_factory=list)


def decide_many(
    edition: Edition, showcase_ids: list[int], decision: ShowcaseStatus, by: User, note=""
) -> BulkResult:
    """Take one decision on several showcases of ``edition``; refused ones are listed."""
    if decision not in DECISIONS:
        raise InvalidInput(_("Choose accept, waitlist or reject."))
    if not showcase_ids:
        raise InvalidInput(_("Tick the showcases to decide on."))
    showcases = list(
        db.session.scalars(
            select(Showcase)
            .where(Showcase.id.in_(showcase_ids), Showcase.edition_id == edition.id)
            .order_by(Showcase.id)
        )
    )
    result = BulkResult()
    for showcase in showcases:
        try:
            with db.session.begin_nested():
                outcome = decide(showcase, decision, by, note)
        except (Conflict, InvalidInput) as error:
            result.refused.append(error.message)
            continue
        if outcome.changed:
            result.changed += 1
        else:
            result.unchanged += 1
    missing = len(set(showcase_ids)) - len(showcases)
    if missing:
        result.refused.append(
            _("%(count)d showcase(s) are not of this edition and were left alone.", count=missing)
        )
    return result


def _drop_draft_decision_mails(showcase: Showcase) -> None:
    db.session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.DRAFT,
            OutboxMessage.dedupe_key.like(f"showcases.decision:{showcase.id}:%"),
        )
    )


def waiting_mails(edition: Edition) -> list[OutboxMessage]:
    """The edition's decision mails drafted and not yet released."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.edition_id == edition.id,
                OutboxMessage.status == OutboxStatus.DRAFT,
                OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            )
            .order_by(OutboxMessage.kind, OutboxMessage.id)
        )
    )


def released_mails(edition: Edition, limit: int = 50) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.edition_id == edition.id,
                OutboxMessage.status != OutboxStatus.DRAFT,
                OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            )
            .order_by(OutboxMessage.released_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def release_mails(edition: Edition, message_ids: list[int], by: User) -> int:
    """Let the worker send the given decision drafts of ``edition``; return how many.

    Only the decision drafts among ``message_ids`` are released, by the outbox's one
    guarded update, so releasing twice sends nothing twice.
    """
    if not message_ids:
        return 0
    decision_drafts = db.session.scalars(
        select(OutboxMessage.id).where(
            OutboxMessage.id.in_(message_ids),
            OutboxMessage.edition_id == edition.id,
            OutboxMessage.status == OutboxStatus.DRAFT,
            OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
        )
    ).all()
    return release(edition, by=by, ids=decision_drafts)


# When a decision is announced -------------------------------------------------------------


def _released_decision_times(edition_ids: set[int]) -> dict[str, datetime]:
    """The release time of each released decision mail of these editions, by dedupe key."""
    rows = db.session.execute(
        select(OutboxMessage.dedupe_key, func.min(OutboxMessage.released_at))
        .where(
            OutboxMessage.edition_id.in_(edition_ids),
            OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            OutboxMessage.released_at.is_not(None),
        )
        .group_by(OutboxMessage.dedupe_key)
    )
    return {key: at for key, at in rows}


def _sync_decision_released(showcases: list[Showcase]) -> None:
    """Set each showcase's ``decision_released_at`` from the mail of its current decision.

    A decision is announced once the mail of that very decision has been released. A
    changed decision is not announced until its own mail is (so an acceptance turned
    into a rejection leaves the catalogue at once), unless the organisation was already
    told this decision earlier. Decisions marked announced with the programme
    (``announce_decisions``) stay announced while they are unchanged.
    """
    from app.showcases.emails import decision_key

    if not showcases:
        return
    released = _released_decision_times({showcase.edition_id for showcase in showcases})
    for showcase in showcases:
        at = None
        if showcase.status in DECISIONS:
            at = released.get(decision_key(showcase, showcase.status.value))
            if at is None and showcase.decision_released_at is not None:
                # Announced otherwise (with the programme) and not changed since.
                if showcase.decided_at and showcase.decided_at <= showcase.decision_released_at:
                    at = showcase.decision_released_at
        if showcase.decision_released_at != at:
            showcase.decision_released_at = at
    db.session.flush()


@drafts_released.connect
def record_released_decisions(edition: Edition, **_signal) -> None:
    """Mark announced the decisions of ``edition`` whose mail has just been released.

    Runs on every release of outbox drafts (the decisions page and the edition's outbox,
    through ``drafts_released``), in the same transaction as the release.
    """
    _sync_decision_released(
        list(
            db.session.scalars(
                select(Showcase).where(
                    Showcase.edition_id == edition.id,
                    Showcase.status.in_(DECISIONS),
                    Showcase.decision_released_at.is_(None),
                )
            )
        )
    )


def announce_decisions(edition: Edition, at: datetime | None = None) -> int:
    """Mark the current decisions of ``edition`` announced without any mail; return how many.

    Publishing an edition's programme announces who is in it: the service that publishes
    the programme (``Edition.programme_published_at``) calls this, so the accepted
    showcases enter the catalogue with it. Decisions taken afterwards are announced by
    their own mail again. The demo uses it for its past decisions.
    """
    at = at or utcnow()
    showcases = list(
        db.session.scalars(
            select(Showcase).where(
                Showcase.edition_id == edition.id,
                Showcase.status.in_(DECISIONS),
                Showcase.decision_released_at.is_(None),
            )
        )
    )
    for showcase in showcases:
        showcase.decision_released_at = max(at, showcase.decided_at or at)
    db.session.flush()
    return len(showcases)


# Place in the Agora -----------------------------------------------------------------------


def _free_place(showcase: Showcase) -> None:
    showcase.stand_number = None
    db.session.execute(delete(SessionShowcase).where(SessionShowcase.showcase_id == showcase.id))


def set_stand(showcase: Showcase, stand: str | None) -> None:
    """Give an accepted showcase its stand number (unique in the edition), or none."""
    stand = clean_text(stand) or None
    if stand is not None and showcase.status is not S.ACCEPTED:
        raise Conflict(_("Only an accepted showcase gets a stand."))
    if stand is not None and len(stand) > STAND_MAX:
        raise FormErrors({"stand_number": [_("Keep the stand number short (20 characters).")]})
    if stand is not None:
        taken = db.session.scalar(
            select(Showcase.title).where(
                Showcase.edition_id == showcase.edition_id,
                Showcase.stand_number == stand,
                Showcase.id != showcase.id,
            )
        )
        if taken is not None:
            raise FormErrors(
                {
                    "stand_number": [
                        _("Stand %(stand)s is already “%(title)s”'s.", stand=stand, title=taken)
                    ]
                }
            )
    try:
        with db.session.begin_nested():
            showcase.stand_number = stand
            db.session.flush()
    except IntegrityError as error:
        raise FormErrors(
            {
                "stand_number": [
                    _("Stand %(stand)s was just given to another showcase.", stand=stand)
                ]
            }
        ) from error


def slot_sessions(edition: Edition) -> list[ConferenceSession]:
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(
                ConferenceSession.edition_id == edition.id,
                ConferenceSession.kind == SessionKind.SHOWCASE_SLOT,
            )
            .options(joinedload(ConferenceSession.room), joinedload(ConferenceSession.venue))
            .order_by(ConferenceSession.starts_at)
        )
    )


def link_session(showcase: Showcase, session_id) -> ConferenceSession:
    if showcase.status is not S.ACCEPTED:
        raise Conflict(_("Only an accepted showcase is presented in a session."))
    try:
        session_ = db.session.get(ConferenceSession, int(session_id))
    except (TypeError, ValueError):
        session_ = None
    if (
        session_ is None
        or session_.edition_id != showcase.edition_id
        or session_.kind is not SessionKind.SHOWCASE_SLOT
    ):
        raise FormErrors({"session_id": [_("Choose one of this edition's showcase sessions.")]})
    exists = db.session.scalar(
        select(SessionShowcase.id).where(
            SessionShowcase.session_id == session_.id,
            SessionShowcase.showcase_id == showcase.id,
        )
    )
    if exists is None:
        position = db.session.scalar(
            select(func.count(SessionShowcase.id)).where(SessionShowcase.session_id == session_.id)
        )
        db.session.add(
            SessionShowcase(session_id=session_.id, showcase_id=showcase.id, position=position)
        )
        db.session.flush()
    return session_


def unlink_session(showcase: Showcase, session_id) -> None:
    try:
        session_id = int(session_id)
    except (TypeError, ValueError):
        raise NotFound(_("There is no such session.")) from None
    db.session.execute(
        delete(SessionShowcase).where(
            SessionShowcase.session_id == session_id, SessionShowcase.showcase_id == showcase.id
        )
    )
    db.session.flush()


def presented_in(showcase: Showcase) -> list[ConferenceSession]:
    """The sessions in which the showcase is presented, cancelled ones left out."""
    from app.models import SessionStatus

    return list(
        db.session.scalars(
            select(ConferenceSession)
            .join(SessionShowcase, SessionShowcase.session_id == ConferenceSession.id)
            .where(
                SessionShowcase.showcase_id == showcase.id,
                ConferenceSession.status != SessionStatus.CANCELLED,
            )
            .options(
                joinedload(ConferenceSession.room).joinedload(Room.venue),
                joinedload(ConferenceSession.venue),
            )
            .order_by(ConferenceSession.starts_at)
        )
    )


# The catalogue ----------------------------------------------------------------------------

PAGE_SIZE = 24


@dataclass
class CatalogueFilters:
    q: str = ""
    track: int | None = None
    kind: ShowcaseKind | None = None
    organisation_kind: OrganisationKind | None = None
    country: str | None = None
    city: str | None = None
    edition: str | None = None
    page: int = 1

    @classmethod
    def from_args(cls, args) -> "CatalogueFilters":
        def number(name):
            try:
                return int(args.get(name, ""))
            except ValueError:
                return None

        def member(enum_class, name):
            try:
                return enum_class(args.get(name, ""))
            except ValueError:
                return None

        country = (args.get("country") or "").strip().upper()
        return cls(
            q=clean_text(args.get("q"))[:200],
            track=number("track"),
            kind=member(ShowcaseKind, "kind"),
            organisation_kind=member(OrganisationKind, "org_kind"),
            country=country if len(country) == 2 and country.isalpha() else None,
            city=clean_text(args.get("city"))[:120] or None,
            edition=clean_text(args.get("edition"))[:80] or None,
            page=max(1, min(number("page") or 1, 10_000)),
        )

    def args(self, **changes) -> dict:
        """The query-string arguments of these filters, with ``changes``, empty ones left out."""
        values = {
            "q": self.q,
            "track": self.track,
            "kind": self.kind.value if self.kind else None,
            "org_kind": self.organisation_kind.value if self.organisation_kind else None,
            "country": self.country,
            "city": self.city,
            "edition": self.edition,
            "page": self.page if self.page > 1 else None,
        }
        values.update(changes)
        return {k: v for k, v in values.items() if v not in (None, "")}

    @property
    def active(self) -> bool:
        return bool(self.args(page=None))


def _like_pattern(word: str) -> str:
    escaped = word.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def public_showcases():
    return (
        select(Showcase)
        .join(Edition, Edition.id == Showcase.edition_id)
        .join(Organisation, Organisation.id == Showcase.organisation_id)
        .where(
            Showcase.status == S.ACCEPTED,
            Showcase.decision_released_at.is_not(None),
            Edition.status.in_((EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)),
        )
    )


@dataclass
class Catalogue:
    showcases: list[Showcase]
    total: int
    page: int
    pages: int
    editions: list[Edition]
    tracks: list[Track]
    countries: list[str]
    cities: list[str]


def catalogue(filters: CatalogueFilters) -> Catalogue:
    """One page of the public catalogue and the choices of its filters, in a fixed number
    of statements whatever the number of showcases."""
    query = public_showcases()
    for word in filters.q.split()[:8]:
        pattern = _like_pattern(word)
        query = query.where(
            or_(
                func.lower(Showcase.title).like(pattern, escape="\\"),
                func.lower(Showcase.summary).like(pattern, escape="\\"),
                func.lower(Organisation.name).like(pattern, escape="\\"),
            )
        )
    if filters.track is not None:
        query = query.where(Showcase.track_id == filters.track)
    if filters.kind is not None:
        query = query.where(Showcase.kind == filters.kind)
    if filters.organisation_kind is not None:
        query = query.where(Organisation.kind == filters.organisation_kind)
    if filters.country is not None:
        query = query.where(Organisation.country == filters.country)
    if filters.city is not None:
        query = query.where(func.lower(Organisation.city) == filters.city.lower())
    if filters.edition is not None:
        query = query.where(Edition.slug == filters.edition)
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(filters.page, pages)
    showcases = list(
        db.session.scalars(
            query.options(
                joinedload(Showcase.organisation),
                joinedload(Showcase.edition).joinedload(Edition.series),
                joinedload(Showcase.track),
            )
            .order_by(Edition.start_date.desc(), Showcase.stand_number, Showcase.title)
            .offset((page - 1) * PAGE_SIZE)
            .limit(PAGE_SIZE)
        ).unique()
    )
    public = public_showcases().with_only_columns(Showcase.id)
    editions = list(
        db.session.scalars(
            select(Edition)
            .where(Edition.id.in_(select(Showcase.edition_id).where(Showcase.id.in_(public))))
            .order_by(Edition.start_date.desc())
        )
    )
    tracks = list(
        db.session.scalars(
            select(Track)
            .where(Track.id.in_(select(Showcase.track_id).where(Showcase.id.in_(public))))
            .options(joinedload(Track.edition))
            .order_by(Track.edition_id.desc(), Track.position, Track.name)
        )
    )
    places = db.session.execute(
        select(Organisation.country, Organisation.city)
        .where(Organisation.id.in_(select(Showcase.organisation_id).where(Showcase.id.in_(public))))
        .distinct()
    ).all()
    countries = sorted({country for country, _city in places if country})
    cities = sorted({city for _country, city in places if city}, key=str.lower)
    return Catalogue(showcases, total, page, pages, editions, tracks, countries, cities)


def showcase_for_page(showcase_id: int) -> Showcase | None:
    return db.session.scalar(
        select(Showcase)
        .where(Showcase.id == showcase_id)
        .options(
            joinedload(Showcase.organisation),
            joinedload(Showcase.edition).joinedload(Edition.series),
            joinedload(Showcase.track),
            selectinload(Showcase.materials),
        )
    )
