"""Journey: a startup submits a showcase. Signs up, confirms its email with the link read
from the loopback SMTP server, creates its organisation, drafts a showcase, uploads a PDF,
submits; an organiser then decides and releases the decision mail (through the services,
to keep the journey short), and the startup sees the released decision on its pages and
in its mailbox. At 375 and 1280 px."""

import re

import pytest
from sqlalchemy import select

from app.demo.upcoming import UPCOMING_SLUG
from app.extensions import db
from app.models import Edition, Showcase, ShowcaseStatus, User
from app.showcases.services import decisions
from tests.browser.support import (
    ARTEFACTS,
    WIDTHS,
    PageWatch,
    flash,
    follow,
    go,
    serve_demo_with_mail,
    visit_check,
)

PASSWORD = "a long walk by the Sfax medina"


def tiny_pdf() -> bytes:
    """A valid one-page PDF (header, catalogue, pages, page, cross-reference table)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    body = b"%PDF-1.4\n"
    offsets = []
    for number, content in enumerate(objects, start=1):
        offsets.append(len(body))
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    body += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    body += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return body


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    with serve_demo_with_mail(tmp_path_factory.mktemp("startup")) as served:
        yield served


def _decide_and_release(live, showcase_id: int) -> str:
    """The organiser accepts the showcase and releases its mail; returns the mail's subject."""
    with live.app.test_request_context():
        organiser = db.session.scalar(select(User).where(User.email == "organiser@demo.agora"))
        showcase = db.session.get(Showcase, showcase_id)
        decided = decisions.decide(showcase, ShowcaseStatus.ACCEPTED, organiser)
        assert decided.mail is not None
        released = decisions.release_mails(showcase.edition, [decided.mail.id], organiser)
        assert released == 1
        subject = decided.mail.subject
        db.session.commit()
        db.session.remove()
        return subject


@pytest.mark.parametrize("width", WIDTHS)
def test_startup_submits_a_showcase_and_sees_the_decision(live, browser, width):
    email = f"founder{width}@example.org"
    title = f"Capteurs de crue pour l'oued ({width})"
    pdf = ARTEFACTS / f"startup-{width}-deck.pdf"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    pdf.write_bytes(tiny_pdf())
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    watch = PageWatch(page, live.url)
    try:
        # Sign up from the home page.
        page.goto(live.url + "/")
        visit_check(page, watch, f"startup-{width}-01-home")
        follow(page, page.locator("header a[href='/register']"))
        visit_check(page, watch, f"startup-{width}-02-sign-up")
        page.fill("#email", email)
        page.fill("#display_name", f"Yasmine {width}")
        page.fill("#password", PASSWORD)
        page.fill("#password_confirm", PASSWORD)
        page.select_option("#locale", "en")
        go(page, page.locator("main form [type=submit]").first)
        flash(page, "success")

        # Confirm the address with the link of the mail the SMTP server received.
        welcome = live.mailbox.wait_for(email, "")
        link = re.search(r"https?://\S+/confirm/\S+", welcome.get_body(("plain",)).get_content())
        assert link, welcome.get_body(("plain",)).get_content()
        page.goto(link.group(0))
        page.wait_for_load_state("networkidle")
        assert "is confirmed" in flash(page, "success")
        visit_check(page, watch, f"startup-{width}-03-confirmed")

        # The upcoming edition's call → the organisation's profile → the new showcase.
        page.goto(live.url + "/")
        follow(page, page.locator(f"main a[href='/editions/{UPCOMING_SLUG}']"))
        follow(page, page.locator(f"main a[href='/editions/{UPCOMING_SLUG}/call']"))
        visit_check(page, watch, f"startup-{width}-04-call")
        # Without an organisation, the call offers to create its profile first.
        follow(page, page.locator("main a[href^='/organisations/new']"))
        assert "/organisations/new" in page.url, page.url
        visit_check(page, watch, f"startup-{width}-05-organisation")
        page.fill("#name", f"Oued Sensing {width}")
        page.select_option("#kind", "startup")
        page.select_option("#country", "TN")
        page.fill("#city", "Sfax")
        go(page, page.locator("main form [type=submit]").first)
        assert page.url.endswith(f"/editions/{UPCOMING_SLUG}/showcases/new"), page.url

        # The draft, its PDF, then the submission.
        page.fill("#title", title)
        page.fill("#summary", "Des capteurs bon marché qui préviennent les crues des oueds.")
        go(page, page.locator("main form.stacked [type=submit]").first)
        flash(page, "success")
        found = re.search(r"/showcases/(\d+)/edit", page.url)
        assert found, page.url
        showcase_id = int(found.group(1))
        visit_check(page, watch, f"startup-{width}-06-draft")
        page.set_input_files("#file", str(pdf))
        go(page, page.locator("#upload-submit"))
        flash(page, "success")
        assert page.get_by_text(pdf.name).count() >= 1
        track = page.locator("#submit-track_id option[value]:not([value=''])").first
        page.select_option("#submit-track_id", track.get_attribute("value"))
        go(page, page.locator("#submit-submit"))
        flash(page, "success")
        visit_check(page, watch, f"startup-{width}-07-submitted")
        with live.app.app_context():
            submitted = db.session.get(Showcase, showcase_id)
            assert submitted.status is ShowcaseStatus.SUBMITTED
            assert [m.content_type for m in submitted.materials] == ["application/pdf"]

        # Later: the organiser decides and releases; the startup reads it, mail and pages.
        subject = _decide_and_release(live, showcase_id)
        decision = live.mailbox.wait_for(email, subject)
        assert title in decision.get_body(("plain",)).get_content()
        page.goto(live.url + "/")
        follow(page, page.locator("header a[href='/showcases/mine']"))
        row = page.locator("tr", has=page.get_by_role("link", name=title))
        assert "Accepted" in row.inner_text()
        visit_check(page, watch, f"startup-{width}-08-my-showcases")
        go(page, row.get_by_role("link", name=title))
        assert "Accepted" in page.locator("main").inner_text()
        visit_check(page, watch, f"startup-{width}-09-decision")
        with live.app.app_context():
            edition = db.session.scalar(select(Edition).where(Edition.slug == UPCOMING_SLUG))
            assert db.session.get(Showcase, showcase_id).decision_released_at is not None
            assert edition.programme_published_at is None
    finally:
        context.close()
