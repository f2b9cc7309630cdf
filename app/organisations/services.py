"""Organisations and their delegates: profile, logo, invitations of colleagues.

Every function checks, flushes and leaves the commit to its caller.
"""

import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import uploads
from app.errors import Conflict, FieldErrors, FormErrors, InvalidInput, NotAllowed
from app.extensions import db
from app.forms import clean_text
from app.models import Organisation, OrganisationKind, User, utcnow
from app.models.organisations import OrganisationInvitation
from app.organisations import emails
from app.organisations.queries import (
    LOGO_AREA,
    LOGO_TYPES,
    countries,
    invitation_for,
    max_logo_bytes,
    token_digest,
)

INVITATION_DAYS = 14


def _one_line(value: str | None) -> str:
    """The text of a one-line field, its blanks (line breaks too) folded into single spaces."""
    return " ".join(clean_text(value or "").split())


def _validated(data: dict, *, organisation: Organisation | None = None) -> dict:
    errors = FieldErrors()
    name = _one_line(data.get("name"))
    if not name:
        errors.add("name", _("Give the organisation's name."))
    elif len(name) > 200:
        errors.add("name", _("Keep the name under 200 characters."))
    else:
        taken = db.session.scalar(
            select(Organisation.id).where(
                func.lower(Organisation.name) == name.lower(),
                Organisation.id != (organisation.id if organisation else -1),
            )
        )
        if taken is not None:
            errors.add(
                "name",
                _(
                    "An organisation called “%(name)s” is already on Agora: ask one of its "
                    "delegates to invite you.",
                    name=name,
                ),
            )
    kind = data.get("kind")
    try:
        kind = OrganisationKind(kind.value if isinstance(kind, OrganisationKind) else kind)
    except ValueError:
        errors.add("kind", _("Choose what kind of organisation it is."))
    country = (data.get("country") or "").strip().upper() or None
    if country is not None and country not in dict(countries("en")):
        errors.add("country", _("Choose a country from the list."))
    city = _one_line(data.get("city")) or None
    if city is not None and len(city) > 120:
        errors.add("city", _("Keep the city under 120 characters."))
    website = clean_text(data.get("website") or "") or None
    if website is not None:
        if "://" not in website:
            website = f"https://{website}"
        parts = urlsplit(website)
        if parts.scheme not in ("http", "https") or not parts.netloc or " " in website:
            errors.add("website", _("Give the website as an address such as https://example.org."))
        elif len(website) > 300:
            errors.add("website", _("Keep the address under 300 characters."))
    errors.raise_any()
    return {"name": name, "kind": kind, "country": country, "city": city, "website": website}


def _save(organisation: Organisation) -> None:
    try:
        with db.session.begin_nested():
            db.session.add(organisation)
            db.session.flush()
    except IntegrityError as error:
        raise FormErrors({"name": [_("Another organisation just took this name.")]}) from error


def create_organisation(user: User, data: dict) -> Organisation:
    """Create an organisation and make ``user`` its first delegate.

    :raises Conflict: if the user already represents an organisation.
    :raises FormErrors: for a taken name, an unknown country, a malformed website...
    """
    if user.organisation_id is not None:
        raise Conflict(_("You already represent an organisation; an account represents only one."))
    organisation = Organisation(**_validated(data))
    _save(organisation)
    user.organisation_id = organisation.id
    db.session.flush()
    return organisation


def update_organisation(organisation: Organisation, data: dict) -> Organisation:
    values = _validated(data, organisation=organisation)
    for name, value in values.items():
        setattr(organisation, name, value)
    _save(organisation)
    return organisation


def set_logo(organisation: Organisation, stream, filename: str | None) -> str | None:
    """Store a new logo (PNG or JPEG); return the storage key of the old one, to delete."""
    stored = uploads.store(
        stream,
        filename,
        area=LOGO_AREA,
        types=LOGO_TYPES,
        limit=max_logo_bytes(),
    )
    old = organisation.logo_path
    organisation.logo_path = stored.storage_key
    db.session.flush()
    return old


def remove_logo(organisation: Organisation) -> str | None:
    old = organisation.logo_path
    organisation.logo_path = None
    db.session.flush()
    return old


# Invitations ------------------------------------------------------------------------------


def invite(organisation: Organisation, email: str, by: User) -> OrganisationInvitation:
    """Invite a colleague by email; a new invitation to the same address replaces the old.

    :raises FormErrors: for a malformed address or someone who is already a delegate.
    """
    try:
        address = validate_email(
            (email or "").strip(), check_deliverability=False
        ).normalized.lower()
    except EmailNotValidError:
        raise FormErrors({"email": [_("Give a valid email address.")]}) from None
    member = db.session.scalar(
        select(User).where(User.email == address, User.organisation_id == organisation.id)
    )
    if member is not None:
        raise FormErrors(
            {
                "email": [
                    _(
                        "%(email)s already represents %(name)s.",
                        email=address,
                        name=organisation.name,
                    )
                ]
            }
        )
    now = utcnow()
    for previous in db.session.scalars(
        select(OrganisationInvitation).where(
            OrganisationInvitation.organisation_id == organisation.id,
            OrganisationInvitation.email == address,
            OrganisationInvitation.accepted_at.is_(None),
            OrganisationInvitation.revoked_at.is_(None),
        )
    ):
        previous.revoked_at = now
    token = secrets.token_urlsafe(32)
    invitation = OrganisationInvitation(
        organisation_id=organisation.id,
        email=address,
        token_hash=token_digest(token),
        invited_by_id=by.id,
        expires_at=now + timedelta(days=INVITATION_DAYS),
    )
    db.session.add(invitation)
    db.session.flush()
    emails.notify_invitation(invitation, token, organisation, by)
    return invitation


def revoke(organisation: Organisation, invitation_id) -> None:
    try:
        invitation = db.session.get(OrganisationInvitation, int(invitation_id))
    except (TypeError, ValueError):
        invitation = None
    if invitation is None or invitation.organisation_id != organisation.id:
        raise InvalidInput(_("There is no such invitation."))
    if invitation.is_open:
        invitation.revoked_at = utcnow()
        db.session.flush()


def accept(token: str, user: User, *, leave_current: bool = False) -> Organisation:
    """Make ``user`` a delegate of the invitation's organisation; the link then dies.

    :raises InvalidToken: for a link that is not (or no longer) valid.
    :raises NotAllowed: if the invitation was sent to another address.
    :raises Conflict: if the user represents another organisation and did not agree to
        leave it.
    """
    invitation = invitation_for(token)
    if invitation.email != user.email:
        raise NotAllowed(
            _(
                "This invitation was sent to %(email)s: log in with that address to accept it.",
                email=invitation.email,
            )
        )
    if user.organisation_id not in (None, invitation.organisation_id) and not leave_current:
        raise Conflict(
            _(
                "You represent %(name)s: accepting makes you leave it.",
                name=user.organisation.name,
            )
        )
    user.organisation_id = invitation.organisation_id
    invitation.accepted_at = utcnow()
    invitation.accepted_by_id = user.id
    db.session.flush()
    return invitation.organisation


def leave(user: User) -> None:
    if user.organisation_id is None:
        raise Conflict(_("You represent no organisation."))
    user.organisation_id = None
    db.session.flush()
