"""Thinklab pages: composition, contributions and their feed, the digest, organisers' pages."""

import io
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    CompositionRule,
    Contribution,
    MeetingChange,
    OutboxMessage,
    RoadmapItem,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from app.thinklabs.emails import queue_digests
from tests.factories import make_user
from tests.support import sign_in

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def lab(app):
    """A thinklab with a member (with an account) and a second member without one."""
    with app.app_context():
        member = make_user(display_name="Amel")
        other = make_user(display_name="Sami")
        outsider = make_user()
        organiser = make_user(is_organiser=True)
        thinklab = Thinklab(
            slug="lab",
            name="Lab",
            timezone="Europe/Paris",
            first_meeting_local=datetime(2027, 1, 5, 18),
            rrule="FREQ=WEEKLY;BYDAY=TU",
            meeting_minutes=60,
        )
        thinklab.members.append(
            ThinklabMember(user=member, name="Amel", category=StakeholderCategory.STARTUP)
        )
        thinklab.members.append(
            ThinklabMember(
                user=other, name="Sami", category=StakeholderCategory.CITY, wants_digest=True
            )
        )
        thinklab.composition_rules.append(
            CompositionRule(category=StakeholderCategory.STARTUP, minimum=1)
        )
        thinklab.composition_rules.append(
            CompositionRule(category=StakeholderCategory.UNIVERSITY, minimum=2)
        )
        db.session.add(thinklab)
        db.session.commit()
        return {
            "member": member.id,
            "other": other.id,
            "outsider": outsider.id,
            "organiser": organiser.id,
            "id": thinklab.id,
        }


def text(response) -> str:
    return response.get_data(as_text=True)


def test_the_page_says_which_composition_rules_are_met(client, lab):
    page = text(client.get("/thinklabs/lab"))
    startup_row = page.split("Startup</td>")[1].split("</tr>")[0]
    university_row = page.split("University</td>")[1].split("</tr>")[0]
    assert "Met" in startup_row and "Missing" not in startup_row
    assert "Missing" in university_row


def test_a_member_posts_and_script_is_stripped(app, client, lab):
    sign_in(client, lab["member"])
    response = client.post(
        "/thinklabs/lab/contributions",
        data={
            "body": '<p onclick="x()">Plan <strong>v2</strong><script>alert(1)</script>'
            '<a href="javascript:alert(2)">bad</a> <a href="https://ok.example">ok</a></p>',
            "files": [(io.BytesIO(PNG), "map.png")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        post = db.session.scalar(select(Contribution))
        assert "<strong>v2</strong>" in post.body_html
        for bad in ("script", "alert", "onclick", "javascript"):
            assert bad not in post.body_html
        assert 'href="https://ok.example" rel="noopener nofollow"' in post.body_html
        assert post.files[0].content_type == "image/png"
        key = post.files[0].storage_key
    page = text(client.get("/thinklabs/lab"))
    assert "Plan" in page and "alert(1)" not in page
    assert client.get(f"/thinklabs/lab/files/{key}").data == PNG


def test_a_file_that_is_not_pdf_png_or_jpeg_is_refused(app, client, lab):
    sign_in(client, lab["member"])
    response = client.post(
        "/thinklabs/lab/contributions",
        data={"body": "See attached", "files": [(io.BytesIO(b"MZ\x90\x00evil"), "x.pdf")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "is not a PDF, PNG or JPEG file" in text(response)
    with app.app_context():
        assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_a_non_member_posting_by_url_is_refused(app, client, lab):
    sign_in(client, lab["outsider"])
    response = client.post("/thinklabs/lab/contributions", data={"body": "Hello"})
    assert response.status_code == 403
    assert client.get("/thinklabs/lab/contributions.json").status_code == 403
    with app.app_context():
        assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_the_polling_feed_returns_only_newer_contributions(app, client, lab):
    sign_in(client, lab["member"])
    for body in ("first", "second"):
        client.post("/thinklabs/lab/contributions", data={"body": body})
    feed = client.get("/thinklabs/lab/contributions.json?after=0").get_json()
    assert [c["body_html"] for c in feed["contributions"]] == ["<p>first</p>", "<p>second</p>"]
    first_id = feed["contributions"][0]["id"]
    newer = client.get(f"/thinklabs/lab/contributions.json?after={first_id}").get_json()
    assert [c["body_html"] for c in newer["contributions"]] == ["<p>second</p>"]
    assert newer["last_id"] == feed["last_id"]
    page = text(client.get("/thinklabs/lab"))
    assert "js/thinklab.js" in page and f'data-after="{feed["last_id"]}"' in page


def test_the_digest_is_queued_once_per_member_and_day(app, client, lab, runner):
    sign_in(client, lab["member"])
    with app.app_context():
        db.session.add(
            Contribution(
                thinklab_id=lab["id"],
                author_id=lab["member"],
                body_html="<p>Yesterday's note</p>",
                created_at=datetime(2027, 2, 1, 22, 30, tzinfo=UTC),  # 23:30 in Paris
            )
        )
        db.session.add(
            Contribution(
                thinklab_id=lab["id"],
                author_id=lab["member"],
                body_html="<p>Next day</p>",
                created_at=datetime(2027, 2, 1, 23, 30, tzinfo=UTC),  # 2 February in Paris
            )
        )
        db.session.commit()
        assert queue_digests(date(2027, 2, 1)) == 1
        assert queue_digests(date(2027, 2, 1)) == 0
        (mail,) = db.session.scalars(select(OutboxMessage)).all()
        assert mail.recipient_user_id == lab["other"]
        assert "Yesterday's note" in mail.body_text and "Next day" not in mail.body_text
        db.session.commit()
    result = runner.invoke(args=["thinklabs", "digest", "--day", "2027-02-01"])
    assert "0 digests queued" in result.output


def test_a_member_chooses_the_digest(app, client, lab):
    sign_in(client, lab["member"])
    client.post("/thinklabs/lab/digest", data={"wants_digest": "y"})
    with app.app_context():
        member = db.session.scalar(
            select(ThinklabMember).where(ThinklabMember.user_id == lab["member"])
        )
        assert member.wants_digest


def test_an_organiser_creates_a_thinklab_and_sees_rule_errors_next_to_the_field(app, client, lab):
    sign_in(client, lab["organiser"])
    data = {
        "slug": "new-lab",
        "name": "New lab",
        "timezone": "Asia/Shanghai",
        "first_meeting_local": "2027-01-06T16:00",
        "meeting_minutes": "60",
        "rrule": "FREQ=WEEKLY;BYDAY=XX",
        "meeting_mode": "online",
        "online_url": "https://visio.example.org/new",
        "edition_id": "",
        "agreement_id": "",
        "venue_id": "",
    }
    refused = client.post("/manage/thinklabs/new", data=data)
    assert refused.status_code == 422
    assert 'id="rrule-error"' in text(refused)
    data["rrule"] = "FREQ=WEEKLY;BYDAY=WE"
    response = client.post("/manage/thinklabs/new", data=data)
    assert response.status_code == 302 and response.location.endswith("/thinklabs/new-lab/manage")
    with app.app_context():
        assert db.session.scalar(select(Thinklab).where(Thinklab.slug == "new-lab")).rrule


def test_organisers_manage_members_rules_meetings_and_roadmap(app, client, lab):
    sign_in(client, lab["organiser"])
    assert client.get("/thinklabs/lab/manage").status_code == 200
    client.post(
        "/thinklabs/lab/manage/members",
        data={"member-name": "Prof. X", "member-category": "university", "member-role": "member"},
    )
    client.post(
        "/thinklabs/lab/manage/rules", data={"rule-category": "university", "rule-minimum": "1"}
    )
    client.post("/thinklabs/lab/manage/skip", data={"original": "2027-01-12T18:00", "note": "Off"})
    moved = client.post(
        "/thinklabs/lab/manage/move",
        data={
            "original": "2027-01-19T18:00",
            "starts_local": "2027-01-20T18:00",
            "ends_local": "2027-01-20T19:00",
            "meeting_mode": "hybrid",
        },
    )
    assert moved.status_code == 302
    client.post(
        "/thinklabs/lab/manage/roadmap",
        data={
            "roadmap-title": "Action plan",
            "roadmap-horizon_year": "2027",
            "roadmap-status": "in_progress",
            "roadmap-progress": "40",
        },
    )
    page = text(client.get("/thinklabs/lab"))
    assert "Missing" not in page.split("University</td>")[1].split("</tr>")[0]
    assert "Horizon 2027" in page and "Action plan" in page
    with app.app_context():
        changes = db.session.scalars(select(MeetingChange).order_by(MeetingChange.original_local))
        assert [c.is_cancelled for c in changes] == [True, False]
        assert db.session.scalar(select(RoadmapItem.progress)) == 40


def test_a_member_cannot_reach_organiser_pages(client, lab):
    sign_in(client, lab["member"])
    assert client.get("/thinklabs/lab/manage").status_code == 403
    assert client.post("/thinklabs/lab/manage/skip", data={}).status_code == 403
