"""Reads of an edition's identity and public face: its pictures, its key figures, and
the home page's editions, thinklabs and partners."""

from dataclasses import dataclass
from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import selectinload

from app.colours import ink_on_page, is_hex_colour, text_on
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    ConferenceSession,
    Edition,
    EditionStatus,
    Organisation,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseStatus,
    utcnow,
)
from app.uploads import JPEG, MB, PNG

PICTURES_AREA = "editions"
PICTURE_TYPES = (PNG, JPEG)
PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)
PARTNER_KINDS = (AgreementKind.SPONSORSHIP, AgreementKind.PATRONAGE)
PARTNER_LABELS = {
    AgreementKind.SPONSORSHIP: _l("Sponsorship"),
    AgreementKind.PATRONAGE: _l("Patronage"),
}


@dataclass(frozen=True)
class PictureRule:
    """How one kind of picture is accepted and kept."""

    column: str
    limit: int
    max_width: int
    max_height: int
    lossless: bool


PICTURES = {
    "logo": PictureRule("logo_key", 2 * MB, 512, 512, True),
    "banner": PictureRule("banner_key", 5 * MB, 1600, 900, False),
}


@dataclass(frozen=True)
class KeyFigures:
    showcases: int
    sessions: int
    speakers: int
    partners: int


@dataclass(frozen=True)
class Partner:
    organisation: Organisation
    kinds: tuple[AgreementKind, ...]


def picture_key(edition: Edition, kind: str) -> str | None:
    """The storage key of the edition's ``kind`` of picture (``logo``, ``banner``)."""
    return getattr(edition, PICTURES[kind].column)


def accent_palette(edition: Edition) -> dict[str, str] | None:
    """The accent colour and the colours that stay readable with it, or None.

    ``accent`` fills bands and buttons, ``on_accent`` is the text written on it, and
    ``ink`` is the accent darkened enough to be text on the page itself.
    """
    colour = edition.accent_colour
    if not is_hex_colour(colour):
        return None
    return {"accent": colour, "on_accent": text_on(colour), "ink": ink_on_page(colour)}


def key_figures(edition: Edition) -> KeyFigures:
    """Count what an edition gathers, in one query: accepted showcases whose decision is
    announced, sessions and speakers not cancelled, and partner organisations of its
    public agreements."""
    live_sessions = select(ConferenceSession.id).where(
        ConferenceSession.edition_id == edition.id,
        ConferenceSession.status != SessionStatus.CANCELLED,
    )
    showcases = (
        select(func.count(Showcase.id))
        .where(
            Showcase.edition_id == edition.id,
            Showcase.status == ShowcaseStatus.ACCEPTED,
            Showcase.decision_released_at.is_not(None),
        )
        .scalar_subquery()
    )
    sessions = select(func.count()).select_from(live_sessions.subquery()).scalar_subquery()
    speakers = (
        select(func.count(distinct(SessionSpeaker.speaker_id)))
        .where(SessionSpeaker.session_id.in_(live_sessions))
        .scalar_subquery()
    )
    partners = (
        select(func.count(distinct(AgreementParty.organisation_id)))
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(Agreement.edition_id == edition.id, Agreement.is_public.is_(True))
        .scalar_subquery()
    )
    row = db.session.execute(select(showcases, sessions, speakers, partners)).one()
    return KeyFigures(*(value or 0 for value in row))


def home_editions(today: date | None = None) -> tuple[list[Edition], list[Edition]]:
    """Return the public editions split into ``(upcoming and current, past)``.

    Upcoming and current ones come soonest first; past ones newest first.
    """
    today = today or utcnow().date()
    query = (
        select(Edition)
        .where(Edition.status.in_(PUBLIC_STATUSES))
        .options(
            selectinload(Edition.series),
            selectinload(Edition.venues),
            selectinload(Edition.texts),
        )
        .order_by(Edition.start_date, Edition.id)
    )
    editions = list(db.session.scalars(query))
    coming = [edition for edition in editions if edition.end_date >= today]
    past = [edition for edition in editions if edition.end_date < today]
    past.reverse()
    return coming, past


def partners() -> list[Partner]:
    """Return the organisations bound by public sponsorship or patronage agreements, by
    name, with the kinds of partnership they hold."""
    query = (
        select(Organisation, Agreement.kind)
        .join(AgreementParty, AgreementParty.organisation_id == Organisation.id)
        .join(Agreement, Agreement.id == AgreementParty.agreement_id)
        .where(Agreement.is_public.is_(True), Agreement.kind.in_(PARTNER_KINDS))
        .order_by(Organisation.name)
    )
    kinds: dict[int, list[AgreementKind]] = {}
    found: dict[int, Organisation] = {}
    for organisation, kind in db.session.execute(query):
        found[organisation.id] = organisation
        if kind not in kinds.setdefault(organisation.id, []):
            kinds[organisation.id].append(kind)
    return [
        Partner(organisation, tuple(sorted(kinds[key], key=PARTNER_KINDS.index)))
        for key, organisation in found.items()
    ]
