"""Drafts and submission: what a delegate does with their organisation's showcases."""

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import func, select

from app import audit, signals
from app.errors import Conflict, FieldErrors, FormErrors, NotAllowed
from app.extensions import db
from app.models import (
    Edition,
    Organisation,
    Showcase,
    ShowcaseKind,
    ShowcaseTransition,
    Track,
    User,
    utcnow,
)
from app.permissions import is_admin, is_delegate_of
from app.showcases import emails
from app.showcases.queries.rules import (
    SUMMARY_MAX,
    TITLE_MAX,
    S,
    call_closed_message,
    call_is_open,
    clean_text,
    edit_problem,
    withdraw_problem,
)
from app.showcases.services.decisions import drop_draft_decision_mails
from app.showcases.services.placement import free_place
from app.showcases.services.reviewing import assign_track_reviewers
from app.showcases.services.transitions import record_transition


class StaleShowcase(Conflict):
    """Someone else changed the showcase since the form was opened."""


def check_editable(showcase: Showcase) -> None:
    """:raises Conflict: if the delegates cannot change ``showcase`` now."""
    problem = edit_problem(showcase)
    if problem:
        raise Conflict(problem)


def check_delegate(user: User, showcase: Showcase) -> None:
    """:raises NotAllowed: unless ``user`` represents the showcase's organisation."""
    if not (is_delegate_of(user, showcase.organisation_id) or is_admin(user)):
        raise NotAllowed(_("Only the delegates of the showcase's organisation may change it."))


def edition_track(edition: Edition, track_id) -> Track | None:
    """The track ``track_id`` if it belongs to ``edition``; None for no track.

    :raises FormErrors: for an unknown track or one of another edition.
    """
    if track_id in (None, "", 0):
        return None
    try:
        track_id = int(track_id)
    except (TypeError, ValueError):
        track_id = -1
    track = db.session.get(Track, track_id)
    if track is None or track.edition_id != edition.id:
        raise FormErrors({"track_id": [_("Choose one of this edition's axes.")]})
    return track


def _validated(edition: Edition, data: dict) -> dict:
    errors = FieldErrors()
    title = clean_text(data.get("title"))
    summary = clean_text(data.get("summary"))
    if not title:
        errors.add("title", _("Give the showcase a title."))
    elif len(title) > TITLE_MAX:
        errors.add("title", _("Keep the title under %(max)d characters.", max=TITLE_MAX))
    elif "\n" in title:
        errors.add("title", _("The title fits on one line."))
    if len(summary) > SUMMARY_MAX:
        errors.add("summary", _("Keep the summary under %(max)d characters.", max=SUMMARY_MAX))
    kind = data.get("kind")
    try:
        kind = ShowcaseKind(kind.value if isinstance(kind, ShowcaseKind) else kind)
    except ValueError:
        errors.add(
            "kind", _("Choose what the showcase is: a project, system, policy or programme.")
        )
    track = None
    try:
        track = edition_track(edition, data.get("track_id"))
    except FormErrors as error:
        for name, messages in error.errors.items():
            for message in messages:
                errors.add(name, message)
    errors.raise_any()
    return {"title": title, "summary": summary, "kind": kind, "track": track}


def _same_title(edition: Edition, organisation_id: int, title: str) -> Showcase | None:
    return db.session.scalar(
        select(Showcase).where(
            Showcase.edition_id == edition.id,
            Showcase.organisation_id == organisation_id,
            func.lower(Showcase.title) == title.lower(),
            Showcase.status != S.WITHDRAWN,
        )
    )


def _lock_organisation(organisation_id: int) -> None:
    """Serialise the creations of one organisation (PostgreSQL; SQLite serialises writes)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(
            select(Organisation.id).where(Organisation.id == organisation_id).with_for_update()
        )


@dataclass
class Created:
    showcase: Showcase
    created: bool


def create_draft(user: User, edition: Edition, data: dict) -> Created:
    """Create a draft for the user's organisation while the call is open.

    A second creation with the same title (a double-click, a reloaded page) returns
    the first showcase instead of making another one.

    :raises NotAllowed: if the user represents no organisation.
    :raises Conflict: if the call is not open.
    :raises FormErrors: for a missing title, an unknown track...
    """
    if user.organisation_id is None:
        raise NotAllowed(_("Create your organisation's profile before submitting a showcase."))
    if not call_is_open(edition):
        raise Conflict(call_closed_message(edition))
    values = _validated(edition, data)
    _lock_organisation(user.organisation_id)
    existing = _same_title(edition, user.organisation_id, values["title"])
    if existing is not None:
        return Created(existing, False)
    showcase = Showcase(
        edition=edition,
        organisation_id=user.organisation_id,
        title=values["title"],
        summary=values["summary"],
        kind=values["kind"],
        track=values["track"],
        status=S.DRAFT,
    )
    showcase.transitions.append(
        ShowcaseTransition(from_status=None, to_status=S.DRAFT, actor=user, note="")
    )
    db.session.add(showcase)
    db.session.flush()
    audit.record("showcase.created", showcase, actor=user)
    return Created(showcase, True)


def update_showcase(showcase: Showcase, user: User, data: dict, *, version) -> Showcase:
    """Change a showcase's title, summary, kind and track while the call is open.

    :raises StaleShowcase: if ``version`` is not the showcase's current version.
    """
    check_delegate(user, showcase)
    check_editable(showcase)
    check_version(showcase, version)
    values = _validated(showcase.edition, data)
    other = _same_title(showcase.edition, showcase.organisation_id, values["title"])
    if other is not None and other.id != showcase.id:
        raise FormErrors(
            {"title": [_("Your organisation already has a showcase with this title here.")]}
        )
    old_track_id = showcase.track_id
    showcase.title = values["title"]
    showcase.summary = values["summary"]
    showcase.kind = values["kind"]
    showcase.track = values["track"]
    audit.record("showcase.updated", showcase, actor=user)
    db.session.flush()
    if showcase.status is not S.DRAFT and showcase.track_id != old_track_id:
        assign_track_reviewers(showcase)
    return showcase


def check_version(showcase: Showcase, version) -> None:
    """:raises StaleShowcase: if ``version`` is not the showcase's current version."""
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    if version != showcase.version_id:
        raise StaleShowcase(
            _(
                "This showcase was changed by someone else since you opened the page. "
                "Nothing was saved: check it below and try again."
            )
        )


@dataclass
class Submitted:
    showcase: Showcase
    already: bool


def submit(showcase: Showcase, user: User, *, version, track_id=None) -> Submitted:
    """Submit a draft to one of its edition's tracks and acknowledge it by email.

    Submitting again what is already submitted changes nothing (a double-click).

    :raises Conflict: if the call is closed or the showcase was withdrawn or decided.
    :raises StaleShowcase: if the draft changed since the page was opened.
    :raises FormErrors: if the track is unknown or the draft is incomplete.
    """
    check_delegate(user, showcase)
    if showcase.status in (S.SUBMITTED, S.UNDER_REVIEW):
        return Submitted(showcase, True)
    if showcase.status is not S.DRAFT:
        raise Conflict(_("Only a draft can be submitted."))
    if not call_is_open(showcase.edition):
        raise Conflict(call_closed_message(showcase.edition))
    check_version(showcase, version)
    errors = FieldErrors()
    track = showcase.track
    if track_id not in (None, ""):
        try:
            track = edition_track(showcase.edition, track_id)
        except FormErrors as error:
            errors.update(error.errors)
    if track is None and "track_id" not in errors and showcase.edition.tracks:
        errors.add("track_id", _("Choose the axis you submit the showcase to."))
    if not showcase.summary.strip():
        errors.add("summary", _("Write a summary before submitting."))
    errors.raise_any()
    showcase.track = track
    showcase.submitted_at = utcnow()
    showcase.submitted_by = user
    record_transition(showcase, S.SUBMITTED, user)
    audit.record("showcase.submitted", showcase, actor=user)
    db.session.flush()
    emails.notify_received(showcase, user)
    assign_track_reviewers(showcase)
    signals.showcase_submitted.send(showcase, actor=user)
    return Submitted(showcase, False)


def withdraw(showcase: Showcase, user: User, note: str = "") -> bool:
    """Withdraw a submitted showcase until the programme is published.

    Its stand and its slots are freed, and a decision mail not yet released is dropped.
    Returns False when it was already withdrawn.
    """
    check_delegate(user, showcase)
    if showcase.status is S.WITHDRAWN:
        return False
    problem = withdraw_problem(showcase)
    if problem:
        raise Conflict(problem)
    free_place(showcase)
    drop_draft_decision_mails(showcase)
    record_transition(showcase, S.WITHDRAWN, user, clean_text(note))
    audit.record("showcase.withdrawn", showcase, actor=user)
    db.session.flush()
    return True


def delete_draft(showcase: Showcase, user: User) -> list[str]:
    """Delete a draft that was never submitted; return the storage keys of its files."""
    check_delegate(user, showcase)
    if showcase.status is not S.DRAFT:
        raise Conflict(_("Only a draft that was never submitted can be deleted."))
    keys = [material.storage_key for material in showcase.materials]
    db.session.delete(showcase)
    db.session.flush()
    return keys
