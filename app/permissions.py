"""Who may do what: the predicates every view and service asks."""

from sqlalchemy import select

from app.extensions import db
from app.models import (
    Agreement,
    Edition,
    EditionRole,
    EditionRoleKind,
    ReviewAssignment,
    Showcase,
    User,
)


def is_signed_in(user: User | None) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_admin(user: User | None) -> bool:
    return is_signed_in(user) and user.is_admin


def is_site_organiser(user: User | None) -> bool:
    """Admins and site organisers may create series and editions."""
    return is_signed_in(user) and (user.is_admin or user.is_organiser)


def has_edition_role(user: User | None, edition: Edition, role: EditionRoleKind) -> bool:
    if not is_signed_in(user):
        return False
    found = db.session.scalar(
        select(EditionRole.id).where(
            EditionRole.user_id == user.id,
            EditionRole.edition_id == edition.id,
            EditionRole.role == role,
        )
    )
    return found is not None


def can_organise(user: User | None, edition: Edition) -> bool:
    """Admins, site organisers and the edition's own organisers organise an edition."""
    return is_site_organiser(user) or has_edition_role(user, edition, EditionRoleKind.ORGANISER)


def is_delegate_of(user: User | None, organisation_id: int | None) -> bool:
    """Tell whether ``user`` represents the organisation ``organisation_id``."""
    return (
        is_signed_in(user)
        and organisation_id is not None
        and user.organisation_id == organisation_id
    )


def is_assigned_reviewer(user: User | None, showcase: Showcase) -> bool:
    if not is_signed_in(user):
        return False
    found = db.session.scalar(
        select(ReviewAssignment.id).where(
            ReviewAssignment.showcase_id == showcase.id,
            ReviewAssignment.reviewer_id == user.id,
        )
    )
    return found is not None


def can_see_edition(user: User | None, edition: Edition) -> bool:
    """Published and archived editions are public; drafts only to their organisers."""
    return edition.is_public or can_organise(user, edition)


def organises_an_edition(user: User | None) -> bool:
    """Tell whether ``user`` holds the organiser role of at least one edition."""
    if not is_signed_in(user):
        return False
    found = db.session.scalar(
        select(EditionRole.id)
        .where(EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER)
        .limit(1)
    )
    return found is not None


def organises_any(user: User | None) -> bool:
    """Site organisers, admins and the organisers of at least one edition."""
    return is_site_organiser(user) or organises_an_edition(user)


def can_manage_agreement(user: User | None, agreement: Agreement) -> bool:
    """Site organisers manage every agreement; an edition's organisers manage its own."""
    if is_site_organiser(user):
        return True
    return agreement.edition is not None and can_organise(user, agreement.edition)


def can_read_agreement_documents(user: User | None, agreement: Agreement) -> bool:
    """The texts are for the parties' delegates, the owner and the organisers only."""
    if not is_signed_in(user):
        return False
    if can_manage_agreement(user, agreement) or agreement.owner_id == user.id:
        return True
    return user.organisation_id is not None and any(
        party.organisation_id == user.organisation_id for party in agreement.parties
    )


def can_see_agreement(user: User | None, agreement: Agreement) -> bool:
    """Tell whether ``user`` may see ``agreement``.

    Public agreements are for everyone; a private one only for admins, site organisers,
    its owner, the organisers of its edition and the delegates of its parties.
    """
    if agreement.is_public or is_site_organiser(user):
        return True
    return can_read_agreement_documents(user, agreement)
