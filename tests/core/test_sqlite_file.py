"""On a SQLite file, a request that reads then writes waits its turn while another
connection writes (the development mail thread, a worker process), never answering
"database is locked" at once."""

import threading
import time

import pytest
from sqlalchemy import text

from app.extensions import db
from tests.factories import make_user
from tests.file_database import app_on_file_database

PASSWORD = "a-long-enough-password-2026"


@pytest.fixture
def file_app(tmp_path):
    with app_on_file_database(tmp_path / "agora.sqlite3") as app:
        with app.app_context():
            make_user(email="reader@example.org", password=PASSWORD)
            db.session.commit()
        yield app


def test_a_login_waits_for_another_connections_write_instead_of_failing(file_app):
    """The login reads the account, then writes its last login: while another
    connection holds a write transaction (here for 0.3 s), it must wait, then succeed."""
    writing, done = threading.Event(), threading.Event()

    def other_writer():
        with file_app.app_context():
            with db.engine.connect() as connection:
                connection.execute(text("SELECT count(*) FROM users")).scalar()
                connection.execute(text("UPDATE users SET display_name = display_name"))
                writing.set()
                time.sleep(0.3)
                connection.commit()
        done.set()

    thread = threading.Thread(target=other_writer)
    client = file_app.test_client()
    thread.start()
    assert writing.wait(5)
    answer = client.post("/login", data={"email": "reader@example.org", "password": PASSWORD})
    thread.join(5)
    assert done.is_set()
    assert answer.status_code == 302, answer.get_data(as_text=True)[:300]
