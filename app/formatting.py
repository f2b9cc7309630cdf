"""Template filters: dates, times and numbers in the reader's language, in their own zone.

Pages show dates through these helpers only (ISO forms belong in machine-readable
attributes such as ``<time datetime>`` and form values).
"""

import re
from datetime import date, datetime
from functools import lru_cache

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request, url_for
from flask_babel import get_locale

from app.labels import LANGUAGE_NAMES, audit_action_label, audit_object_label
from app.timezones import city_of_zone, utc_offset_label, utc_to_local

RIGHT_TO_LEFT = frozenset({"ar"})
# Arabic as written where the series run: these regions write Latin digits and name the
# months their own way (Tunisia "جوان", Morocco "يونيو"); a browser that names one wins.
MAGHREB_ARABIC = ("ar_TN", "ar_MA", "ar_DZ")


def language() -> str:
    """The language code of the interface now ("en", "fr", "ar")."""
    locale = get_locale()
    return locale.language if locale is not None else "en"


def text_direction() -> str:
    """``"rtl"`` for a right-to-left interface language, else ``"ltr"``."""
    return "rtl" if language() in RIGHT_TO_LEFT else "ltr"


def isolate(text: str) -> str:
    """Keep a left-to-right fragment ("(Casablanca, UTC+1)") whole inside a right-to-left
    line; Unicode isolates (FSI ... PDI) are added only on right-to-left pages."""
    if not text or text_direction() != "rtl":
        return text
    # No-break spaces too: a fragment broken over two lines reorders across them.
    return "\u2068" + text.replace(" ", "\u00a0") + "\u2069"


def comma() -> str:
    """The comma between the parts of a date and time, in the reader's language."""
    return "، " if language() == "ar" else ", "


def format_locale() -> Locale:
    """The locale dates and numbers follow: the interface's, made regional for Arabic."""
    locale = get_locale() or Locale("en")
    if locale.language != "ar" or locale.territory:
        return locale
    if has_request_context():
        for value, _quality in request.accept_languages:
            tag = value.replace("-", "_")
            for regional in MAGHREB_ARABIC:
                if tag.lower() == regional.lower():
                    return Locale.parse(regional)
    return Locale.parse(current_app.config.get("ARABIC_FORMAT_LOCALE") or "ar_TN")


def local_time(instant: datetime | None, zone_name: str, fmt: str = "%H:%M") -> str:
    """Format ``instant`` on the wall clock of ``zone_name``."""
    if instant is None:
        return ""
    return utc_to_local(instant, zone_name).strftime(fmt)


def time_with_zone(instant: datetime | None, zone_name: str) -> str:
    """Format ``instant`` as "10:00 (Casablanca, UTC+1)"."""
    if instant is None:
        return ""
    label = f"{city_of_zone(zone_name)}, {utc_offset_label(instant, zone_name)}"
    return f"{local_time(instant, zone_name)} {isolate(f'({label})')}"


def long_date(day: date | datetime | None, form: str = "long") -> str:
    """Format a date in the reader's language ("24 novembre 2026", "1er juin 2026").

    :param form: ``"long"`` or ``"full"`` (with the weekday).
    """
    if day is None:
        return ""
    if isinstance(day, str):
        # A value stored with a queued mail, or a sample of a template preview.
        try:
            day = date.fromisoformat(day[:10])
        except ValueError:
            return day
    if isinstance(day, datetime):
        day = day.date()
    if not isinstance(day, date):
        return str(day)
    return _formatted_day(day, str(format_locale()), form)


@lru_cache(maxsize=4096)
def _formatted_day(day: date, locale_name: str, form: str) -> str:
    # Cached: a conflicts sweep or a long programme formats the same few days many times.
    locale = Locale.parse(locale_name)
    pattern = locale.date_formats[form].pattern
    if locale.language == "fr" and day.day == 1:
        # French writes the first of the month as an ordinal: "1er juin".
        pattern = pattern.replace("d ", "d'er' ", 1)
    return babel_format_date(day, format=pattern, locale=locale)


def local_date(instant: datetime | None, zone_name: str) -> str:
    """Format the day ``instant`` falls on in ``zone_name`` ("1er juin 2026")."""
    if instant is None:
        return ""
    return long_date(utc_to_local(instant, zone_name))


def day_and_time(
    moment: datetime | None, zone_name: str | None = None, *, seconds: bool = False
) -> str:
    """Format a date and hour ("1er juin 2026, 10:00").

    :param moment: a UTC instant shown on the wall clock of ``zone_name``, or a local
        (naive) date-time shown as it is when ``zone_name`` is None.
    :param seconds: show the seconds too (logs of attempts).
    """
    if moment is None:
        return ""
    local = utc_to_local(moment, zone_name) if zone_name else moment
    clock = f"{local:%H:%M:%S}" if seconds else f"{local:%H:%M}"
    locale = format_locale()
    separator = "، " if locale.language == "ar" else ", "
    return f"{_formatted_day(local.date(), str(locale), 'long')}{separator}{clock}"


def date_range(start: date, end: date) -> str:
    """Format a range of days compactly in the reader's language, saying the month and
    year once when both days share them ("15–16 janvier 2027", "January 15–16, 2027",
    "21 juin – 2 juillet 2020")."""
    if start == end:
        return long_date(start)
    return _formatted_range(start, end, str(format_locale()))


@lru_cache(maxsize=1024)
def _formatted_range(start: date, end: date, locale_name: str) -> str:
    # CLDR's interval patterns for the abbreviated month, written with the month's name.
    locale = Locale.parse(locale_name)
    differs = "y" if start.year != end.year else "M" if start.month != end.month else "d"
    first, second = (
        re.sub(r"(?<!M)MMM(?!M)", "MMMM", part)
        for part in locale.interval_formats["yMMMd"][differs]
    )
    if locale.language == "fr":
        # "1er juin": the first of the month is an ordinal, at either end.
        first = _first_of_month(first, start)
        second = _first_of_month(second, end)
    formatted = babel_format_date(start, format=first, locale=locale)
    return formatted + babel_format_date(end, format=second, locale=locale)


def _first_of_month(pattern: str, day: date) -> str:
    return re.sub(r"(?<!d)d(?!d)", "d'er'", pattern, count=1) if day.day == 1 else pattern


def number(value: float | int | None) -> str:
    """Format a number in the reader's language ("1 234,5", "1.234,5")."""
    if value is None:
        return ""
    return format_decimal(value, locale=format_locale())


def url_with_lang(code: str) -> str:
    """The current page's address, with its filters, in the language ``code``."""
    view_args = request.view_args or {}
    # A query parameter may not stand in for a path segment, nor for one of url_for's own
    # options (``?_external=1&_scheme=javascript`` would otherwise build a foreign link).
    arguments = {
        name: value
        for name, value in request.args.to_dict().items()
        if name not in view_args and not name.startswith("_")
    }
    arguments["lang"] = code
    if request.endpoint and request.url_rule is not None and "GET" in request.url_rule.methods:
        return url_for(request.endpoint, **view_args, **arguments)
    return url_for("editions.home", lang=code)


def register(app: Flask) -> None:
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["time_with_zone"] = time_with_zone
    app.jinja_env.filters["long_date"] = long_date
    app.jinja_env.filters["day_and_time"] = day_and_time
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["date_range"] = date_range
    app.jinja_env.globals["url_with_lang"] = url_with_lang
    app.jinja_env.globals["current_locale"] = language
    app.jinja_env.globals["text_direction"] = text_direction
    app.jinja_env.globals["language_names"] = LANGUAGE_NAMES
    app.jinja_env.globals["audit_object_label"] = audit_object_label
    app.jinja_env.globals["audit_action_label"] = audit_action_label
