"""Edition queries and operations."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Agreement,
    AgreementParty,
    Edition,
    EditionFormat,
    EditionStatus,
    Series,
    Thinklab,
    User,
    Venue,
)
from app.permissions import is_site_organiser

PUBLIC_STATUSES = (EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)

FORMAT_LABELS = {
    EditionFormat.CONFERENCE: _l("Conference"),
    EditionFormat.AGORA: _l("Agora of showcases"),
    EditionFormat.CARAVAN: _l("Caravan"),
    EditionFormat.THINKLAB: _l("Thinklab"),
}
EDITION_STATUS_LABELS = {
    EditionStatus.DRAFT: _l("Draft"),
    EditionStatus.PUBLISHED: _l("Published"),
    EditionStatus.ARCHIVED: _l("Archived"),
}


def public_editions() -> list[Edition]:
    """Return published and archived editions, newest first, with their series and venues."""
    query = (
        select(Edition)
        .where(Edition.status.in_(PUBLIC_STATUSES))
        .options(selectinload(Edition.series), selectinload(Edition.venues))
        .order_by(Edition.start_date.desc(), Edition.id)
    )
    return list(db.session.scalars(query))


def series_by_slug(slug: str) -> Series | None:
    """Return the series at ``slug``, or None."""
    return db.session.scalar(select(Series).where(Series.slug == slug))


def series_editions(series: Series, user: User | None) -> list[Edition]:
    """Return the editions of ``series`` that ``user`` may see, newest first.

    Everyone sees published and archived editions; site organisers see drafts too.

    :param series: the series.
    :param user: the visitor (anonymous or not).
    """
    query = (
        select(Edition)
        .where(Edition.series_id == series.id)
        .options(selectinload(Edition.venues))
        .order_by(Edition.number.desc())
    )
    if not is_site_organiser(user):
        query = query.where(Edition.status.in_(PUBLIC_STATUSES))
    return list(db.session.scalars(query))


def edition_for_page(slug: str) -> Edition | None:
    """Return the edition at ``slug`` with what its public page shows, or None."""
    query = (
        select(Edition)
        .where(Edition.slug == slug)
        .options(
            selectinload(Edition.series),
            selectinload(Edition.tracks),
            selectinload(Edition.venues).selectinload(Venue.rooms),
        )
    )
    return db.session.scalar(query)


def partner_agreements(edition: Edition) -> list[Agreement]:
    """Return the public agreements tied to ``edition``, with their parties."""
    query = (
        select(Agreement)
        .where(Agreement.edition_id == edition.id, Agreement.is_public.is_(True))
        .options(selectinload(Agreement.parties).selectinload(AgreementParty.organisation))
        .order_by(Agreement.kind, Agreement.id)
    )
    return list(db.session.scalars(query))


def edition_thinklabs(edition: Edition) -> list[Thinklab]:
    """Return the thinklabs an edition launched."""
    query = select(Thinklab).where(Thinklab.edition_id == edition.id).order_by(Thinklab.name)
    return list(db.session.scalars(query))
