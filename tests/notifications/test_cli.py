"""`flask outbox send` shows a progress bar when many mails are due."""

from app.extensions import db
from tests.notifications.conftest import queue


def test_outbox_send_shows_progress_for_many(app, runner, smtp_server):
    with app.app_context():
        queue(30, subject="Programme")
        db.session.commit()

    result = runner.invoke(args=["outbox", "send"])

    assert result.exit_code == 0, result.output
    assert "Sending" in result.output
    assert "30 sent, 0 to retry later, 0 failed." in result.output
    assert len(smtp_server.received) == 30
