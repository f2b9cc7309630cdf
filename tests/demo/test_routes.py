"""The demo's cases are visible in a browser; what is private or a draft stays hidden."""

import re

import pytest
from sqlalchemy import select

from app.demo import CARAVAN_STOPS, EDITION_SLUGS, THINKLAB_SLUG
from app.extensions import db
from app.models import Agreement, AgreementKind, EditionStatus
from tests.factories import make_edition


def agreement_id(app, kind: AgreementKind) -> int:
    with app.app_context():
        return db.session.scalar(select(Agreement.id).where(Agreement.kind == kind))


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/series/bizerte-smart-city",
        "/series/tunisian-smart-cities-caravan",
        "/series/casablanca-smart-city",
        *(f"/editions/{slug}" for slug in EDITION_SLUGS),
        f"/thinklabs/{THINKLAB_SLUG}",
        "/thinklabs/issy-leshan-education",
    ],
)
def test_public_pages_answer(client, path):
    assert client.get(path).status_code == 200


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize(
    "kind", [AgreementKind.CONVENTION, AgreementKind.TWINNING, AgreementKind.PPP]
)
def test_public_agreements_answer_everyone(app, client, kind):
    response = client.get(f"/agreements/{agreement_id(app, kind)}")
    assert response.status_code == 200
    assert "Signatory" in response.get_data(as_text=True)


@pytest.mark.usefixtures("demo")
def test_private_agreement_is_hidden_from_others_and_shown_to_its_parties(
    app, client, sign_in_by_email
):
    url = f"/agreements/{agreement_id(app, AgreementKind.SPONSORSHIP)}"
    assert client.get(url).status_code == 404
    sign_in_by_email("attendee@demo.agora")
    assert client.get(url).status_code == 404
    sign_in_by_email("startup@demo.agora")
    assert client.get(url).status_code == 200
    sign_in_by_email("organiser@demo.agora")
    assert client.get(url).status_code == 200


@pytest.mark.usefixtures("demo")
def test_caravan_page_lists_its_stops_in_order(client):
    page = text_of(client.get("/editions/tunisian-smart-cities-caravan-2020"))
    route = page[page.index("Route") :]
    positions = [route.index(f" {town} ") for town in CARAVAN_STOPS]
    assert positions == sorted(positions)
    assert "Ministère du Tourisme" in page


@pytest.mark.usefixtures("demo")
def test_edition_page_shows_theme_patronage_and_tracks(client):
    casablanca = client.get("/editions/casablanca-smart-city-2023").get_data(as_text=True)
    assert "Ville smart, vers les transitions métropolitaines durables" in casablanca
    assert "Écologie, environnement et développement durable" in casablanca
    assert "(Casablanca, UTC+1)" in casablanca
    bizerte = client.get("/editions/bizerte-smart-city-2017").get_data(as_text=True)
    assert "haut patronage du Chef du Gouvernement" in bizerte
    assert "Convention de coopération Grenoble INP – ENIB" in bizerte
    assert "Thinklab Bizerte 2050" in bizerte


@pytest.mark.usefixtures("demo")
def test_thinklab_page_shows_members_roadmap_and_contributions(client, sign_in_by_email):
    page = text_of(client.get(f"/thinklabs/{THINKLAB_SLUG}"))
    for expected in ("Startup", "Research lab", "University", "Horizon 2027", "Horizon 2050"):
        assert expected in page
    # Contributions are members' posts: visitors only learn how many there are.
    assert "quatre chantiers" not in page
    assert "3 contributions, visible to members" in page
    sign_in_by_email("organiser@demo.agora")  # Nadia El Idrissi sits in the thinklab
    assert "quatre chantiers" in text_of(client.get(f"/thinklabs/{THINKLAB_SLUG}"))


def test_draft_edition_is_404_to_anonymous_and_shown_to_admins(app, client, demo, sign_in_by_email):
    with app.app_context():
        make_edition(slug="casablanca-smart-city-2024", status=EditionStatus.DRAFT)
        db.session.commit()
    assert client.get("/editions/casablanca-smart-city-2024").status_code == 404
    assert "casablanca-smart-city-2024" not in client.get("/").get_data(as_text=True)
    sign_in_by_email("admin@demo.agora")
    assert client.get("/editions/casablanca-smart-city-2024").status_code == 200


def test_unknown_addresses_are_404(client):
    for path in ("/editions/nowhere", "/series/nowhere", "/thinklabs/nowhere", "/agreements/999"):
        assert client.get(path).status_code == 404
