"""Fixtures of the agreement tests: an agreement with two parties, delegates, organisers."""

import pytest

from app.extensions import db
from app.models import EditionRoleKind
from tests.factories import grant, make_edition, make_organisation, make_user
from tests.support import sign_in


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
        sign_in(client, user_id)

    return do_sign_in


@pytest.fixture
def uploads(app, tmp_path):
    previous = app.config["UPLOAD_FOLDER"]
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    yield tmp_path
    app.config["UPLOAD_FOLDER"] = previous
