"""Account services, called without HTTP."""

import re

import pytest

from app.auth import queries, services
from app.auth.services import verify_password
from app.errors import (
    AccountDisabled,
    EmailTaken,
    InvalidInput,
    InvalidToken,
    LoginFailed,
    WeakPassword,
)
from app.extensions import db
from app.models import OutboxMessage, User
from tests.factories import PASSWORD, make_user

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def request_ctx(app):
    """Services translate their messages; a request context gives them a language."""
    with app.test_request_context("/"):
        yield


def queued(kind: str) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
    )


def register(**fields) -> User:
    fields.setdefault("email", "amina@example.org")
    fields.setdefault("display_name", "Amina")
    fields.setdefault("password", PASSWORD)
    return services.register_user(**fields)


def test_register_creates_an_unconfirmed_user_and_queues_a_confirmation(request_ctx):
    user = register(email="  Amina@Example.ORG ", locale="fr")

    assert user.email == "amina@example.org"
    assert user.locale == "fr"
    assert not user.is_email_confirmed
    assert verify_password(user.password_hash, PASSWORD)
    [message] = queued("auth.confirm_email")
    assert message.recipient == "amina@example.org"
    assert message.locale == "fr"
    assert "http://agora.test/confirm/" in message.body_text


def test_register_refuses_an_email_differing_only_in_case(request_ctx):
    make_user(email="amina@example.org")

    with pytest.raises(EmailTaken) as caught:
        register(email="AMINA@example.org")

    assert caught.value.field == "email"
    assert "already exists" in caught.value.message


def test_register_turns_a_race_on_the_unique_email_into_email_taken(request_ctx, monkeypatch):
    make_user(email="amina@example.org")
    # The other sign-up commits between our check and our insert.
    monkeypatch.setattr(services, "find_user_by_email", lambda email: None)

    with pytest.raises(EmailTaken):
        register(email="amina@example.org")

    count = db.session.scalar(db.select(db.func.count()).select_from(User))
    assert count == 1


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("", "choose a password"),
        ("            ", "only of spaces"),
        ("short", "at least 10 characters"),
        ("x" * 201, "at most 200 characters"),
        ("amina@example.org", "not be your email"),
        ("Password123", "too common"),
        ("azertyuiop", "too common"),
    ],
)
def test_register_refuses_weak_passwords(request_ctx, password, expected):
    with pytest.raises(WeakPassword) as caught:
        register(password=password)

    assert caught.value.field == "password"
    assert expected in caught.value.message
    assert db.session.scalar(db.select(User).where(User.email == "amina@example.org")) is None


def test_register_refuses_a_malformed_email(request_ctx):
    with pytest.raises(InvalidInput) as caught:
        register(email="not-an-address")
    assert caught.value.field == "email"


def test_authenticate_records_the_login(request_ctx):
    user = make_user(email="amina@example.org")

    assert services.authenticate("AMINA@example.org", PASSWORD) is user
    assert user.last_login_at is not None


@pytest.mark.parametrize(
    ("email", "password"),
    [("amina@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)],
)
def test_authenticate_gives_one_message_for_any_wrong_credential(request_ctx, email, password):
    make_user(email="amina@example.org")

    with pytest.raises(LoginFailed) as caught:
        services.authenticate(email, password)

    assert caught.value.message == "Email or password is incorrect."


def test_authenticate_refuses_a_disabled_account(request_ctx):
    make_user(email="amina@example.org", is_disabled=True)

    with pytest.raises(AccountDisabled):
        services.authenticate("amina@example.org", PASSWORD)


def test_authenticate_upgrades_a_weak_hash(request_ctx, monkeypatch):
    user = make_user()
    old_hash = user.password_hash
    monkeypatch.setattr(services.accounts, "needs_rehash", lambda password_hash: True)

    services.authenticate(user.email, PASSWORD)

    assert user.password_hash != old_hash
    assert verify_password(user.password_hash, PASSWORD)


def test_confirm_email_sets_the_confirmation_time(request_ctx):
    user = make_user(confirmed=False)

    assert services.confirm_email(queries.make_confirm_token(user)) is user
    assert user.is_email_confirmed


def test_confirm_email_refuses_a_tampered_token(request_ctx):
    user = make_user(confirmed=False)
    token = queries.make_confirm_token(user)

    with pytest.raises(InvalidToken) as caught:
        services.confirm_email(token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"))

    assert "not valid" in caught.value.message
    assert not user.is_email_confirmed


def test_confirm_email_refuses_an_expired_token(request_ctx, app, monkeypatch):
    user = make_user(confirmed=False)
    token = queries.make_confirm_token(user)
    monkeypatch.setitem(app.config, "EMAIL_CONFIRM_MAX_AGE", -1)

    with pytest.raises(InvalidToken) as caught:
        services.confirm_email(token)

    assert "expired" in caught.value.message
    assert not user.is_email_confirmed


def test_confirm_email_refuses_a_token_for_an_address_since_changed(request_ctx):
    user = make_user(confirmed=False, email="old@example.org")
    token = queries.make_confirm_token(user)
    user.email = "new@example.org"

    with pytest.raises(InvalidToken):
        services.confirm_email(token)


def test_reset_token_works_once(request_ctx):
    user = make_user()
    token = queries.make_reset_token(user)

    services.reset_password(token, NEW_PASSWORD)

    assert verify_password(user.password_hash, NEW_PASSWORD)
    with pytest.raises(InvalidToken) as caught:
        services.reset_password(token, "yet another passphrase")
    assert "already been used or has expired" in caught.value.message
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_reset_token_expires(request_ctx, app, monkeypatch):
    user = make_user()
    token = queries.make_reset_token(user)
    monkeypatch.setitem(app.config, "PASSWORD_RESET_MAX_AGE", -1)

    with pytest.raises(InvalidToken):
        services.reset_password(token, NEW_PASSWORD)
    assert verify_password(user.password_hash, PASSWORD)


def test_reset_token_is_not_a_confirm_token(request_ctx):
    user = make_user(confirmed=False)

    with pytest.raises(InvalidToken):
        services.confirm_email(queries.make_reset_token(user))


def test_reset_refuses_a_weak_new_password(request_ctx):
    user = make_user()

    with pytest.raises(WeakPassword):
        services.reset_password(queries.make_reset_token(user), "1234567890")


def test_request_password_reset_queues_a_mail_only_for_a_known_address(request_ctx):
    user = make_user(email="amina@example.org")

    services.request_password_reset("nobody@example.org")
    assert queued("auth.password_reset") == []

    services.request_password_reset("Amina@example.org")
    [message] = queued("auth.password_reset")
    assert message.recipient_user_id == user.id
    token = re.search(r"/reset/(\S+)", message.body_text).group(1)
    assert services.user_for_reset_token(token) is user


def test_change_password_needs_the_current_one(request_ctx):
    user = make_user()

    with pytest.raises(InvalidInput) as caught:
        services.change_password(user, "not my password", NEW_PASSWORD)
    assert caught.value.field == "current_password"

    services.change_password(user, PASSWORD, NEW_PASSWORD)
    assert verify_password(user.password_hash, NEW_PASSWORD)


def test_update_profile(request_ctx):
    user = make_user()

    services.update_profile(
        user, display_name="  Amina   Benali ", locale="fr", timezone="Africa/Casablanca"
    )

    assert (user.display_name, user.locale, user.timezone) == (
        "Amina Benali",
        "fr",
        "Africa/Casablanca",
    )
    services.update_profile(user, display_name="Amina", locale="", timezone="")
    assert (user.locale, user.timezone) == (None, None)


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"display_name": "   "}, "display_name"),
        ({"locale": "de"}, "locale"),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone"),
    ],
)
def test_update_profile_refuses_bad_values(request_ctx, fields, field):
    user = make_user(display_name="Amina")
    values = {"display_name": "Amina", "locale": "en", "timezone": None, **fields}

    with pytest.raises(InvalidInput) as caught:
        services.update_profile(user, **values)

    assert caught.value.field == field


def test_create_admin_makes_a_confirmed_admin(request_ctx):
    user, created = services.create_admin(email="Root@Agora.example", password=NEW_PASSWORD)

    assert created
    assert (user.email, user.display_name) == ("root@agora.example", "root")
    assert user.is_admin and user.is_email_confirmed


def test_create_admin_promotes_an_existing_account_keeping_its_password(request_ctx):
    user = make_user(confirmed=False)

    promoted, created = services.create_admin(email=user.email)

    assert promoted is user and not created
    assert user.is_admin and user.is_email_confirmed
    assert verify_password(user.password_hash, PASSWORD)


def test_create_admin_needs_a_password_for_a_new_account(request_ctx):
    with pytest.raises(InvalidInput):
        services.create_admin(email="root@agora.example")


def test_load_user_skips_disabled_accounts(request_ctx):
    active = make_user()
    disabled = make_user(is_disabled=True)
    active_secret = services.start_session(active, remember=False)
    disabled_secret = services.start_session(disabled, remember=False)

    assert queries.load_user(active_secret) is active
    assert queries.load_user(disabled_secret) is None
    assert queries.load_user("nonsense") is None


def test_load_user_takes_a_session_secret_not_an_account_id(request_ctx):
    user = make_user()
    services.start_session(user, remember=False)

    assert queries.load_user(str(user.id)) is None
