"""Operations on thinklabs: details, members, composition, meetings, roadmap, posts.

Every function flushes and never commits; a refusal raises ``FormErrors`` (messages by
field), ``InvalidRecurrence`` or ``ContributionRefused`` before anything is written, or
inside a savepoint.
"""

import secrets
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import nh3
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import FormErrors, InvalidInput, NotAllowed, NotFound
from app.extensions import db
from app.models import (
    Agreement,
    CompositionRule,
    Contribution,
    ContributionFile,
    Edition,
    MeetingChange,
    MeetingMode,
    MemberRole,
    Organisation,
    RoadmapItem,
    RoadmapStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    User,
    Venue,
)
from app.permissions import can_organise, is_site_organiser
from app.thinklabs import emails
from app.thinklabs.queries import recurrence
from app.thinklabs.queries.contributions import clean_html, upload_folder
from app.thinklabs.queries.recurrence import InvalidRecurrence
from app.thinklabs.queries.thinklab import is_member, membership
from app.timezones import LocalTimeError, NonexistentLocalTime, is_valid_zone, local_to_utc
from app.uploads import sniff

MAX_BODY = 20_000
MAX_FILES = 5


class ContributionRefused(InvalidInput):
    """A contribution that is empty, too long, or carries a link or file we do not take."""


@dataclass(frozen=True)
class Upload:
    filename: str
    data: bytes


def _refuse(field: str, message: str) -> FormErrors:
    return FormErrors({field: [message]})


def _thinklab_errors(
    data: dict, *, user: User, thinklab: Thinklab | None
) -> tuple[dict[str, list[str]], Edition | None]:
    """The field errors of a thinklab's details (empty when fine), and the chosen edition."""
    errors: dict[str, list[str]] = defaultdict(list)
    slug = data["slug"]
    taken = db.session.scalar(select(Thinklab.id).where(Thinklab.slug == slug))
    if taken is not None and (thinklab is None or taken != thinklab.id):
        errors["slug"].append(_("Another thinklab already uses this address."))
    edition = None
    if data.get("edition_id"):
        edition = db.session.get(Edition, data["edition_id"])
        if edition is None or not can_organise(user, edition):
            errors["edition_id"].append(_("Choose an edition you organise."))
    elif not is_site_organiser(user):
        errors["edition_id"].append(_("Only site organisers run thinklabs without an edition."))
    if data.get("agreement_id") and db.session.get(Agreement, data["agreement_id"]) is None:
        errors["agreement_id"].append(_("This agreement does not exist."))
    zone = data["timezone"]
    if not is_valid_zone(zone):
        errors["timezone"].append(_("Unknown time zone. Choose one such as Europe/Paris."))
    venue_id = data.get("venue_id") or None
    if venue_id is not None:
        venue = db.session.get(Venue, venue_id)
        if venue is None or edition is None or venue.edition_id != edition.id:
            errors["venue_id"].append(_("Choose a venue of the thinklab's edition."))
    mode = MeetingMode(data["meeting_mode"])
    if mode is not MeetingMode.ONLINE and not (venue_id or data.get("location")):
        errors["location"].append(_("A meeting in person needs a venue or a place."))
    if mode is not MeetingMode.IN_PERSON and not data.get("online_url"):
        errors["online_url"].append(_("An online meeting needs a link."))
    first_local = data.get("first_meeting_local")
    if is_valid_zone(zone) and first_local is not None:
        try:
            local_to_utc(first_local, zone)
        except NonexistentLocalTime:
            errors["first_meeting_local"].append(
                _("This time does not exist in %(zone)s: the clocks skip it.", zone=zone)
            )
        try:
            recurrence.validate_rule(data.get("rrule", ""), first_local, zone)
        except InvalidRecurrence as error:
            errors["rrule"].append(error.message)
    elif (data.get("rrule") or "").strip():
        errors["first_meeting_local"].append(
            _("Give the first meeting's date and time for a recurrence.")
        )
    return errors, edition


def save_thinklab(data: dict, *, user: User, thinklab: Thinklab | None = None) -> Thinklab:
    """Create a thinklab, or change one, from the organiser's form.

    :param data: slug, name, description, edition_id, agreement_id, timezone,
        first_meeting_local, meeting_minutes, rrule, meeting_mode, venue_id, location,
        online_url.
    :param user: who saves; an edition organiser may only tie it to editions they run.
    :raises FormErrors: with messages by field, nothing written.
    """
    errors, edition = _thinklab_errors(data, user=user, thinklab=thinklab)
    if errors:
        raise FormErrors(dict(errors))
    slug, zone, mode = data["slug"], data["timezone"], MeetingMode(data["meeting_mode"])
    venue_id = data.get("venue_id") or None
    first_local = data.get("first_meeting_local")

    if thinklab is None:
        thinklab = Thinklab(slug=slug, name=data["name"], timezone=zone)
        db.session.add(thinklab)

    # What members' calendars show: a change of any of it is a new SEQUENCE of the series.
    def timing():
        return (
            thinklab.first_meeting_local,
            thinklab.rrule,
            thinklab.timezone,
            thinklab.meeting_minutes,
            thinklab.meeting_mode,
            thinklab.venue_id,
            thinklab.location,
            thinklab.online_url,
            thinklab.name,
        )

    before = timing() if thinklab.id is not None else None
    thinklab.slug = slug
    thinklab.name = data["name"]
    thinklab.description = data.get("description") or ""
    thinklab.edition_id = edition.id if edition else None
    thinklab.agreement_id = data.get("agreement_id") or None
    thinklab.timezone = zone
    thinklab.first_meeting_local = first_local
    thinklab.meeting_minutes = data["meeting_minutes"]
    thinklab.rrule = (data.get("rrule") or "").strip()
    thinklab.meeting_mode = mode
    thinklab.venue_id = venue_id
    thinklab.location = data.get("location") or ""
    thinklab.online_url = data.get("online_url") or None
    thinklab.refresh_instants()
    changed = before is not None and before != timing()
    if changed:
        thinklab.sequence = (thinklab.sequence or 0) + 1
    db.session.flush()
    if changed:
        emails.notify_series_changed(thinklab, actor=user)
    return thinklab


def add_member(thinklab: Thinklab, data: dict, *, actor: User | None = None) -> ThinklabMember:
    """Give someone a seat: a user (by email) or a person without an account.

    A member with an email gets an invitation to the thinklab's meetings.

    :raises FormErrors: if the email is unknown or the user already sits in the group.
    """
    user = None
    email = (data.get("email") or "").strip()
    if email:
        user = db.session.scalar(select(User).where(User.email.ilike(email)))
        if user is None:
            raise _refuse("email", _("No account uses this email address."))
        if is_member(user, thinklab):
            raise _refuse("email", _("This person is already a member."))
    name = data.get("name") or (user.display_name if user else "")
    if not name:
        raise _refuse("name", _("Give the member's name."))
    member = ThinklabMember(
        thinklab=thinklab,
        user=user,
        name=name,
        organisation_id=data.get("organisation_id") or (user.organisation_id if user else None),
        category=StakeholderCategory(data["category"]),
        role=MemberRole(data.get("role") or MemberRole.MEMBER.value),
    )
    db.session.add(member)
    db.session.flush()
    emails.notify_member_added(thinklab, user, actor=actor)
    return member


def remove_member(thinklab: Thinklab, member_id: int, *, actor: User | None = None) -> None:
    """Take a seat away; a member with an email gets the cancellation of the meetings.

    The cancellation's SEQUENCE must be above every one the member received (the series
    and the overrides of moved meetings), so ``Thinklab.sequence`` is raised past them.

    :raises NotFound: if the member is not one of this thinklab's.
    """
    member = db.session.get(ThinklabMember, member_id)
    if member is None or member.thinklab_id != thinklab.id:
        raise NotFound(_("This member is not in the thinklab."))
    user = member.user
    db.session.delete(member)
    db.session.flush()
    if user is None or not user.email:
        return
    db.session.refresh(thinklab, ["members"])
    if any(m.user_id == user.id for m in thinklab.members):
        return  # still seated through another membership: the meetings stay theirs
    if thinklab.first_meeting_local is not None:
        sent = [thinklab.sequence or 0]
        sent += [change.sequence or 0 for change in thinklab.occurrence_changes]
        thinklab.sequence = max(sent) + 1
        db.session.flush()
    emails.notify_member_removed(thinklab, user, actor=actor)


def update_member(thinklab: Thinklab, member_id: int, data: dict) -> ThinklabMember:
    """Change a member's name, category, role or organisation.

    :raises NotFound: if the member is not one of this thinklab's.
    :raises FormErrors: for an empty name or an unknown organisation.
    """
    member = db.session.get(ThinklabMember, member_id)
    if member is None or member.thinklab_id != thinklab.id:
        raise NotFound(_("This member is not in the thinklab."))
    name = (data.get("name") or "").strip()
    if not name:
        raise _refuse("name", _("Give the member's name."))
    organisation_id = data.get("organisation_id") or None
    if organisation_id is not None and db.session.get(Organisation, organisation_id) is None:
        raise _refuse("organisation_id", _("Choose an organisation from the list."))
    member.name = name
    member.organisation_id = organisation_id
    member.category = StakeholderCategory(data["category"])
    member.role = MemberRole(data.get("role") or MemberRole.MEMBER.value)
    db.session.flush()
    return member


def delete_roadmap_item(thinklab: Thinklab, item_id: int) -> None:
    """:raises NotFound: if the item is not one of this thinklab's."""
    item = db.session.get(RoadmapItem, item_id)
    if item is None or item.thinklab_id != thinklab.id:
        raise NotFound(_("This roadmap item does not exist."))
    db.session.delete(item)
    db.session.flush()


def set_composition_rule(
    thinklab: Thinklab, category: StakeholderCategory, minimum: int
) -> CompositionRule | None:
    """Require at least ``minimum`` members of ``category``; 0 removes the rule."""
    rule = db.session.scalar(
        select(CompositionRule).where(
            CompositionRule.thinklab_id == thinklab.id, CompositionRule.category == category
        )
    )
    if minimum <= 0:
        if rule is not None:
            db.session.delete(rule)
            db.session.flush()
        return None
    if rule is None:
        rule = CompositionRule(thinklab=thinklab, category=category, minimum=minimum)
        db.session.add(rule)
    rule.minimum = minimum
    db.session.flush()
    return rule


def _change_for(thinklab: Thinklab, original_local: datetime) -> MeetingChange:
    """The change row of one occurrence, new or existing.

    :raises FormErrors: if ``original_local`` is not an occurrence of the rule.
    """
    try:
        rule = recurrence.parse_rule(
            thinklab.rrule, thinklab.first_meeting_local, thinklab.timezone
        )
    except InvalidRecurrence as error:
        raise _refuse("original", error.message) from error
    if thinklab.first_meeting_local is None or not recurrence.is_occurrence(
        rule, thinklab.first_meeting_local, original_local
    ):
        raise _refuse("original", _("There is no meeting at this date and time."))
    change = db.session.scalar(
        select(MeetingChange).where(
            MeetingChange.thinklab_id == thinklab.id,
            MeetingChange.original_local == original_local,
        )
    )
    if change is None:
        change = MeetingChange(
            thinklab=thinklab, timezone=thinklab.timezone, original_local=original_local
        )
        db.session.add(change)
    change.original_at = recurrence.instant(original_local, thinklab.timezone)
    change.sequence = (change.sequence or 0) + 1
    return change


def skip_meeting(
    thinklab: Thinklab, original_local: datetime, note: str = "", *, actor: User | None = None
) -> MeetingChange:
    """Cancel one occurrence (an EXDATE); the others keep their times. Members get the
    cancellation of that meeting.

    :raises FormErrors: if there is no meeting at ``original_local``.
    """
    change = _change_for(thinklab, original_local)
    change.is_cancelled = True
    change.starts_local = change.ends_local = change.starts_at = change.ends_at = None
    change.note = note or ""
    thinklab.sequence = (thinklab.sequence or 0) + 1
    db.session.flush()
    emails.notify_meeting_skipped(thinklab, change, actor=actor)
    return change


def move_meeting(
    thinklab: Thinklab,
    original_local: datetime,
    *,
    starts_local: datetime,
    ends_local: datetime,
    meeting_mode: MeetingMode | None = None,
    venue_id: int | None = None,
    note: str = "",
    actor: User | None = None,
) -> MeetingChange:
    """Move one occurrence to other times (wall clock of the thinklab's zone), mode, venue.

    :raises FormErrors: if there is no meeting then, a time does not exist in the zone,
        the end is not after the start, or the venue is not the edition's.
    """
    if venue_id is not None:
        venue = db.session.get(Venue, venue_id)
        if venue is None or venue.edition_id != thinklab.edition_id:
            raise _refuse("venue_id", _("Choose a venue of the thinklab's edition."))
    if ends_local <= starts_local:
        raise _refuse("ends_local", _("The end must be after the start."))
    for field, local in (("starts_local", starts_local), ("ends_local", ends_local)):
        try:
            local_to_utc(local, thinklab.timezone)
        except NonexistentLocalTime as error:
            raise _refuse(
                field,
                _(
                    "This time does not exist in %(zone)s: the clocks skip it.",
                    zone=thinklab.timezone,
                ),
            ) from error
        except LocalTimeError as error:
            raise _refuse(field, str(error)) from error
    with db.session.begin_nested():
        change = _change_for(thinklab, original_local)
        change.is_cancelled = False
        change.timezone = thinklab.timezone
        change.starts_local = starts_local
        change.ends_local = ends_local
        change.meeting_mode = meeting_mode
        change.venue_id = venue_id
        change.note = note or ""
        change.refresh_instants()
        thinklab.sequence = (thinklab.sequence or 0) + 1
        db.session.flush()
    emails.notify_meeting_moved(thinklab, change, actor=actor)
    return change


def restore_meeting(thinklab: Thinklab, change_id: int, *, actor: User | None = None) -> None:
    """Undo a skip or a move: the occurrence follows the rule again, and members get
    the series without the exception, under a SEQUENCE above the exception's."""
    change = db.session.get(MeetingChange, change_id)
    if change is None or change.thinklab_id != thinklab.id:
        raise NotFound(_("This meeting change does not exist."))
    original_local = change.original_local
    thinklab.sequence = max(thinklab.sequence or 0, change.sequence or 0) + 1
    if change in thinklab.occurrence_changes:
        thinklab.occurrence_changes.remove(change)
    db.session.delete(change)
    db.session.flush()
    emails.notify_meeting_restored(thinklab, original_local, actor=actor)


def save_roadmap_item(thinklab: Thinklab, data: dict, *, item_id: int | None = None) -> RoadmapItem:
    """Add a roadmap item or change one.

    :raises NotFound: if ``item_id`` is not one of this thinklab's items.
    :raises FormErrors: if the progress or horizon is out of range.
    """
    if not 0 <= data["progress"] <= 100:
        raise _refuse("progress", _("Progress is a percentage, from 0 to 100."))
    if not 1900 <= data["horizon_year"] <= 2200:
        raise _refuse("horizon_year", _("Give a year between 1900 and 2200."))
    if item_id:
        item = db.session.get(RoadmapItem, item_id)
        if item is None or item.thinklab_id != thinklab.id:
            raise NotFound(_("This roadmap item does not exist."))
    else:
        item = RoadmapItem(thinklab=thinklab, position=len(thinklab.roadmap_items))
        db.session.add(item)
    item.title = data["title"]
    item.description = data.get("description") or ""
    item.horizon_year = data["horizon_year"]
    item.owner = data.get("owner") or ""
    item.status = RoadmapStatus(data["status"])
    item.progress = data["progress"]
    try:
        db.session.flush()
    except IntegrityError as error:
        db.session.rollback()
        raise _refuse("", _("The item could not be saved.")) from error
    return item


# Members' contributions ------------------------------------------------------------------


def _file_type(data: bytes) -> tuple[str, str] | None:
    found = sniff(data)
    return (found[0], f".{found[1]}") if found else None


def _checked_post(
    body: str, link_url: str | None, uploads: list[Upload]
) -> tuple[str, str | None, list[tuple[Upload, str, str]]]:
    """Return the cleaned body, the link and each file with its type and extension.

    :raises ContributionRefused: if the post is empty, too long, or a link or file is refused.
    """
    if len(body or "") > MAX_BODY:
        raise ContributionRefused(
            _("The text is too long (%(max)s characters at most).", max=MAX_BODY), field="body"
        )
    cleaned = clean_html((body or "").strip()).strip()
    if "<" not in cleaned and cleaned:
        # Plain text: keep its paragraphs.
        cleaned = "".join(f"<p>{part}</p>" for part in cleaned.split("\n\n") if part.strip())
    link_url = (link_url or "").strip() or None
    if link_url and not link_url.lower().startswith(("https://", "http://")):
        raise ContributionRefused(
            _("A link must start with https:// or http://."), field="link_url"
        )
    if link_url and len(link_url) > 500:
        raise ContributionRefused(_("This link is too long."), field="link_url")
    if len(uploads) > MAX_FILES:
        raise ContributionRefused(_("Attach %(max)s files at most.", max=MAX_FILES), field="files")
    typed = []
    for upload in uploads:
        kind = _file_type(upload.data)
        if kind is None:
            raise ContributionRefused(
                _("%(name)s is not a PDF, PNG or JPEG file.", name=upload.filename or "?"),
                field="files",
            )
        typed.append((upload, *kind))
    if not nh3.clean(cleaned, tags=set()).strip() and not link_url and not typed:
        raise ContributionRefused(_("Write something, add a link or attach a file."), field="body")
    return cleaned, link_url, typed


def post_contribution(
    thinklab: Thinklab,
    author: User,
    *,
    body: str,
    link_url: str | None = None,
    uploads: list[Upload] | None = None,
) -> Contribution:
    """Share a post with the thinklab's members.

    :param body: text with simple HTML; anything else is stripped.
    :param link_url: an optional http(s) address.
    :param uploads: PDF, PNG or JPEG files, recognised by their first bytes.
    :raises NotAllowed: if ``author`` is not a member of ``thinklab``.
    :raises ContributionRefused: if the post is empty, too long, or a link or file is refused.
    """
    if membership(author, thinklab) is None:
        raise NotAllowed(_("Only the thinklab's members may contribute."))
    uploads = [u for u in (uploads or []) if u.data or u.filename]
    cleaned, link_url, typed = _checked_post(body, link_url, uploads)
    contribution = Contribution(
        thinklab_id=thinklab.id, author_id=author.id, body_html=cleaned, link_url=link_url
    )
    db.session.add(contribution)
    written: list[Path] = []
    try:
        folder = upload_folder() if typed else None
        for upload, content_type, extension in typed:
            key = secrets.token_urlsafe(24) + extension
            path = folder / key
            path.write_bytes(upload.data)
            written.append(path)
            name = Path(upload.filename or "file").name[:200] or "file"
            contribution.files.append(
                ContributionFile(
                    filename=name, content_type=content_type, size=len(upload.data), storage_key=key
                )
            )
        db.session.flush()
    except Exception:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    return contribution


def set_digest(member: ThinklabMember, wants: bool) -> None:
    member.wants_digest = wants
    db.session.flush()
