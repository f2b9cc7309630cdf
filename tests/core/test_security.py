"""Headers, proxies and limits: private pages stay out of caches, a view's own content
policy survives the site's, forwarded addresses are believed only from trusted proxies,
production needs shared limiter storage, public pages are not limited per address, and a
refused form answers 422."""

import pytest
from flask import request

from app import create_app
from app.extensions import db, limiter
from app.models import ShowcaseMaterial
from config import ProductionConfig, TestingConfig
from tests.factories import make_edition, make_organisation, make_showcase, make_user
from tests.support import sign_in


@pytest.fixture
def signed_in(app, client):
    with app.app_context():
        user = make_user(is_organiser=True)
        edition = make_edition(slug="headers-edition")
        db.session.commit()
        user_id, slug = user.id, edition.slug
    sign_in(client, user_id)
    return slug


def test_every_page_for_a_signed_in_user_is_kept_out_of_caches(client, signed_in):
    for url in ("/", "/manage", f"/editions/{signed_in}", f"/editions/{signed_in}/calendar.ics"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private, no-store", url


def test_a_remember_me_cookie_alone_counts_as_signed_in(app, client):
    client.set_cookie("remember_token", "anything", domain="agora.test")
    assert client.get("/").headers["Cache-Control"] == "private, no-store"


def test_public_pages_keep_their_caching(app, client):
    with app.app_context():
        slug = make_edition(slug="public-headers").slug
        db.session.commit()
    home = client.get("/")
    assert "no-store" not in home.headers.get("Cache-Control", "")
    feed = client.get(f"/editions/{slug}/calendar.ics")
    assert feed.status_code == 200
    assert "no-store" not in feed.headers.get("Cache-Control", "")
    assert client.get("/static/favicon.svg").headers.get("Cache-Control") != "private, no-store"


@pytest.fixture(scope="module")
def header_app():
    agora = create_app(TestingConfig)

    @agora.get("/own-policy")
    def own_policy():
        return "file", {"Content-Security-Policy": "sandbox; default-src 'none'"}

    @agora.get("/site-policy")
    def site_policy():
        return "page"

    @agora.get("/address")
    def address():
        return f"{request.remote_addr} {request.scheme}"

    return agora


def test_a_view_that_sets_its_own_content_policy_keeps_it(header_app):
    client = header_app.test_client()
    own = client.get("/own-policy")
    assert own.headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]
    site = client.get("/site-policy").headers["Content-Security-Policy"]
    assert "default-src 'self'" in site and "frame-ancestors 'none'" in site


def test_a_material_download_keeps_its_sandbox(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    key = "ab" * 20
    (tmp_path / "showcases").mkdir()
    (tmp_path / "showcases" / key).write_bytes(b"%PDF-1.4 deck")
    with app.app_context():
        admin = make_user(is_admin=True)
        showcase = make_showcase(make_edition(), make_organisation())
        material = ShowcaseMaterial(
            showcase=showcase,
            filename="deck.pdf",
            content_type="application/pdf",
            size=13,
            sha256="0" * 64,
            storage_key=key,
        )
        db.session.add(material)
        db.session.commit()
        url = f"/showcases/{showcase.id}/materials/{material.id}"
        admin_id = admin.id
    sign_in(client, admin_id)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers.getlist("Content-Security-Policy") == ["sandbox; default-src 'none'"]


def test_forwarded_addresses_are_ignored_without_a_trusted_proxy(header_app):
    forged = {"X-Forwarded-For": "6.6.6.6", "X-Forwarded-Proto": "https"}
    answer = header_app.test_client().get("/address", headers=forged)
    assert answer.get_data(as_text=True) == "127.0.0.1 http"


def test_one_trusted_proxy_is_believed_for_its_own_hop_only(monkeypatch):
    class BehindOneProxy(TestingConfig):
        TRUSTED_PROXIES = 1

    agora = create_app(BehindOneProxy)
    agora.add_url_rule("/address", "address", lambda: request.remote_addr)
    client = agora.test_client()
    # The client forged the first value; the proxy appended the address it saw.
    answer = client.get("/address", headers={"X-Forwarded-For": "6.6.6.6, 203.0.113.9"})
    assert answer.get_data(as_text=True) == "203.0.113.9"


def _production(monkeypatch, **settings):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s3cret-for-this-test")
    monkeypatch.setenv("DATABASE_URL", "postgresql://agora@127.0.0.1/agora")
    for name, value in {"REDIS_URL": None, "SINGLE_PROCESS": False, **settings}.items():
        monkeypatch.setattr(ProductionConfig, name, value)


def test_production_refuses_to_start_without_shared_limiter_storage(monkeypatch):
    _production(monkeypatch)
    with pytest.raises(RuntimeError, match="REDIS_URL.*AGORA_SINGLE_PROCESS"):
        ProductionConfig.check()


@pytest.mark.parametrize(
    "settings", [{"REDIS_URL": "redis://cache:6379/0"}, {"SINGLE_PROCESS": True}]
)
def test_production_starts_with_redis_or_an_explicit_single_process(monkeypatch, settings):
    _production(monkeypatch, **settings)
    ProductionConfig.check()


def test_public_pages_and_feeds_are_not_limited_per_address(app, monkeypatch, tmp_path):
    class RateLimitedConfig(TestingConfig):
        RATELIMIT_ENABLED = True
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{tmp_path / 'limits.sqlite3'}"

    # The limiter is one object shared by every app: give it back its state afterwards.
    monkeypatch.setattr(limiter, "enabled", limiter.enabled)
    limited = create_app(RateLimitedConfig)
    with limited.app_context():
        db.create_all()
    try:
        client = limited.test_client()
        public = [
            rule
            for rule in limited.url_map.iter_rules()
            # The JSON API counts requests per token instead (its own limit, by design).
            if "GET" in rule.methods
            and rule.endpoint != "static"
            and not rule.rule.startswith("/api/v1/")
        ]
        for rule in public:
            url = rule.rule.replace("<int:", "<").split("<")[0] + ("1" if rule.arguments else "")
            response = client.get(url)
            assert "X-RateLimit-Limit" not in response.headers, rule.rule
        # A venue's audience behind one address reloads the programme many times.
        for _ in range(150):
            assert client.get("/editions/somewhere/programme").status_code != 429
        # The limits that exist still apply: login attempts are counted.
        login = client.post("/login", data={"email": "x@example.org", "password": "wrong"})
        assert "X-RateLimit-Limit" in login.headers
    finally:
        with limited.app_context():
            db.engine.dispose()


def test_a_refused_form_answers_422(app, client, signed_in):
    response = client.post("/manage/series/new", data={"name": "", "slug": "Not A Slug"})
    assert response.status_code == 422
    created = client.post(f"/editions/{signed_in}/manage/tracks/new", data={})
    assert created.status_code in (302, 403, 422)
