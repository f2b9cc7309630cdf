"""Template filters: dates and times shown in their own zone, labelled with it."""

from datetime import date, datetime

from flask import Flask, request, url_for
from flask_babel import format_date as babel_format_date
from flask_babel import get_locale

from app.timezones import city_of_zone, utc_offset_label, utc_to_local


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
    return f"{local_time(instant, zone_name)} ({label})"


def long_date(day: date | datetime | None) -> str:
    """Format a date in the reader's language ("24 novembre 2026")."""
    if day is None:
        return ""
    if isinstance(day, datetime):
        day = day.date()
    return babel_format_date(day, format="long")


def date_range(start: date, end: date) -> str:
    """Format a range of days compactly in the reader's language."""
    if start == end:
        return long_date(start)
    return f"{long_date(start)} – {long_date(end)}"


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
    app.jinja_env.globals["date_range"] = date_range
    app.jinja_env.globals["url_with_lang"] = url_with_lang
    app.jinja_env.globals["current_locale"] = lambda: str(get_locale() or "en")
