"""Organiser operations on thinklabs: details, members, composition, meetings, roadmap.

Every function flushes and never commits; a refusal raises ``FormErrors`` (messages by
field) or ``InvalidRecurrence`` before anything is written, or inside a savepoint.
"""

from collections import defaultdict
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app.errors import FormErrors, NotFound
from app.extensions import db
from app.models import (
    Agreement,
    CompositionRule,
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
from app.thinklabs import emails, recurrence
from app.thinklabs.recurrence import InvalidRecurrence
from app.timezones import LocalTimeError, NonexistentLocalTime, is_valid_zone, local_to_utc


def _refuse(field: str, message: str) -> FormErrors:
    return FormErrors({field: [message]})


def can_organise_thinklab(user: User | None, thinklab: Thinklab) -> bool:
    """Site organisers, and organisers of the thinklab's edition, run a thinklab."""
    if is_site_organiser(user):
        return True
    return thinklab.edition is not None and can_organise(user, thinklab.edition)


def is_member(user: User | None, thinklab: Thinklab) -> bool:
    """Tell whether ``user`` has a seat in ``thinklab``."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    return (
        db.session.scalar(
            select(ThinklabMember.id).where(
                ThinklabMember.thinklab_id == thinklab.id, ThinklabMember.user_id == user.id
            )
        )
        is not None
    )


def can_read_contributions(user: User | None, thinklab: Thinklab) -> bool:
    """Contributions are posts members share: they, its organisers and admins read them."""
    return can_organise_thinklab(user, thinklab) or is_member(user, thinklab)


def membership(user: User, thinklab: Thinklab) -> ThinklabMember | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return db.session.scalar(
        select(ThinklabMember).where(
            ThinklabMember.thinklab_id == thinklab.id, ThinklabMember.user_id == user.id
        )
    )


def editions_for(user: User) -> list[Edition]:
    """The editions ``user`` may tie a thinklab to, newest first."""
    editions = db.session.scalars(select(Edition).order_by(Edition.year.desc(), Edition.title))
    return [e for e in editions if can_organise(user, e)]


def all_agreements() -> list[Agreement]:
    return list(db.session.scalars(select(Agreement).order_by(Agreement.title)))


def venues_of(thinklab: Thinklab) -> list[Venue]:
    if thinklab.edition_id is None:
        return []
    return list(
        db.session.scalars(
            select(Venue).where(Venue.edition_id == thinklab.edition_id).order_by(Venue.position)
        )
    )


def save_thinklab(data: dict, *, user: User, thinklab: Thinklab | None = None) -> Thinklab:
    """Create a thinklab, or change one, from the organiser's form.

    :param data: slug, name, description, edition_id, agreement_id, timezone,
        first_meeting_local, meeting_minutes, rrule, meeting_mode, venue_id, location,
        online_url.
    :param user: who saves; an edition organiser may only tie it to editions they run.
    :raises FormErrors: with messages by field, nothing written.
    """
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
    if errors:
        raise FormErrors(dict(errors))

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
