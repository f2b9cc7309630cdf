"""Reads of series and editions: public pages, the organiser's lists, publication checks.

Also what an edition's forms check before a save (a slug or number already taken) and
the proposal for the next edition of a series.
"""

import re
from datetime import date, datetime, timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from app.extensions import db
from app.formatting import long_date
from app.models import (
    Agreement,
    AgreementParty,
    ConferenceSession,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    Registration,
    Series,
    Showcase,
    ShowcaseStatus,
    Thinklab,
    User,
    Venue,
)
from app.permissions import is_site_organiser
from app.timezones import is_valid_zone

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
        .options(
            selectinload(Edition.series),
            selectinload(Edition.venues),
            selectinload(Edition.texts),
        )
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
        .options(selectinload(Edition.venues), selectinload(Edition.texts))
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
            # Joined, not one more statement: an edition has two other languages at most.
            joinedload(Edition.texts),
        )
    )
    return db.session.scalars(query).unique().first()


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


def version_of(edition: Edition) -> str:
    """Return the token a form carries to notice that the edition changed meanwhile."""
    return edition.updated_at.isoformat() if edition.updated_at else ""


def day_label(value: date) -> str:
    """Return ``value`` as the long date of the current language."""
    return long_date(value)


def count_referencing(column, value) -> int:
    """Count the rows whose ``column`` equals ``value`` (who still uses a track, a room...)."""
    return db.session.scalar(select(func.count()).where(column == value)) or 0


# Organising ---------------------------------------------------------------------------------


def edition_slug_taken(slug: str, *, edition_id: int | None = None) -> bool:
    """Whether another edition than ``edition_id`` already uses the address ``slug``."""
    query = select(Edition.id).where(Edition.slug == slug)
    if edition_id is not None:
        query = query.where(Edition.id != edition_id)
    return db.session.scalar(query) is not None


def edition_number_taken(series_id: int, number: int, *, edition_id: int | None = None) -> bool:
    """Whether another edition than ``edition_id`` of the series has this ``number``."""
    query = select(Edition.id).where(Edition.series_id == series_id, Edition.number == number)
    if edition_id is not None:
        query = query.where(Edition.id != edition_id)
    return db.session.scalar(query) is not None


def organised_editions(user: User) -> list[Edition]:
    """Return the editions ``user`` may organise, newest first."""
    query = select(Edition).order_by(Edition.start_date.desc(), Edition.id)
    if not is_site_organiser(user):
        query = query.join(EditionRole).where(
            EditionRole.user_id == user.id, EditionRole.role == EditionRoleKind.ORGANISER
        )
    return list(db.session.scalars(query))


def all_series() -> list[Series]:
    """Return every series, by name."""
    return list(db.session.scalars(select(Series).order_by(Series.name)))


# Publication -------------------------------------------------------------------------------


def _ends_on(moment: datetime) -> date:
    """The last day a range ending at ``moment`` touches (midnight belongs to the day before)."""
    return (moment - timedelta(microseconds=1)).date()


def publication_problems(edition: Edition) -> list[str]:
    """Return what keeps ``edition`` from being published, in plain words (empty: coherent)."""
    problems = []
    if not is_valid_zone(edition.timezone):
        problems.append(_("The time zone “%(zone)s” is unknown.", zone=edition.timezone))
    if edition.end_date < edition.start_date:
        problems.append(_("The edition ends before it starts."))
    if not edition.venues:
        problems.append(_("The edition has no venue."))
    for venue in edition.venues:
        if venue.timezone and not is_valid_zone(venue.timezone):
            problems.append(_("The venue “%(name)s” has an unknown time zone.", name=venue.name))
        for day in (venue.start_date, venue.end_date):
            if day is not None and not edition.start_date <= day <= edition.end_date:
                problems.append(
                    _(
                        "The venue “%(name)s” has dates outside the edition's (%(day)s).",
                        name=venue.name,
                        day=day_label(day),
                    )
                )
                break
    sessions = db.session.scalars(
        select(ConferenceSession)
        .where(ConferenceSession.edition_id == edition.id)
        .order_by(ConferenceSession.starts_at)
    )
    for session_ in sessions:
        first, last = session_.starts_local.date(), _ends_on(session_.ends_local)
        if first < edition.start_date or last > edition.end_date:
            problems.append(
                _(
                    "The session “%(title)s” (%(day)s, %(zone)s) is outside the edition's days.",
                    title=session_.title,
                    day=day_label(first),
                    zone=session_.timezone,
                )
            )
    if edition.call_closes_local is not None:
        if edition.call_closes_local.date() > edition.end_date:
            problems.append(_("The call for showcases closes after the edition ends."))
        if edition.call_opens_local and edition.call_opens_local >= edition.call_closes_local:
            problems.append(_("The call for showcases closes before it opens."))
    return problems


def unpublish_problems(edition: Edition) -> list[str]:
    """Return what forbids a published edition from going back to draft."""
    problems = []
    if edition.status is not EditionStatus.PUBLISHED:
        problems.append(_("Only a published edition can go back to draft."))
    if edition.programme_published_at is not None:
        problems.append(_("Its programme is published."))
    registered = count_referencing(Registration.edition_id, edition.id)
    if registered:
        problems.append(
            ngettext(
                "%(num)d person registered for it.", "%(num)d people registered for it.", registered
            )
        )
    submitted = db.session.scalar(
        select(func.count()).where(
            Showcase.edition_id == edition.id, Showcase.status != ShowcaseStatus.DRAFT
        )
    )
    if submitted:
        problems.append(
            ngettext(
                "%(num)d showcase was submitted to it.",
                "%(num)d showcases were submitted to it.",
                submitted,
            )
        )
    return problems


# The next edition ----------------------------------------------------------------------------


def next_edition_defaults(source: Edition) -> dict:
    """Return the number, year, slug and title proposed for the edition after ``source``."""
    number = (
        db.session.scalar(
            select(func.max(Edition.number)).where(Edition.series_id == source.series_id)
        )
        or source.number
    ) + 1
    year = source.year + 1
    slug = source.slug.replace(str(source.year), str(year))
    if slug == source.slug:
        slug = f"{source.slug}-{year}"
    title = _renumber(source.title.replace(str(source.year), str(year)), source.number, number)
    return {"number": number, "year": year, "slug": slug, "title": title}


_ORDINAL = re.compile(r"\b(\d+)(st|nd|rd|th|e|ème|eme|re|ère)\b", re.IGNORECASE)


def _renumber(title: str, old: int, new: int) -> str:
    """Change the ordinal of edition ``old`` in ``title`` ("7e édition", "7th") to ``new``."""

    def replace(match: re.Match) -> str:
        if int(match.group(1)) != old:
            return match.group(0)
        suffix = match.group(2)
        if suffix.lower() in ("st", "nd", "rd", "th"):
            last_two = new % 100
            suffix = (
                "th" if 11 <= last_two <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(new % 10, "th")
            )
        elif suffix.lower() in ("re", "ère"):
            suffix = "e"
        return f"{new}{suffix}"

    return _ORDINAL.sub(replace, title)
