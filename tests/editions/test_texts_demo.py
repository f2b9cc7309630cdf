"""The demo editions speak Arabic besides their French originals, two of them English."""

import pytest

from app.demo import BIZERTE_SLUG, CARAVAN_SLUG, CASABLANCA_SLUG, EDITION_SLUGS, load_demo
from app.demo.texts import TEXTS
from app.extensions import db
from app.models import Edition

pytestmark = pytest.mark.usefixtures("demo")


def test_every_demo_edition_has_its_texts_in_arabic(app):
    with app.app_context():
        for slug in EDITION_SLUGS:
            edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
            assert edition.original_lang == "fr"
            english = slug in (BIZERTE_SLUG, CARAVAN_SLUG)
            expected = ["ar", "en"] if english else ["ar"]
            assert [text.lang for text in edition.texts] == expected, slug
        assert "EditionText" not in load_demo()  # a second run adds nothing


def test_the_casablanca_page_in_arabic_reads_right_to_left(client):
    title, theme, description = TEXTS[CASABLANCA_SLUG]["ar"]
    html = client.get(f"/editions/{CASABLANCA_SLUG}?lang=ar").get_data(as_text=True)
    assert f'<h1><span lang="ar" dir="rtl">{title}</span></h1>' in html
    assert f'<p lang="ar" dir="rtl">{description}</p>' in html
    home = client.get("/?lang=en").get_data(as_text=True)
    assert TEXTS[CARAVAN_SLUG]["en"][0] in home
    # No English texts for Casablanca: its French original shows, marked as French.
    assert 'lang="fr" dir="ltr">Casablanca Smart City 2023 — 7e édition</a>' in home
