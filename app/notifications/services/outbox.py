"""Queue emails in the outbox, inside the caller's transaction."""

import logging
from dataclasses import dataclass

from flask import render_template
from flask_babel import force_locale
from markupsafe import Markup

from app.extensions import db
from app.models import OutboxAttachment, OutboxMessage, OutboxStatus, User
from app.notifications.queries.preferences import is_opted_out, unsubscribe_url
from app.notifications.queries.registry import EVENTS, category_of
from app.notifications.queries.templates import find_override, flatten, render_source

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def one_line(value: str) -> str:
    """Collapse every run of whitespace, line breaks included, into one space.

    A name or a title typed with CR/LF (``"Eve\r\nBcc: spy@example.org"``) becomes a
    harmless one-line value, so it can never start a header of its own.
    """
    return " ".join((value or "").split())


# In a display name these would be read as address syntax once the name is decoded.
_ADDRESS_SPECIALS = str.maketrans({c: " " for c in '<>@:;"\\'})


def display_name(value: str) -> str:
    """Make a person's name safe for a To header: one line, no address syntax.

    ``"Eve\r\nBcc: spy@example.org"`` becomes ``"Eve Bcc spy example.org"``: shown as a
    name, never parsed as a second recipient or a group.
    """
    return one_line((value or "").translate(_ADDRESS_SPECIALS))


# Longer than most functions because it takes one keyword per column of a message and
# documents them; its body is one straight path (refuse, dedupe, footer, row) not worth
# scattering.
def queue_email(
    *,
    kind: str,
    recipient: str,
    subject: str,
    body_text: str,
    body_html: str | None = None,
    recipient_name: str = "",
    recipient_user: User | None = None,
    locale: str = "en",
    edition_id: int | None = None,
    draft: bool = False,
    dedupe_key: str | None = None,
    headers: dict | None = None,
    attachments: list[Attachment] | None = None,
    created_by: User | None = None,
    category: str | None = None,
    template_event: str | None = None,
    template_context: dict | None = None,
    announcement_id: int | None = None,
    layout: bool = False,
) -> OutboxMessage | None:
    """Add a message to the outbox in the current transaction and flush it.

    The worker sends it after the caller commits; if the caller rolls back, the mail
    is gone with the change that caused it. A ``draft`` waits for an organiser's release.
    An optional mail (``category``, by default the one the registry gives ``kind``)
    carries an unsubscribe link and the RFC 8058 headers, and is not queued at all for
    someone who unsubscribed from its category.

    :param kind: the event that causes the mail, such as ``auth.password_reset``.
    :param dedupe_key: a key that makes a second queueing of the same mail a no-op.
    :param layout: put the HTML body in Agora's mail layout (optional mails always are).
    :returns: the message, or None when the recipient refused this category.
    :raises ValueError: if the recipient address carries a line break.
    """
    if "\r" in recipient or "\n" in recipient:
        raise ValueError("Line breaks are not allowed in email headers.")
    recipient = recipient.strip()
    recipient_name = display_name(recipient_name)
    subject = one_line(subject)
    category = category or category_of(kind)
    user_id = recipient_user.id if recipient_user is not None else None
    if category is not None and is_opted_out(recipient, category, user_id):
        logger.info("not queued: %s unsubscribed from %s (%s)", recipient, category, kind)
        return None
    if dedupe_key is not None:
        existing = db.session.scalar(
            db.select(OutboxMessage).where(OutboxMessage.dedupe_key == dedupe_key)
        )
        if existing is not None:
            return existing
    headers = dict(headers or {})
    if category is not None:
        unsubscribe = unsubscribe_url(recipient, category)
        headers["List-Unsubscribe"] = f"<{unsubscribe}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    body_text, body_html = finish_bodies(
        body_text,
        body_html,
        subject=subject,
        category=category,
        recipient=recipient,
        locale=locale,
        layout=layout,
    )
    message = OutboxMessage(
        kind=kind,
        recipient=recipient,
        recipient_name=recipient_name,
        recipient_user_id=user_id,
        locale=locale,
        subject=subject,
        body_text=body_text,
        body_html=body_html,
        headers=headers,
        status=OutboxStatus.DRAFT if draft else OutboxStatus.PENDING,
        edition_id=edition_id,
        dedupe_key=dedupe_key,
        created_by_id=created_by.id if created_by is not None else None,
        category=category,
        template_event=template_event,
        template_context=template_context,
        announcement_id=announcement_id,
    )
    for attachment in attachments or []:
        message.attachments.append(
            OutboxAttachment(
                filename=attachment.filename,
                content_type=attachment.content_type,
                data=attachment.data,
            )
        )
    db.session.add(message)
    db.session.flush()
    logger.info("queued %s mail %s to %s", kind, message.id, recipient)
    return message


def finish_bodies(
    text: str,
    html: str | None,
    *,
    subject: str,
    category: str | None,
    recipient: str,
    locale: str,
    layout: bool = True,
) -> tuple[str, str | None]:
    """Add the unsubscribe footer of an optional mail and put the HTML in the layout."""
    unsubscribe = unsubscribe_url(recipient, category) if category is not None else None
    if unsubscribe is not None:
        text = _with_text_footer(text, unsubscribe, locale)
    if html and (layout or unsubscribe is not None):
        html = _with_layout(html, subject, unsubscribe, locale)
    return text, html


def _with_text_footer(text: str, unsubscribe: str, locale: str) -> str:
    with force_locale(locale):
        footer = render_template("email/notifications/footer.txt", unsubscribe=unsubscribe)
    return f"{text.rstrip()}\n\n{footer.strip()}\n"


def _with_layout(html: str, subject: str, unsubscribe: str | None, locale: str) -> str:
    """Put an HTML body in the common layout (with the unsubscribe footer when optional)."""
    if "<html" in html[:200].lower():
        return html
    with force_locale(locale):
        return render_template(
            "email/notifications/layout.html",
            content=Markup(html),
            subject=subject,
            unsubscribe=unsubscribe,
            lang=locale,
        )


def queue_templated_email(
    *, template: str, user: User, kind: str, context: dict, subject=None, **options
) -> OutboxMessage | None:
    """Render ``email/<template>.txt`` and ``.html`` in the user's language and queue them.

    When ``kind`` is an event of the template registry, the edition's override of that
    event (``edition_id`` in ``options``) replaces the default wording, and the
    placeholder values are stored with the message so that a draft can be regenerated.

    :param template: a path below ``templates/email/`` without extension, like ``auth/reset``.
    :param subject: a ``lazy_gettext`` string, translated here into the user's language;
        None for the registry's default subject of ``kind``.
    """
    locale = user.locale or "en"
    event = EVENTS.get(kind)
    category = options.get("category") or (event.category if event else None)
    if category is not None:
        if is_opted_out(user.email, category, user.id):
            logger.info("not queued: %s unsubscribed from %s (%s)", user.email, category, kind)
            return None
    with force_locale(locale):
        text = render_template(f"email/{template}.txt", user=user, **context)
        html = render_template(f"email/{template}.html", user=user, **context)
        subject_text = str(subject) if subject is not None else ""
    if event is not None:
        values = flatten(event, {"user": user, **context})
        if subject is None:
            with force_locale(locale):
                subject_text = render_source(
                    event.subject.get(locale, event.subject["en"]), values, html=False
                )
        override = find_override(options.get("edition_id"), kind, locale)
        if override is not None:
            with force_locale(locale):
                if override.subject:
                    subject_text = render_source(override.subject, values, html=False)
                if override.body_text.strip():
                    text = render_source(override.body_text, values, html=False)
                if override.body_html.strip():
                    html = render_source(override.body_html, values, html=True)
        options.setdefault("template_event", kind)
        options.setdefault("template_context", values)
    return queue_email(
        kind=kind,
        recipient=user.email,
        recipient_name=user.display_name,
        recipient_user=user,
        locale=locale,
        subject=subject_text,
        body_text=text,
        body_html=html,
        layout=True,
        **options,
    )
