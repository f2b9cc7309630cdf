"""Organisations and their delegates: profile, logo, invitations of colleagues.

Like the showcase services, these functions check, flush and leave the commit to the
caller.
"""

import hashlib
import secrets
from datetime import timedelta
from urllib.parse import urlsplit

from babel import Locale
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.errors import Conflict, FieldErrors, FormErrors, InvalidInput, InvalidToken, NotAllowed
from app.extensions import db
from app.models import Organisation, OrganisationKind, User, utcnow
from app.models.organisations import OrganisationInvitation
from app.showcases import uploads
from app.showcases.services import clean_text

INVITATION_DAYS = 14
LOGO_AREA = "logos"
NOT_COUNTRIES = {"EU", "EZ", "UN", "ZZ", "QO", "XA", "XB"}


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


def _validated(data: dict, *, organisation: Organisation | None = None) -> dict:
    errors = FieldErrors()
    name = " ".join(clean_text(data.get("name")).split())
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
    city = " ".join(clean_text(data.get("city")).split()) or None
    if city is not None and len(city) > 120:
        errors.add("city", _("Keep the city under 120 characters."))
    website = clean_text(data.get("website")) or None
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
        types=uploads.LOGO_TYPES,
        limit=uploads.max_logo_bytes(),
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


def delegates(organisation: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .where(User.organisation_id == organisation.id)
            .order_by(User.display_name, User.id)
        )
    )


# Invitations ------------------------------------------------------------------------------


def _digest(token: str) -> str:
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


def invite(organisation: Organisation, email: str, by: User) -> OrganisationInvitation:
    """Invite a colleague by email; a new invitation to the same address replaces the old.

    :raises FormErrors: for a malformed address or someone who is already a delegate.
    """
    from email_validator import EmailNotValidError, validate_email

    from app.showcases import emails

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
        token_hash=_digest(token),
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


def invitation_for(token: str) -> OrganisationInvitation:
    """The open invitation of ``token``.

    :raises InvalidToken: if the token is unknown, used, revoked or expired.
    """
    invitation = db.session.scalar(
        select(OrganisationInvitation).where(
            OrganisationInvitation.token_hash == _digest(token or "")
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
