"""A person's data: the download, deleting the account, an administrator disabling one."""

import json

from app.extensions import db
from app.models import Registration, Showcase, User, UserSession
from tests.auth.test_routes import page
from tests.factories import (
    PASSWORD,
    make_edition,
    make_organisation,
    make_showcase,
    make_user,
)
from tests.support import sign_in


def _person(app):
    with app.app_context():
        organisation = make_organisation(name="Dar Mobility")
        amina = make_user(
            email="amina@darmobility.ma", display_name="Amina Benali", organisation=organisation
        )
        edition = make_edition()
        showcase = make_showcase(
            edition, organisation, title="Casa Covoit'", submitted_by_id=amina.id
        )
        db.session.add(Registration(user_id=amina.id, edition_id=edition.id))
        db.session.commit()
        return amina.id, showcase.id


def test_the_download_holds_the_account_and_what_points_at_it_but_no_secret(app, client):
    user_id, showcase_id = _person(app)
    sign_in(client, user_id)

    response = client.get("/account/data.json")

    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    data = json.loads(response.get_data(as_text=True))
    assert data["account"]["email"] == "amina@darmobility.ma"
    assert "password_hash" not in data["account"]
    assert [row["id"] for row in data["records"]["showcases"]] == [showcase_id]
    assert len(data["records"]["registrations"]) == 1
    assert "token_digest" not in data["records"]["user_sessions"][0]


def test_deleting_the_account_needs_the_password_and_keeps_the_submissions(app, client):
    user_id, showcase_id = _person(app)
    sign_in(client, user_id)
    other_device = sign_in(app.test_client(), user_id)

    refused = client.post("/account/delete", data={"password": "wrong", "confirm": "y"})
    assert refused.status_code == 422 and "not correct" in page(refused)
    unconfirmed = client.post("/account/delete", data={"password": PASSWORD})
    assert unconfirmed.status_code == 200
    with app.app_context():
        assert db.session.get(User, user_id).deleted_at is None

    done = client.post("/account/delete", data={"password": PASSWORD, "confirm": "y"})

    assert done.status_code == 302
    with app.app_context():
        user = db.session.get(User, user_id)
        assert user.display_name == "Deleted account"
        assert user.email == f"deleted-{user_id}@deleted.invalid"
        assert user.is_disabled and user.deleted_at is not None
        assert db.session.get(Showcase, showcase_id).submitted_by_id == user_id
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(Registration)
                .where(Registration.user_id == user_id)
            )
            == 0
        )
        assert (
            db.session.scalar(
                db.select(db.func.count())
                .select_from(UserSession)
                .where(UserSession.user_id == user_id)
            )
            == 0
        )
    assert other_device.get("/account").status_code == 302
    login = app.test_client().post(
        "/login", data={"email": "amina@darmobility.ma", "password": PASSWORD}
    )
    assert login.status_code == 200


def test_an_admin_disables_an_account_which_is_logged_out_and_cannot_log_in(app, client):
    user_id, _showcase_id = _person(app)
    with app.app_context():
        admin = make_user(is_admin=True)
        db.session.commit()
        admin_id = admin.id
    device = sign_in(app.test_client(), user_id)
    assert device.get("/account").status_code == 200
    sign_in(client, admin_id)
    assert "amina@darmobility.ma" in page(client.get("/manage/accounts?q=amina"))

    assert client.post(f"/manage/accounts/{user_id}/disable").status_code == 302

    assert device.get("/account").status_code == 302
    login = app.test_client().post(
        "/login", data={"email": "amina@darmobility.ma", "password": PASSWORD}
    )
    assert "disabled" in page(login)

    assert client.post(f"/manage/accounts/{user_id}/enable").status_code == 302
    login = app.test_client().post(
        "/login", data={"email": "amina@darmobility.ma", "password": PASSWORD}
    )
    assert login.status_code == 302


def test_an_admin_cannot_disable_their_own_account(app, client):
    with app.app_context():
        admin = make_user(is_admin=True)
        db.session.commit()
        admin_id = admin.id
    sign_in(client, admin_id)
    response = client.post(f"/manage/accounts/{admin_id}/disable", follow_redirects=True)
    assert "cannot disable your own account" in page(response)
    with app.app_context():
        assert not db.session.get(User, admin_id).is_disabled
