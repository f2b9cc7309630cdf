"""Done-when on the demo data: a convention built through the pages, the twinning, e-Madina."""

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementStatus,
    ConferenceSession,
    Edition,
    Organisation,
    SessionKind,
)

S = AgreementStatus


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)))


def lookup(app, model, **where):
    with app.app_context():
        return db.session.scalar(select(model.id).filter_by(**where))


@pytest.mark.usefixtures("demo")
def test_a_convention_goes_from_draft_to_active_through_the_pages(app, client, sign_in_by_email):
    sign_in_by_email("organiser@demo.agora")
    bizerte = lookup(app, Edition, slug="bizerte-smart-city-2017")
    with app.app_context():
        ceremony = db.session.scalar(
            select(ConferenceSession.id).where(
                ConferenceSession.edition_id == bizerte,
                ConferenceSession.kind == SessionKind.SIGNING_CEREMONY,
            )
        )
    grenoble = lookup(app, Organisation, name="Grenoble INP")
    enib = lookup(app, Organisation, name="École nationale d'ingénieurs de Bizerte (ENIB)")
    form = {
        "kind": "convention",
        "title": "Convention Grenoble INP – ENIB (2nd term)",
        "edition_id": bizerte,
        "signing_session_id": "",
        "timezone": "Africa/Tunis",
        "owner_email": "organiser@demo.agora",
        "is_public": "y",
        "parties-0-organisation_id": grenoble,
        "parties-0-role": "École partenaire",
        "parties-0-signatory_name": "Pierre Lambert",
        "parties-1-organisation_id": enib,
        "parties-1-role": "École partenaire",
        "parties-1-signatory_name": "Anis Trabelsi",
    }
    created = client.post("/agreements/new", data=form)
    assert created.status_code == 302
    manage = created.location
    agreement_id = int(re.search(r"/agreements/(\d+)/manage", manage).group(1))
    step = f"/agreements/{agreement_id}/status"
    assert (
        client.post(step, data={"status": "negotiation", "note": "Double degrees"}).status_code
        == 302
    )
    refused = client.post(step, data={"status": "signed"})
    assert refused.status_code == 409 and "date de signature de chaque partie" in text_of(refused)
    signed = {
        **form,
        "signing_session_id": ceremony,
        "parties-0-signed_on": "2017-10-27",
        "parties-1-signed_on": "2017-10-27",
    }
    assert client.post(f"/agreements/{agreement_id}/edit", data=signed).status_code == 302
    assert client.post(step, data={"status": "signed", "note": "At Bizerte"}).status_code == 302
    assert client.post(step, data={"status": "active"}).status_code == 409  # no effective date
    in_force = {**signed, "effective_date": "2017-11-01", "expiry_date": "2027-10-31"}
    assert client.post(f"/agreements/{agreement_id}/edit", data=in_force).status_code == 302
    assert client.post(step, data={"status": "active"}).status_code == 302
    with app.app_context():
        done = db.session.get(Agreement, agreement_id)
        assert done.status is S.ACTIVE
        assert done.signing_session.kind is SessionKind.SIGNING_CEREMONY
        assert [t.to_status for t in done.transitions] == [
            S.DRAFT,
            S.NEGOTIATION,
            S.SIGNED,
            S.ACTIVE,
        ]
    anonymous = app.test_client()
    page = text_of(anonymous.get(f"/agreements/{agreement_id}"))
    assert "Cérémonie de signature de la convention Grenoble INP – ENIB" in page
    assert "Draft → Active" not in page and "Signed → Active" in page
    edition_page = text_of(anonymous.get("/editions/bizerte-smart-city-2017"))
    assert "Convention Grenoble INP – ENIB (2nd term)" in edition_page


@pytest.mark.usefixtures("demo")
def test_the_twinning_page_shows_its_working_groups_and_their_meetings(app, client):
    twinning = lookup(app, Agreement, kind=AgreementKind.TWINNING)
    response = client.get(f"/agreements/{twinning}")
    page = response.get_data(as_text=True)
    assert page.count('href="/thinklabs/issy-leshan-') == 6
    assert "Issy – Leshan : Éducation" in page
    assert page.count("Next meeting:") == 6


@pytest.mark.usefixtures("demo")
def test_e_madina_shows_progress_and_which_targets_are_late(app, client):
    programme = lookup(app, Agreement, kind=AgreementKind.PPP)
    page = client.get(f"/agreements/{programme}").get_data(as_text=True)
    assert page.count("<progress") == 5
    assert "197 / 240" in page
    assert page.count("commitment-late") == 1  # accélération: 197 of 240, never reached
    assert page.count("commitment-met-late") == 2  # R&D and international, six months late
    assert page.count("commitment-met") == 4  # the two met late and two met on time


@pytest.mark.usefixtures("demo")
def test_the_organiser_list_shows_the_demo_agreements(client, sign_in_by_email):
    sign_in_by_email("organiser@demo.agora")
    page = text_of(client.get("/agreements/manage?kind=sponsorship&status=negotiation"))
    assert "Convention de sponsoring Dar Mobility" in page
    assert "Programme e-Madina" not in page and "Jumelage Issy" not in page
