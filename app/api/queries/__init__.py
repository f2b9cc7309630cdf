"""Reads of the JSON API: tokens, pages of editions, sessions and showcases, webhooks.

Each list costs a fixed number of statements whatever its size: one count, one page,
and the eager loads of the page's rows.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.orm import joinedload, selectinload

from app.agreements.services import AGREEMENT_FIELDS, COMMITMENT_FIELDS
from app.editions.services import EDITION_FIELDS
from app.extensions import db
from app.models import (
    AgendaEntry,
    Agreement,
    AgreementParty,
    ApiToken,
    Commitment,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    Room,
    Series,
    SessionSpeaker,
    Showcase,
    ShowcaseStatus,
    Speaker,
    Thinklab,
    User,
    Venue,
    Webhook,
    WebhookDelivery,
    utcnow,
)
from app.permissions import (
    can_organise,
    is_admin,
    is_delegate_of,
    is_signed_in,
    is_site_organiser,
)
from app.program.queries import ProgrammeFilters, session_filter_clauses
from app.showcases.queries import can_see, is_public, status_seen_by, told_status_is

PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)
TOKEN_USE_GRANULARITY = timedelta(minutes=1)


# Tokens -----------------------------------------------------------------------------------


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def usable_token(secret: str) -> ApiToken | None:
    """Return the live token whose secret is ``secret`` (with its user), else None."""
    if not secret or len(secret) > 200:
        return None
    token = db.session.scalar(
        select(ApiToken)
        .where(ApiToken.token_hash == token_digest(secret))
        .options(joinedload(ApiToken.user))
    )
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    return token


def note_token_use(token: ApiToken) -> None:
    """Stamp the token's last use, at most once a minute (a read stays a read otherwise)."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOKEN_USE_GRANULARITY:
        return
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id).values(last_used_at=now))
    token.last_used_at = now
    db.session.commit()


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


# Pages ------------------------------------------------------------------------------------


@dataclass
class Page:
    items: list
    page: int
    per_page: int
    total: int


def paginate(query: Select, *, page: int, per_page: int, unique: bool = False) -> Page:
    """One count and one page of ``query`` (ordered by the caller)."""
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.scalars(query.limit(per_page).offset((page - 1) * per_page))
    items = list(rows.unique() if unique else rows)
    return Page(items, page, per_page, total or 0)


def _order(query: Select, model, sort: str, *, tiebreak) -> Select:
    descending = sort.startswith("-")
    column = getattr(model, sort.lstrip("-"))
    return query.order_by(column.desc() if descending else column.asc(), tiebreak)


# Series and editions ----------------------------------------------------------------------


def all_series(page: int, per_page: int) -> Page:
    return paginate(select(Series).order_by(Series.name, Series.id), page=page, per_page=per_page)


def series_by_slug(slug: str) -> Series | None:
    return db.session.scalar(select(Series).where(Series.slug == slug))


def _visible_editions(user: User | None):
    """Public editions, and the drafts the user organises (all of them for an admin)."""
    if is_admin(user):
        return None
    clause = Edition.status.in_(PUBLIC_STATUSES)
    if is_signed_in(user):
        organised = select(EditionRole.edition_id).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
        clause = or_(clause, Edition.id.in_(organised))
        if user.is_organiser:
            return None
    return clause


def editions(user: User | None, *, page: int, per_page: int, updated_since=None) -> Page:
    query = select(Edition).options(joinedload(Edition.series))
    clause = _visible_editions(user)
    if clause is not None:
        query = query.where(clause)
    if updated_since is not None:
        query = query.where(Edition.updated_at >= updated_since)
    query = query.order_by(Edition.start_date.desc(), Edition.id)
    return paginate(query, page=page, per_page=per_page)


def edition_by_slug(slug: str) -> Edition | None:
    return db.session.scalar(
        select(Edition).where(Edition.slug == slug).options(joinedload(Edition.series))
    )


def edition_values(edition: Edition) -> dict:
    """An edition's fields as its services take them (to change some, keep the others)."""
    values = {name: getattr(edition, name) for name in EDITION_FIELDS}
    values["format"] = edition.format.value
    return values


def venues_of(edition: Edition) -> list[Venue]:
    return list(
        db.session.scalars(
            select(Venue)
            .where(Venue.edition_id == edition.id)
            .options(selectinload(Venue.rooms))
            .order_by(Venue.position, Venue.id)
        )
    )


def venue_of(edition: Edition, venue_id: int) -> Venue | None:
    return db.session.scalar(
        select(Venue).where(Venue.id == venue_id, Venue.edition_id == edition.id)
    )


# Sessions ---------------------------------------------------------------------------------


def _session_loading():
    return (
        joinedload(ConferenceSession.edition),
        selectinload(ConferenceSession.speakers).joinedload(SessionSpeaker.speaker),
    )


def sessions(
    edition: Edition,
    *,
    track=None,
    kind=None,
    day=None,
    venue=None,
    status=None,
    updated_since: datetime | None = None,
    sort: str = "starts_at",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """A page of an edition's sessions, filtered as the programme page filters them."""
    filters = ProgrammeFilters(track_id=track, kind=kind, day=day, venue_id=venue)
    query = select(ConferenceSession).where(*session_filter_clauses(edition, filters))
    if status is not None:
        query = query.where(ConferenceSession.status == status)
    if updated_since is not None:
        query = query.where(ConferenceSession.updated_at >= updated_since)
    query = _order(query, ConferenceSession, sort, tiebreak=ConferenceSession.id)
    return paginate(query.options(*_session_loading()), page=page, per_page=per_page)


def session_by_id(session_id: int) -> ConferenceSession | None:
    return db.session.scalar(
        select(ConferenceSession)
        .where(ConferenceSession.id == session_id)
        .options(*_session_loading())
    )


def speakers(edition: Edition, *, page: int, per_page: int) -> Page:
    """The speakers of an edition's sessions."""
    speaking = (
        select(SessionSpeaker.speaker_id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .where(ConferenceSession.edition_id == edition.id)
    )
    query = (
        select(Speaker)
        .where(Speaker.id.in_(speaking))
        .options(joinedload(Speaker.organisation))
        .order_by(Speaker.name, Speaker.id)
    )
    return paginate(query, page=page, per_page=per_page)


def speaker_by_id(speaker_id: int) -> Speaker | None:
    return db.session.get(Speaker, speaker_id)


def speaks_in_public_edition(speaker: Speaker) -> bool:
    found = db.session.scalar(
        select(SessionSpeaker.id)
        .join(ConferenceSession, ConferenceSession.id == SessionSpeaker.session_id)
        .join(Edition, Edition.id == ConferenceSession.edition_id)
        .where(SessionSpeaker.speaker_id == speaker.id, Edition.status.in_(PUBLIC_STATUSES))
        .limit(1)
    )
    return found is not None


def room_in_edition(edition: Edition, room_id: int) -> Room | None:
    return db.session.scalar(
        select(Room).join(Venue).where(Room.id == room_id, Venue.edition_id == edition.id)
    )


# Showcases --------------------------------------------------------------------------------


def _organised_edition_ids(user: User | None) -> set[int] | None:
    """The editions ``user`` organises; None when they organise every edition."""
    if not is_signed_in(user):
        return set()
    if is_site_organiser(user):
        return None
    return set(
        db.session.scalars(
            select(EditionRole.edition_id).where(
                EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
            )
        )
    )


def showcase_values(showcase: Showcase, user: User | None) -> dict:
    """A showcase's public fields, plus its state for those who follow it."""
    return showcases_values([showcase], user)[0]


def showcases_values(found: list[Showcase], user: User | None) -> list[dict]:
    """Each showcase's public fields, plus its state for its organisation's delegates and
    its edition's organisers (one statement for the whole list)."""
    organised = _organised_edition_ids(user) if found else set()
    return [
        _showcase_values(
            showcase,
            full=is_delegate_of(user, showcase.organisation_id)
            or organised is None
            or showcase.edition_id in organised,
            organises=organised is None or showcase.edition_id in organised,
        )
        for showcase in found
    ]


def _showcase_values(showcase: Showcase, *, full: bool, organises: bool) -> dict:
    values = {
        "id": showcase.id,
        "edition": showcase.edition.slug,
        "title": showcase.title,
        "summary": showcase.summary,
        "kind": showcase.kind,
        "track_id": showcase.track_id,
        "organisation": showcase.organisation.name,
        "updated_at": showcase.updated_at,
    }
    if full:
        values.update(
            status=showcase.status if organises else status_seen_by(None, showcase),
            submitted_at=showcase.submitted_at,
            version=showcase.version_id,
        )
    return values


def showcases(
    user: User | None,
    *,
    edition: Edition | None,
    track=None,
    kind=None,
    status=None,
    mine: bool = False,
    updated_since=None,
    sort: str = "title",
    page: int = 1,
    per_page: int = 50,
) -> Page:
    """Announced accepted showcases of public editions; with ``mine``, the user's
    organisation's; for an edition's organisers, all of the edition's."""
    query = select(Showcase).options(
        joinedload(Showcase.edition), joinedload(Showcase.organisation)
    )
    if mine:
        organisation_id = user.organisation_id if is_signed_in(user) else None
        query = query.where(Showcase.organisation_id == (organisation_id or -1))
    elif edition is None or not can_organise(user, edition):
        query = query.join(Edition, Edition.id == Showcase.edition_id).where(
            Showcase.status == ShowcaseStatus.ACCEPTED,
            Showcase.decision_released_at.is_not(None),
            Edition.status.in_(PUBLIC_STATUSES),
        )
    if edition is not None:
        query = query.where(Showcase.edition_id == edition.id)
    if track is not None:
        query = query.where(Showcase.track_id == track)
    if kind is not None:
        query = query.where(Showcase.kind == kind)
    if status is not None and edition is not None and can_organise(user, edition):
        query = query.where(Showcase.status == status)
    elif status is not None:
        query = query.where(told_status_is(status))
    if updated_since is not None:
        query = query.where(Showcase.updated_at >= updated_since)
    query = _order(query, Showcase, sort, tiebreak=Showcase.id)
    return paginate(query, page=page, per_page=per_page)


def showcase_by_id(showcase_id: int) -> Showcase | None:
    return db.session.scalar(
        select(Showcase)
        .where(Showcase.id == showcase_id)
        .options(joinedload(Showcase.edition), joinedload(Showcase.organisation))
    )


def may_see_showcase(user: User | None, showcase: Showcase) -> bool:
    return can_see(user, showcase)


def showcase_is_public(showcase: Showcase) -> bool:
    return is_public(showcase)


# Agenda -----------------------------------------------------------------------------------


def starred_sessions(user: User, *, page: int, per_page: int) -> Page:
    starred = select(AgendaEntry.session_id).where(AgendaEntry.user_id == user.id)
    query = (
        select(ConferenceSession)
        .where(ConferenceSession.id.in_(starred))
        .options(*_session_loading())
        .order_by(ConferenceSession.starts_at, ConferenceSession.id)
    )
    return paginate(query, page=page, per_page=per_page)


# Webhooks ---------------------------------------------------------------------------------


def webhooks_of(edition: Edition) -> list[Webhook]:
    return list(
        db.session.scalars(
            select(Webhook)
            .where(Webhook.edition_id == edition.id)
            .options(joinedload(Webhook.edition))
            .order_by(Webhook.id)
        )
    )


def webhook_by_id(webhook_id: int) -> Webhook | None:
    return db.session.scalar(
        select(Webhook).where(Webhook.id == webhook_id).options(joinedload(Webhook.edition))
    )


def deliveries_of(webhook: Webhook, *, page: int = 1, per_page: int = 50) -> Page:
    query = (
        select(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook.id)
        .options(selectinload(WebhookDelivery.log))
        .order_by(WebhookDelivery.id.desc())
    )
    return paginate(query, page=page, per_page=per_page)


def active_webhooks_for(edition_id: int, event: str) -> list[Webhook]:
    """The active webhooks of an edition that asked for ``event``."""
    found = db.session.scalars(
        select(Webhook).where(Webhook.edition_id == edition_id, Webhook.is_active.is_(True))
    )
    return [hook for hook in found if event in (hook.events or [])]


def session_form_values(session_: ConferenceSession) -> dict:
    """A session's fields as ``save_session`` takes them (to change some, keep the others)."""
    return {
        "kind": session_.kind,
        "title": session_.title,
        "abstract": session_.abstract,
        "track_id": session_.track_id,
        "room_id": session_.room_id,
        "venue_id": session_.venue_id,
        "online_url": session_.online_url,
        "starts_local": session_.starts_local,
        "ends_local": session_.ends_local,
        "status": session_.status,
    }


# Thinklabs and agreements -----------------------------------------------------------------


def public_thinklabs(*, page: int, per_page: int) -> Page:
    """Thinklabs on their own or of a public edition, by name."""
    query = (
        select(Thinklab)
        .outerjoin(Edition, Thinklab.edition_id == Edition.id)
        .where(or_(Thinklab.edition_id.is_(None), Edition.status.in_(PUBLIC_STATUSES)))
        .options(joinedload(Thinklab.edition))
        .order_by(Thinklab.name, Thinklab.id)
    )
    return paginate(query, page=page, per_page=per_page)


def thinklab_by_slug(slug: str) -> Thinklab | None:
    return db.session.scalar(
        select(Thinklab)
        .where(Thinklab.slug == slug)
        .options(joinedload(Thinklab.edition), selectinload(Thinklab.occurrence_changes))
    )


def _agreement_loading():
    return (
        joinedload(Agreement.edition),
        selectinload(Agreement.parties).joinedload(AgreementParty.organisation),
        selectinload(Agreement.commitments),
    )


def agreements(user: User | None, *, page: int, per_page: int, updated_since=None) -> Page:
    """Public agreements, and the private ones the user may see: those of the editions
    they organise and those their organisation is a party to (all for site organisers)."""
    query = select(Agreement).options(*_agreement_loading())
    if not is_site_organiser(user):
        clause = Agreement.is_public.is_(True)
        if is_signed_in(user):
            organised = select(EditionRole.edition_id).where(
                EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
            )
            clause = or_(clause, Agreement.edition_id.in_(organised), Agreement.owner_id == user.id)
            if user.organisation_id is not None:
                clause = or_(
                    clause,
                    Agreement.parties.any(AgreementParty.organisation_id == user.organisation_id),
                )
        query = query.where(clause)
    if updated_since is not None:
        query = query.where(Agreement.updated_at >= updated_since)
    query = query.order_by(Agreement.id)
    return paginate(query, page=page, per_page=per_page)


def agreement_by_id(agreement_id: int) -> Agreement | None:
    return db.session.scalar(
        select(Agreement).where(Agreement.id == agreement_id).options(*_agreement_loading())
    )


def thinklab_values(thinklab: Thinklab) -> dict:
    """A thinklab's fields as ``save_thinklab`` takes them (to change some, keep the others)."""
    return {
        "slug": thinklab.slug,
        "name": thinklab.name,
        "description": thinklab.description,
        "edition_id": thinklab.edition_id,
        "agreement_id": thinklab.agreement_id,
        "timezone": thinklab.timezone,
        "first_meeting_local": thinklab.first_meeting_local,
        "meeting_minutes": thinklab.meeting_minutes,
        "rrule": thinklab.rrule,
        "meeting_mode": thinklab.meeting_mode.value,
        "venue_id": thinklab.venue_id,
        "location": thinklab.location,
        "online_url": thinklab.online_url,
    }


def agreement_values(agreement: Agreement) -> dict:
    """An agreement's fields as ``save_agreement`` takes them."""
    return {name: getattr(agreement, name) for name in AGREEMENT_FIELDS}


def commitment_values(commitment: Commitment) -> dict:
    """A commitment's fields as ``save_commitment`` takes them."""
    return {name: getattr(commitment, name) for name in (*COMMITMENT_FIELDS, "target_value")}


def commitment_of(agreement: Agreement, commitment_id: int) -> Commitment | None:
    return next((c for c in agreement.commitments if c.id == commitment_id), None)
