"""Fixtures of the agreement tests: an agreement with two parties, delegates, organisers."""

from datetime import date
from decimal import Decimal

import pytest

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Commitment,
    CommitmentProgress,
    EditionRoleKind,
)
from tests.factories import grant, make_edition, make_organisation, make_user


def make_agreement(edition=None, parties=(), **fields) -> Agreement:
    fields.setdefault("kind", AgreementKind.CONVENTION)
    fields.setdefault("title", "Convention of cooperation")
    fields.setdefault("status", AgreementStatus.DRAFT)
    agreement = Agreement(edition=edition, **fields)
    for organisation, signed_on in parties:
        agreement.parties.append(
            AgreementParty(
                organisation=organisation, signatory_name="Signatory", signed_on=signed_on
            )
        )
    db.session.add(agreement)
    db.session.flush()
    return agreement


def make_commitment(agreement, progress=(), **fields) -> Commitment:
    fields.setdefault("title", "Students hosted")
    fields.setdefault("due_date", date(2027, 6, 30))
    fields.setdefault("target_value", Decimal(100))
    commitment = Commitment(agreement=agreement, **fields)
    for day, value in progress:
        commitment.progress.append(CommitmentProgress(recorded_on=day, value=Decimal(value)))
    db.session.add(commitment)
    db.session.flush()
    return commitment


class Case:
    """An edition, its organiser, two organisations with a delegate each, an outsider."""

    def __init__(self):
        self.edition = make_edition()
        self.organiser = make_user(display_name="Edition Organiser")
        grant(self.organiser, self.edition, EditionRoleKind.ORGANISER)
        self.site_organiser = make_user(is_organiser=True)
        self.school = make_organisation(name="École A")
        self.partner = make_organisation(name="École B")
        self.third = make_organisation(name="Ville C")
        self.delegate = make_user(organisation=self.school, locale="fr")
        self.partner_delegate = make_user(organisation=self.partner)
        self.outsider = make_user()
        self.other_organiser = make_user()
        grant(self.other_organiser, make_edition(), EditionRoleKind.ORGANISER)


@pytest.fixture
def case(app):
    with app.app_context():
        built = Case()
        db.session.commit()
        ids = {name: getattr(value, "id", None) for name, value in vars(built).items()}
        built.ids = ids
        return built


@pytest.fixture
def signed_in(client):
    def do_sign_in(user_id: int) -> None:
        with client.session_transaction() as flask_session:
            flask_session["_user_id"] = str(user_id)
            flask_session["_fresh"] = True

    return do_sign_in


@pytest.fixture
def uploads(app, tmp_path):
    previous = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_FOLDER"] = previous
