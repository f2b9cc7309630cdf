"""What the showcases' rules say: states, limits and labels, the call's window, and who
may see or change a showcase when."""

import enum
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, or_, select

from app.extensions import db
from app.models import Edition, EditionStatus, Showcase, ShowcaseKind, ShowcaseStatus, User, utcnow
from app.permissions import can_organise, is_admin, is_assigned_reviewer, is_delegate_of
from app.uploads import JPEG, MB, PDF, PNG

S = ShowcaseStatus
TITLE_MAX = 200
SUMMARY_MAX = 5000
NOTE_MAX = 2000
COMMENT_MAX = 10_000
STAND_MAX = 20
MATERIALS_AREA = "showcases"
MATERIAL_TYPES = (PDF, PNG, JPEG)

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


def max_material_bytes() -> int:
    return int(current_app.config.get("SHOWCASE_MAX_MATERIAL_BYTES", 10 * MB))


def max_materials() -> int:
    return int(current_app.config.get("SHOWCASE_MAX_MATERIALS", 5))


def clean_text(value: str | None) -> str:
    """Strip blanks and NUL characters; keep line breaks, as ``\\n`` only."""
    if value is None:
        return ""
    return value.replace("\x00", "").replace("\r\n", "\n").replace("\r", "\n").strip()


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


def call_closed_message(edition: Edition) -> str:
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


def decision_pending(showcase: Showcase) -> bool:
    """Decided, but the mail of that decision not released: the organisation is not told."""
    return showcase.status in DECISIONS and showcase.decision_released_at is None


def knows_decisions(user: User | None, showcase: Showcase) -> bool:
    """Organisers and the assigned reviewers follow decisions as they are taken."""
    return (
        is_admin(user)
        or can_organise(user, showcase.edition)
        or is_assigned_reviewer(user, showcase)
    )


def status_seen_by(user: User | None, showcase: Showcase) -> ShowcaseStatus:
    """The status ``user`` may know: the organisation sees a decision once it is announced,
    and "under review" until then."""
    if decision_pending(showcase) and not knows_decisions(user, showcase):
        return S.UNDER_REVIEW
    return showcase.status


def history_seen_by(user: User | None, showcase: Showcase) -> list:
    """The showcase's transitions ``user`` may know: no unannounced decision."""
    if status_seen_by(user, showcase) is showcase.status:
        return list(showcase.transitions)
    return [t for t in showcase.transitions if t.to_status not in DECISIONS]


def told_status_is(status: ShowcaseStatus):
    """A filter on the status as the organisation has been told it (for lists by status)."""
    unannounced = and_(Showcase.status.in_(DECISIONS), Showcase.decision_released_at.is_(None))
    if status in DECISIONS:
        return and_(Showcase.status == status, Showcase.decision_released_at.is_not(None))
    if status is S.UNDER_REVIEW:
        return or_(Showcase.status == status, unannounced)
    return Showcase.status == status


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
    if decision_pending(showcase):
        return _("This showcase is being reviewed: it can no longer be changed.")
    if showcase.status in DECISIONS:
        return _("A decision was taken on this showcase: it can no longer be changed.")
    if not call_is_open(showcase.edition, now):
        return call_closed_message(showcase.edition)
    return None


def withdraw_problem(showcase: Showcase) -> str | None:
    if showcase.status not in WITHDRAWABLE:
        return _("Only a submitted showcase can be withdrawn.")
    if showcase.edition.programme_published_at is not None:
        return _(
            "The programme of this edition is published: write to the organisers to "
            "withdraw the showcase."
        )
    return None


def review_problem(showcase: Showcase) -> str | None:
    if showcase.status not in REVIEWABLE:
        return _(
            "This showcase is not open for review (it is %(status)s).",
            status=str(STATUS_LABELS[showcase.status]).lower(),
        )
    return None


def conflict_of_interest(reviewer: User, showcase: Showcase) -> bool:
    return reviewer.organisation_id is not None and (
        reviewer.organisation_id == showcase.organisation_id
    )
