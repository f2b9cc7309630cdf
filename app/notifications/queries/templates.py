"""Mail templates rendered: an edition's override in a sandbox, or the default file.

An edition may override the subject, text and HTML of an event per language; an
override is a Jinja template rendered in a sandbox with ``StrictUndefined`` and only
the documented placeholders, given as plain values (a placeholder ``showcase.title`` is
the string, never the database row). An override is checked when it is saved: an
unknown placeholder or a syntax error is refused then.
"""

from __future__ import annotations

import logging
from datetime import datetime
from types import SimpleNamespace

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from jinja2 import StrictUndefined, TemplateSyntaxError, meta, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment
from sqlalchemy import select

from app.errors import InvalidInput
from app.extensions import db
from app.formatting import day_and_time
from app.models import MailTemplateOverride
from app.notifications.queries.registry import EVENTS, LOCALES, SAMPLES, Event
from app.timezones import city_of_zone

# The zone in which a preview shows its sample meeting times.
SAMPLE_ZONE = "Africa/Tunis"

logger = logging.getLogger(__name__)


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


def sample_values(event: Event, locale: str = "en") -> dict[str, object]:
    """Values shown in the preview when no real message is at hand.

    Every placeholder gets its sample; values a default file reads beyond the
    placeholders (a commitment's due date) come along. A moment shown as text in real
    messages ("when") is written in ``locale``, as the message would be.
    """
    known = {**SAMPLES, **event.samples}
    samples: dict[str, object] = {}
    for name in event.placeholders:
        if name in known:
            samples[name] = known[name]
        elif "link" in name:
            samples[name] = "https://agora.example/…"
        else:
            samples[name] = f"[{name}]"
    samples.update({name: value for name, value in event.samples.items() if name not in samples})
    with force_locale(locale if locale in LOCALES else "en"):
        for name in ("when", "original"):
            if isinstance(samples.get(name), datetime):
                shown = day_and_time(samples[name], SAMPLE_ZONE)
                samples[name] = f"{shown} ({city_of_zone(SAMPLE_ZONE)})"
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
    plain = all(
        "." in key or key in event.placeholders or key in event.samples for key in context
    ) and any(key in event.placeholders for key in context)
    values = (
        {name: context.get(name) for name in event.placeholders}
        if plain
        else flatten(event, context)
    )
    edition_id = getattr(edition, "id", edition)
    if override is None and use_override:
        override = find_override(edition_id, event_key, locale)
    # Values a default file reads beyond the placeholders (previews give some).
    extras = {k: v for k, v in context.items() if k not in event.placeholders} if plain else {}
    file_context = {**_namespaces(nest({**extras, **values})), **({} if plain else context)}
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


def overridden_templates(edition) -> set[tuple[str, str]]:
    """Return the ``(event, locale)`` pairs whose wording ``edition`` overrides."""
    return {
        (row.event, row.locale)
        for row in db.session.scalars(
            select(MailTemplateOverride).where(MailTemplateOverride.edition_id == edition.id)
        )
    }


def preview(edition, event: Event, locale: str, *, subject: str, body_text: str, body_html: str):
    """Check a typed override and render it with sample values (nothing saved).

    :returns: a dict with the ``subject``, ``text`` and ``html`` shown in the editor.
    :raises TemplateRefused: on the first field with a syntax error or unknown placeholder.
    """
    for name, source, html in (
        ("subject", subject, False),
        ("body_text", body_text, False),
        ("body_html", body_html, True),
    ):
        if source.strip():
            check_template(source, event, field=name, html=html)
    draft = MailTemplateOverride(subject=subject.strip(), body_text=body_text, body_html=body_html)
    samples = sample_values(event, locale)
    try:
        subject, text, html = render_notification(
            event.key, edition, locale, samples, override=draft
        )
    except Exception:
        # A default that needs a real message (lists, dates) cannot show sample values.
        current_app.logger.exception("preview of %s failed", event.key)
        message = _("This default needs a real message to be shown.")
        return {
            "subject": _sample_subject(draft, event, locale, samples),
            "text": message,
            "html": "",
        }
    return {"subject": subject, "text": text, "html": html}


def _sample_subject(draft: MailTemplateOverride, event: Event, locale: str, samples: dict):
    """The subject with its sample values, even when the body cannot be shown."""
    with force_locale(locale):
        try:
            subject = render_source(draft.subject or event.subject[locale], samples, html=False)
        except Exception:
            logger.warning("the subject of %s cannot show its samples", event.key)
            return str(event.label)
    return " ".join(subject.split())


def default_sources(event: Event, locale: str) -> dict:
    """Return the default subject and the sources of the event's template files."""
    loader = current_app.jinja_env.loader
    sources = {"subject": event.subject[locale]}
    for suffix in ("txt", "html"):
        try:
            sources[suffix] = loader.get_source(
                current_app.jinja_env, f"email/{event.template}.{suffix}"
            )[0]
        except Exception:
            sources[suffix] = ""
    return sources
