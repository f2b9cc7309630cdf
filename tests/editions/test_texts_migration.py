"""Migration 0011 keeps every edition and what hangs under it, and tells an Arabic
original from the French ones."""

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app.extensions import db
from tests.core.test_migrations import _app_for, fresh_postgres_url  # noqa: F401

BEFORE = "0010_registrations"
EDITION = (
    "INSERT INTO editions (id, series_id, slug, number, year, title, theme, description, "
    "format, timezone, start_date, end_date, status, patronage, organised_by, updated_at, "
    "created_at) VALUES (:id, 1, :slug, :id, 2023, :title, '', '', 'agora', "
    "'Africa/Casablanca', '2023-10-18', '2023-10-19', 'published', '', '', :now, :now)"
)


def _count(connection, table: str) -> int:
    return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def _upgrade_with_data(url: str) -> None:
    application = _app_for(url)
    with application.app_context():
        upgrade(revision=BEFORE)
        now = "2026-12-04 12:00:00"
        with db.engine.begin() as connection:
            connection.execute(
                text(
                    "INSERT INTO series (id, slug, name, description, created_at) "
                    "VALUES (1, 'casablanca-smart-city', 'Casablanca Smart City', '', :now)"
                ),
                {"now": now},
            )
            for id_, slug, title in (
                (1, "casablanca-2023", "Casablanca Smart City 2023 — 7e édition"),
                (2, "casablanca-2023-ar", "الدار البيضاء مدينة ذكية 2023"),
            ):
                values = {"id": id_, "slug": slug, "title": title, "now": now}
                connection.execute(text(EDITION), values)
            connection.execute(
                text(
                    "INSERT INTO tracks (edition_id, name, description, colour, position) "
                    "VALUES (1, 'Smart governance', '', '#1f7a4d', 0)"
                )
            )
        upgrade()
        with db.engine.connect() as connection:
            assert _count(connection, "editions") == 2
            assert _count(connection, "tracks") == 1  # not cascade-deleted by a rebuild
            rows = connection.execute(text("SELECT id, original_lang FROM editions"))
            languages = {row.id: row.original_lang for row in rows}
        assert languages == {1: "fr", 2: "ar"}
        downgrade(revision=BEFORE)
        with db.engine.connect() as connection:
            assert _count(connection, "tracks") == 1
        downgrade(revision="base")
        db.engine.dispose()


@pytest.mark.real_commits
def test_the_upgrade_keeps_editions_and_their_children_on_sqlite(tmp_path):
    _upgrade_with_data(f"sqlite:///{tmp_path / 'editions.sqlite3'}")


@pytest.mark.real_commits
def test_the_upgrade_keeps_editions_and_their_children_on_postgresql(fresh_postgres_url):  # noqa: F811
    _upgrade_with_data(fresh_postgres_url)
