"""The search box: accents and Arabic diacritics ignored, ranked, highlighted, kept in step
with the data, and showing nobody what they may not see."""

from datetime import UTC, datetime

import pytest
from markupsafe import Markup
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    ConferenceSession,
    Edition,
    EditionRoleKind,
    EditionStatus,
    SearchEntry,
    ShowcaseStatus,
)
from app.search.queries import highlight, normalise, parse_query, search
from tests.factories import (
    add_speaker,
    grant,
    make_edition,
    make_organisation,
    make_session,
    make_showcase,
    make_speaker,
    make_user,
)
from tests.support import sign_in

RELEASED = datetime(2027, 1, 5, tzinfo=UTC)


def page_of(client, query: str, **args) -> str:
    response = client.get("/search", query_string={"q": query, **args})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def titles(page: str) -> list[str]:
    """The result titles of a search page, without their marks."""
    found = []
    for part in page.split('class="search-title">')[1:]:
        title = part.split("</a>")[0].split(">", 1)[1]
        found.append(Markup(title).striptags())
    return found


@pytest.fixture
def medina(app):
    """A public edition with a "Médina" session and an accepted, announced showcase, and a
    draft edition with a session of the same word."""
    with app.app_context():
        edition = make_edition(title="Casablanca 2027")
        draft = make_edition(title="Next year", status=EditionStatus.DRAFT)
        startup = make_organisation(name="Atlas Start")
        make_session(edition, title="La Médina numérique", abstract="Des données ouvertes.")
        make_session(draft, title="Médina de demain")
        make_showcase(
            edition,
            startup,
            title="Médina connectée",
            status=ShowcaseStatus.ACCEPTED,
            decision_released_at=RELEASED,
        )
        db.session.commit()
        return {"edition": edition.id, "draft": draft.id, "startup": startup.id}


def test_text_is_normalised_alike_for_accents_case_and_arabic():
    assert normalise("La MÉDINA") == "la medina"
    assert normalise("المَدِينَة") == "المدينة"
    assert normalise("مـــدينة") == "مدينة"
    assert normalise("أحمد إبراهيم آمال ٱلله") == "احمد ابراهيم امال الله"


def test_medina_finds_the_medina_session_and_showcase(client, medina):
    page = page_of(client, "medina")
    assert sorted(titles(page)) == ["La Médina numérique", "Médina connectée"]
    assert "<mark>Médina</mark>" in page


def test_the_last_word_is_a_prefix(client, medina):
    assert "La Médina numérique" in titles(page_of(client, "la medi"))
    assert titles(page_of(client, "medi la")) == []


def test_an_arabic_word_with_diacritics_is_found_without_them(app, client):
    with app.app_context():
        make_session(make_edition(), title="المَدِينَةُ الذَّكِيَّة", abstract="نَقْلٌ عُمُومِيّ")
        db.session.commit()
    page = page_of(client, "المدينة")
    assert titles(page) == ["المَدِينَةُ الذَّكِيَّة"]
    assert "<mark>المَدِينَةُ</mark>" in page
    assert titles(page_of(client, "الذكية")) == ["المَدِينَةُ الذَّكِيَّة"]
    assert titles(page_of(client, "نقل")) == ["المَدِينَةُ الذَّكِيَّة"]


def test_an_edited_title_is_found_under_its_new_words_without_a_reindex(app, client):
    with app.app_context():
        session_id = make_session(make_edition(), title="Mobility lab").id
        db.session.commit()
    assert titles(page_of(client, "mobility")) == ["Mobility lab"]
    with app.app_context():
        db.session.get(ConferenceSession, session_id).title = "Water networks"
        db.session.commit()
    assert titles(page_of(client, "mobility")) == []
    assert titles(page_of(client, "water")) == ["Water networks"]
    with app.app_context():
        db.session.delete(db.session.get(ConferenceSession, session_id))
        db.session.commit()
        assert db.session.scalar(select(func.count(SearchEntry.id))) == 0
    assert titles(page_of(client, "water")) == []


def test_a_draft_showcase_is_found_by_its_startup_only(app, client):
    with app.app_context():
        edition = make_edition()
        mine, other = make_organisation(), make_organisation()
        make_showcase(edition, mine, title="Smart parking draft")
        make_showcase(
            edition, mine, title="Smart parking undecided", status=ShowcaseStatus.ACCEPTED
        )
        member, stranger = make_user(organisation=mine), make_user(organisation=other)
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        db.session.commit()
        ids = member.id, stranger.id, organiser.id
    assert titles(page_of(client, "parking")) == []
    sign_in(client, ids[1])
    assert titles(page_of(client, "parking")) == []
    sign_in(client, ids[0])
    assert len(titles(page_of(client, "parking"))) == 2
    sign_in(client, ids[2])
    assert len(titles(page_of(client, "parking"))) == 2


def test_an_unpublished_programme_is_found_by_its_organisers_only(app, client, medina):
    with app.app_context():
        organiser = make_user()
        grant(organiser, db.session.get(Edition, medina["draft"]), EditionRoleKind.ORGANISER)
        db.session.commit()
        organiser_id = organiser.id
    assert "Médina de demain" not in titles(page_of(client, "medina"))
    sign_in(client, organiser_id)
    assert "Médina de demain" in titles(page_of(client, "medina"))


def test_private_agreements_are_seen_by_their_parties_only(app, client):
    with app.app_context():
        party, other = make_organisation(), make_organisation()
        private = Agreement(kind=AgreementKind.CONVENTION, title="Water convention private")
        private.parties.append(AgreementParty(organisation=party))
        public = Agreement(
            kind=AgreementKind.CONVENTION, title="Water convention public", is_public=True
        )
        db.session.add_all([private, public])
        delegate, stranger = make_user(organisation=party), make_user(organisation=other)
        db.session.commit()
        ids = delegate.id, stranger.id
    assert titles(page_of(client, "convention")) == ["Water convention public"]
    sign_in(client, ids[1])
    assert titles(page_of(client, "convention")) == ["Water convention public"]
    sign_in(client, ids[0])
    assert sorted(titles(page_of(client, "convention"))) == [
        "Water convention private",
        "Water convention public",
    ]


def test_speakers_are_found_once_they_speak_in_a_public_programme(app, client):
    with app.app_context():
        speaker = make_speaker(name="Nadia Chraïbi", bio="Urbaniste.")
        hidden = make_speaker(name="Nadia Draft")
        add_speaker(make_session(make_edition()), speaker)
        add_speaker(make_session(make_edition(status=EditionStatus.DRAFT)), hidden)
        make_speaker(name="Nadia Nowhere")
        db.session.commit()
    assert titles(page_of(client, "nadia")) == ["Nadia Chraïbi"]
    assert titles(page_of(client, "chraibi")) == ["Nadia Chraïbi"]


def test_title_matches_rank_above_body_matches(app, client):
    with app.app_context():
        edition = make_edition()
        make_session(edition, title="Budget review", abstract="Energy " * 3 + "and more energy.")
        make_session(edition, title="Energy transition", abstract="Budgets.")
        db.session.commit()
    assert titles(page_of(client, "energy")) == ["Energy transition", "Budget review"]


def test_results_are_paginated_and_filtered_by_kind(app, client):
    with app.app_context():
        edition = make_edition()
        for n in range(23):
            make_session(edition, title=f"Harbour session {n}")
        add_speaker(make_session(edition, title="Other"), make_speaker(name="Harbour Master"))
        db.session.commit()
    first = page_of(client, "harbour")
    assert "24 results" in first and len(titles(first)) == 20
    assert "Page 1 of 2" in first
    assert len(titles(page_of(client, "harbour", page=2))) == 4
    assert titles(page_of(client, "harbour", kind="speaker")) == ["Harbour Master"]
    assert "no such kind" in page_of(client, "harbour", kind="nonsense")
    assert len(titles(page_of(client, "harbour", page=99))) == 4


def test_a_search_sends_as_many_statements_for_one_result_as_for_many(
    app, client, counting_statements
):
    with app.app_context():
        edition = make_edition()
        make_session(edition, title="Lonely tram")
        for n in range(15):
            make_session(edition, title=f"Busy bus {n}")
        user = make_user()
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    one = counting_statements.for_page(client, "/search?q=tram")
    many = counting_statements.for_page(client, "/search?q=bus")
    assert one == many


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"unclosed',
        "*",
        "tram*",
        "NEAR(a b)",
        "a NEAR b",
        "-tram",
        "title:tram",
        "a:b:c",
        "AND OR NOT",
        "^",
        "(((",
        "'; DROP TABLE search_entries; --",
        "x" * 10_000,
        "  ",
    ],
)
def test_database_syntax_and_huge_queries_give_a_clear_page(app, client, query):
    with app.app_context():
        make_session(make_edition(), title="Tram lines")
        db.session.commit()
    page = page_of(client, query)
    assert "<h1>Search</h1>" in page


def test_a_long_query_says_what_was_used(client):
    assert "Only the first 200 characters" in page_of(client, "word " * 2000)


def test_a_nul_byte_is_refused_with_a_client_error(client):
    assert client.get("/search?q=a%00b").status_code == 400


def test_an_empty_search_explains_what_to_type(client):
    assert "Type a word" in page_of(client, "")


def test_highlighting_escapes_html():
    marked = highlight("<b>Médina</b> & co", parse_query("medina").words)
    assert str(marked) == "&lt;b&gt;<mark>Médina</mark>&lt;/b&gt; &amp; co"


def test_every_page_has_the_search_box(client):
    page = client.get("/").get_data(as_text=True)
    assert 'role="search"' in page and 'for="header-search-q"' in page


def test_reindex_rebuilds_the_whole_index(app, runner, medina):
    with app.app_context():
        db.session.execute(SearchEntry.__table__.delete())
        db.session.commit()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert "session: 2" in result.output and "showcase: 1" in result.output
    with app.app_context():
        found = search(None, parse_query("medina"))
        assert found.total == 2
