"""Upgrading an empty database with the migrations yields exactly the models."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db
from app.models.search import include_object
from config import TestingConfig
from tests.conftest import TEST_DATABASE_URL


def _app_for(url: str):
    class MigrationConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = url

    return create_app(MigrationConfig)


def _diff_after_upgrade(url: str) -> list:
    application = _app_for(url)
    with application.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": include_object}
            )
            diff = compare_metadata(context, db.metadata)
        downgrade(revision="base")
        with db.engine.connect() as connection:
            left = set(inspect(connection).get_table_names()) - {"alembic_version"}
        db.engine.dispose()
    return diff, left


@pytest.fixture
def fresh_postgres_url():
    if not (TEST_DATABASE_URL or "").startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    server = make_url(TEST_DATABASE_URL)
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    name = "agora_migration_check"
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        connection.execute(text(f"CREATE DATABASE {name}"))
    yield server.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    admin.dispose()


@pytest.mark.real_commits
def test_migrations_match_the_models_on_sqlite(tmp_path):
    diff, left = _diff_after_upgrade(f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    assert diff == []
    assert left == set()


@pytest.mark.real_commits
def test_migrations_match_the_models_on_postgresql(fresh_postgres_url):
    diff, left = _diff_after_upgrade(fresh_postgres_url)
    assert diff == []
    assert left == set()
