"""Reads of organisations: countries, kinds, delegates, invitations, logos."""

import hashlib

from babel import Locale
from flask import current_app
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from app.errors import InvalidToken
from app.extensions import db
from app.models import Organisation, OrganisationKind, User, utcnow
from app.models.organisations import OrganisationInvitation
from app.uploads import JPEG, MB, PNG

LOGO_AREA = "logos"
LOGO_TYPES = (PNG, JPEG)
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}

KIND_LABELS = {
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


def max_logo_bytes() -> int:
    return int(current_app.config.get("ORGANISATION_MAX_LOGO_BYTES", 2 * MB))


def countries(locale: str | None = None) -> list[tuple[str, str]]:
    """ISO 3166 two-letter codes with their names in ``locale``, sorted by name."""
    language = locale or str(get_locale() or "en")
    try:
        territories = Locale.parse(language).territories
    except (ValueError, TypeError):
        territories = Locale.parse("en").territories
    pairs = [
        (code, name)
        for code, name in territories.items()
        if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES
    ]
    return sorted(pairs, key=lambda pair: pair[1].lower())


def country_name(code: str | None) -> str:
    if not code:
        return ""
    try:
        return Locale.parse(str(get_locale() or "en")).territories.get(code, code)
    except (ValueError, TypeError):
        return code


def all_organisations() -> list[Organisation]:
    """Every organisation, by name (the choices of the organisers' forms)."""
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


def delegates(organisation_id: int) -> list[User]:
    """The accounts that represent the organisation, disabled ones left out, by name."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation_id, User.is_disabled.is_(False))
            .order_by(User.display_name, User.id)
        )
    )


# Invitations ------------------------------------------------------------------------------


def token_digest(token: str) -> str:
    """What is stored of an invitation's token: its SHA-256, never the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()


def open_invitations(organisation: Organisation) -> list[OrganisationInvitation]:
    return list(
        db.session.scalars(
            select(OrganisationInvitation)
            .where(
                OrganisationInvitation.organisation_id == organisation.id,
                OrganisationInvitation.accepted_at.is_(None),
                OrganisationInvitation.revoked_at.is_(None),
                OrganisationInvitation.expires_at > utcnow(),
            )
            .order_by(OrganisationInvitation.created_at.desc())
        )
    )


def invitation_for(token: str) -> OrganisationInvitation:
    """The open invitation of ``token``.

    :raises InvalidToken: if the token is unknown, used, revoked or expired.
    """
    invitation = db.session.scalar(
        select(OrganisationInvitation).where(
            OrganisationInvitation.token_hash == token_digest(token or "")
        )
    )
    if invitation is None:
        raise InvalidToken(_("This invitation link is not valid. Ask for a new one."))
    if invitation.accepted_at is not None:
        raise InvalidToken(_("This invitation was already used."))
    if invitation.revoked_at is not None:
        raise InvalidToken(_("This invitation was withdrawn or replaced by a newer one."))
    if invitation.expires_at <= utcnow():
        raise InvalidToken(_("This invitation has expired. Ask for a new one."))
    return invitation
