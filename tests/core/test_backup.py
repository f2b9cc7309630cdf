"""`flask backup` and `flask restore`: a snapshot restores into an empty database with the
same rows and the same files, on SQLite and on PostgreSQL."""

import json
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.backup import MANIFEST, BackupError, create_backup, restore_backup
from app.extensions import db
from config import TestingConfig
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_edition, make_organisation, make_showcase, make_track, make_user

pytestmark = pytest.mark.real_commits

REVISION = "0123456789ab"
UPLOADED = {
    "showcases/ab/abcdef.pdf": b"%PDF-1.4 a deck\n",
    "speakers/photo.png": b"\x89PNG\r\n\x1a\n a photo",
}


@contextmanager
def agora_on(database_url: str, uploads: Path, *, schema: bool = False):
    """An app of its own on ``database_url`` with its own upload folder."""
    config = type(
        "BackupConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": database_url, "UPLOAD_FOLDER": str(uploads)},
    )
    agora = create_app(config)
    if schema:
        with agora.app_context():
            db.create_all()
    try:
        yield agora
    finally:
        with agora.app_context():
            db.engine.dispose()


def fill(agora) -> None:
    """Some rows of several kinds, the Alembic revision, and uploaded files."""
    with agora.app_context():
        edition = make_edition(slug="backup-edition", title="Sauvegarde – édition")
        organisation = make_organisation(name="Startup Ünïcode")
        make_track(edition, name="Gouvernance")
        make_showcase(edition, organisation, title="Vitrine")
        make_user(email="backup@example.org")
        db.session.commit()
        with db.engine.begin() as connection:
            connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32))"))
            connection.execute(text(f"INSERT INTO alembic_version VALUES ('{REVISION}')"))
    root = Path(agora.config["UPLOAD_FOLDER"])
    for name, content in UPLOADED.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)


def every_row(agora) -> dict:
    """Every table's rows, in primary-key order."""
    with agora.app_context(), db.engine.connect() as connection:
        rows = {}
        for table in db.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            found = connection.execute(table.select().order_by(*order)).all()
            rows[table.name] = [tuple(row) for row in found]
        rows["alembic_version"] = connection.execute(
            text("SELECT version_num FROM alembic_version")
        ).all()
        return rows


def uploaded_files(agora) -> dict:
    root = Path(agora.config["UPLOAD_FOLDER"])
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


def backup_and_restore(source_url: str, target_url: str, tmp_path: Path) -> None:
    with agora_on(source_url, tmp_path / "uploads", schema=True) as source:
        fill(source)
        result = source.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "kept")])
        assert result.exit_code == 0, result.output
        snapshot = Path(result.output.strip().rsplit(" ", 1)[-1])
        before, files = every_row(source), uploaded_files(source)

    manifest = json.loads((snapshot / MANIFEST).read_text())
    assert manifest["alembic_revision"] == REVISION
    assert manifest["database"]["kind"] == make_url(source_url).get_backend_name()
    listed = {entry["path"] for entry in manifest["files"]}
    assert {f"uploads/{name}" for name in UPLOADED} | {manifest["database"]["file"]} == listed
    assert all(len(entry["sha256"]) == 64 for entry in manifest["files"])
    assert not list((tmp_path / "kept").glob("*.partial"))

    with agora_on(target_url, tmp_path / "restored-uploads") as target:
        result = target.test_cli_runner().invoke(args=["restore", str(snapshot)])
        assert result.exit_code == 0, result.output
        assert every_row(target) == before
        assert uploaded_files(target) == files == UPLOADED
        assert before["editions"] and before["showcases"] and before["users"]
        # Sequences came back too: the restored site takes new rows.
        with target.app_context():
            make_organisation(name="After the restore")
            db.session.commit()
        # A second restore finds the database in use and changes nothing.
        again = target.test_cli_runner().invoke(args=["restore", str(snapshot)])
        assert again.exit_code != 0
        assert "not empty" in again.output


def test_backup_and_restore_on_sqlite(tmp_path):
    backup_and_restore(
        f"sqlite:///{tmp_path / 'agora.sqlite3'}",
        f"sqlite:///{tmp_path / 'restored' / 'agora.sqlite3'}",
        tmp_path,
    )


def test_a_changed_file_is_refused_before_anything_is_restored(tmp_path):
    with agora_on(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "up", schema=True) as source:
        fill(source)
        with source.app_context():
            snapshot = create_backup(tmp_path / "kept")
    (snapshot / "uploads" / "speakers" / "photo.png").write_bytes(b"something else")
    with agora_on(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "up2") as target:
        with target.app_context(), pytest.raises(BackupError, match="changed"):
            restore_backup(snapshot)
    assert not (tmp_path / "b.sqlite3").exists() or (tmp_path / "b.sqlite3").stat().st_size == 0
    assert not (tmp_path / "up2").exists()


def test_an_upload_that_differs_is_not_overwritten(tmp_path):
    with agora_on(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "up", schema=True) as source:
        fill(source)
        with source.app_context():
            snapshot = create_backup(tmp_path / "kept")
    mine = tmp_path / "up2" / "speakers" / "photo.png"
    mine.parent.mkdir(parents=True)
    mine.write_bytes(b"a newer photo")
    with agora_on(f"sqlite:///{tmp_path / 'b.sqlite3'}", tmp_path / "up2") as target:
        with target.app_context(), pytest.raises(BackupError, match="differs"):
            restore_backup(snapshot)
        with target.app_context(), db.engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar() == 0
    assert mine.read_bytes() == b"a newer photo"


def test_an_in_memory_database_is_refused_plainly(tmp_path):
    with agora_on("sqlite://", tmp_path / "up", schema=True) as agora:
        result = agora.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path)])
    assert result.exit_code != 0
    assert "in-memory" in result.output
    assert list(tmp_path.glob("agora-*")) == []


@pytest.fixture
def scratch_databases():
    """Two new, empty PostgreSQL databases beside TEST_DATABASE_URL, dropped afterwards."""
    if not (TEST_DATABASE_URL and TEST_DATABASE_URL.startswith("postgresql")):
        pytest.skip("TEST_DATABASE_URL does not point at PostgreSQL")
    server = make_url(TEST_DATABASE_URL)
    names = [f"agora_backup_{uuid.uuid4().hex[:10]}_{role}" for role in ("from", "into")]
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        for name in names:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield [server.set(database=name).render_as_string(hide_password=False) for name in names]
    finally:
        with admin.connect() as connection:
            for name in names:
                connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.postgres
def test_backup_and_restore_on_postgresql(scratch_databases, tmp_path):
    source_url, target_url = scratch_databases
    backup_and_restore(source_url, target_url, tmp_path)


@pytest.mark.postgres
def test_a_sqlite_backup_does_not_go_into_postgresql(scratch_databases, tmp_path):
    with agora_on(f"sqlite:///{tmp_path / 'a.sqlite3'}", tmp_path / "up", schema=True) as source:
        fill(source)
        with source.app_context():
            snapshot = create_backup(tmp_path / "kept")
    with agora_on(scratch_databases[1], tmp_path / "up2") as target:
        with target.app_context(), pytest.raises(BackupError, match="sqlite database"):
            restore_backup(snapshot)
