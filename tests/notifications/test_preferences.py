"""People's choices: optional mails carry a one-click unsubscribe that needs no login."""

from sqlalchemy import func, select

from app.extensions import db
from app.models import NotificationPreference, OutboxMessage
from app.notifications.queries import preferences_of
from app.notifications.queries.preferences import make_unsubscribe_token
from app.notifications.services import queue_email, set_preference
from tests.factories import make_user
from tests.support import sign_in


def optional_mail(user, **fields):
    options = {
        "kind": "notifications.announcement",
        "recipient": user.email,
        "recipient_user": user,
        "subject": "News",
        "body_text": "Hello",
        "body_html": "<p>Hello</p>",
    }
    options.update(fields)
    return queue_email(**options)


def test_an_optional_mail_carries_the_unsubscribe_link_and_rfc8058_headers(app, app_ctx):
    user = make_user()
    message = optional_mail(user)

    assert message.category == "announcements"
    link = message.headers["List-Unsubscribe"].strip("<>")
    assert link.startswith("http://agora.test/unsubscribe/")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in message.body_text
    assert f'href="{link}"' in message.body_html


def test_a_transactional_mail_has_no_unsubscribe(app_ctx):
    user = make_user()
    message = queue_email(
        kind="auth.password_reset", recipient=user.email, subject="Reset", body_text="Link"
    )
    assert message.category is None
    assert "List-Unsubscribe" not in message.headers


def test_one_click_post_unsubscribes_without_login_and_nothing_is_queued_after(app, client):
    with app.app_context():
        user = make_user()
        db.session.commit()
        token = make_unsubscribe_token(user.email, "announcements")
        user_id = user.id

    page = client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200
    assert "Stop sending" in page.get_data(as_text=True)
    # What a mail client sends for RFC 8058: a bare POST, no cookie, no CSRF token.
    done = client.post(f"/unsubscribe/{token}", data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200
    assert "will no longer receive" in done.get_data(as_text=True)

    with app.app_context():
        user = db.session.get(type(user), user_id)
        assert optional_mail(user) is None
        assert db.session.scalar(select(func.count(OutboxMessage.id))) == 0
        # Other categories still come.
        reminder = optional_mail(user, kind="agreements.commitment_due")
        assert reminder is not None and reminder.category == "reminders"


def test_a_forged_token_is_not_found(client):
    assert client.get("/unsubscribe/not-a-valid-token").status_code == 404
    assert client.post("/unsubscribe/not-a-valid-token").status_code == 404


def test_the_preferences_page_saves_choices(app, client, login):
    with app.app_context():
        user = make_user()
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    page = client.get("/account/notifications")
    assert page.status_code == 200
    response = client.post("/account/notifications", data={"reminders": "y", "announcements": "y"})
    assert response.status_code == 302
    with app.app_context():
        user = db.session.get(type(user), user_id)
        assert preferences_of(user) == {
            "digests": False,
            "reminders": True,
            "announcements": True,
        }
        assert optional_mail(user, kind="thinklabs.digest") is None


def test_a_digest_for_someone_who_opted_out_queues_nothing(app, app_ctx):
    from flask_babel import lazy_gettext

    from app.notifications.services import queue_templated_email

    user = make_user()
    set_preference(user.email.upper(), "digests", False, user)
    assert db.session.scalar(select(NotificationPreference.email)) == user.email.lower()
    with app.test_request_context():
        queued = queue_templated_email(
            template="thinklabs/digest",
            user=user,
            subject=lazy_gettext("Yesterday in your thinklabs"),
            kind="thinklabs.digest",
            context={"sections": [], "day": None},
        )
    assert queued is None
