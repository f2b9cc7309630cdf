"""Recurrence rules said in words, in English, French and Arabic; never the raw rule."""

from datetime import date

import pytest
from flask_babel import force_locale

from app.recurrence import RuleChoice, choice_from, describe, rule_from

ZONE = "Africa/Tunis"


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "every 3 months, on the second Tuesday"),
        (
            "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630T225959Z",
            "every week on Monday and Thursday, until June 30, 2027",
        ),
        ("FREQ=DAILY;COUNT=10", "every day, 10 times"),
        ("FREQ=DAILY;COUNT=1", "every day, once"),
        ("FREQ=DAILY;INTERVAL=2", "every 2 days"),
        ("FREQ=WEEKLY", "every week"),
        ("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", "every 2 weeks on Tuesday"),
        ("FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR", "every week on weekdays (Monday to Friday)"),
        ("FREQ=MONTHLY", "every month"),
        ("FREQ=MONTHLY;BYDAY=-1FR", "every month, on the last Friday"),
        ("FREQ=MONTHLY;BYDAY=1MO", "every month, on the first Monday"),
        ("FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1", "every month, on the last weekday"),
        ("FREQ=MONTHLY;BYMONTHDAY=15", "every month, on day 15"),
        ("FREQ=MONTHLY;BYMONTHDAY=-1", "every month, on the last day of the month"),
        ("FREQ=YEARLY", "every year"),
        ("FREQ=YEARLY;INTERVAL=2", "every 2 years"),
        ("FREQ=YEARLY;BYMONTH=6;BYDAY=1MO", "every year, in June, on the first Monday"),
        ("RRULE:FREQ=WEEKLY;BYDAY=SA,SU", "every week on Saturday and Sunday"),
        ("FREQ=MONTHLY;UNTIL=20270630", "every month, until June 30, 2027"),
        ("FREQ=DAILY;BYHOUR=9", "every day, following a custom rule"),
        ("FREQ=SOMETIMES", "on a custom schedule"),
        ("FREQ=WEEKLY;BYDAY=XX", "on a custom schedule"),
        ("", ""),
    ],
)
def test_rules_read_as_english_words(app_ctx, rule, words):
    with force_locale("en"):
        assert describe(rule, ZONE) == words


def test_a_rule_is_never_shown_raw(app_ctx):
    for rule in ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "FREQ=SECONDLY", "nonsense;;=", "\x00" * 9):
        for language in ("en", "fr", "ar"):
            with force_locale(language):
                said = describe(rule, ZONE)
            assert "FREQ" not in said and "BYDAY" not in said and "\x00" not in said


@pytest.mark.parametrize(
    ("rule", "language", "expected"),
    [
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "fr", "mardi"),
        ("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630T225959Z", "fr", "lundi et jeudi"),
        ("FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630T225959Z", "fr", "30 juin 2027"),
        ("FREQ=MONTHLY;UNTIL=20270601", "fr", "1er juin 2027"),
        ("FREQ=YEARLY;BYMONTH=6", "fr", "juin"),
        ("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", "ar", "الثلاثاء"),
        ("FREQ=WEEKLY;BYDAY=MO,TH", "ar", "الاثنين والخميس"),
        ("FREQ=WEEKLY;BYDAY=MO;UNTIL=20270630T225959Z", "ar", "30 جوان 2027"),
    ],
)
def test_days_months_and_dates_are_in_the_readers_language(app, rule, language, expected):
    with app.test_request_context(f"/?lang={language}"), force_locale(language):
        said = describe(rule, ZONE)
    assert expected in said
    assert "Tuesday" not in said and "Monday" not in said and "June" not in said


def test_arabic_joins_the_parts_with_an_arabic_comma(app):
    with app.test_request_context("/?lang=ar"), force_locale("ar"):
        assert "، " in describe("FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU", ZONE)


@pytest.mark.parametrize(
    "rule",
    [
        "",
        "FREQ=DAILY",
        "FREQ=DAILY;INTERVAL=2;COUNT=10",
        "FREQ=WEEKLY;BYDAY=MO,TH",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;UNTIL=20270630T225959Z",
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
        "FREQ=MONTHLY;BYMONTHDAY=15",
        "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=YEARLY",
    ],
)
def test_rules_the_fields_express_round_trip(app_ctx, rule):
    choice = choice_from(rule, ZONE)
    assert choice is not None
    assert rule_from(choice, ZONE) == rule


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-1",
        "FREQ=YEARLY;BYMONTH=6;BYDAY=1MO",
        "FREQ=MONTHLY;BYDAY=2TU,4TU",
        "FREQ=DAILY;BYHOUR=9",
        "FREQ=WEEKLY;UNTIL=20270630T120000Z",
        "FREQ=DAILY;COUNT=3;UNTIL=20270630T225959Z",
        "FREQ=SOMETIMES",
    ],
)
def test_rules_the_fields_cannot_express_open_in_the_advanced_mode(app_ctx, rule):
    assert choice_from(rule, ZONE) is None


def test_an_end_date_is_the_end_of_that_day_on_the_groups_clock_in_utc(app_ctx):
    choice = RuleChoice(frequency="WEEKLY", weekdays=["TH", "MO"], ends="until")
    choice.until = date(2027, 6, 30)
    assert rule_from(choice, ZONE) == "FREQ=WEEKLY;BYDAY=MO,TH;UNTIL=20270630T225959Z"
    assert rule_from(RuleChoice(), ZONE) == ""
