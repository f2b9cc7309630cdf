"""Sessions that end: logout, a password change or reset, the list of sessions."""

from datetime import timedelta

from app.auth import queries, services
from app.extensions import db
from app.models import User, UserSession, utcnow
from tests.auth.test_routes import NEW_PASSWORD, add_user, last_mail, page, token_in
from tests.factories import PASSWORD


def _log_in(app, account, *, remember=False, agent="Browser A"):
    client = app.test_client()
    data = {"email": account.email, "password": PASSWORD}
    if remember:
        data["remember"] = "y"
    response = client.post("/login", data=data, headers={"User-Agent": agent})
    assert response.status_code == 302
    return client


def _copy_cookies(app, client, *names):
    """A fresh client holding a copy of ``client``'s cookies of these names only."""
    other = app.test_client()
    for name in names:
        cookie = client.get_cookie(name, domain="agora.test")
        assert cookie is not None, name
        other.set_cookie(name, cookie.value, domain="agora.test")
    return other


def _session_count(app, user_id):
    with app.app_context():
        query = db.select(db.func.count()).select_from(UserSession)
        return db.session.scalar(query.where(UserSession.user_id == user_id))


def test_a_session_cookie_captured_before_logout_opens_nothing_after_it(app):
    account = add_user(app)
    browser = _log_in(app, account)
    captured = _copy_cookies(app, browser, "session")
    assert captured.get("/account").status_code == 200

    assert browser.post("/logout").status_code == 302

    assert captured.get("/account").status_code == 302
    assert browser.get("/account").status_code == 302


def test_a_password_change_ends_the_other_sessions_but_not_this_one(app):
    account = add_user(app)
    laptop = _log_in(app, account, agent="Laptop")
    phone = _log_in(app, account, remember=True, agent="Phone")
    phone_remember = _copy_cookies(app, phone, "remember_token")
    assert phone.get("/account").status_code == 200
    assert phone_remember.get("/account").status_code == 200

    response = laptop.post(
        "/account",
        data={
            "password-current_password": PASSWORD,
            "password-new_password": NEW_PASSWORD,
            "password-new_password_confirm": NEW_PASSWORD,
            "password-submit": "y",
        },
    )
    assert response.status_code == 302

    assert laptop.get("/account").status_code == 200
    assert phone.get("/account").status_code == 302
    assert phone_remember.get("/account").status_code == 302
    assert _session_count(app, account.id) == 1


def test_a_remember_me_cookie_issued_before_a_password_reset_no_longer_logs_in(app, client):
    account = add_user(app)
    kept = _log_in(app, account, remember=True)
    remembered = _copy_cookies(app, kept, "remember_token")
    assert remembered.get("/account").status_code == 200

    client.post("/reset", data={"email": account.email})
    token = token_in(last_mail(app, "auth.password_reset"), "reset")
    response = client.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302

    fresh = _copy_cookies(app, kept, "remember_token")
    assert fresh.get("/account").status_code == 302
    assert kept.get("/account").status_code == 302
    assert _session_count(app, account.id) == 0


def test_the_sessions_page_lists_and_ends_sessions(app):
    account = add_user(app)
    here = _log_in(app, account, agent="Firefox on the laptop")
    _log_in(app, account, agent="Safari on the phone")
    other = _log_in(app, account, agent="Chrome at the venue")

    listing = page(here.get("/account/sessions"))
    assert "Safari on the phone" in listing and "Chrome at the venue" in listing
    assert "this device" in listing
    with app.app_context():
        chrome = db.session.scalar(
            db.select(UserSession.id).where(UserSession.user_agent == "Chrome at the venue")
        )

    assert here.post(f"/account/sessions/{chrome}/end").status_code == 302
    assert other.get("/account").status_code == 302
    assert _session_count(app, account.id) == 2

    assert here.post("/account/sessions/end-others").status_code == 302
    assert _session_count(app, account.id) == 1
    assert here.get("/account").status_code == 200


def test_a_session_of_another_account_cannot_be_ended(app):
    mine = add_user(app)
    theirs = add_user(app)
    me = _log_in(app, mine)
    _log_in(app, theirs)
    with app.app_context():
        their_session = db.session.scalar(
            db.select(UserSession.id).where(UserSession.user_id == theirs.id)
        )

    me.post(f"/account/sessions/{their_session}/end")

    assert _session_count(app, theirs.id) == 1


def test_a_session_in_use_notes_when_and_where_it_was_last_seen(app):
    account = add_user(app)
    with app.test_request_context():
        user = db.session.get(User, account.id)
        secret = services.start_session(user, remember=False, address="192.0.2.1")
        assert not services.touch_session(queries.load_user(secret), address="192.0.2.9")
        row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == account.id))
        row.last_seen_at = utcnow() - timedelta(minutes=10)
        db.session.commit()

        assert services.touch_session(queries.load_user(secret), address="192.0.2.9")
        db.session.commit()
        db.session.refresh(row)
        assert row.address == "192.0.2.9"
        assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_a_browser_session_unused_for_too_long_has_ended(app):
    account = add_user(app)
    with app.test_request_context():
        user = db.session.get(User, account.id)
        secret = services.start_session(user, remember=False)
        row = db.session.scalar(db.select(UserSession).where(UserSession.user_id == account.id))
        row.last_seen_at = utcnow() - timedelta(seconds=app.config["SESSION_IDLE_SECONDS"] + 60)
        db.session.commit()
        assert queries.load_user(secret) is None
