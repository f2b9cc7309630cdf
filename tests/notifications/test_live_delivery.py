"""In development without a mail server, mail is printed as soon as its commit happens;
never in testing or production."""

import time

from app import create_app
from app.extensions import db
from app.models import OutboxMessage, OutboxStatus
from app.notifications.services import live_delivery, queue_email
from config import DevelopmentConfig, ProductionConfig, TestingConfig


def _app(base, tmp_path, **settings):
    config = type(
        "LiveConfig",
        (base,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'live.sqlite3'}", **settings},
    )
    return create_app(config)


def test_only_development_without_a_mail_server_delivers_as_it_queues(app, tmp_path):
    assert live_delivery.EXTENSION not in app.extensions
    assert not live_delivery.wanted(app)
    assert live_delivery.wanted(_app(DevelopmentConfig, tmp_path, MAIL_SERVER=None))
    assert not live_delivery.wanted(_app(DevelopmentConfig, tmp_path, MAIL_SERVER="smtp.x"))
    assert not live_delivery.wanted(_app(TestingConfig, tmp_path))
    production = type(
        "P", (ProductionConfig,), {"SECRET_KEY": "x", "check": classmethod(lambda cls: None)}
    )
    assert not live_delivery.wanted(_app(production, tmp_path))


def test_a_queued_mail_is_printed_right_after_its_commit(tmp_path, capfd):
    dev = _app(DevelopmentConfig, tmp_path, MAIL_SERVER=None, PRINT_MAIL=True, SERVER_NAME=None)
    delivery = dev.extensions[live_delivery.EXTENSION]
    with dev.app_context():
        db.create_all()
    delivery.start()
    try:
        with dev.test_request_context():
            message = queue_email(
                kind="test.live",
                recipient="newcomer@example.org",
                subject="Welcome to Agora",
                body_text="Hello",
            )
            message_id = message.id
            db.session.commit()
        started = time.monotonic()
        # Well under the thread's poll interval: the commit itself woke it.
        while time.monotonic() - started < live_delivery.POLL_SECONDS - 2:
            with dev.app_context():
                status = db.session.get(OutboxMessage, message_id).status
                db.session.remove()
            if status is OutboxStatus.SENT:
                break
            time.sleep(0.1)
        assert status is OutboxStatus.SENT
        assert "Welcome to Agora" in capfd.readouterr().out
    finally:
        delivery.stop.set()
        delivery.wake.set()
        delivery.thread.join(timeout=10)
        with dev.app_context():
            db.engine.dispose()
