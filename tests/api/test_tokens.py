"""Personal tokens: made and revoked on the account page, stored hashed, scoped, limited."""

from datetime import timedelta

from app import create_app
from app.api.queries import token_digest
from app.api.services import create_token
from app.extensions import db, limiter
from app.models import ApiToken, TokenScope, utcnow
from config import TestingConfig
from tests.factories import make_user
from tests.support import sign_in


def _error_shape(response, status: int, code: str | None = None) -> dict:
    body = response.get_json()
    assert response.status_code == status, body
    assert set(body) == {"status", "code", "message", "errors"}
    assert body["status"] == status
    if code:
        assert body["code"] == code
    return body


def test_a_token_acts_as_its_user_and_is_stored_hashed(app, client, world):
    response = client.get("/api/v1/me", headers=world.auth("delegate"))
    assert response.status_code == 200
    assert response.get_json()["id"] == world.users["delegate"]
    with app.app_context():
        stored = db.session.scalar(
            db.select(ApiToken).where(ApiToken.user_id == world.users["delegate"])
        )
        secret = world.tokens["delegate"]
        assert stored.token_hash == token_digest(secret)
        assert secret not in (stored.token_hash, stored.prefix)
        assert stored.last_used_at is not None


def test_unknown_expired_and_revoked_tokens_get_401_in_the_one_error_shape(app, client, world):
    assert client.get("/api/v1/me").status_code == 401
    _error_shape(client.get("/api/v1/me", headers={"Authorization": "Bearer nope"}), 401)
    _error_shape(client.get("/api/v1/me", headers={"Authorization": "Basic abc"}), 401)
    with app.app_context():
        token = db.session.scalar(
            db.select(ApiToken).where(ApiToken.token_hash == token_digest(world.tokens["attendee"]))
        )
        token.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    _error_shape(client.get("/api/v1/me", headers=world.auth("attendee")), 401, "invalid_token")


def test_a_read_token_may_read_but_not_write(client, world):
    headers = world.auth("organiser_read")
    assert client.get(f"/api/v1/editions/{world.slug}", headers=headers).status_code == 200
    response = client.post(
        f"/api/v1/editions/{world.slug}/tracks", json={"name": "Ecology"}, headers=headers
    )
    _error_shape(response, 403, "insufficient_scope")


def test_the_account_page_makes_shows_once_and_revokes_tokens(app, client, world):
    sign_in(client, world.users["attendee"])
    assert b"/account/tokens" in client.get("/account").data
    page = client.post(
        "/account/tokens", data={"name": "Phone app", "scope": "read", "expires_in_days": "30"}
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    secret = text.split('id="new-token" type="text" readonly value="')[1].split('"')[0]
    assert secret.startswith("agora_")
    assert client.get("/account/tokens").get_data(as_text=True).count(secret) == 0
    other = app.test_client()
    headers = {"Authorization": f"Bearer {secret}"}
    assert other.get("/api/v1/me", headers=headers).get_json()["token_scope"] == "read"
    with app.app_context():
        token_id = db.session.scalar(
            db.select(ApiToken.id).where(ApiToken.token_hash == token_digest(secret))
        )
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 302
    assert other.get("/api/v1/me", headers=headers).status_code == 401


def test_nobody_revokes_another_persons_token(app, client, world):
    with app.app_context():
        token_id = db.session.scalar(
            db.select(ApiToken.id).where(ApiToken.user_id == world.users["organiser"])
        )
    sign_in(client, world.users["attendee"])
    assert client.post(f"/account/tokens/{token_id}/revoke").status_code == 404
    assert client.get("/api/v1/me", headers=world.auth("organiser")).status_code == 200


def test_rate_limits_count_per_token():
    """An app of its own: the test app is built with rate limits off."""

    class Limited(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "sqlite://"
        RATELIMIT_ENABLED = True
        API_RATE_LIMIT = "3/minute"

    limited = create_app(Limited)
    try:
        with limited.app_context():
            db.create_all()
            first, second = make_user(), make_user()
            secrets = [
                create_token(user, name="t", scope=TokenScope.READ, expires_in_days=1)[1]
                for user in (first, second)
            ]
            db.session.commit()
        client = limited.test_client()
        one, two = ({"Authorization": f"Bearer {secret}"} for secret in secrets)
        answers = [client.get("/api/v1/me", headers=one) for _ in range(4)]
        assert [r.status_code for r in answers] == [200, 200, 200, 429]
        _error_shape(answers[-1], 429)
        assert client.get("/api/v1/me", headers=two).status_code == 200
    finally:
        limiter.enabled = False
        with limited.app_context():
            db.engine.dispose()


def test_pages_calls_with_the_session_cookie_need_the_csrf_token(app, client, world):
    sign_in(client, world.users["organiser"])
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        refused = client.post(f"/api/v1/editions/{world.slug}/tracks", json={"name": "Ecology"})
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    _error_shape(refused, 400)
    done = client.post(f"/api/v1/editions/{world.slug}/tracks", json={"name": "Ecology"})
    assert done.status_code == 201
