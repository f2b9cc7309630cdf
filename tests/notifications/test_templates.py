"""The template registry: defaults point at the files, overrides are checked when saved."""

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import EditionRoleKind, MailTemplateOverride, OutboxMessage, ShowcaseStatus
from app.notifications.queries import EVENTS, render_notification
from app.notifications.queries.templates import TemplateRefused
from app.notifications.services import save_override
from app.showcases.emails import draft_decision
from tests.factories import grant, make_edition, make_organisation, make_showcase, make_user
from tests.support import sign_in

REQUIRED_EVENTS = {
    "showcases.received",
    "showcases.decision.accepted",
    "showcases.decision.waitlisted",
    "showcases.decision.rejected",
    "program.session_changed",
    "program.session_cancelled",
    "program.speaker_invitation",
    "thinklabs.meeting",
    "thinklabs.digest",
    "agreements.commitment_due",
    "agreements.commitment_late",
    "agreements.expiring",
    "registrations.confirmed",
    "auth.password_reset",
    "auth.confirm_email",
}


def test_every_event_has_every_language_and_existing_files(app):
    assert REQUIRED_EVENTS <= set(EVENTS)
    loader = app.jinja_env.loader
    for event in EVENTS.values():
        assert set(event.subject) == {"en", "fr", "ar"}
        assert event.placeholders
        for suffix in ("txt", "html"):
            loader.get_source(app.jinja_env, f"email/{event.template}.{suffix}")


@pytest.mark.parametrize(
    ("field", "source", "named"),
    [
        ("subject", "Hello {{ showcase.nope }}", "showcase.nope"),
        ("body_text", "Dear {{ who }}", "who"),
        ("body_html", "<p>{{ user.password_hash }}</p>", "user.password_hash"),
    ],
)
def test_an_unknown_placeholder_is_refused_when_saved_with_its_name(app_ctx, field, source, named):
    edition = make_edition()
    fields = {"subject": "", "body_text": "", "body_html": "", field: source}

    with pytest.raises(TemplateRefused) as refused:
        save_override(edition.id, "showcases.decision.accepted", "en", **fields)

    assert refused.value.field == field
    assert named in str(refused.value.message)
    assert db.session.scalar(select(MailTemplateOverride.id)) is None


def test_a_syntax_error_is_refused_when_saved(app_ctx):
    edition = make_edition()
    with pytest.raises(TemplateRefused) as refused:
        save_override(
            edition.id, "showcases.received", "fr", subject="", body_text="{% if %}", body_html=""
        )
    assert refused.value.field == "body_text"
    assert "Syntax error" in str(refused.value.message)


@pytest.mark.parametrize(
    "source",
    ["{{ link.__class__.__mro__ }}", "{{ link * 100000000 }}", "{{ 9 ** 9 ** 9 }}"],
)
def test_the_sandbox_refuses_internals_and_huge_output(app_ctx, source):
    edition = make_edition()
    with pytest.raises(TemplateRefused):
        save_override(
            edition.id, "showcases.received", "en", subject="", body_text=source, body_html=""
        )


def test_an_override_replaces_the_default_and_escapes_placeholders_in_html(app_ctx):
    edition = make_edition()
    save_override(
        edition.id,
        "showcases.decision.accepted",
        "fr",
        subject="Bravo {{ user.display_name }}",
        body_text="Votre showcase {{ showcase.title }} est retenu.",
        body_html="<p>{{ showcase.title }}</p>",
    )
    context = {
        "user.display_name": "Amina",
        "showcase.title": "<b>Tram</b>",
        "edition.title": edition.title,
        "edition.organised_by": "",
        "organisation.name": "Org",
        "link": "http://agora.test/showcases/1",
    }

    subject, text, html = render_notification("showcases.decision.accepted", edition, "fr", context)
    assert subject == "Bravo Amina"
    assert text == "Votre showcase <b>Tram</b> est retenu."
    assert html == "<p>&lt;b&gt;Tram&lt;/b&gt;</p>"

    # English has no override: the default file speaks.
    subject, text, _html = render_notification(
        "showcases.decision.accepted", edition, "en", context
    )
    assert subject == "Your showcase is accepted: “<b>Tram</b>”"
    assert "Good news" in text


def test_decision_drafts_use_the_override_and_regenerate_from_the_current_one(app_ctx):
    from app.notifications.services import regenerate

    edition = make_edition()
    organisation = make_organisation()
    user = make_user(organisation=organisation, locale="en")
    organiser = make_user()
    grant(organiser, edition, EditionRoleKind.ORGANISER)
    showcase = make_showcase(
        edition, organisation, status=ShowcaseStatus.ACCEPTED, submitted_by=user
    )
    save_override(
        edition.id,
        "showcases.decision.accepted",
        "en",
        subject="",
        body_text="First wording for {{ showcase.title }}",
        body_html="",
    )
    message, _already = draft_decision(showcase, organiser)
    assert message.body_text.startswith("First wording for " + showcase.title)
    assert message.template_event == "showcases.decision.accepted"
    assert message.template_context["showcase.title"] == showcase.title

    save_override(
        edition.id,
        "showcases.decision.accepted",
        "en",
        subject="Welcome aboard, {{ user.display_name }}",
        body_text="Second wording for {{ showcase.title }}",
        body_html="",
    )
    regenerate(message)

    message = db.session.get(OutboxMessage, message.id)
    assert message.subject == f"Welcome aboard, {user.display_name}"
    assert message.body_text.startswith("Second wording for " + showcase.title)
    assert "Good news" in message.body_html  # the default HTML, in the layout


def test_template_page_refuses_a_bad_placeholder_next_to_the_field(app, client):
    with app.app_context():
        edition = make_edition()
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        db.session.commit()
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    url = f"/editions/{slug}/mail-templates/edit?event=showcases.received&locale=en"

    assert client.get(url).status_code == 200
    refused = client.post(url, data={"subject": "Hi {{ visitor }}", "submit": "Save"})
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert 'id="subject-error"' in page
    assert "Unknown placeholder “visitor”" in page

    preview = client.post(
        url, data={"body_text": "Thanks, {{ user.display_name }}!", "preview": "Preview"}
    )
    assert preview.status_code == 200
    assert "Thanks, Amina Benali!" in preview.get_data(as_text=True)

    saved = client.post(url, data={"subject": "Got {{ showcase.title }}", "submit": "Save"})
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(MailTemplateOverride.subject)) == "Got {{ showcase.title }}"


def test_every_template_page_previews_its_default(app, client):
    with app.app_context():
        edition = make_edition()
        organiser = make_user(is_organiser=True)
        db.session.commit()
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    assert client.get(f"/editions/{slug}/mail-templates").status_code == 200
    for key in EVENTS:
        for locale in ("en", "fr"):
            url = f"/editions/{slug}/mail-templates/edit?event={key}&locale={locale}"
            response = client.get(url)
            assert response.status_code == 200, (key, locale)
            assert "Preview with sample values" in response.get_data(as_text=True)


def test_the_live_preview_answers_json_and_names_a_bad_placeholder(app, client):
    with app.app_context():
        edition = make_edition()
        organiser = make_user(is_organiser=True)
        db.session.commit()
        slug, organiser_id = edition.slug, organiser.id
    sign_in(client, organiser_id)
    url = f"/editions/{slug}/mail-templates/edit?event=auth.password_reset&locale=fr"
    headers = {"Accept": "application/json"}

    good = client.post(url, data={"body_text": "Lien : {{ link }}"}, headers=headers)
    assert good.status_code == 200
    assert good.get_json()["preview"]["text"] == "Lien : https://agora.example/…"
    bad = client.post(url, data={"body_html": "<p>{{ lien }}</p>"}, headers=headers)
    assert bad.status_code == 422
    assert "lien" in bad.get_json()["errors"]["body_html"][0]
    with app.app_context():
        assert db.session.scalar(select(MailTemplateOverride.id)) is None
