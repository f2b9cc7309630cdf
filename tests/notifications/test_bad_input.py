"""Bad input on a real SMTP server: no header or recipient smuggled in, HTML shown as text."""

from flask_babel import lazy_gettext

from app.extensions import db
from app.models import ShowcaseStatus
from app.notifications.services import queue_email, queue_templated_email, worker
from app.showcases.emails import draft_decision
from tests.factories import make_edition, make_organisation, make_showcase, make_user

INJECTION = "Eve\r\nBcc: spy@example.org\r\nX-Evil: 1"


def test_a_name_or_title_with_crlf_and_bcc_adds_no_header_nor_recipient(app_ctx, smtp_server):
    queue_email(
        kind="test.notice",
        recipient="victim@example.org",
        recipient_name=INJECTION,
        subject="Session “Tram\r\nBcc: spy2@example.org” moved",
        body_text="Hello",
    )
    db.session.commit()

    assert worker.send_due()["sent"] == 1

    (got,) = smtp_server.received
    assert got.rcpt_tos == ["victim@example.org"]
    assert got.message["Bcc"] is None and got.message["X-Evil"] is None
    assert len(got.message.get_all("To")) == 1
    assert got.message["To"].addresses[0].addr_spec == "victim@example.org"
    assert got.message["To"].addresses[0].display_name == "Eve Bcc spy example.org X-Evil 1"
    assert got.message["Subject"] == "Session “Tram Bcc: spy2@example.org” moved"


def test_html_in_names_shows_as_text_in_the_html_mail(app, app_ctx, smtp_server):
    edition = make_edition(title="Agora <i>2027</i>")
    organisation = make_organisation(name="<script>alert(1)</script> SA")
    user = make_user(
        organisation=organisation, display_name="<img src=x onerror=alert(1)>\r\nBcc: x@y.org"
    )
    showcase = make_showcase(
        edition,
        organisation,
        title="<b>Smart</b> tram",
        status=ShowcaseStatus.ACCEPTED,
        submitted_by=user,
    )
    with app.test_request_context():
        message, _ = draft_decision(showcase, None)
        message.status = message.status.PENDING
        queue_templated_email(
            template="auth/password_reset",
            user=user,
            subject=lazy_gettext("Reset your Agora password"),
            kind="auth.password_reset",
            context={"link": "http://agora.test/reset/x", "valid_minutes": 30},
        )
    db.session.commit()

    assert worker.send_due()["sent"] == 2

    for got in smtp_server.received:
        assert got.rcpt_tos == [user.email]
        assert got.message["Bcc"] is None
        html = got.message.get_body(("html",)).get_content()
        assert "<img src=x" not in html and "<script>" not in html and "<b>Smart" not in html
        assert "&lt;img src=x onerror=alert(1)&gt;" in html
    decision = next(r for r in smtp_server.received if "accepted" in r.message["Subject"])
    html = decision.message.get_body(("html",)).get_content()
    assert "&lt;b&gt;Smart&lt;/b&gt; tram" in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; SA" in html
