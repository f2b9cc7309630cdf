"""An edition's own wording of a mail template: checked, then stored."""

from flask_babel import lazy_gettext as _l

from app import audit
from app.errors import InvalidInput
from app.extensions import db
from app.models import MailTemplateOverride
from app.notifications.queries.registry import EVENTS, LOCALES
from app.notifications.queries.templates import TemplateRefused, check_template, find_override


def save_override(
    edition_id: int,
    event_key: str,
    locale: str,
    *,
    subject: str,
    body_text: str,
    body_html: str,
    by=None,
) -> MailTemplateOverride | None:
    """Check and store an edition's wording of one event in one language; flush.

    Empty fields keep the default; all three empty deletes the override.

    :raises TemplateRefused: on the first field with a syntax error or unknown placeholder.
    :raises InvalidInput: for an unknown event or language, or a subject on several lines.
    """
    event = EVENTS.get(event_key)
    if event is None or locale not in LOCALES:
        raise InvalidInput(_l("There is no such mail template."))
    subject = (subject or "").strip()
    if "\r" in subject or "\n" in subject:
        raise TemplateRefused(_l("A subject holds on one line."), field="subject")
    if not event.body_editable and (body_text.strip() or body_html.strip()):
        raise TemplateRefused(
            _l("Only the subject of this mail can be changed."), field="body_text"
        )
    for name, source, html in (
        ("subject", subject, False),
        ("body_text", body_text, False),
        ("body_html", body_html, True),
    ):
        if source.strip():
            check_template(source, event, field=name, html=html)
    override = find_override(edition_id, event_key, locale)
    if not (subject or body_text.strip() or body_html.strip()):
        if override is not None:
            audit.record("mail_template.reset", override, actor=by, removed=True)
            db.session.delete(override)
            db.session.flush()
        return None
    if override is None:
        override = MailTemplateOverride(edition_id=edition_id, event=event_key, locale=locale)
        db.session.add(override)
    override.subject = subject
    override.body_text = body_text
    override.body_html = body_html
    override.updated_by_id = by.id if by is not None else None
    audit.record("mail_template.saved", override, actor=by)
    db.session.flush()
    return override
