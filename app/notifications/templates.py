"""The registry of mail templates: one entry per event, its placeholders and its defaults.

A default is the template file under ``templates/email/`` (rendered by Flask, with the
objects its area passes). An edition may override the subject, text and HTML of an
event per language; an override is a Jinja template rendered in a sandbox with
``StrictUndefined`` and only the documented placeholders, given as plain values (a
placeholder ``showcase.title`` is the string, never the database row). An override is
checked when it is saved: an unknown placeholder or a syntax error is refused then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

from app.errors import InvalidInput
from app.extensions import db
from app.models import MailTemplateOverride

logger = logging.getLogger(__name__)

LOCALES = ("en", "fr")

# Optional mails people may refuse; every other mail is one they asked for or need.
CATEGORIES = {
    "digests": _l("Digests of my thinklabs"),
    "reminders": _l("Reminders about agreements and commitments"),
    "announcements": _l("Announcements of the editions I take part in"),
}


@dataclass(frozen=True)
class Event:
    """One kind of mail: its placeholders, default subject and template file.

    :param template: path under ``templates/email/`` without extension.
    :param placeholders: dotted name -> what it holds (shown on the editing page).
    :param subject: default subject per language, a template over the placeholders.
    :param draft: mails of this event wait for an organiser's release.
    :param category: the optional-mail category, None for mails that always go.
    :param body_editable: False when the body holds lists the placeholders cannot carry.
    """

    key: str
    label: object
    template: str
    placeholders: dict[str, object]
    subject: dict[str, str]
    draft: bool = False
    category: str | None = None
    body_editable: bool = True
    samples: dict[str, object] = field(default_factory=dict)


_RECIPIENT = {"user.display_name": _l("the recipient's name")}
_EDITION = {
    "edition.title": _l("the edition's title"),
    "edition.organised_by": _l("who organises the edition"),
}
_SHOWCASE = {
    "showcase.title": _l("the showcase's title"),
    "organisation.name": _l("the organisation presenting it"),
    "link": _l("the address of the showcase's page"),
}
_SESSION = {
    "recipient.name": _l("the recipient's name"),
    "item.title": _l("the session's title"),
    "when": _l("date, hours and time zone of the session"),
    "place": _l("room, venue and town, or the online link"),
    "link": _l("the address of the session's page"),
}
_AGREEMENT = {
    **_RECIPIENT,
    "agreement.title": _l("the agreement's title"),
    "days": _l("the number of days left"),
    "link": _l("the address of the agreement's page"),
}

EVENTS: dict[str, Event] = {
    event.key: event
    for event in [
        Event(
            "showcases.received",
            _l("Showcase received"),
            "showcases/received",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "We received your showcase “{{ showcase.title }}”",
                "fr": "Nous avons bien reçu votre showcase « {{ showcase.title }} »",
            },
        ),
        Event(
            "showcases.decision.accepted",
            _l("Decision: accepted"),
            "showcases/decision_accepted",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Your showcase is accepted: “{{ showcase.title }}”",
                "fr": "Votre showcase est retenu : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "showcases.decision.waitlisted",
            _l("Decision: waiting list"),
            "showcases/decision_waitlisted",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Your showcase is on the waiting list: “{{ showcase.title }}”",
                "fr": "Votre showcase est en liste d'attente : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "showcases.decision.rejected",
            _l("Decision: not accepted"),
            "showcases/decision_rejected",
            {**_RECIPIENT, **_EDITION, **_SHOWCASE},
            {
                "en": "Our decision on your showcase: “{{ showcase.title }}”",
                "fr": "Notre décision sur votre showcase : « {{ showcase.title }} »",
            },
            draft=True,
        ),
        Event(
            "organisations.invitation",
            _l("Invitation to represent an organisation"),
            "showcases/invitation",
            {
                "inviter.display_name": _l("the name of the delegate who invites"),
                "organisation.name": _l("the organisation"),
                "link": _l("the single-use link that accepts the invitation"),
                "expires_at": _l("when the link stops working"),
            },
            {
                "en": "{{ inviter.display_name }} invites you to represent "
                "{{ organisation.name }} on Agora",
                "fr": "{{ inviter.display_name }} vous invite à représenter "
                "{{ organisation.name }} sur Agora",
            },
        ),
        Event(
            "program.session_changed",
            _l("Session scheduled or moved"),
            "program/session_changed",
            dict(_SESSION),
            {"en": "Changed: {{ item.title }}", "fr": "Modifiée : {{ item.title }}"},
        ),
        Event(
            "program.session_cancelled",
            _l("Session cancelled"),
            "program/session_cancelled",
            dict(_SESSION),
            {"en": "Cancelled: {{ item.title }}", "fr": "Annulée : {{ item.title }}"},
        ),
        Event(
            "program.speaker_invitation",
            _l("Speaker invitation"),
            "program/speaker_invitation",
            {
                **_SESSION,
                "edition.title": _l("the edition's title"),
                "respond_link": _l("the address where the speaker answers"),
            },
            {
                "en": "Invitation to speak: {{ item.title }}",
                "fr": "Invitation à intervenir : {{ item.title }}",
            },
        ),
        Event(
            "thinklabs.meeting",
            _l("Thinklab meeting"),
            "thinklabs/meeting",
            {
                **_RECIPIENT,
                "thinklab.name": _l("the thinklab's name"),
                "change": _l("what happened: added, updated, moved, restored or cancelled"),
                "when": _l("date, hours and time zone of the meeting"),
                "original": _l("when a moved meeting was planned first"),
                "place": _l("where the meeting takes place, or its online link"),
                "note": _l("the organiser's note on the change"),
                "link": _l("the address of the thinklab's page"),
            },
            {
                "en": (
                    "{% if change == 'added' %}Invitation to the meetings of {{ thinklab.name }}"
                    "{% elif change == 'updated' %}Changed: the meetings of {{ thinklab.name }}"
                    "{% elif change == 'moved' %}Meeting moved: {{ thinklab.name }}, {{ when }}"
                    "{% elif change == 'restored' %}Meeting back on: {{ thinklab.name }}, "
                    "{{ when }}{% elif change == 'removed' %}No longer a member: "
                    "{{ thinklab.name }}{% else %}Meeting cancelled: {{ thinklab.name }}, "
                    "{{ when }}{% endif %}"
                ),
                "fr": (
                    "{% if change == 'added' %}Invitation aux réunions de {{ thinklab.name }}"
                    "{% elif change == 'updated' %}Changement : les réunions de "
                    "{{ thinklab.name }}{% elif change == 'moved' %}Réunion déplacée : "
                    "{{ thinklab.name }}, {{ when }}{% elif change == 'restored' %}Réunion "
                    "rétablie : {{ thinklab.name }}, {{ when }}{% elif change == 'removed' %}"
                    "Vous ne faites plus partie de {{ thinklab.name }}{% else %}Réunion annulée : "
                    "{{ thinklab.name }}, {{ when }}{% endif %}"
                ),
            },
        ),
        Event(
            "thinklabs.digest",
            _l("Thinklab digest"),
            "thinklabs/digest",
            {**_RECIPIENT, "day": _l("the day the digest covers")},
            {"en": "Yesterday in your thinklabs", "fr": "Hier dans vos thinklabs"},
            category="digests",
            body_editable=False,
            samples={"day": date(2026, 3, 14)},
        ),
        Event(
            "agreements.commitment_due",
            _l("Reminder: commitment due"),
            "agreements/commitment_due",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {
                "en": "Due in {{ days }} days: {{ commitment.title }}",
                "fr": "Échéance dans {{ days }} jours : {{ commitment.title }}",
            },
            category="reminders",
        ),
        Event(
            "agreements.commitment_late",
            _l("Reminder: commitment late"),
            "agreements/commitment_late",
            {**_AGREEMENT, "commitment.title": _l("the commitment's title")},
            {"en": "Late: {{ commitment.title }}", "fr": "En retard : {{ commitment.title }}"},
            category="reminders",
        ),
        Event(
            "agreements.expiring",
            _l("Reminder: agreement ending"),
            "agreements/agreement_expiring",
            dict(_AGREEMENT),
            {
                "en": "Agreement ending soon: {{ agreement.title }}",
                "fr": "Accord bientôt échu : {{ agreement.title }}",
            },
            category="reminders",
        ),
        Event(
            "registrations.confirmed",
            _l("Registration confirmed"),
            "notifications/registration_confirmed",
            {**_RECIPIENT, **_EDITION, "link": _l("the address of the edition's page")},
            {
                "en": "You are registered for {{ edition.title }}",
                "fr": "Votre inscription à {{ edition.title }} est confirmée",
            },
        ),
        Event(
            "auth.password_reset",
            _l("Password reset"),
            "auth/password_reset",
            {
                **_RECIPIENT,
                "link": _l("the single-use reset link"),
                "valid_minutes": _l("how many minutes the link works"),
            },
            {"en": "Reset your Agora password", "fr": "Réinitialisez votre mot de passe Agora"},
        ),
        Event(
            "auth.confirm_email",
            _l("Email confirmation"),
            "auth/confirm_email",
            {
                **_RECIPIENT,
                "link": _l("the confirmation link"),
                "valid_days": _l("how many days the link works"),
            },
            {
                "en": "Confirm your email address for Agora",
                "fr": "Confirmez votre adresse e-mail pour Agora",
            },
        ),
        Event(
            "notifications.announcement",
            _l("Announcement"),
            "notifications/announcement",
            {
                **_RECIPIENT,
                **_EDITION,
                "message": _l("the text the organiser wrote"),
            },
            {"en": "{{ edition.title }}", "fr": "{{ edition.title }}"},
            draft=True,
            category="announcements",
        ),
    ]
}


def category_of(kind: str) -> str | None:
    """Return the optional-mail category of a kind of mail, or None if it always goes."""
    event = EVENTS.get(kind)
    return event.category if event is not None else None


# Placeholder values ------------------------------------------------------------------------


def _lookup(obj, dotted: str):
    for part in dotted.split("."):
        if obj is None:
            return None
        if isinstance(obj, dict):
            obj = obj.get(part)
        else:
            obj = getattr(obj, part, None)
    return obj


def _plain(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def flatten(event: Event, context: dict) -> dict[str, object]:
    """Return the event's placeholder values read from ``context`` (objects or plain).

    The result is JSON-ready, so that it can be stored with the message.
    """
    return {name: _plain(_lookup(context, name)) for name in event.placeholders}


def nest(values: dict[str, object]) -> dict:
    """Turn ``{"showcase.title": "x"}`` into ``{"showcase": {"title": "x"}}``."""
    nested: dict = {}
    for name, value in values.items():
        parts = name.split(".")
        target = nested
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            target[parts[-1]] = value
    return nested


class _Blank:
    """What a default template finds where a stored message has no value: nothing."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    def __call__(self, *args, **kwargs):
        return self

    def __str__(self) -> str:
        return ""

    def __html__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())


class _Values(SimpleNamespace):
    """Placeholder values as attributes; a name the message did not keep reads as blank."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return _Blank()


def _namespaces(values: dict) -> dict:
    """Nested dicts as attribute objects, for the file templates (``user.display_name``)."""
    return {
        key: _Values(**_namespaces(value)) if isinstance(value, dict) else value
        for key, value in values.items()
    }


# The sandbox -----------------------------------------------------------------------------


MAX_REPEAT = 1000  # "=" * 40 is fine in a mail; "x" * 10**9 would eat the server


class MailSandbox(SandboxedEnvironment):
    """The sandbox of edition overrides, with ``*`` and ``**`` kept small.

    Jinja's sandbox already refuses private attributes and bounds ``range``; overrides
    are written by organisers, so repetition and powers are bounded too.
    """

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context, operator, left, right):
        if operator == "**":
            raise SecurityError("powers are not allowed in a mail template")
        for count, other in ((left, right), (right, left)):
            if (
                isinstance(count, int)
                and isinstance(other, (str, list, tuple))
                and count > MAX_REPEAT
            ):
                raise SecurityError("this repetition is too long for a mail template")
        return super().call_binop(context, operator, left, right)


def sandbox(*, html: bool) -> SandboxedEnvironment:
    """A sandboxed Jinja environment; HTML templates escape every placeholder."""
    return MailSandbox(undefined=StrictUndefined, autoescape=html)


class TemplateRefused(InvalidInput):
    """An override that cannot render: an unknown placeholder or a syntax error."""


def _names_used(parsed: nodes.Template) -> set[str]:
    """Dotted names the template reads: ``showcase.title``, ``link`` ..."""
    used = set()
    for node in parsed.find_all(nodes.Getattr):
        parts = [node.attr]
        inner = node.node
        while isinstance(inner, nodes.Getattr):
            parts.append(inner.attr)
            inner = inner.node
        if isinstance(inner, nodes.Name):
            parts.append(inner.name)
            used.add(".".join(reversed(parts)))
    return used


def check_template(source: str, event: Event, *, field: str, html: bool = False) -> None:
    """Refuse a template with a syntax error or a placeholder the event does not have.

    :raises TemplateRefused: naming the bad placeholder, with ``field`` set.
    """
    env = sandbox(html=html)
    try:
        parsed = env.parse(source)
    except TemplateSyntaxError as error:
        raise TemplateRefused(
            _l("Syntax error on line %(line)s: %(error)s", line=error.lineno, error=error.message),
            field=field,
        ) from error
    allowed = set(event.placeholders)
    tops = {name.split(".")[0] for name in allowed}
    prefixes = {".".join(name.split(".")[:i]) for name in allowed for i in range(1, 4)}
    for name in sorted(meta.find_undeclared_variables(parsed)):
        if name not in tops:
            raise TemplateRefused(_unknown(name), field=field)
    for name in sorted(_names_used(parsed)):
        if name.split(".")[0] in tops and name not in allowed and name not in prefixes:
            raise TemplateRefused(_unknown(name), field=field)
    try:
        env.from_string(source).render(nest(sample_values(event)))
    except (UndefinedError, SecurityError, TypeError, ValueError) as error:
        raise TemplateRefused(
            _l("This template cannot be rendered: %(error)s", error=str(error)), field=field
        ) from error


def _unknown(name: str):
    return _l("Unknown placeholder “%(name)s”.", name=name)


def sample_values(event: Event) -> dict[str, object]:
    """Values shown in the preview when no real message is at hand."""
    samples = {}
    for name in event.placeholders:
        if name in event.samples:
            samples[name] = event.samples[name]
        elif name in ("days", "valid_minutes", "valid_days"):
            samples[name] = 7
        elif "link" in name:
            samples[name] = "https://agora.example/…"
        else:
            samples[name] = f"[{name}]"
    return samples


# Overrides and rendering -------------------------------------------------------------------


def find_override(edition_id: int | None, event: str, locale: str) -> MailTemplateOverride | None:
    if edition_id is None:
        return None
    return db.session.scalar(
        select(MailTemplateOverride).where(
            MailTemplateOverride.edition_id == edition_id,
            MailTemplateOverride.event == event,
            MailTemplateOverride.locale == locale,
        )
    )


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
    db.session.flush()
    return override


def render_source(source: str, values: dict, *, html: bool) -> str:
    """Render an override (already checked) with plain placeholder values."""
    return sandbox(html=html).from_string(source).render(nest(values))


def _render_file(name: str, context: dict, plain: bool) -> str:
    """Render a default template file; from stored values, names it needs beyond the
    placeholders (lists of a digest, helpers) read as blank."""
    if plain:
        env = current_app.jinja_env
        source = env.loader.get_source(env, name)[0]
        for missing in meta.find_undeclared_variables(env.parse(source)):
            if missing not in context and missing not in env.globals:
                context = {**context, missing: _Blank()}
    return render_template(name, **context)


def render_notification(
    event_key: str,
    edition,
    locale: str,
    context: dict,
    *,
    override: MailTemplateOverride | None = None,
    use_override: bool = True,
) -> tuple[str, str, str]:
    """Render an event's mail in ``locale``: the edition's override where it has one.

    :param edition: an Edition, an edition id or None (no override then).
    :param context: the objects the default template expects, or plain placeholder values
        (``{"showcase.title": ...}``, as stored with a message).
    :param override: use this (unsaved) override instead of the stored one (previews).
    :returns: ``(subject, text, html)``.
    :raises KeyError: if the event is not in the registry.
    """
    event = EVENTS[event_key]
    locale = locale if locale in LOCALES else "en"
    plain = all("." in key or key in event.placeholders for key in context) and any(
        key in event.placeholders for key in context
    )
    values = (
        {name: context.get(name) for name in event.placeholders}
        if plain
        else flatten(event, context)
    )
    edition_id = getattr(edition, "id", edition)
    if override is None and use_override:
        override = find_override(edition_id, event_key, locale)
    file_context = {**_namespaces(nest(values)), **({} if plain else context)}
    with force_locale(locale):
        if override is not None and override.subject:
            subject = render_source(override.subject, values, html=False)
        else:
            subject = render_source(event.subject[locale], values, html=False)
        if override is not None and override.body_text.strip():
            text = render_source(override.body_text, values, html=False)
        else:
            text = _render_file(f"email/{event.template}.txt", file_context, plain)
        if override is not None and override.body_html.strip():
            html = render_source(override.body_html, values, html=True)
        else:
            html = _render_file(f"email/{event.template}.html", file_context, plain)
    return " ".join(subject.split()), text, html
