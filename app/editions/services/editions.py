"""Organiser operations on series and editions: create, edit, publish, copy.

Every function validates all of its input before it changes anything, flushes and
leaves the commit to its caller. Input refused field by field raises ``FormErrors``,
whose ``errors`` map a form field's name to its messages ("" is the whole form).
"""

import logging
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit
from app.editions.queries.editions import (
    edition_number_taken,
    edition_slug_taken,
    publication_problems,
    unpublish_problems,
    version_of,
)
from app.editions.queries.texts import texts_by_language
from app.errors import Conflict, FieldErrors, FormErrors
from app.extensions import db
from app.formatting import day_and_time
from app.models import (
    TEXT_LANGUAGES,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    ReviewCriterion,
    Room,
    Series,
    Track,
    User,
    Venue,
    utcnow,
)
from app.permissions import is_site_organiser
from app.showcases.services import announce_decisions
from app.timezones import LocalTimeError, NonexistentLocalTime, is_valid_zone, local_to_utc

logger = logging.getLogger(__name__)

SERIES_FIELDS = ("slug", "name", "description")
EDITION_FIELDS = (
    "slug",
    "number",
    "year",
    "title",
    "theme",
    "description",
    "format",
    "timezone",
    "start_date",
    "end_date",
    "patronage",
    "organised_by",
    "call_opens_local",
    "call_closes_local",
)
# Optional in ``data``: an edition made without it (the API) is written in the default.
LANGUAGE_FIELD = "original_lang"


class StaleEdit(Conflict):
    """Someone else saved the edition since the form was opened."""


# Series ---------------------------------------------------------------------------------


def _check_series_slug(slug: str, errors: FieldErrors, *, series: Series | None = None) -> None:
    query = select(Series.id).where(Series.slug == slug)
    if series is not None:
        query = query.where(Series.id != series.id)
    if db.session.scalar(query) is not None:
        errors.add("slug", _("Another series already uses this address."))


def _save_or_slug_conflict(message: str, *new_objects, change=None) -> None:
    """Add ``new_objects``, apply ``change`` and flush, all inside a savepoint.

    A unique slug (or number) taken by a concurrent save becomes a field error, and the
    savepoint keeps the rest of the transaction usable.
    """
    try:
        with db.session.begin_nested():
            db.session.add_all(new_objects)
            if change is not None:
                change()
            db.session.flush()
    except IntegrityError as error:
        logger.info("unique constraint refused a save: %s", error.orig)
        text = str(error.orig).lower()
        name = "number" if "number" in text and "slug" not in text else "slug"
        raise FormErrors({name: [message]}) from error


def create_series(*, slug: str, name: str, description: str = "") -> Series:
    """Create a series.

    :raises FormErrors: if the slug is taken.
    """
    errors = FieldErrors()
    _check_series_slug(slug, errors)
    errors.raise_any()
    series = Series(slug=slug, name=name, description=description or "")
    _save_or_slug_conflict(_("Another series already uses this address."), series)
    return series


def update_series(series: Series, *, slug: str, name: str, description: str = "") -> Series:
    """Change a series' address, name and description.

    :raises FormErrors: if the slug is taken.
    """
    errors = FieldErrors()
    _check_series_slug(slug, errors, series=series)
    errors.raise_any()

    def change():
        series.slug, series.name, series.description = slug, name, description or ""

    _save_or_slug_conflict(_("Another series already uses this address."), change=change)
    return series


# Editions -------------------------------------------------------------------------------


def _validate_edition(data: dict, *, edition: Edition | None, series: Series) -> dict:
    """Check edition input; return the UTC instants of its call window.

    :raises FormErrors: with every problem found, by field.
    """
    errors = FieldErrors()
    edition_id = edition.id if edition is not None else None
    if edition_slug_taken(data["slug"], edition_id=edition_id):
        errors.add("slug", _("Another edition already uses this address."))
    if edition_number_taken(series.id, data["number"], edition_id=edition_id):
        errors.add("number", _("This series already has an edition with this number."))
    zone = data["timezone"]
    if not is_valid_zone(zone):
        errors.add("timezone", _("Unknown time zone. Choose one such as Africa/Casablanca."))
    start, end = data["start_date"], data["end_date"]
    if end < start:
        errors.add("end_date", _("The edition cannot end before it starts."))
    instants = {}
    for name in ("call_opens_local", "call_closes_local"):
        local = data.get(name)
        if local is None or not is_valid_zone(zone):
            instants[name] = None
            continue
        try:
            instants[name] = local_to_utc(local, zone)
        except NonexistentLocalTime:
            errors.add(
                name,
                _(
                    "%(time)s does not exist in %(zone)s: the clocks skip it. "
                    "Choose a time before or after the change.",
                    time=day_and_time(local),
                    zone=zone,
                ),
            )
        except LocalTimeError as error:
            errors.add(name, str(error))
    opens, closes = instants.get("call_opens_local"), instants.get("call_closes_local")
    if opens and closes and closes <= opens:
        errors.add("call_closes_local", _("The call must close after it opens."))
    _check_original_language(data.get(LANGUAGE_FIELD), edition, errors)
    errors.raise_any()
    return instants


def _check_original_language(lang: str | None, edition: Edition | None, errors) -> None:
    """An edition's own texts are in a language of the interface, and in none that it
    already gives them in besides (those would never show)."""
    if lang is None:
        return
    if lang not in TEXT_LANGUAGES:
        errors.add(LANGUAGE_FIELD, _("Choose one of the languages in the list."))
    elif edition is not None and lang in texts_by_language(edition):
        errors.add(
            LANGUAGE_FIELD,
            _(
                "The edition gives its texts in this language besides the original: remove "
                "them on its Languages page first."
            ),
        )


def create_edition(series: Series, data: dict, *, created_by: User | None = None) -> Edition:
    """Create a draft edition in ``series`` from form ``data`` (keys of ``EDITION_FIELDS``).

    A creator who is not a site organiser becomes an organiser of the new edition.

    :raises FormErrors: for a taken slug or number, an unknown zone, an end before the
        start, a call window time the zone skips.
    """
    _validate_edition(data, edition=None, series=series)
    # Built apart from the session (series_id, not series=) so that a refused save
    # leaves nothing behind in the series' collection of editions.
    edition = Edition(series_id=series.id, status=EditionStatus.DRAFT)
    _assign(edition, data)
    edition.refresh_instants()
    if created_by is not None and not is_site_organiser(created_by):
        edition.roles.append(EditionRole(user_id=created_by.id, role=EditionRoleKind.ORGANISER))
    _save_or_slug_conflict(_("Another edition already uses this address or number."), edition)
    audit.record("edition.created", edition, actor=created_by)
    return edition


def update_edition(
    edition: Edition, data: dict, *, series: Series | None = None, version: str | None = None
) -> Edition:
    """Change an edition's details from form ``data``.

    :param version: the ``version_of`` the edition when the form was opened.
    :raises StaleEdit: if someone saved the edition since.
    :raises FormErrors: for bad input, or changes that would make a published edition
        incoherent.
    """
    if version is not None and version != version_of(edition):
        raise StaleEdit(
            _(
                "This edition was changed meanwhile by someone else. Check the values below "
                "and save again to keep yours."
            )
        )
    series = series or edition.series
    _validate_edition(data, edition=edition, series=series)
    try:
        with db.session.begin_nested():
            edition.series = series
            _assign(edition, data)
            edition.refresh_instants()
            db.session.flush()
            if edition.status is EditionStatus.PUBLISHED:
                problems = publication_problems(edition)
                if problems:
                    raise FormErrors({"": problems})
    except IntegrityError as error:
        raise FormErrors({"slug": [_("Another edition already uses this address.")]}) from error
    audit.record("edition.updated", edition)
    return edition


def _assign(edition: Edition, data: dict) -> None:
    for name in EDITION_FIELDS:
        value = data.get(name)
        if name == "format" and isinstance(value, str):
            value = EditionFormat(value)
        if value is None and name in ("theme", "description", "patronage", "organised_by"):
            value = ""
        setattr(edition, name, value)
    if data.get(LANGUAGE_FIELD):
        edition.original_lang = data[LANGUAGE_FIELD]


# Status ---------------------------------------------------------------------------------


def publish_edition(edition: Edition) -> None:
    """Publish a draft (or archived) edition once it is coherent.

    :raises FormErrors: with ``publication_problems`` under "" if it is not.
    :raises Conflict: if it is already published.
    """
    if edition.status is EditionStatus.PUBLISHED:
        raise Conflict(_("This edition is already published."))
    problems = publication_problems(edition)
    if problems:
        raise FormErrors({"": problems})
    edition.status = EditionStatus.PUBLISHED
    edition.published_at = utcnow()
    audit.record("edition.published", edition)
    db.session.flush()


def unpublish_edition(edition: Edition) -> None:
    """Take a published edition back to draft when nobody relies on it yet.

    :raises FormErrors: with the reasons under "" otherwise.
    """
    problems = unpublish_problems(edition)
    if problems:
        raise FormErrors({"": problems})
    edition.status = EditionStatus.DRAFT
    edition.published_at = None
    audit.record("edition.unpublished", edition)
    db.session.flush()


def archive_edition(edition: Edition) -> None:
    """Archive a published edition: it stays public, read-only for attendees.

    :raises Conflict: if the edition is not published.
    """
    if edition.status is not EditionStatus.PUBLISHED:
        raise Conflict(_("Only a published edition can be archived."))
    edition.status = EditionStatus.ARCHIVED
    audit.record("edition.archived", edition)
    db.session.flush()


def publish_programme(edition: Edition) -> int:
    """Publish the edition's programme: from now on it is final for submitters.

    Delegates can no longer withdraw a showcase, and the decisions taken so far count as
    announced, so the accepted showcases enter the public catalogue with it.

    :returns: how many decisions this announced.
    :raises Conflict: if the edition is not published, or its programme already is.
    """
    if edition.status is not EditionStatus.PUBLISHED:
        raise Conflict(_("Publish the edition before its programme."))
    if edition.programme_published_at is not None:
        raise Conflict(_("The programme is already published."))
    edition.programme_published_at = utcnow()
    audit.record("edition.programme_published", edition)
    return announce_decisions(edition, edition.programme_published_at)


def change_status(edition: Edition, target: EditionStatus) -> None:
    """Move ``edition`` to ``target`` through the allowed transitions.

    :raises FormErrors: for a publish of an incoherent edition or a refused unpublish.
    :raises Conflict: for a transition that does not exist.
    """
    if target is EditionStatus.PUBLISHED:
        publish_edition(edition)
    elif target is EditionStatus.ARCHIVED:
        archive_edition(edition)
    else:
        unpublish_edition(edition)


# Copy -----------------------------------------------------------------------------------


def _shift_years(value, years: int):
    if value is None:
        return None
    try:
        return value.replace(year=value.year + years)
    except ValueError:  # 29 February in a year without one
        return value.replace(year=value.year + years, day=28)


@dataclass
class CopyResult:
    edition: Edition
    notes: list[str] = field(default_factory=list)


def copy_edition(
    source: Edition,
    *,
    slug: str,
    number: int,
    year: int,
    title: str,
    created_by: User | None = None,
) -> CopyResult:
    """Create the next edition of ``source``'s series with its structure.

    Copies the format, zone, theme, description and their language (not their texts in
    other languages: the title changes), patronage and organiser, the tracks,
    venues with their rooms, review criteria and organisers; dates and the call window
    move by the difference in years. The copy is a draft.

    :raises FormErrors: for a taken slug or number.
    """
    years = year - source.year
    data = {
        "slug": slug,
        "number": number,
        "year": year,
        "title": title,
        "theme": source.theme,
        "description": source.description,
        "format": source.format,
        "timezone": source.timezone,
        "start_date": _shift_years(source.start_date, years),
        "end_date": _shift_years(source.end_date, years),
        "patronage": source.patronage,
        "organised_by": source.organised_by,
        "call_opens_local": _shift_years(source.call_opens_local, years),
        "call_closes_local": _shift_years(source.call_closes_local, years),
        LANGUAGE_FIELD: source.original_lang,
    }
    notes = []
    for name in ("call_opens_local", "call_closes_local"):
        local = data[name]
        if local is None:
            continue
        try:
            local_to_utc(local, source.timezone)
        except LocalTimeError:
            data[name] = None
            notes.append(
                _(
                    "%(time)s does not exist in %(zone)s; set the call window again.",
                    time=day_and_time(local),
                    zone=source.timezone,
                )
            )
    if (data["call_opens_local"] is None) != (data["call_closes_local"] is None):
        data["call_opens_local"] = data["call_closes_local"] = None
    _validate_edition(data, edition=None, series=source.series)
    with db.session.no_autoflush:
        edition = _copy_structure(source, data, years, created_by)
    _save_or_slug_conflict(_("Another edition already uses this address or number."), edition)
    return CopyResult(edition, notes)


def _copy_structure(source: Edition, data: dict, years: int, created_by: User | None) -> Edition:
    """Build (outside the session) the new edition with ``source``'s structure."""
    edition = Edition(series_id=source.series_id, status=EditionStatus.DRAFT)
    _assign(edition, data)
    edition.refresh_instants()
    for track in source.tracks:
        edition.tracks.append(
            Track(
                name=track.name,
                description=track.description,
                colour=track.colour,
                position=track.position,
            )
        )
    for venue in source.venues:
        copy = Venue(
            name=venue.name,
            town=venue.town,
            address=venue.address,
            timezone=venue.timezone,
            start_date=_shift_years(venue.start_date, years),
            end_date=_shift_years(venue.end_date, years),
            position=venue.position,
        )
        copy.rooms = [Room(name=room.name, capacity=room.capacity) for room in venue.rooms]
        edition.venues.append(copy)
    for criterion in source.review_criteria:
        edition.review_criteria.append(
            ReviewCriterion(
                name=criterion.name,
                description=criterion.description,
                weight=criterion.weight,
                position=criterion.position,
            )
        )
    organisers = {role.user_id for role in source.roles if role.role is EditionRoleKind.ORGANISER}
    if created_by is not None and not is_site_organiser(created_by):
        organisers.add(created_by.id)
    for user_id in sorted(organisers):
        edition.roles.append(EditionRole(user_id=user_id, role=EditionRoleKind.ORGANISER))
    return edition
