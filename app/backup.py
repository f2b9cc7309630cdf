"""Backup and restore: a consistent snapshot of the database and the uploads, with a manifest.

A snapshot is a folder ``agora-<UTC time>`` holding the database (SQLite's online backup
of the file, or a ``pg_dump`` custom-format archive), a copy of the upload folder and
``manifest.json`` (time, Alembic revision, database kind, every file with its SHA-256).
It is written under a ``.partial`` name and renamed when complete, so a backup killed
half-way never looks like a good one. The database is copied before the uploads: a file
uploaded meanwhile is copied without its row (harmless), never a row without its file.
"""

import hashlib
import json
import logging
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import inspect, text
from sqlalchemy.engine import URL

from app.extensions import db

logger = logging.getLogger(__name__)

FORMAT = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}


class BackupError(Exception):
    """A backup or a restore that cannot be done; the message says why and what to do."""


# Writing a snapshot -------------------------------------------------------------------------


def create_backup(parent: Path) -> Path:
    """Write a snapshot of the database and the uploads into a new folder under ``parent``.

    :param parent: the folder that keeps snapshots (created when missing).
    :returns: the snapshot's folder.
    :raises BackupError: if the database cannot be copied.
    """
    kind = database_kind()
    created = datetime.now(UTC).replace(microsecond=0)
    parent.mkdir(parents=True, exist_ok=True)
    target = _free_name(parent, "agora-" + created.strftime("%Y%m%dT%H%M%SZ"))
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        revision = alembic_revision()
        database_file = partial / DATABASE_FILES[kind]
        if kind == "sqlite":
            _dump_sqlite(database_file)
        else:
            _dump_postgres(database_file)
        uploads = Path(current_app.config["UPLOAD_FOLDER"])
        if uploads.is_dir():
            shutil.copytree(uploads, partial / UPLOADS)
        else:
            (partial / UPLOADS).mkdir()
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            "alembic_revision": revision,
            "database": {"kind": kind, "file": database_file.name},
            "uploads": UPLOADS,
            "files": [_describe(partial, path) for path in _files(partial)],
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    logger.info("backup written to %s", target)
    return target


def database_kind() -> str:
    """Return ``sqlite`` or ``postgresql``.

    :raises BackupError: for any other database.
    """
    kind = db.engine.dialect.name
    if kind not in DATABASE_FILES:
        raise BackupError(f"Agora backs up SQLite and PostgreSQL databases, not {kind}.")
    return kind


def alembic_revision() -> str | None:
    """The migration the database is at, or None for a schema made without Alembic."""
    with db.engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        found = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
        return ",".join(sorted(found)) or None


def _free_name(parent: Path, name: str) -> Path:
    target, n = parent / name, 1
    while target.exists():
        n += 1
        target = parent / f"{name}-{n}"
    return target


def _sqlite_path() -> Path:
    database = db.engine.url.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        raise BackupError("An in-memory SQLite database has nothing to back up or restore.")
    return Path(database)


def _dump_sqlite(destination: Path) -> None:
    # SQLite's online backup copies a consistent state even while others write.
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"There is no SQLite database at {source_path}.")
    source = sqlite3.connect(source_path.resolve().as_uri() + "?mode=ro", uri=True)
    with closing(source), closing(sqlite3.connect(destination)) as copy:
        source.backup(copy)


def _postgres_tool(name: str) -> str:
    folder = current_app.config.get("PG_BIN_DIR")
    found = shutil.which(name, path=folder) if folder else shutil.which(name)
    if not found:
        where = f"in {folder}" if folder else "on the PATH"
        raise BackupError(
            f"{name} is not {where}: install the PostgreSQL client tools of the server's "
            "version, or point AGORA_PG_BIN_DIR at them."
        )
    return found


def _connection_arguments() -> tuple[str, dict]:
    """The database as a libpq address, and an environment carrying its password (so that
    the password never shows in the process list)."""
    url: URL = db.engine.url
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    address = URL.create(
        "postgresql",
        username=url.username,
        host=url.host,
        port=url.port,
        database=url.database,
        query=url.query,
    )
    return address.render_as_string(hide_password=False), environment


def _run(command: list[str], environment: dict) -> None:
    result = subprocess.run(command, env=environment, capture_output=True, text=True)
    if result.returncode != 0:
        message = result.stderr.strip() or f"exit status {result.returncode}"
        raise BackupError(f"{Path(command[0]).name} failed: {message}")


def _dump_postgres(destination: Path) -> None:
    # pg_dump reads everything in one repeatable-read transaction: a consistent snapshot.
    address, environment = _connection_arguments()
    command = [
        _postgres_tool("pg_dump"),
        "--format=custom",
        "--no-owner",
        "--no-privileges",
        f"--file={destination}",
        f"--dbname={address}",
    ]
    _run(command, environment)


def _files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file())


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _describe(folder: Path, path: Path) -> dict:
    return {
        "path": path.relative_to(folder).as_posix(),
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }


# Restoring a snapshot -----------------------------------------------------------------------


def read_manifest(snapshot: Path) -> dict:
    """Read a snapshot's manifest and check every file it lists against its SHA-256.

    :raises BackupError: if the manifest is missing or unreadable, or a file is missing,
        changed, or outside the snapshot.
    """
    try:
        manifest = json.loads((snapshot / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise BackupError(f"{snapshot} is not an Agora backup: it has no {MANIFEST}.") from error
    except (OSError, ValueError) as error:
        raise BackupError(f"The manifest of {snapshot} cannot be read: {error}") from error
    if manifest.get("format") != FORMAT:
        raise BackupError(f"{snapshot} has backup format {manifest.get('format')!r}, not {FORMAT}.")
    root = snapshot.resolve()
    for entry in manifest["files"]:
        path = (snapshot / entry["path"]).resolve()
        if not path.is_relative_to(root):
            raise BackupError(f"The manifest names a file outside the backup: {entry['path']}")
        if not path.is_file() or _sha256(path) != entry["sha256"]:
            raise BackupError(f"{entry['path']} is missing or changed since the backup was made.")
    return manifest


def database_is_empty() -> bool:
    """Tell whether the database holds no table at all (Alembic's included)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            count = connection.execute(
                text(
                    "SELECT count(*) FROM information_schema.tables "
                    "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
                )
            ).scalar_one()
            return count == 0
        return not inspect(connection).get_table_names()


def restore_backup(snapshot: Path) -> dict:
    """Bring a snapshot back into this app's empty database and its upload folder.

    Everything is checked before anything is written: the files against the manifest,
    the kind of database, that the database is empty, and that no upload already
    present differs from the snapshot's.

    :returns: the manifest of the restored snapshot.
    :raises BackupError: if any check fails or the database tool refuses.
    """
    manifest = read_manifest(snapshot)
    kind = database_kind()
    if manifest["database"]["kind"] != kind:
        raise BackupError(
            f"This backup is of a {manifest['database']['kind']} database; this Agora uses {kind}."
        )
    if kind == "sqlite":
        # A new instance may not have the database's folder yet.
        _sqlite_path().parent.mkdir(parents=True, exist_ok=True)
    if not database_is_empty():
        raise BackupError(
            "The database is not empty: restore only into a new, empty database "
            "(nothing was changed)."
        )
    uploads = Path(current_app.config["UPLOAD_FOLDER"])
    copies = _upload_copies(snapshot, manifest, uploads)
    db.session.remove()
    db.engine.dispose()
    database_file = snapshot / manifest["database"]["file"]
    if kind == "sqlite":
        _load_sqlite(database_file)
    else:
        _load_postgres(database_file)
    db.engine.dispose()
    for source, destination in copies:
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, destination)
    logger.info("backup %s restored (%s files)", snapshot, len(copies))
    return manifest


def _upload_copies(snapshot: Path, manifest: dict, uploads: Path) -> list[tuple[Path, Path]]:
    prefix = manifest["uploads"].rstrip("/") + "/"
    copies = []
    for entry in manifest["files"]:
        if not entry["path"].startswith(prefix):
            continue
        destination = uploads / entry["path"][len(prefix) :]
        if destination.exists() and _sha256(destination) != entry["sha256"]:
            raise BackupError(
                f"{destination} exists and differs from the backup's copy: move it away "
                "first (nothing was changed)."
            )
        copies.append((snapshot / entry["path"], destination))
    return copies


def _load_sqlite(database_file: Path) -> None:
    source = sqlite3.connect(database_file)
    with closing(source), closing(sqlite3.connect(_sqlite_path())) as copy:
        source.backup(copy)


def _load_postgres(database_file: Path) -> None:
    address, environment = _connection_arguments()
    command = [
        _postgres_tool("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        f"--dbname={address}",
        str(database_file),
    ]
    _run(command, environment)


# Commands -----------------------------------------------------------------------------------


@click.command("backup")
@click.option(
    "--to",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder that keeps the snapshots (default: AGORA_BACKUP_FOLDER).",
)
@with_appcontext
def backup_command(folder: Path | None):
    """Write a snapshot of the database and the uploads, with a manifest."""
    parent = folder or Path(current_app.config["BACKUP_FOLDER"])
    try:
        target = create_backup(parent)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backup written to {target}")


@click.command("restore")
@click.argument("snapshot", type=click.Path(exists=True, file_okay=False, path_type=Path))
@with_appcontext
def restore_command(snapshot: Path):
    """Restore SNAPSHOT (a folder written by `flask backup`) into an empty database."""
    try:
        manifest = restore_backup(snapshot)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    uploads = sum(1 for entry in manifest["files"] if entry["path"].startswith(UPLOADS + "/"))
    click.echo(
        f"Restored the {manifest['database']['kind']} database of {manifest['created_at']} "
        f"(migration {manifest['alembic_revision'] or 'none recorded'}) and {uploads} uploaded "
        "files. Run `flask db upgrade` if this code is newer than the backup."
    )
