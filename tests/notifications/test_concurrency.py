"""Two outbox workers at once: every message is delivered exactly once."""

from collections import Counter

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import OutboxAttempt, OutboxMessage, OutboxStatus
from tests.file_database import app_on_file_database
from tests.notifications.conftest import SmtpServer, delete_outbox_rows, free_port, queue
from tests.notifications.support import drain_with_two_workers

MESSAGES = 200


@pytest.fixture
def shared_app(app, tmp_path):
    """An app whose database several connections can share, emptied of outbox rows after.

    PostgreSQL: the suite's app. SQLite: the in-memory database is a single connection,
    so the workers get an app of their own on a database file.
    """
    with app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "postgresql":
        yield app
        with app.app_context():
            delete_outbox_rows()
        return
    with app_on_file_database(tmp_path / "outbox.sqlite3") as file_app:
        yield file_app


@pytest.mark.real_commits
def test_two_workers_drain_the_outbox_each_message_exactly_once(shared_app, use_mail_server):
    server = SmtpServer(free_port())
    server.start()
    use_mail_server(server.port, target=shared_app, OUTBOX_BATCH_SIZE=10)
    with shared_app.app_context():
        queue(MESSAGES, subject="Drain")
    results, errors = drain_with_two_workers(shared_app, server, timeout=60)

    assert errors == []
    subjects = Counter(received.message["Subject"] for received in server.received)
    assert len(subjects) == MESSAGES
    assert set(subjects.values()) == {1}
    assert results["left"]["sent"] + results["right"]["sent"] == MESSAGES
    assert results["left"]["sent"] > 0 and results["right"]["sent"] > 0
    with shared_app.app_context():
        statuses = db.session.scalars(sa.select(OutboxMessage.status)).all()
        assert Counter(statuses) == {OutboxStatus.SENT: MESSAGES}
        assert db.session.scalar(sa.select(sa.func.count(OutboxAttempt.id))) == MESSAGES
