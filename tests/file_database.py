"""An app of its own on a SQLite file, for tests whose threads need several connections
(the suite's in-memory SQLite database is a single connection)."""

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flask import Flask

from app import create_app
from app.extensions import db
from config import TestingConfig


@contextmanager
def app_on_file_database(path: Path) -> Iterator[Flask]:
    """Yield an app whose database is the SQLite file at ``path``, tables created;
    its connections are closed on the way out."""
    config = type(
        "FileConfig",
        (TestingConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"},
    )
    file_app = create_app(config)
    with file_app.app_context():
        db.create_all()
    try:
        yield file_app
    finally:
        with file_app.app_context():
            db.engine.dispose()
