"""Every mail is written in Arabic for a reader who chose it, right to left, with the
subject's plural agreeing with its count."""

import pytest
from flask import render_template
from flask_babel import force_locale

from app.auth import services as auth_services
from app.extensions import db
from app.notifications.queries.registry import EVENTS
from app.notifications.queries.templates import render_notification, sample_values
from tests.factories import make_user


def arabic(text: str) -> bool:
    return any("\u0600" <= character <= "\u06ff" for character in text)


@pytest.mark.parametrize("key", sorted(EVENTS))
def test_every_mail_has_an_arabic_default(app, key):
    event = EVENTS[key]
    with app.test_request_context("/"):
        subject, text, html = render_notification(
            key, None, "ar", sample_values(event), use_override=False
        )
    assert text.strip() and html.strip()
    assert arabic(text) and arabic(html)
    if key != "notifications.announcement":  # its subject is the edition's title alone
        assert arabic(subject)


@pytest.mark.parametrize(
    ("days", "words"),
    [(1, "الأجل بعد يوم واحد"), (2, "الأجل بعد يومين"), (7, "الأجل بعد 7 أيام"), (30, "30 يومًا")],
)
def test_the_arabic_reminder_counts_its_days(app, days, words):
    event = EVENTS["agreements.commitment_due"]
    values = {**sample_values(event), "days": days}
    with app.test_request_context("/"):
        subject, text, _html = render_notification(
            "agreements.commitment_due", None, "ar", values, use_override=False
        )
    assert words in subject


def test_an_arabic_mail_reads_right_to_left(app):
    with app.test_request_context("/"), force_locale("ar"):
        page = render_template(
            "email/notifications/layout.html", content="", subject="", unsubscribe=None, lang="ar"
        )
    assert '<html lang="ar" dir="rtl">' in page


def test_a_reader_may_choose_arabic_for_pages_and_mails(app_ctx):
    user = make_user()
    auth_services.update_profile(user, display_name=user.display_name, locale="ar", timezone=None)
    db.session.flush()
    assert user.locale == "ar"
