"""Scratch benchmark databases: a fresh SQLite file or PostgreSQL database, built by bench-data.

The database is built in another process than the one measured, with the project's own
commands (``flask db upgrade`` then ``flask bench-data``), as production builds it.
"""

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
FLASK = [sys.executable, "-m", "flask", "--app", "wsgi"]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/agora_bench"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _check_scratch(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    # Dropping a database is only for ours: never the suite's or anyone's real one.
    if "bench" not in name and "load" not in name:
        raise SystemExit(
            f"Refusing to drop {name!r}: the benchmark database's name must contain "
            "'bench' or 'load' (for example agora_bench)."
        )
    return name


def postgres_answers(url: str) -> str | None:
    """Return None when PostgreSQL answers at ``url``'s server, else why not."""
    import psycopg

    try:
        psycopg.connect(_with_database(url, "postgres"), connect_timeout=3).close()
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return None


def fresh_postgres(url: str) -> str:
    """Drop and create the scratch database of ``url``; return its SQLAlchemy address."""
    import psycopg

    name = _check_scratch(url)
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{name}"')
    return url


def fresh_sqlite(folder: Path, sessions: int) -> str:
    path = folder / f"bench-{sessions}.sqlite3"
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return f"sqlite:///{path}"


def environment(url: str, **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DATABASE_URL", "TEST_DATABASE_URL", "AGORA_", "REDIS_URL"))
    }
    env.update({"DATABASE_URL": url, "AGORA_ENV": "development", "PYTHONHASHSEED": "0"})
    env.update(extra)
    return env


def build(url: str, sessions: int) -> float:
    """Create the schema and the benchmark edition of ``sessions`` sessions; return seconds."""
    started = time.perf_counter()
    for command in (["db", "upgrade"], ["bench-data", "--sessions", str(sessions)]):
        done = subprocess.run(
            FLASK + command, cwd=ROOT, env=environment(url), capture_output=True, text=True
        )
        if done.returncode:
            sys.stderr.write(done.stdout + done.stderr)
            raise SystemExit(f"flask {' '.join(command)} failed on {url}")
    return time.perf_counter() - started
