"""Every string of the interface is translated into French and Arabic, placeholders kept;
Arabic pages read right to left; French writes real plurals and "1er" for the first."""

import gettext
import importlib.util
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale, ngettext

from app.auth.forms import LANGUAGE_CHOICES
from app.formatting import long_date, number, time_with_zone

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("translations_check", ROOT / "translations/check.py")
check = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check)

LANGUAGES = ("fr", "ar")


@pytest.fixture(scope="module")
def messages():
    return check.source_messages()


def test_every_configured_language_has_a_catalogue(app):
    assert sorted(app.config["LANGUAGES"]) == sorted(("en", *check.languages()))
    assert set(LANGUAGES) == set(check.languages())


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_interface_string_is_translated(messages, language):
    report = check.check(language, messages)
    missing = {**report.not_in_catalogue, **report.untranslated, **report.fuzzy}
    assert missing == {}, (
        f"{len(missing)} strings lack a translation into {language}; run make i18n-update, "
        f"translate them (make i18n-check lists them): {list(missing)[:10]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_their_placeholders(messages, language):
    assert check.check(language, messages).wrong_placeholders == {}


def test_arabic_catalogue_has_the_six_plural_forms():
    catalogue = check.catalogue("ar")
    assert catalogue.num_plurals == 6
    plurals = [entry for entry in catalogue if isinstance(entry.id, tuple)]
    assert plurals and all(len(entry.string) == 6 for entry in plurals)
    # In the order translation tools show them: zero, one, two, few, many, other.
    form = gettext.c2py(catalogue.plural_expr)
    assert [form(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0,
        1,
        2,
        3,
        3,
        4,
        4,
        5,
        5,
        3,
        4,
    ]


def test_arabic_plurals_reach_the_pages(app):
    with app.test_request_context("/?lang=ar"), force_locale("ar"):
        assert [ngettext("%(num)d session", "%(num)d sessions", n) for n in (1, 2, 5, 12)] == [
            "جلسة واحدة",
            "جلستان",
            "5 جلسات",
            "12 جلسةً",
        ]


def test_the_stylesheet_mirrors_by_logical_properties():
    css = (ROOT / "static" / "css" / "agora.css").read_text()
    rules = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    assert re.findall(r"(?<![\w-])(left|right)(?![\w-])", rules) == []


def test_french_has_no_parenthesised_plurals():
    written = [
        entry.id
        for entry in check.catalogue("fr")
        for text in (entry.string if isinstance(entry.string, tuple) else (entry.string,))
        if text and ("(s)" in text or "(x)" in text)
    ]
    assert written == []


def test_an_arabic_page_reads_right_to_left(client):
    html = client.get("/?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    assert "العربية" in html
    # The choice sticks for the visitor's next pages.
    assert '<html lang="ar" dir="rtl">' in client.get("/").get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in client.get("/?lang=fr").get_data(as_text=True)


def test_the_profile_offers_arabic():
    assert ("ar", "العربية") in [(choice.value, choice.label) for choice in LANGUAGE_CHOICES]


def test_the_missing_page_speaks_the_visitors_language(client):
    response = client.get("/no-such-page?lang=fr")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "Page introuvable" in html and "Not Found" not in html


def test_french_writes_the_first_of_the_month_as_an_ordinal(app_ctx):
    with force_locale("fr"):
        assert long_date(date(2026, 6, 1)) == "1er juin 2026"
        assert long_date(date(2026, 6, 2)) == "2 juin 2026"
    with force_locale("en"):
        assert long_date(date(2026, 6, 1)) == "June 1, 2026"


def test_arabic_dates_use_a_maghreb_locale_and_latin_digits(app_ctx):
    with force_locale("ar"):
        text = long_date(date(2026, 6, 1))
    assert text == "1 جوان 2026"


def test_a_moroccan_browser_gets_arabic_with_moroccan_month_names(app, client):
    html = client.get("/", headers={"Accept-Language": "ar-MA,ar;q=0.9"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in html
    with app.test_request_context("/", headers={"Accept-Language": "ar-MA"}):
        assert long_date(date(2026, 8, 1)) == "1 غشت 2026"
    with app.test_request_context("/", headers={"Accept-Language": "ar-TN"}):
        assert long_date(date(2026, 8, 1)) == "1 أوت 2026"


def test_zone_labels_stay_whole_on_right_to_left_pages(app):
    instant = datetime(2026, 6, 1, 9, tzinfo=UTC)
    with app.test_request_context("/?lang=ar"):
        assert time_with_zone(instant, "Africa/Tunis") == "10:00 \u2068(Tunis,\u00a0UTC+1)\u2069"
    with app.test_request_context("/?lang=fr"):
        assert time_with_zone(instant, "Africa/Tunis") == "10:00 (Tunis, UTC+1)"


def test_numbers_follow_the_readers_language(app):
    with app.test_request_context("/?lang=fr"):
        assert number(Decimal("1234.50")) == "1\u202f234,5"
    with app.test_request_context("/?lang=ar"):
        assert number(Decimal("1234.50")) == "1.234,5"
    with app.test_request_context("/?lang=en"):
        assert number(Decimal("50.00")) == "50"
