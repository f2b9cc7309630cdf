"""Announcements: one draft per person of a group, released by the organiser afterwards.

Functions flush and never commit: the caller owns the transaction.
"""

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import lazy_gettext as _l

from app.errors import InvalidInput
from app.extensions import db
from app.models import Announcement, Edition, User
from app.notifications.queries.audiences import Person, group_members
from app.notifications.queries.templates import render_notification
from app.notifications.services.outbox import one_line, queue_email


def check_address(value: str, *, field: str = "email") -> str:
    """Return the normalised address, or refuse one that cannot receive mail.

    :raises InvalidInput: naming ``field``, if the address is not valid.
    """
    if "\r" in value or "\n" in value:
        raise InvalidInput(str(_l("This email address is not valid.")), field=field)
    try:
        checked = validate_email(
            value.strip(),
            check_deliverability=False,
            test_environment=bool(current_app.config.get("TESTING")),
        )
    except EmailNotValidError as error:
        raise InvalidInput(
            str(_l("This email address is not valid: %(reason)s", reason=str(error))),
            field=field,
        ) from error
    return checked.normalized


def create_announcement(
    edition: Edition,
    *,
    audience: str,
    subject: str,
    body: str,
    by: User,
    thinklab_id: int | None = None,
    copy_to: str | None = None,
) -> tuple[Announcement, int]:
    """Write one draft per person of the group; the organiser releases them afterwards.

    People who unsubscribed from announcements get none. ``copy_to`` adds one more
    recipient (checked here, so a wrong address is refused when typed, not when sent).

    :returns: the announcement and how many drafts were written.
    :raises InvalidInput: for an empty subject or text, or an unknown group.
    """
    subject = one_line(subject)
    if not subject:
        raise InvalidInput(str(_l("An announcement needs a subject.")), field="subject")
    if not body.strip():
        raise InvalidInput(str(_l("An announcement needs a text.")), field="body")
    people = group_members(edition, audience, thinklab_id)
    if copy_to and copy_to.strip():
        address = check_address(copy_to, field="copy_to")
        default = current_app.config.get("BABEL_DEFAULT_LOCALE", "en")
        if address.lower() not in {p.email.strip().lower() for p in people}:
            people.append(Person(address, "", by.locale or default, None))
    announcement = Announcement(
        edition_id=edition.id,
        audience=audience,
        thinklab_id=thinklab_id if audience == "thinklab" else None,
        subject=subject,
        body=body,
        created_by_id=by.id,
    )
    db.session.add(announcement)
    db.session.flush()
    written = sum(
        _write_draft(announcement, edition, person, subject=subject, body=body, by=by) is not None
        for person in people
    )
    return announcement, written


def _write_draft(
    announcement: Announcement,
    edition: Edition,
    person: Person,
    *,
    subject: str,
    body: str,
    by: User,
):
    """Queue one person's draft of ``announcement``; None if they refused announcements."""
    context = {
        "user.display_name": one_line(person.name) or person.email,
        "edition.title": edition.title,
        "edition.organised_by": edition.organised_by,
        "message": body,
    }
    _subject, text, html = render_notification(
        "notifications.announcement", edition, person.locale, context
    )
    return queue_email(
        kind="notifications.announcement",
        recipient=person.email,
        recipient_name=person.name,
        recipient_user=person.user,
        locale=person.locale,
        subject=subject,
        body_text=text,
        body_html=html,
        edition_id=edition.id,
        draft=True,
        dedupe_key=f"notifications.announcement:{announcement.id}:{person.email.lower()}",
        created_by=by,
        template_event="notifications.announcement",
        template_context=context,
        announcement_id=announcement.id,
        layout=True,
    )
