"""Every mail template shows a preview with its sample data, in every language."""

import logging

import pytest

from app.notifications.queries import EVENTS
from app.notifications.queries.registry import LOCALES
from app.notifications.queries.templates import preview
from tests.factories import make_edition


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("key", sorted(EVENTS))
def test_every_template_previews_with_its_samples(app_ctx, caplog, key, locale):
    event = EVENTS[key]
    edition = make_edition()
    with caplog.at_level(logging.WARNING):
        shown = preview(edition, event, locale, subject="", body_text="", body_html="")

    assert not [record for record in caplog.records if record.exc_info], caplog.text
    subject = shown["subject"]
    assert subject and "{" not in subject and "[" not in subject
    assert key not in subject and event.template not in subject
    for part in ("subject", "text", "html"):
        assert "None" not in shown[part], (part, shown[part])
        assert "needs a real message" not in shown[part]
        assert "[" not in shown[part], (part, shown[part])  # every placeholder has a sample
    assert shown["text"].strip() and shown["html"].strip()


@pytest.mark.parametrize(
    ("key", "locale", "expected"),
    [
        ("organisations.invitation", "en", "expires on June 1, 2026"),
        ("organisations.invitation", "fr", "expire le 1er juin 2026"),
        ("agreements.commitment_due", "en", "is due in 7 days, on June 1, 2026"),
        ("agreements.commitment_late", "en", "was due on June 1, 2026"),
        ("agreements.expiring", "en", "expires on June 1, 2026, in 7 days"),
        ("thinklabs.meeting", "fr", "2 juin 2026, 10:00"),
    ],
)
def test_the_reminders_and_invitations_show_their_sample_dates(app_ctx, key, locale, expected):
    shown = preview(make_edition(), EVENTS[key], locale, subject="", body_text="", body_html="")

    assert expected in shown["text"]
    assert expected in shown["html"].replace("\n", " ")
