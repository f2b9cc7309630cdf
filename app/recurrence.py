"""Recurrence rules (RFC 5545 RRULE) in words, and the simple choices an organiser makes.

:func:`describe` turns a rule into a sentence in the reader's language ("every 3 months,
on the second Tuesday"); the public never sees the raw rule. :class:`RuleChoice` holds
what the organiser's rule form asks (frequency, interval, days, end): :func:`rule_from`
writes the RRULE and :func:`choice_from` reads a stored one back, or answers None when
the form's fields cannot express it (the form then opens in its advanced mode).
"""

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from babel.lists import format_list
from flask_babel import gettext as _
from flask_babel import ngettext

from app.formatting import comma, format_locale, long_date
from app.timezones import get_zone, is_valid_zone, utc_to_local

WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
WORKING_DAYS = frozenset(WEEKDAYS[:5])
FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The parts the sentence knows; a rule with another one (BYHOUR, BYWEEKNO...) is still
# described, with a note that it follows a custom rule.
_DESCRIBED = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT"}
_DESCRIBED |= {"UNTIL", "WKST"}
# The "nth weekday" choices of the form: first to fourth, and last.
NTH_CHOICES = (1, 2, 3, 4, -1)


def parts_of(text: str | None) -> dict[str, str]:
    """Split ``FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU`` into its upper-case parts.

    :raises ValueError: if a part has no ``=`` or a name appears twice.
    """
    text = (text or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for piece in filter(None, text.split(";")):
        name, sign, value = piece.partition("=")
        name = name.strip().upper()
        if not sign or not name or name in parts:
            raise ValueError(piece)
        parts[name] = value.strip().upper()
    return parts


def _int(value: str) -> int:
    """A whole number of a rule ("3", "-1", "+2"); anything else raises ValueError."""
    return int(value)


def _weekday(value: str) -> tuple[int | None, str]:
    """``2TU`` gives ``(2, "TU")``, ``TU`` gives ``(None, "TU")``."""
    day = value[-2:]
    if day not in WEEKDAYS:
        raise ValueError(value)
    return (int(value[:-2]) if value[:-2] else None), day


def until_day(value: str, zone: str | None) -> date:
    """The last day of an UNTIL (``20270630``, ``20270630T235959`` or ``...Z``), on the
    wall clock of ``zone`` when the UNTIL is in UTC."""
    stamp = value.upper()
    if len(stamp) == 8:
        return datetime.strptime(stamp, "%Y%m%d").date()
    moment = datetime.strptime(stamp.rstrip("Z"), "%Y%m%dT%H%M%S")
    if stamp.endswith("Z") and zone and is_valid_zone(zone):
        return utc_to_local(moment.replace(tzinfo=UTC), zone).date()
    return moment.date()


# Words --------------------------------------------------------------------------------------


def _every(frequency: str, interval: int) -> str:
    if frequency == "DAILY":
        return ngettext("every day", "every %(num)d days", interval)
    if frequency == "WEEKLY":
        return ngettext("every week", "every %(num)d weeks", interval)
    if frequency == "MONTHLY":
        return ngettext("every month", "every %(num)d months", interval)
    return ngettext("every year", "every %(num)d years", interval)


def _day_name(code: str) -> str:
    return format_locale().days["format"]["wide"][WEEKDAYS.index(code)]


def _month_name(number: int) -> str:
    return format_locale().months["format"]["wide"][number]


def _and(items: list[str]) -> str:
    return format_list(items, locale=format_locale())


def _or(items: list[str]) -> str:
    return format_list(items, style="or", locale=format_locale())


def _nth(position: int, what: str) -> str:
    """ "the second Tuesday", "the last weekday"..."""
    phrases = {
        1: _("the first %(weekday)s", weekday=what),
        2: _("the second %(weekday)s", weekday=what),
        3: _("the third %(weekday)s", weekday=what),
        4: _("the fourth %(weekday)s", weekday=what),
        5: _("the fifth %(weekday)s", weekday=what),
        -1: _("the last %(weekday)s", weekday=what),
        -2: _("the second-to-last %(weekday)s", weekday=what),
    }
    if position in phrases:
        return phrases[position]
    if position > 0:
        return _("the %(weekday)s number %(num)d", weekday=what, num=position)
    return _("the %(weekday)s number %(num)d from the end", weekday=what, num=-position)


def _days_words(codes: list[str]) -> str:
    if len(codes) > 1 and set(codes) == WORKING_DAYS:
        return _("weekdays (Monday to Friday)")
    return _and([_day_name(code) for code in codes])


def _month_day(day: int) -> str:
    if day == -1:
        return _("the last day of the month")
    if day < 0:
        return ngettext(
            "the day before the last of the month",
            "%(num)d days before the last of the month",
            -day - 1,
        )
    return _("day %(num)d", num=day)


def _on_days(parts: dict[str, str]) -> list[str]:
    """The "on ..." phrases: weekdays, nth weekdays, days of the month."""
    phrases = []
    weekdays = [_weekday(value) for value in filter(None, parts.get("BYDAY", "").split(","))]
    positions = [_int(value) for value in filter(None, parts.get("BYSETPOS", "").split(","))]
    if weekdays and positions and all(nth is None for nth, _day in weekdays):
        codes = [day for _nth_, day in weekdays]
        if set(codes) == WORKING_DAYS:
            what = _("weekday")
        else:
            what = _or([_day_name(code) for code in codes])
        phrases.append(_("on %(days)s", days=_and([_nth(p, what) for p in positions])))
    elif weekdays and all(nth is None for nth, _day in weekdays):
        phrases.append(_("on %(days)s", days=_days_words([day for _nth_, day in weekdays])))
    elif weekdays:
        items = [
            _nth(nth, _day_name(day)) if nth is not None else _day_name(day)
            for nth, day in weekdays
        ]
        phrases.append(_("on %(days)s", days=_and(items)))
    month_days = [_int(value) for value in filter(None, parts.get("BYMONTHDAY", "").split(","))]
    if month_days:
        phrases.append(_("on %(days)s", days=_and([_month_day(day) for day in month_days])))
    return phrases


def _ending(parts: dict[str, str], zone: str | None) -> list[str]:
    phrases = []
    if "COUNT" in parts:
        count = _int(parts["COUNT"])
        phrases.append(ngettext("once", "%(num)d times", count))
    if "UNTIL" in parts:
        phrases.append(_("until %(day)s", day=long_date(until_day(parts["UNTIL"], zone))))
    return phrases


def describe(text: str | None, zone: str | None = None) -> str:
    """Say a recurrence rule in the reader's language: "every 3 months, on the second
    Tuesday", "every week on Monday and Thursday, until June 30, 2027", "every day, 10 times".

    :param zone: the zone of the group's clock, for an UNTIL given in UTC.
    :returns: the sentence, "" for no rule, or a plain "on a custom schedule" for a rule
        that cannot be read (never the raw rule).
    """
    if not (text or "").strip():
        return ""
    try:
        parts = parts_of(text)
        frequency = parts.get("FREQ", "")
        if frequency not in FREQUENCIES:
            return _("on a custom schedule")
        interval = _int(parts.get("INTERVAL", "1"))
        every = _every(frequency, max(interval, 1))
        months = [_int(value) for value in filter(None, parts.get("BYMONTH", "").split(","))]
        days = _on_days(parts)
        ending = _ending(parts, zone)
    except (ValueError, IndexError, KeyError):
        return _("on a custom schedule")
    phrases = []
    if months:
        phrases.append(_("in %(months)s", months=_and([_month_name(m) for m in months])))
    if frequency == "WEEKLY" and days and not months:
        # "every week on Monday and Thursday" reads as one phrase.
        phrases = [_("%(every)s %(days)s", every=every, days=days.pop(0))]
    else:
        phrases.insert(0, every)
    phrases += days + ending
    if set(parts) - _DESCRIBED:
        phrases.append(_("following a custom rule"))
    return comma().join(phrases)


# The organiser's choices --------------------------------------------------------------------


@dataclass
class RuleChoice:
    """What the organiser's rule form holds.

    :param frequency: "" (a single meeting), DAILY, WEEKLY, MONTHLY or YEARLY.
    :param monthly: "day" (a day of the month, ``month_day``; None is the first meeting's
        day) or "weekday" (the ``nth`` ``nth_weekday`` of the month).
    :param ends: "never", "until" (the last day, on the group's clock) or "count".
    """

    frequency: str = ""
    interval: int = 1
    weekdays: list[str] = field(default_factory=list)
    monthly: str = "day"
    month_day: int | None = None
    nth: int | None = None
    nth_weekday: str | None = None
    ends: str = "never"
    until: date | None = None
    count: int | None = None


def rule_from(choice: RuleChoice, zone: str) -> str:
    """Write the RRULE of the organiser's choices ("" for a single meeting).

    An end date becomes an UNTIL in UTC at the end of that day on the group's clock, as
    RFC 5545 asks of a rule whose start carries a zone.
    """
    if choice.frequency not in FREQUENCIES:
        return ""
    parts = [f"FREQ={choice.frequency}"]
    if choice.interval and choice.interval > 1:
        parts.append(f"INTERVAL={choice.interval}")
    if choice.frequency == "WEEKLY" and choice.weekdays:
        ordered = [day for day in WEEKDAYS if day in choice.weekdays]
        parts.append("BYDAY=" + ",".join(ordered))
    if choice.frequency == "MONTHLY":
        if choice.monthly == "weekday" and choice.nth and choice.nth_weekday:
            parts.append(f"BYDAY={choice.nth}{choice.nth_weekday}")
        elif choice.monthly == "day" and choice.month_day:
            parts.append(f"BYMONTHDAY={choice.month_day}")
    if choice.ends == "count" and choice.count:
        parts.append(f"COUNT={choice.count}")
    elif choice.ends == "until" and choice.until:
        parts.append("UNTIL=" + _until_utc(choice.until, zone))
    return ";".join(parts)


def _until_utc(day: date, zone: str) -> str:
    end_of_day = datetime.combine(day, time(23, 59, 59))
    if is_valid_zone(zone):
        aware = end_of_day.replace(tzinfo=get_zone(zone))
        return aware.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return end_of_day.strftime("%Y%m%dT%H%M%S")


def choice_from(text: str | None, zone: str | None) -> RuleChoice | None:
    """Read a stored rule back into the form's choices.

    :returns: the choices (a blank rule is a single meeting), or None when the form's
        fields cannot express the rule exactly (it is then edited as a raw RRULE).
    """
    if not (text or "").strip():
        return RuleChoice()
    try:
        parts = parts_of(text)
        choice = _choice_of_parts(parts, zone)
    except (ValueError, IndexError):
        return None
    if choice is None or rule_from(choice, zone or "") != _canonical(parts, zone):
        return None
    return choice


def _choice_of_parts(parts: dict[str, str], zone: str | None) -> RuleChoice | None:
    allowed = {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"}
    frequency = parts.get("FREQ", "")
    if frequency not in FREQUENCIES or set(parts) - allowed:
        return None
    if "COUNT" in parts and "UNTIL" in parts:
        return None
    choice = RuleChoice(frequency=frequency, interval=_int(parts.get("INTERVAL", "1")))
    weekdays = [_weekday(value) for value in filter(None, parts.get("BYDAY", "").split(","))]
    month_days = [_int(value) for value in filter(None, parts.get("BYMONTHDAY", "").split(","))]
    if frequency == "WEEKLY" and not month_days and all(nth is None for nth, _d in weekdays):
        choice.weekdays = [day for _nth_, day in weekdays]
    elif frequency == "MONTHLY" and len(weekdays) == 1 and not month_days:
        nth, day = weekdays[0]
        if nth not in NTH_CHOICES:
            return None
        choice.monthly, choice.nth, choice.nth_weekday = "weekday", nth, day
    elif frequency == "MONTHLY" and not weekdays and len(month_days) <= 1:
        choice.month_day = month_days[0] if month_days else None
        if choice.month_day is not None and not (
            1 <= choice.month_day <= 31 or choice.month_day == -1
        ):
            return None
    elif weekdays or month_days:
        return None
    if "COUNT" in parts:
        choice.ends, choice.count = "count", _int(parts["COUNT"])
    elif "UNTIL" in parts:
        choice.ends, choice.until = "until", until_day(parts["UNTIL"], zone)
        if not _is_end_of_day(parts["UNTIL"], choice.until, zone):
            return None
    return choice


def _is_end_of_day(value: str, day: date, zone: str | None) -> bool:
    """Tell whether an UNTIL is the end of its day, as the form writes it."""
    return value in (_until_utc(day, zone or ""), day.strftime("%Y%m%d"))


def _canonical(parts: dict[str, str], zone: str | None) -> str:
    """The rule as the form would write it, to tell whether reading it back lost nothing."""
    ordered = []
    for name in ("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "COUNT", "UNTIL"):
        if name not in parts:
            continue
        value = parts[name]
        if name == "INTERVAL" and _int(value) == 1:
            continue
        if name == "BYDAY" and parts.get("FREQ") == "WEEKLY":
            value = ",".join(day for day in WEEKDAYS if day in value.split(","))
        if name == "UNTIL" and len(value) == 8:
            value = _until_utc(until_day(value, zone), zone or "")
        ordered.append(f"{name}={value}")
    return ";".join(ordered)
