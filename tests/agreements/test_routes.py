"""The organiser pages through the test client: create, edit, status, documents, progress."""

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Agreement, AgreementDocument, AgreementStatus, CommitmentProgress
from tests.factories import make_agreement, make_commitment

S = AgreementStatus


def form_for(case, **changes):
    values = {
        "kind": "convention",
        "title": "Convention A – B",
        "edition_id": case.ids["edition"],
        "timezone": "Africa/Tunis",
        "owner_email": "",
        "parties-0-organisation_id": case.ids["school"],
        "parties-0-signatory_name": "Anne Signatory",
        "parties-1-organisation_id": case.ids["partner"],
        "parties-1-signatory_name": "Bruno Signatory",
        "parties-2-organisation_id": "",
    }
    values.update(changes)
    return values


def text(response) -> str:
    return response.get_data(as_text=True)


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def agreement_id(app, case):
    with app.app_context():
        found = make_agreement(
            db.session.get(type(case.edition), case.ids["edition"]),
            [
                (db.session.get(type(case.school), case.ids["school"]), None),
                (db.session.get(type(case.school), case.ids["partner"]), None),
            ],
            is_public=False,
        )
        make_commitment(found, title="Hosted students", start_date=date(2026, 1, 1))
        db.session.commit()
        return found.id


def test_an_edition_organiser_creates_an_agreement(app, client, case, signed_in):
    signed_in(case.ids["organiser"])
    assert client.get("/agreements/new").status_code == 200
    response = client.post("/agreements/new", data=form_for(case))
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(select(Agreement).where(Agreement.title == "Convention A – B"))
        assert created.status is S.DRAFT and len(created.parties) == 2
        assert created.owner_id == case.ids["organiser"]
    assert response.location.endswith(f"/agreements/{created.id}/manage")
    page = client.get(response.location, follow_redirects=True)
    assert "Agreement created as a draft." in text(page)


def test_bad_agreement_input_is_refused_next_to_its_field(app, client, case, signed_in):
    signed_in(case.ids["organiser"])
    before = count(app, Agreement)
    response = client.post(
        "/agreements/new",
        data=form_for(
            case,
            effective_date="2028-01-01",
            expiry_date="2027-01-01",
            **{"parties-1-organisation_id": case.ids["school"]},
        ),
    )
    assert response.status_code == 422
    page = text(response)
    assert "The expiry date must come after the effective date." in page
    assert "École A is listed twice as a party." in page
    assert count(app, Agreement) == before


def test_others_may_not_create_or_manage(client, case, signed_in, agreement_id):
    signed_in(case.ids["outsider"])
    assert client.get("/agreements/new").status_code == 403
    assert client.get("/agreements/manage").status_code == 403
    signed_in(case.ids["other_organiser"])
    assert client.get(f"/agreements/{agreement_id}/manage").status_code == 403
    assert (
        client.post(
            f"/agreements/{agreement_id}/status", data={"status": "negotiation"}
        ).status_code
        == 403
    )


def test_a_forbidden_transition_is_refused_on_the_page(app, client, case, signed_in, agreement_id):
    signed_in(case.ids["organiser"])
    response = client.post(f"/agreements/{agreement_id}/status", data={"status": "active"})
    assert response.status_code == 409
    assert "cannot become “Active”" in text(response)
    ok = client.post(f"/agreements/{agreement_id}/status", data={"status": "negotiation"})
    assert ok.status_code == 302
    with app.app_context():
        assert db.session.get(Agreement, agreement_id).status is S.NEGOTIATION


def test_a_non_number_progress_is_refused_next_to_the_field(
    app, client, case, signed_in, agreement_id
):
    signed_in(case.ids["organiser"])
    with app.app_context():
        commitment_id = db.session.get(Agreement, agreement_id).commitments[0].id
    response = client.post(
        f"/agreements/{agreement_id}/progress",
        data={"commitment_id": commitment_id, "recorded_on": "2026-06-01", "value": "abc"},
    )
    assert response.status_code == 422
    assert 'id="value-error">Give a number, e.g. 42 or 12.5.' in text(response)
    assert count(app, CommitmentProgress) == 0
    ok = client.post(
        f"/agreements/{agreement_id}/progress",
        data={"commitment_id": commitment_id, "recorded_on": "2026-06-01", "value": "42"},
    )
    assert ok.status_code == 302 and count(app, CommitmentProgress) == 1


def test_documents_are_pdf_only_and_for_parties_and_organisers(
    app, client, case, signed_in, agreement_id, uploads
):
    signed_in(case.ids["organiser"])
    url = f"/agreements/{agreement_id}/documents"
    refused = client.post(
        url,
        data={"file": (io.BytesIO(b"MZ not a pdf"), "text.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "Only PDF documents are accepted" in text(refused)
    assert count(app, AgreementDocument) == 0
    ok = client.post(
        url,
        data={"file": (io.BytesIO(b"%PDF-1.7 signed"), "signed.pdf"), "is_signed_copy": "y"},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    with app.app_context():
        document_id = db.session.scalar(select(AgreementDocument.id))
    download = f"/agreements/{agreement_id}/documents/{document_id}"
    for user, expected in (
        ("organiser", 200),
        ("site_organiser", 200),
        ("delegate", 200),
        ("partner_delegate", 200),
        ("outsider", 404),
        ("other_organiser", 404),
    ):
        signed_in(case.ids[user])
        response = client.get(download)
        assert response.status_code == expected, user
        if expected == 200:
            assert response.data == b"%PDF-1.7 signed"
            assert response.headers["X-Content-Type-Options"] == "nosniff"
            assert response.headers["Content-Disposition"].startswith("attachment")
    signed_in(case.ids["delegate"])
    assert "Exemplaire signé" in text(  # the delegate reads French
        client.get(f"/agreements/{agreement_id}")
    )


def test_a_private_agreement_is_404_to_outsiders(client, case, signed_in, agreement_id):
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    signed_in(case.ids["outsider"])
    assert client.get(f"/agreements/{agreement_id}").status_code == 404
    signed_in(case.ids["partner_delegate"])
    assert client.get(f"/agreements/{agreement_id}").status_code == 200


def test_the_list_filters_in_the_address(client, case, signed_in, agreement_id):
    signed_in(case.ids["organiser"])
    page = text(client.get("/agreements/manage?kind=convention&status=draft"))
    assert "Convention of cooperation" in page and "Expiring within 90 days" in page
    assert "Convention of cooperation" not in text(client.get("/agreements/manage?kind=twinning"))
    assert "Convention of cooperation" not in text(client.get("/agreements/manage?expiring=30"))
