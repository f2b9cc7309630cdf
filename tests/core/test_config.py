"""Configuration mistakes get a clear message, never a server error."""

import pytest

from app import create_app
from config import ProductionConfig, TestingConfig, config_from_env


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    monkeypatch.setenv("DATABASE_URL", "postgresql://agora@127.0.0.1/agora")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(ProductionConfig)


def test_production_refuses_to_start_without_a_database_url(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "s3cret-for-this-test")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app(ProductionConfig)


def test_unknown_environment_name_is_refused(monkeypatch):
    monkeypatch.setenv("AGORA_ENV", "staging")
    with pytest.raises(RuntimeError, match="AGORA_ENV"):
        config_from_env()


@pytest.mark.real_commits
def test_a_database_that_does_not_answer_gives_a_503_page_not_a_500():
    class NowhereConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = "postgresql+psycopg://agora@127.0.0.1:9/nowhere"
        SQLALCHEMY_ENGINE_OPTIONS = {"connect_args": {"connect_timeout": 2}}

    client = create_app(NowhereConfig).test_client()
    page = client.get("/")
    assert page.status_code == 503
    assert "database cannot be reached" in page.get_data(as_text=True)
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.json["database"]["status"] == "unavailable"
