"""The audit log: written with the change, readable by an edition's organisers and admins."""

from datetime import date

import pytest

from app.editions import services as edition_services
from app.editions.services.team import grant_role
from app.extensions import db
from app.models import AuditEntry, EditionRoleKind, User
from tests.editions.conftest import build_casablanca
from tests.factories import make_user
from tests.support import sign_in


def _entries(**where):
    query = db.select(AuditEntry).order_by(AuditEntry.id)
    for name, value in where.items():
        query = query.where(getattr(AuditEntry, name) == value)
    return list(db.session.scalars(query))


def _rename(edition, title):
    data = {name: getattr(edition, name) for name in edition_services.EDITION_FIELDS}
    data["format"] = edition.format.value
    data["title"] = title
    return edition_services.update_edition(edition, data)


def test_a_change_is_logged_with_its_values_before_and_after(app):
    with app.test_request_context():
        edition = build_casablanca()
        organiser = make_user()
        db.session.commit()
        old_title = edition.title

        _rename(edition, "Casablanca Smart City, 7th edition")
        db.session.flush()

        entry = _entries(action="edition.updated")[-1]
        assert (entry.object_type, entry.object_id, entry.edition_id) == (
            "editions",
            edition.id,
            edition.id,
        )
        assert entry.before["title"] == old_title
        assert entry.after["title"] == "Casablanca Smart City, 7th edition"
        assert "updated_at" not in entry.after

        granted = grant_role(
            edition, email=organiser.email, role=EditionRoleKind.REVIEWER, actor=organiser
        )
        entry = _entries(action="role.granted")[-1]
        assert entry.actor_id == organiser.id and entry.object_id == granted.id
        assert entry.before is None and entry.after["role"] == "reviewer"


def test_the_entry_rolls_back_with_the_change(app):
    with app.test_request_context():
        edition = build_casablanca()
        db.session.commit()
        before = len(_entries())
        _rename(edition, "Never saved")
        db.session.rollback()
        assert len(_entries()) == before
        assert edition.title != "Never saved"


def test_the_demo_shows_the_organisers_work(app, demo, client):
    with app.app_context():
        entries = _entries()
        organiser = db.session.scalar(db.select(User).where(User.email == "organiser@demo.agora"))
        assert {"editions", "conference_sessions", "showcase_transitions", "agreements"} <= {
            entry.object_type for entry in entries
        }
        assert any(entry.actor_id == organiser.id for entry in entries)
        organiser_id = organiser.id
        admin_id = db.session.scalar(db.select(User.id).where(User.email == "admin@demo.agora"))

    sign_in(client, organiser_id)
    page = client.get("/editions/casablanca-smart-city-2023/manage/audit?lang=en")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    # Objects and actions are named in words, never by their table or key.
    assert "Showcase status: created" in text
    assert ">showcase_transitions" not in text and "showcase_transitions.created" not in text
    # Another edition's entries stay on its own log.
    assert "Bizerte" not in text
    filtered = client.get(
        "/editions/casablanca-smart-city-2023/manage/audit?type=showcases&lang=en"
    )
    assert "Showcase status: created" not in filtered.get_data(as_text=True)
    menu = client.get("/editions/casablanca-smart-city-2023/manage").get_data(as_text=True)
    assert "/editions/casablanca-smart-city-2023/manage/audit" in menu

    sign_in(client, admin_id)
    site = client.get("/manage/audit?type=editions&page=2")
    assert site.status_code == 200
    assert client.get("/manage/audit?page=99999999999999999999").status_code == 200


@pytest.mark.parametrize("path", ["/manage/audit", "/manage/accounts"])
def test_the_site_pages_are_for_admins(app, client, path):
    with app.app_context():
        organiser = make_user(is_organiser=True)
        db.session.commit()
        organiser_id = organiser.id
    sign_in(client, organiser_id)
    assert client.get(path).status_code == 403


def test_dates_and_enums_are_stored_as_text(app):
    from app.audit import values_of

    with app.test_request_context():
        edition = build_casablanca()
        values = values_of(edition)
        assert values["format"] == edition.format.value
        assert values["start_date"] == edition.start_date.isoformat()
        assert isinstance(date.fromisoformat(values["start_date"]), date)


def test_admins_find_the_accounts_and_the_log_from_the_manage_page(app, client):
    with app.app_context():
        admin = make_user(is_admin=True)
        db.session.commit()
        admin_id = admin.id
    sign_in(client, admin_id)
    text = client.get("/manage").get_data(as_text=True)
    assert "/manage/accounts" in text and "/manage/audit" in text
