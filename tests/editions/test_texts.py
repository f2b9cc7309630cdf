"""An edition's title, theme and description in other languages: kept beside the original,
shown in the reader's language with its own ``lang`` and direction, else the original."""

import re
from datetime import datetime

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from app.editions import queries, services
from app.errors import FormErrors, NotFound
from app.extensions import db
from app.models import Edition, EditionText
from tests.editions.test_routes import edition_form, field_error, text_of
from tests.factories import make_edition, make_series, make_session
from tests.support import sign_in

ARABIC_TITLE = "الدار البيضاء مدينة ذكية 2023"
ARABIC_THEME = "مدينة ذكية نحو تحولات حضرية مستدامة"
ENGLISH_TITLE = "Casablanca Smart City 2023, 7th edition"


def edition_by_slug(slug: str) -> Edition:
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def texts_of(app, slug: str) -> dict[str, tuple[str, str, str]]:
    with app.app_context():
        edition = edition_by_slug(slug)
        return {text.lang: (text.title, text.theme, text.description) for text in edition.texts}


def give_arabic(app, slug: str, **fields) -> None:
    with app.app_context():
        fields.setdefault("title", ARABIC_TITLE)
        services.save_text(edition_by_slug(slug), "ar", **fields)
        db.session.commit()


# Services -----------------------------------------------------------------------------------


def test_a_translation_is_created_then_changed(app_ctx):
    edition = make_edition(title="Casablanca Smart City 2023", theme="Ville smart")
    assert edition.original_lang == "fr"
    created = services.save_text(edition, "ar", title=ARABIC_TITLE, theme=ARABIC_THEME)
    changed = services.save_text(edition, "ar", title="عنوان آخر", description="وصف")
    assert changed is created
    assert [(t.lang, t.title, t.theme, t.description) for t in edition.texts] == [
        ("ar", "عنوان آخر", "", "وصف")
    ]
    assert db.session.scalar(select(func.count()).select_from(EditionText)) == 1


def test_each_text_shows_in_the_readers_language_or_else_the_original(app_ctx):
    edition = make_edition(
        title="Casablanca Smart City 2023", theme="Ville smart", description="Une Agora."
    )
    services.save_text(edition, "ar", title=ARABIC_TITLE, theme=ARABIC_THEME)
    arabic = queries.shown_texts(edition, "ar")
    assert (arabic.title.text, arabic.title.lang, arabic.title.dir) == (ARABIC_TITLE, "ar", "rtl")
    assert (arabic.theme.text, arabic.theme.lang) == (ARABIC_THEME, "ar")
    # No Arabic description: the original's shows, marked as French.
    assert (arabic.description.text, arabic.description.lang) == ("Une Agora.", "fr")
    assert arabic.description.dir == "ltr"
    english = queries.shown_texts(edition, "en")
    assert (english.title.text, english.title.lang) == ("Casablanca Smart City 2023", "fr")
    french = queries.shown_texts(edition, "fr")
    assert (french.title.text, french.title.lang) == ("Casablanca Smart City 2023", "fr")


def test_the_original_language_and_unknown_ones_are_refused(app_ctx):
    edition = make_edition()
    with pytest.raises(FormErrors) as original:
        services.save_text(edition, "fr", title="Titre")
    assert "details page" in original.value.errors[""][0]
    with pytest.raises(FormErrors):
        services.save_text(edition, "de", title="Titel")
    assert edition.texts == []


def test_a_missing_title_and_texts_too_long_are_reported_together(app_ctx):
    edition = make_edition()
    with pytest.raises(FormErrors) as refused:
        services.save_text(edition, "en", title="  ", theme="x" * 301, description="y" * 20_001)
    assert set(refused.value.errors) == {"title", "theme", "description"}
    assert "300" in refused.value.errors["theme"][0]
    assert edition.texts == []


def test_removing_a_translation_brings_back_the_original(app_ctx):
    edition = make_edition(title="Bizerte Smart City 2017")
    services.save_text(edition, "en", title="Bizerte Smart City 2017 (English)")
    services.delete_text(edition, "en")
    assert edition.texts == []
    assert queries.shown_texts(edition, "en").title.text == "Bizerte Smart City 2017"
    with pytest.raises(NotFound):
        services.delete_text(edition, "en")


def test_one_text_per_edition_and_language(app_ctx):
    edition = make_edition()
    db.session.add(EditionText(edition_id=edition.id, lang="ar", title="أ"))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(EditionText(edition_id=edition.id, lang="ar", title="ب"))
        db.session.flush()


def test_the_database_deletes_the_texts_with_their_edition(app_ctx):
    edition = make_edition()
    services.save_text(edition, "ar", title=ARABIC_TITLE)
    edition_id = edition.id
    db.session.expunge_all()
    db.session.execute(delete(Edition).where(Edition.id == edition_id))
    left = select(func.count()).select_from(EditionText).where(EditionText.edition_id == edition_id)
    assert db.session.scalar(left) == 0


def test_the_original_language_cannot_become_one_the_edition_is_translated_into(app_ctx):
    from tests.editions.test_services import edition_data

    series = make_series()
    edition = services.create_edition(series, edition_data(original_lang="en"))
    assert edition.original_lang == "en"
    services.save_text(edition, "ar", title=ARABIC_TITLE)
    data = {name: getattr(edition, name) for name in services.EDITION_FIELDS}
    with pytest.raises(FormErrors) as refused:
        services.update_edition(edition, {**data, "original_lang": "ar"})
    assert "original_lang" in refused.value.errors
    services.update_edition(edition, {**data, "original_lang": "fr"})
    assert edition.original_lang == "fr"
    # Without the key (the JSON API), the language stays as it is.
    services.update_edition(edition, data)
    assert edition.original_lang == "fr"


def test_a_copy_keeps_the_language_but_not_the_translated_title(app_ctx):
    source = make_edition(year=2023, number=7, original_lang="en")
    services.save_text(source, "ar", title=ARABIC_TITLE)
    copy = services.copy_edition(
        source, slug="next-one", number=8, year=2024, title="Next one"
    ).edition
    assert copy.original_lang == "en"
    assert copy.texts == []


# Organiser pages --------------------------------------------------------------------------


def test_the_languages_page_is_in_the_organiser_menu(client, casablanca):
    sign_in(client, casablanca.organiser_id)
    overview = text_of(client.get(f"/editions/{casablanca.slug}/manage"))
    assert f'href="/editions/{casablanca.slug}/manage/languages"' in overview
    page = client.get(f"/editions/{casablanca.slug}/manage/languages")
    assert page.status_code == 200
    html = text_of(page)
    assert f"/editions/{casablanca.slug}/manage/languages/ar" in html
    assert f"/editions/{casablanca.slug}/manage/languages/en" in html
    assert f"/editions/{casablanca.slug}/manage/languages/fr" not in html


def test_an_organiser_gives_changes_and_removes_the_arabic_texts(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/languages/ar"
    form = client.get(url)
    assert form.status_code == 200
    # What is typed in is Arabic, right to left.
    title_input = re.search(r'<input[^>]*name="title"[^>]*>', text_of(form)).group(0)
    assert 'lang="ar"' in title_input and 'dir="rtl"' in title_input
    saved = client.post(url, data={"title": ARABIC_TITLE, "theme": ARABIC_THEME})
    assert saved.status_code == 302
    assert saved.location.endswith(f"/editions/{casablanca.slug}/manage/languages")
    assert texts_of(app, casablanca.slug) == {"ar": (ARABIC_TITLE, ARABIC_THEME, "")}
    assert ARABIC_TITLE in text_of(client.get(saved.location))
    assert ARABIC_TITLE in text_of(client.get(url))  # the form shows what is saved

    client.post(url, data={"title": "عنوان", "theme": "", "description": "وصف"})
    assert texts_of(app, casablanca.slug) == {"ar": ("عنوان", "", "وصف")}

    removed = client.post(f"{url}/delete")
    assert removed.status_code == 302
    assert texts_of(app, casablanca.slug) == {}
    again = client.post(f"{url}/delete", follow_redirects=True)
    assert "no texts in this language" in text_of(again)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"title": ""}, "title", "This field is required."),
        ({"title": "x" * 201}, "title", "200"),
        ({"title": "Casablanca", "theme": "y" * 301}, "theme", "300"),
    ],
)
def test_bad_input_is_shown_next_to_its_field(app, client, casablanca, data, field, message):
    sign_in(client, casablanca.organiser_id)
    response = client.post(f"/editions/{casablanca.slug}/manage/languages/en", data=data)
    assert response.status_code == 422
    assert message in field_error(text_of(response), field)
    assert texts_of(app, casablanca.slug) == {}


def test_nul_characters_are_refused_and_markup_stays_text(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/languages/en"
    assert client.post(url, data={"title": "Casa\x00blanca"}).status_code == 400
    assert texts_of(app, casablanca.slug) == {}
    title = "  <script>alert(1)</script> Casablanca  "
    assert client.post(url, data={"title": title}).status_code == 302
    assert texts_of(app, casablanca.slug)["en"][0] == "<script>alert(1)</script> Casablanca"
    page = text_of(client.get(f"/editions/{casablanca.slug}?lang=en"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Casablanca" in page


def test_the_original_language_leads_to_the_details_page(client, casablanca):
    sign_in(client, casablanca.organiser_id)
    response = client.get(f"/editions/{casablanca.slug}/manage/languages/fr")
    assert response.status_code == 302
    assert response.location.endswith(f"/editions/{casablanca.slug}/manage/edit")
    assert client.post(f"/editions/{casablanca.slug}/manage/languages/de").status_code == 404


def test_other_people_cannot_touch_the_texts(app, client, casablanca):
    base = f"/editions/{casablanca.slug}/manage/languages"
    pages = [
        ("GET", base),
        ("GET", f"{base}/ar"),
        ("POST", f"{base}/ar"),
        ("POST", f"{base}/ar/delete"),
    ]
    for method, url in pages:
        response = client.open(url, method=method, data={"title": "Pirate"})
        assert response.status_code == 302 and "/login" in response.location, url
    sign_in(client, casablanca.attendee_id)
    for method, url in pages:
        assert client.open(url, method=method, data={"title": "Pirate"}).status_code == 403, url
    other = f"/editions/{casablanca.other_slug}/manage/languages/ar"
    sign_in(client, casablanca.organiser_id)
    assert client.post(other, data={"title": "Pirate"}).status_code == 403
    assert texts_of(app, casablanca.slug) == {}
    assert texts_of(app, casablanca.other_slug) == {}


def test_the_details_form_sets_the_language_of_the_original(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    with app.app_context():
        data = edition_form(edition_by_slug(casablanca.slug), original_lang="en")
    response = client.post(f"/editions/{casablanca.slug}/manage/edit", data=data)
    assert response.status_code == 302
    with app.app_context():
        assert edition_by_slug(casablanca.slug).original_lang == "en"
        data = edition_form(edition_by_slug(casablanca.slug), original_lang="de")
    refused = client.post(f"/editions/{casablanca.slug}/manage/edit", data=data)
    assert refused.status_code == 422
    assert field_error(text_of(refused), "original_lang")


# Public pages -------------------------------------------------------------------------------


def title_tag(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_the_edition_page_in_arabic_shows_the_arabic_title(app, client, casablanca):
    give_arabic(app, casablanca.slug, theme=ARABIC_THEME)
    html = text_of(client.get(f"/editions/{casablanca.slug}?lang=ar"))
    assert f'<h1><span lang="ar" dir="rtl">{ARABIC_TITLE}</span></h1>' in html
    assert f'<span lang="ar" dir="rtl">{ARABIC_THEME}</span>' in html
    assert ARABIC_TITLE in title_tag(html)
    assert "Casablanca Smart City 2023" not in title_tag(html)


def test_without_a_text_in_the_readers_language_the_original_shows(app, client, casablanca):
    give_arabic(app, casablanca.slug)
    html = text_of(client.get(f"/editions/{casablanca.slug}?lang=en"))
    assert '<h1><span lang="fr" dir="ltr">Casablanca Smart City 2023</span></h1>' in html
    assert ARABIC_TITLE not in html
    assert "Casablanca Smart City 2023" in title_tag(html)
    # A French title inside the Arabic interface keeps its own language and direction.
    with app.app_context():
        services.delete_text(edition_by_slug(casablanca.slug), "ar")
        db.session.commit()
    arabic_page = text_of(client.get(f"/editions/{casablanca.slug}?lang=ar"))
    assert '<html lang="ar" dir="rtl">' in arabic_page
    assert '<span lang="fr" dir="ltr">Casablanca Smart City 2023</span>' in arabic_page


def test_home_and_series_cards_show_the_readers_language(app, client, casablanca):
    give_arabic(app, casablanca.slug, theme=ARABIC_THEME)
    home = text_of(client.get("/?lang=ar"))
    assert f'lang="ar" dir="rtl">{ARABIC_TITLE}</a>' in home
    series = text_of(client.get("/series/casablanca-smart-city?lang=ar"))
    assert f'lang="ar" dir="rtl">{ARABIC_TITLE}</a>' in series
    english_home = text_of(client.get("/?lang=en"))
    assert ARABIC_TITLE not in english_home
    assert 'lang="fr" dir="ltr">Casablanca Smart City 2023</a>' in english_home


def test_the_texts_of_listed_editions_cost_one_statement(app, client, counting_statements):
    def add_editions(count: int) -> None:
        with app.app_context():
            series = make_series()
            for _ in range(count):
                edition = make_edition(series)
                services.save_text(edition, "ar", title=ARABIC_TITLE)
                services.save_text(edition, "en", title=ENGLISH_TITLE)
            db.session.commit()

    add_editions(2)
    few = counting_statements.for_page(client, "/?lang=ar")
    add_editions(20)
    assert counting_statements.for_page(client, "/?lang=ar") == few


def test_the_pages_of_an_edition_head_with_its_title_in_the_readers_language(
    app, client, casablanca
):
    """Programme, session and speakers pages name the edition in the breadcrumb, kept
    pages included: giving the Arabic text moves what they are kept by."""
    with app.app_context():
        edition = edition_by_slug(casablanca.slug)
        session_id = make_session(edition, datetime(2023, 3, 1, 10), datetime(2023, 3, 1, 11)).id
        db.session.commit()
    pages = [
        f"/editions/{casablanca.slug}/programme?lang=ar",
        f"/sessions/{session_id}?lang=ar",
        f"/editions/{casablanca.slug}/speakers?lang=ar",
    ]
    for page in pages:
        assert ARABIC_TITLE not in text_of(client.get(page))
    give_arabic(app, casablanca.slug)
    for page in pages:
        html = text_of(client.get(page))
        assert f'<span lang="ar" dir="rtl">{ARABIC_TITLE}</span>' in html, page
        assert ARABIC_TITLE in title_tag(html) or "/sessions/" in page
    english = text_of(client.get(f"/sessions/{session_id}?lang=en"))
    assert '<span lang="fr" dir="ltr">Casablanca Smart City 2023</span>' in english
