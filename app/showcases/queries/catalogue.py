"""The public catalogue, a showcase's page and an organisation's showcases."""

from dataclasses import dataclass

from flask import abort
from sqlalchemy import func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    EditionStatus,
    Organisation,
    OrganisationKind,
    Room,
    SessionShowcase,
    SessionStatus,
    Showcase,
    ShowcaseKind,
    ShowcaseTransition,
    Track,
)
from app.showcases.queries.rules import S, clean_text

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


def _filtered(filters: CatalogueFilters):
    """The catalogue's showcases narrowed by ``filters`` (a statement, not yet run)."""
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
    return query


def _filter_choices() -> tuple[list[Edition], list[Track], list[str], list[str]]:
    """What the filters offer: the editions, tracks, countries and cities of the catalogue."""
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
    return editions, tracks, countries, cities


def catalogue(filters: CatalogueFilters) -> Catalogue:
    """One page of the public catalogue and the choices of its filters, in a fixed number
    of statements whatever the number of showcases."""
    query = _filtered(filters)
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
    return Catalogue(showcases, total, page, pages, *_filter_choices())


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


def showcase_or_404(showcase_id: int) -> Showcase:
    """The showcase of a page, with what the page shows; 404 if there is none."""
    showcase = showcase_for_page(showcase_id)
    if showcase is None:
        abort(404)
    return showcase


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


def accepted_showcases(organisation_id: int) -> list[Showcase]:
    """The organisation's showcases in the catalogue, latest edition first."""
    return list(
        db.session.scalars(
            public_showcases()
            .where(Showcase.organisation_id == organisation_id)
            .options(
                joinedload(Showcase.organisation),
                joinedload(Showcase.edition),
                joinedload(Showcase.track),
            )
            .order_by(Edition.start_date.desc(), Showcase.title)
        )
    )


def presented_in(showcase: Showcase) -> list[ConferenceSession]:
    """The sessions in which the showcase is presented, cancelled ones left out."""
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
