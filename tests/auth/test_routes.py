"""Account pages, as a visitor sees them."""

import html
import re
from dataclasses import dataclass

import pytest

from app import create_app
from app.auth.services import verify_password
from app.extensions import db, limiter
from app.models import OutboxMessage, User
from app.urls import safe_next_path
from config import TestingConfig
from tests.factories import PASSWORD, make_organisation, make_user

NEW_PASSWORD = "a brand new passphrase"


@dataclass
class Account:
    """What a test keeps of a committed user once the app context is gone."""

    id: int
    email: str


def add_user(app, **fields) -> Account:
    with app.app_context():
        user = make_user(**fields)
        account = Account(user.id, user.email)
        db.session.commit()
    return account


def fetch_user(app, email: str) -> User | None:
    with app.app_context():
        user = db.session.scalar(db.select(User).where(User.email == email))
        if user is not None:
            db.session.expunge(user)
        return user


def last_mail(app, kind: str) -> OutboxMessage | None:
    with app.app_context():
        message = db.session.scalar(
            db.select(OutboxMessage)
            .where(OutboxMessage.kind == kind)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
        if message is not None:
            db.session.expunge(message)
        return message


def token_in(message: OutboxMessage, path: str) -> str:
    return re.search(rf"http://agora\.test/{path}/(\S+)", message.body_text).group(1)


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def register(client, **fields):
    data = {
        "email": "amina@example.org",
        "display_name": "Amina Benali",
        "password": PASSWORD,
        "password_confirm": PASSWORD,
        "locale": "en",
    }
    data.update(fields)
    return client.post("/register", data=data)


# Sign-up


def test_register_page_shows_the_form(client):
    response = client.get("/register")

    assert response.status_code == 200
    assert 'name="password_confirm"' in page(response)


def test_register_logs_in_an_unconfirmed_user_and_queues_a_confirmation(app, client):
    response = register(client, email="Amina@Example.org", locale="fr")

    assert response.status_code == 302
    assert response.location == "/"
    user = fetch_user(app, "amina@example.org")
    assert user.display_name == "Amina Benali" and user.locale == "fr"
    assert not user.is_email_confirmed
    assert last_mail(app, "auth.confirm_email").recipient == "amina@example.org"
    assert client.get("/account").status_code == 200


def test_register_refuses_an_email_taken_in_another_case(app, client):
    add_user(app, email="amina@example.org")

    response = register(client, email="AMINA@example.org")

    assert response.status_code == 200
    assert "An account with this email already exists" in page(response)
    assert last_mail(app, "auth.confirm_email") is None


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Please choose a password."),
        ("            ", "A password cannot be made only of spaces."),
        ("short", "Use at least 10 characters."),
        ("qwertyuiop", "This password is too common."),
        ("amina@example.org", "Your password must not be your email address."),
    ],
)
def test_register_explains_a_weak_password_next_to_the_field(app, client, password, message):
    response = register(client, password=password, password_confirm=password)

    assert response.status_code == 200
    assert re.search(r'id="password-error">[^<]*' + re.escape(message), page(response))
    assert fetch_user(app, "amina@example.org") is None


def test_register_needs_the_same_password_twice(app, client):
    response = register(client, password_confirm="something else entirely")

    assert "The two passwords are not the same." in page(response)
    assert fetch_user(app, "amina@example.org") is None


def test_a_signed_in_user_is_sent_home_from_register(app, client, login):
    login(add_user(app))

    response = client.get("/register")

    assert response.status_code == 302 and response.location == "/"


# Email confirmation


def test_the_link_in_the_confirmation_mail_confirms_the_address(app, client):
    register(client)
    token = token_in(last_mail(app, "auth.confirm_email"), "confirm")

    response = client.get(f"/confirm/{token}")

    assert response.status_code == 302 and response.location == "/account"
    assert "is confirmed" in page(client.get("/account"))
    assert fetch_user(app, "amina@example.org").is_email_confirmed


def test_a_tampered_confirmation_link_is_refused_plainly(app, client):
    register(client)
    token = token_in(last_mail(app, "auth.confirm_email"), "confirm")

    response = client.get(f"/confirm/{token[:-4]}abcd")

    assert response.status_code == 400
    assert "This confirmation link is not valid." in page(response)
    assert not fetch_user(app, "amina@example.org").is_email_confirmed


def test_an_expired_confirmation_link_is_refused_plainly(app, client, monkeypatch):
    register(client)
    token = token_in(last_mail(app, "auth.confirm_email"), "confirm")
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)

    response = client.get(f"/confirm/{token}")

    assert response.status_code == 400
    assert "This confirmation link has expired" in page(response)
    assert "Send me a new link" in page(response)


def test_an_unconfirmed_user_can_ask_for_a_new_confirmation_link(app, client, login):
    account = add_user(app, confirmed=False)
    login(account)

    response = client.post("/confirm/resend")

    assert response.status_code == 302 and response.location == "/account"
    assert last_mail(app, "auth.confirm_email").recipient == account.email


def test_resend_needs_a_login(client):
    response = client.post("/confirm/resend")

    assert response.status_code == 302 and response.location.startswith("/login")


# Login and logout


def test_login_with_good_credentials_goes_home_and_records_the_time(app, client):
    account = add_user(app)

    response = client.post("/login", data={"email": account.email.upper(), "password": PASSWORD})

    assert response.status_code == 302 and response.location == "/"
    assert fetch_user(app, account.email).last_login_at is not None


def test_remember_me_sets_a_lasting_cookie(app, client):
    account = add_user(app)

    response = client.post(
        "/login", data={"email": account.email, "password": PASSWORD, "remember": "y"}
    )

    assert any(h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("email", ["known", "nobody@example.org"])
def test_login_refuses_wrong_credentials_with_one_message(app, client, email):
    account = add_user(app)
    email = account.email if email == "known" else email

    response = client.post("/login", data={"email": email, "password": "not the password"})

    assert response.status_code == 200
    assert "Email or password is incorrect." in page(response)
    assert client.get("/account").status_code == 302


def test_login_refuses_a_disabled_account(app, client):
    account = add_user(app, is_disabled=True)

    response = client.post("/login", data={"email": account.email, "password": PASSWORD})

    assert response.status_code == 200
    assert "This account has been disabled" in page(response)
    assert client.get("/account").status_code == 302


@pytest.mark.parametrize(
    "target",
    [
        "//evil.com",
        "https://evil.com",
        "/\\evil.com",
        "\\\\evil.com",
        "javascript:alert(1)",
        "/\t/evil.com",
        "evil.com",
        "",
    ],
)
def test_login_ignores_a_next_that_leaves_the_site(app, client, target):
    account = add_user(app)

    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": account.email, "password": PASSWORD},
    )

    assert response.status_code == 302
    assert response.location == "/"


def test_login_follows_a_local_next(app, client):
    account = add_user(app)

    response = client.post(
        "/login?next=/editions/casablanca-smart-city-2023?tab=programme",
        data={"email": account.email, "password": PASSWORD},
    )

    assert response.location == "/editions/casablanca-smart-city-2023?tab=programme"


def test_a_protected_page_sends_to_login_and_back(app, client):
    account = add_user(app)

    to_login = client.get("/account")
    assert to_login.status_code == 302
    assert to_login.location == "/login?next=%2Faccount"

    response = client.post(to_login.location, data={"email": account.email, "password": PASSWORD})
    assert response.location == "/account"


@pytest.mark.parametrize(
    ("target", "safe"),
    [("/account", True), ("/a/b?c=d#e", True), ("//evil.com", False), ("/\\evil", False)],
)
def test_safe_next_path(target, safe):
    assert (safe_next_path(target) == target) is safe


def test_logout_needs_post(app, client, login):
    login(add_user(app))

    assert client.get("/logout").status_code == 405
    assert client.get("/account").status_code == 200

    response = client.post("/logout")
    assert response.status_code == 302 and response.location == "/"
    assert client.get("/account").status_code == 302


def test_too_many_login_attempts_get_a_429_page(app, monkeypatch):
    class RateLimitedConfig(TestingConfig):
        RATELIMIT_ENABLED = True

    # The limiter is one object shared by every app: give it back its state afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    limited = create_app(RateLimitedConfig)
    with limited.app_context():
        db.create_all()
    try:
        client = limited.test_client()
        statuses = [
            client.post("/login", data={"email": "x@example.org", "password": "wrong"}).status_code
            for _ in range(11)
        ]
        assert statuses == [200] * 10 + [429]
        response = client.post("/login", data={"email": "x@example.org", "password": "wrong"})
        assert response.status_code == 429
        assert "Too many attempts" in page(response)
        assert client.get("/login").status_code == 200
        # Someone else behind the same venue Wi-Fi address can still log in.
        other = client.post("/login", data={"email": "y@example.org", "password": "wrong"})
        assert other.status_code == 200
    finally:
        with limited.app_context():
            db.engine.dispose()


# Password reset


def test_password_reset_end_to_end(app, client):
    account = add_user(app)

    asked = client.post("/reset", data={"email": account.email})
    assert asked.status_code == 302 and asked.location == "/login"
    token = token_in(last_mail(app, "auth.password_reset"), "reset")

    assert client.get(f"/reset/{token}").status_code == 200
    response = client.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302 and response.location == "/login"
    assert "Your password is changed" in page(client.get("/login"))

    old = client.post("/login", data={"email": account.email, "password": PASSWORD})
    assert "Email or password is incorrect." in page(old)
    new = client.post("/login", data={"email": account.email, "password": NEW_PASSWORD})
    assert new.status_code == 302


def test_a_used_reset_link_is_refused(app, client):
    account = add_user(app)
    client.post("/reset", data={"email": account.email})
    token = token_in(last_mail(app, "auth.password_reset"), "reset")
    form = {"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    client.post(f"/reset/{token}", data=form)

    again = client.post(
        f"/reset/{token}", data={"password": "third passphrase", "password_confirm": "x"}
    )

    assert again.status_code == 400
    assert "This link has already been used or has expired" in page(again)
    assert verify_password(fetch_user(app, account.email).password_hash, NEW_PASSWORD)


def test_an_expired_reset_link_is_refused(app, client, monkeypatch):
    account = add_user(app)
    client.post("/reset", data={"email": account.email})
    token = token_in(last_mail(app, "auth.password_reset"), "reset")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)

    response = client.post(
        f"/reset/{token}", data={"password": NEW_PASSWORD, "password_confirm": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert "This link has already been used or has expired" in page(response)
    assert verify_password(fetch_user(app, account.email).password_hash, PASSWORD)


def test_reset_answers_the_same_for_an_unknown_address(app, client):
    account = add_user(app)

    known = client.post("/reset", data={"email": account.email}, follow_redirects=True)
    mails_after_known = last_mail(app, "auth.password_reset").id
    unknown = client.post("/reset", data={"email": "nobody@example.org"}, follow_redirects=True)

    assert known.status_code == unknown.status_code == 200
    message = "If an account uses this address, we sent it a link"
    assert message in page(known) and message in page(unknown)
    assert last_mail(app, "auth.password_reset").id == mails_after_known


def test_reset_refuses_a_weak_new_password(app, client):
    account = add_user(app)
    client.post("/reset", data={"email": account.email})
    token = token_in(last_mail(app, "auth.password_reset"), "reset")

    response = client.post(
        f"/reset/{token}", data={"password": "1234567890", "password_confirm": "1234567890"}
    )

    assert response.status_code == 200
    assert "This password is too common." in page(response)


# The account page


def test_account_page_needs_a_login(client):
    response = client.get("/account")

    assert response.status_code == 302 and response.location.startswith("/login")


def test_account_page_shows_who_i_am(app, client, login):
    with app.app_context():
        user = make_user(
            confirmed=False, is_organiser=True, organisation=make_organisation(name="e-Madina")
        )
        account = Account(user.id, user.email)
        db.session.commit()
    login(account)

    text = page(client.get("/account"))

    assert account.email in text
    assert "not confirmed yet" in text
    assert "e-Madina" in text
    assert "Organiser" in text


def test_profile_update(app, client, login):
    account = add_user(app)
    login(account)

    response = client.post(
        "/account",
        data={
            "profile-display_name": "Amina Benali",
            "profile-locale": "fr",
            "profile-timezone": "Africa/Casablanca",
            "profile-submit": "1",
        },
    )

    assert response.status_code == 302 and response.location == "/account"
    user = fetch_user(app, account.email)
    assert (user.display_name, user.locale, user.timezone) == (
        "Amina Benali",
        "fr",
        "Africa/Casablanca",
    )


def test_profile_refuses_an_unknown_time_zone(app, client, login):
    account = add_user(app)
    login(account)

    response = client.post(
        "/account",
        data={
            "profile-display_name": "Amina",
            "profile-locale": "",
            "profile-timezone": "Africa/Atlantis",
            "profile-submit": "1",
        },
    )

    assert response.status_code == 200
    assert "Unknown time zone" in page(response)
    assert fetch_user(app, account.email).timezone is None


def test_change_password_needs_the_current_one(app, client, login):
    account = add_user(app)
    login(account)
    form = {
        "password-new_password": NEW_PASSWORD,
        "password-new_password_confirm": NEW_PASSWORD,
        "password-submit": "1",
    }

    wrong = client.post("/account", data={**form, "password-current_password": "nope nope"})
    assert "Your current password is not correct." in page(wrong)

    right = client.post("/account", data={**form, "password-current_password": PASSWORD})
    assert right.status_code == 302
    assert verify_password(fetch_user(app, account.email).password_hash, NEW_PASSWORD)
