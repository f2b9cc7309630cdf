"""Speaker indexes, speaker pages, the profile speakers edit themselves, and the invitation
page that shows the speaker's own answer."""

import io
from pathlib import Path

import pytest
from markupsafe import Markup
from PIL import Image

from app.extensions import db
from app.models import EditionStatus, SessionSpeaker, SessionStatus, Speaker
from app.program import services
from tests.factories import (
    add_speaker,
    make_edition,
    make_organisation,
    make_session,
    make_speaker,
    make_user,
)
from tests.support import sign_in


def text_of(response) -> str:
    return Markup(response.get_data(as_text=True)).unescape()


def names_in(page: str) -> list[str]:
    return [
        Markup(part.split("</a>")[0].split(">", 1)[1]).striptags()
        for part in page.split('class="speaker-name">')[1:]
    ]


@pytest.fixture
def speakers(app):
    """Speakers of a public edition (one of them in two of its sessions, one also in a
    second public edition) and one who speaks only in a draft programme."""
    with app.app_context():
        first = make_edition(slug="rabat-2027", title="Rabat 2027")
        second = make_edition(slug="tunis-2028", title="Tunis 2028", year=2028)
        draft = make_edition(slug="draft-2029", status=EditionStatus.DRAFT)
        city = make_organisation(name="Ville de Rabat")
        emilie = make_speaker(name="Émilie Durand", organisation=city, title="Mayor")
        dan = make_speaker(name="Dan Brown")
        fatima = make_speaker(name="fatima Zahra")
        hidden = make_speaker(name="Hidden Person")
        talk, panel = make_session(first, title="Open data"), make_session(first, title="Panel")
        add_speaker(talk, emilie)
        add_speaker(panel, emilie)
        add_speaker(make_session(second, title="Later talk"), emilie)
        add_speaker(panel, dan)
        add_speaker(panel, fatima)
        add_speaker(make_session(draft, title="Secret talk"), hidden)
        add_speaker(make_session(draft, title="Secret too"), emilie)
        db.session.commit()
        return {"emilie": emilie.id, "hidden": hidden.id, "dan": dan.id}


def test_the_index_lists_public_speakers_alphabetically_accents_ignored(client, speakers):
    page = text_of(client.get("/speakers"))
    assert names_in(page) == ["Dan Brown", "Émilie Durand", "fatima Zahra"]
    assert "3 sessions" in page and "Ville de Rabat" in page


def test_the_index_filters_by_initial_and_by_name(client, speakers):
    assert names_in(text_of(client.get("/speakers?initial=E"))) == ["Émilie Durand"]
    assert names_in(text_of(client.get("/speakers?initial=e"))) == ["Émilie Durand"]
    assert names_in(text_of(client.get("/speakers?name=durand"))) == ["Émilie Durand"]
    assert names_in(text_of(client.get("/speakers?name=EMI"))) == ["Émilie Durand"]
    assert "No speaker matches" in text_of(client.get("/speakers?name=zzz"))
    assert client.get("/speakers?initial=" + "%E2%80%AE" * 500).status_code == 200


def test_an_edition_lists_its_own_speakers_and_a_draft_one_is_hidden(client, speakers):
    page = text_of(client.get("/editions/tunis-2028/speakers"))
    assert names_in(page) == ["Émilie Durand"] and "1 session" in page
    assert client.get("/editions/draft-2029/speakers").status_code == 404
    assert client.get("/editions/nowhere/speakers").status_code == 404


def test_the_indexes_are_linked_from_the_home_and_edition_pages(client, speakers):
    assert 'href="/speakers"' in client.get("/").get_data(as_text=True)
    edition_page = client.get("/editions/rabat-2027").get_data(as_text=True)
    assert 'href="/editions/rabat-2027/speakers"' in edition_page


def test_the_speaker_page_groups_public_sessions_by_edition(app, client, speakers):
    with app.app_context():
        speaker = db.session.get(Speaker, speakers["emilie"])
        speaker.links = [{"label": "Blog", "url": "https://emilie.example"}]
        speaker.bio = "Urbanist."
        db.session.commit()
    page = text_of(client.get(f"/speakers/{speakers['emilie']}"))
    assert page.index("Rabat 2027") < page.index("Open data") < page.index("Tunis 2028")
    assert page.index("Tunis 2028") < page.index("Later talk")
    assert "Secret too" not in page
    assert '<a href="https://emilie.example" rel="nofollow noopener" dir="auto">Blog</a>' in page
    assert client.get(f"/speakers/{speakers['hidden']}").status_code == 404


@pytest.fixture
def linked(app, speakers):
    """Émilie's account, linked to her speaker profile; and an account without one."""
    with app.app_context():
        user = make_user()
        db.session.get(Speaker, speakers["emilie"]).user = user
        other = make_user()
        db.session.commit()
        return {"user": user.id, "other": other.id}


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "teal").save(out, format="PNG")
    return out.getvalue()


def test_a_speaker_edits_their_profile_from_their_account(app, client, speakers, linked):
    sign_in(client, linked["user"])
    assert "/account/speaker-profile" in client.get("/account").get_data(as_text=True)
    form = text_of(client.get("/account/speaker-profile"))
    assert "Émilie Durand" in form
    response = client.post(
        "/account/speaker-profile",
        data={
            "name": "Émilie Durand-Alaoui",
            "title": "Deputy mayor",
            "bio": "Twenty years of urban planning.",
            "organisation_id": "",
            "links": "Website https://durand.example\nhttps://social.example/emilie",
            "photo": (io.BytesIO(png(2000, 1000)), "me.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        speaker = db.session.get(Speaker, speakers["emilie"])
        assert speaker.name == "Émilie Durand-Alaoui" and speaker.organisation is None
        assert speaker.links == [
            {"label": "Website", "url": "https://durand.example"},
            {"label": "social.example", "url": "https://social.example/emilie"},
        ]
        stored = Path(app.config["UPLOAD_FOLDER"]) / speaker.photo_path
        with Image.open(stored) as image:
            assert image.size == (800, 400)
    assert client.get(f"/speakers/{speakers['emilie']}/photo").status_code == 200


@pytest.mark.parametrize(
    "links", ["Bad javascript:alert(1)", "ftp://files.example", "Site https://", "word"]
)
def test_links_must_be_http_addresses(app, client, speakers, linked, links):
    sign_in(client, linked["user"])
    response = client.post("/account/speaker-profile", data={"name": "Émilie", "links": links})
    assert response.status_code == 422
    assert "Line 1: give an address starting with https://" in text_of(response)
    with app.app_context():
        assert db.session.get(Speaker, speakers["emilie"]).name == "Émilie Durand"


def test_a_file_that_only_starts_like_an_image_is_refused(client, speakers, linked):
    sign_in(client, linked["user"])
    response = client.post(
        "/account/speaker-profile",
        data={"name": "Émilie", "photo": (io.BytesIO(b"\x89PNG\r\n\x1a\nnot really"), "x.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "could not be read as an image" in text_of(response)


def test_an_account_without_a_speaker_profile_has_none_to_edit(client, linked):
    sign_in(client, linked["other"])
    assert "/account/speaker-profile" not in client.get("/account").get_data(as_text=True)
    assert client.get("/account/speaker-profile").status_code == 404


def test_an_invited_speaker_edits_their_profile_from_the_invitation_link(app, client, speakers):
    with app.app_context():
        place = db.session.scalar(
            db.select(SessionSpeaker).where(SessionSpeaker.speaker_id == speakers["dan"])
        )
        token = services.invitation_token(place)
    page = text_of(client.get(f"/speaker-invitations/{token}"))
    assert f"/speaker-invitations/{token}/profile" in page
    response = client.post(
        f"/speaker-invitations/{token}/profile",
        data={"name": "Dan Brown", "bio": "Engineer.", "links": ""},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Speaker, speakers["dan"]).bio == "Engineer."
    assert client.get("/speaker-invitations/forged/profile").status_code == 400


def test_the_invitation_shows_the_speakers_own_answer_not_the_sessions_status(app, client):
    with app.app_context():
        session_ = make_session(make_edition(), status=SessionStatus.CONFIRMED)
        place = add_speaker(session_, make_speaker(email="s@example.org"))
        services.invite_speaker(place)
        db.session.commit()
        token = services.invitation_token(place)
    page = text_of(client.get(f"/speaker-invitations/{token}"))
    assert "Invited: waiting for your answer" in page
    assert "Confirmed" not in page
    assert "Talk" in page
    client.post(f"/speaker-invitations/{token}", data={"answer": "decline"})
    assert '<dd class="invitation-state">Declined</dd>' in text_of(
        client.get(f"/speaker-invitations/{token}")
    )


def test_organisers_give_a_speakers_links_too(app, client, speakers):
    with app.app_context():
        organiser = make_user(is_organiser=True)
        db.session.commit()
        organiser_id = organiser.id
    sign_in(client, organiser_id)
    url = f"/editions/rabat-2027/manage/speakers/{speakers['dan']}/edit"
    refused = client.post(
        url, data={"name": "Dan Brown", "category": "other", "links": "Blog blog.example"}
    )
    assert "Line 1: give an address" in text_of(refused)
    saved = client.post(
        url, data={"name": "Dan Brown", "category": "other", "links": "Blog https://blog.example"}
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Speaker, speakers["dan"]).links == [
            {"label": "Blog", "url": "https://blog.example"}
        ]
    assert "Blog https://blog.example" in text_of(client.get(url))
