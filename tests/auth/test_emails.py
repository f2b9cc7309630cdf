"""Account emails: queued in the outbox, in the user's language, with absolute links."""

import pytest

from app.auth import emails, services
from app.models import OutboxStatus
from tests.factories import make_user


@pytest.fixture
def request_ctx(app):
    with app.test_request_context("/"):
        yield


def test_confirmation_mail_is_queued_with_an_absolute_link(request_ctx):
    user = make_user(confirmed=False, display_name="Amina")

    message = emails.notify_confirm_email(user)

    assert message.status is OutboxStatus.PENDING
    assert message.subject == "Confirm your email address for Agora"
    assert "Hello Amina," in message.body_text
    link = next(line for line in message.body_text.splitlines() if "/confirm/" in line)
    assert link.startswith("http://agora.test/confirm/")
    assert f'href="{link}"' in message.body_html
    assert services.confirm_email(link.rsplit("/", 1)[1]) is user


def test_reset_mail_is_queued_for_the_recipient(request_ctx):
    user = make_user()

    message = emails.notify_password_reset(user)

    assert (message.kind, message.recipient, message.recipient_user_id) == (
        "auth.password_reset",
        user.email,
        user.id,
    )
    assert "http://agora.test/reset/" in message.body_text
    assert "works once" in message.body_text
