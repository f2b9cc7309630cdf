"""Agora speaks English and French: chosen by the switch, the profile or the browser."""

from app.auth.emails import notify_password_reset
from app.extensions import db
from app.models import OutboxMessage
from tests.factories import make_user
from tests.support import sign_in


def test_the_browser_language_is_used_for_visitors(client):
    page = client.get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9,en;q=0.5"})
    text = page.get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in text
    assert "Se connecter" in text


def test_english_is_the_default(client):
    text = client.get("/").get_data(as_text=True)
    assert '<html lang="en" dir="ltr">' in text
    assert "Log in" in text


def test_the_switch_holds_for_the_rest_of_the_visit(client):
    client.get("/?lang=fr", headers={"Accept-Language": "en"})
    text = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in text


def test_the_profile_language_wins_over_the_browser(app, client):
    with app.app_context():
        user = make_user(locale="fr")
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    text = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="fr" dir="ltr">' in text


def test_mail_is_written_in_the_recipient_language(app):
    with app.test_request_context("/"):
        user = make_user(locale="fr")
        notify_password_reset(user)
        message = db.session.scalars(
            db.select(OutboxMessage).where(OutboxMessage.recipient == user.email)
        ).one()
        assert message.locale == "fr"
        assert "mot de passe" in (message.subject + message.body_text).lower()
