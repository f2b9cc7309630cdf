"""Changes to an edition's team (organisers and reviewers) and to the criteria reviewers score.

Edition organisers manage reviewers; only site organisers (and admins) grant or revoke
the organiser role. Like the other organiser services, these functions validate
everything before they change anything, flush and leave the commit to their caller.
"""

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.editions.queries.team import scores_of
from app.errors import Conflict, FieldErrors, FormErrors, NotAllowed, NotFound
from app.extensions import db
from app.models import (
    Edition,
    EditionRole,
    EditionRoleKind,
    ReviewCriterion,
    User,
)
from app.permissions import is_site_organiser


def may_manage_role(actor: User, role: EditionRoleKind) -> bool:
    """Edition organisers manage reviewers; organisers are granted by site organisers only."""
    return role is EditionRoleKind.REVIEWER or is_site_organiser(actor)


def grant_role(edition: Edition, *, email: str, role: EditionRoleKind, actor: User) -> EditionRole:
    """Give the account at ``email`` the ``role`` in ``edition``.

    :raises FormErrors: under "email" for an unknown account or a role it already has,
        under "role" when ``actor`` may not grant this role.
    """
    errors = FieldErrors()
    if not may_manage_role(actor, role):
        errors.add("role", _("Only site organisers may grant the organiser role."))
    address = (email or "").strip().lower()
    user = db.session.scalar(select(User).where(User.email == address)) if address else None
    if user is None:
        errors.add(
            "email",
            _("No account uses this address. Ask the person to sign up first, then try again."),
        )
    elif _role_of(edition, user.id, role) is not None:
        errors.add("email", _("%(name)s already has this role.", name=user.display_name))
    errors.raise_any()
    granted = EditionRole(edition_id=edition.id, user_id=user.id, role=role)
    try:
        with db.session.begin_nested():
            db.session.add(granted)
            db.session.flush()
    except IntegrityError as error:  # granted by someone else at the same moment
        raise FormErrors(
            {"email": [_("%(name)s already has this role.", name=user.display_name)]}
        ) from error
    db.session.expire(edition, ["roles"])
    audit.record("role.granted", granted, actor=actor)
    return granted


def _role_of(edition: Edition, user_id: int, role: EditionRoleKind) -> int | None:
    return db.session.scalar(
        select(EditionRole.id).where(
            EditionRole.edition_id == edition.id,
            EditionRole.user_id == user_id,
            EditionRole.role == role,
        )
    )


def revoke_role(edition: Edition, role_id: int, *, actor: User) -> EditionRole:
    """Take a role of ``edition`` away.

    :raises NotFound: if ``role_id`` is not a role of this edition.
    :raises NotAllowed: if ``actor`` may not revoke this kind of role.
    :raises Conflict: if ``actor`` gives up the edition's last organiser role.
    """
    granted = db.session.get(EditionRole, role_id)
    if granted is None or granted.edition_id != edition.id:
        raise NotFound(_("This role no longer exists; the team below is up to date."))
    if not may_manage_role(actor, granted.role):
        raise NotAllowed(_("Only site organisers may revoke the organiser role."))
    if granted.role is EditionRoleKind.ORGANISER and granted.user_id == actor.id:
        others = db.session.scalar(
            select(func.count()).where(
                EditionRole.edition_id == edition.id,
                EditionRole.role == EditionRoleKind.ORGANISER,
                EditionRole.id != granted.id,
            )
        )
        if not others:
            raise Conflict(
                _(
                    "You are the last organiser of this edition: grant the role to someone "
                    "else before giving it up."
                )
            )
    audit.record("role.revoked", granted, actor=actor, removed=True)
    db.session.delete(granted)
    db.session.flush()
    db.session.expire(edition, ["roles"])
    return granted


# Review criteria ------------------------------------------------------------------------


def save_criterion(
    edition: Edition,
    *,
    name: str,
    description: str = "",
    weight: int,
    position: int | None = None,
    criterion: ReviewCriterion | None = None,
) -> ReviewCriterion:
    """Add a review criterion to ``edition``, or change ``criterion``.

    :raises FormErrors: for a name the edition already uses or a weight below 1.
    """
    errors = FieldErrors()
    if weight is None or weight < 1:
        errors.add("weight", _("A weight is a whole number of at least 1."))
    query = select(ReviewCriterion.id).where(
        ReviewCriterion.edition_id == edition.id, ReviewCriterion.name == name
    )
    if criterion is not None:
        query = query.where(ReviewCriterion.id != criterion.id)
    if db.session.scalar(query) is not None:
        errors.add("name", _("This edition already has a criterion with this name."))
    errors.raise_any()
    try:
        with db.session.begin_nested():
            if criterion is None:
                if position is None:
                    position = len(edition.review_criteria)
                criterion = ReviewCriterion(edition_id=edition.id)
                db.session.add(criterion)
            criterion.name, criterion.description = name, description or ""
            criterion.weight = weight
            if position is not None:
                criterion.position = position
            db.session.flush()
    except IntegrityError as error:
        raise FormErrors(
            {"name": [_("This edition already has a criterion with this name.")]}
        ) from error
    db.session.expire(edition, ["review_criteria"])
    return criterion


def delete_criterion(criterion: ReviewCriterion) -> None:
    """Delete a criterion no reviewer has scored yet.

    :raises Conflict: if reviews hold scores on it.
    """
    scored = scores_of(criterion)
    if scored:
        raise Conflict(
            ngettext(
                "Reviewers already gave %(num)d score on “%(name)s”; it cannot be "
                "deleted. Change its description or weight instead.",
                "Reviewers already gave %(num)d scores on “%(name)s”; it cannot be "
                "deleted. Change its description or weight instead.",
                scored,
                name=criterion.name,
            )
        )
    edition = criterion.edition
    db.session.delete(criterion)
    db.session.flush()
    db.session.expire(edition, ["review_criteria"])
