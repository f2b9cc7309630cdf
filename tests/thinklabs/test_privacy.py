"""Contributions are members' posts; organisers edit members and delete roadmap items."""

import io
from datetime import datetime

from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    Contribution,
    RoadmapItem,
    RoadmapStatus,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
)
from tests.factories import make_organisation, make_user
from tests.thinklabs import test_routes
from tests.thinklabs.test_routes import PNG, sign_in, text

lab = test_routes.lab  # the same small thinklab as the route tests

POST = "<p>Draft of the <strong>mobility plan</strong></p>"


def post_with_file(client, lab_ids) -> str:
    sign_in(client, lab_ids["member"])
    client.post(
        "/thinklabs/lab/contributions",
        data={"body": POST, "files": [(io.BytesIO(PNG), "map.png")]},
        content_type="multipart/form-data",
    )
    return db.session.scalar(select(Contribution)).files[0].storage_key


def test_visitors_see_the_count_members_the_posts(app, client, lab):
    with app.app_context():
        key = post_with_file(client, lab)
    assert "mobility plan" in text(client.get("/thinklabs/lab"))
    assert client.get(f"/thinklabs/lab/files/{key}").status_code == 200

    for who in (None, lab["outsider"]):
        if who is None:
            with client.session_transaction() as flask_session:
                flask_session.clear()
        else:
            sign_in(client, who)
        page = text(client.get("/thinklabs/lab"))
        assert "mobility plan" not in page
        assert "1 contribution, visible to members" in page
        assert "Members" in page  # members, meetings and roadmap stay public
        assert client.get(f"/thinklabs/lab/files/{key}").status_code == 404

    sign_in(client, lab["organiser"])  # a site organiser runs every thinklab
    assert "mobility plan" in text(client.get("/thinklabs/lab"))
    assert client.get(f"/thinklabs/lab/files/{key}").status_code == 200


def test_a_member_of_another_thinklab_cannot_post_by_url(app, client, lab):
    with app.app_context():
        elsewhere = make_user()
        other = Thinklab(
            slug="other-lab",
            name="Other lab",
            timezone="Europe/Paris",
            first_meeting_local=datetime(2027, 1, 5, 18),
            meeting_minutes=60,
        )
        other.members.append(
            ThinklabMember(user=elsewhere, name="Else", category=StakeholderCategory.CITY)
        )
        db.session.add(other)
        db.session.commit()
        elsewhere_id = elsewhere.id
    sign_in(client, elsewhere_id)
    response = client.post("/thinklabs/lab/contributions", data={"body": "Sneaking in"})
    assert response.status_code == 403
    assert client.get("/thinklabs/lab/contributions.json").status_code == 403
    assert "Sneaking in" not in text(client.get("/thinklabs/lab"))
    with app.app_context():
        assert db.session.scalar(select(func.count(Contribution.id))) == 0


def test_an_organiser_edits_a_member(app, client, lab):
    with app.app_context():
        organisation = make_organisation(name="Université de Carthage")
        member = db.session.scalar(select(ThinklabMember).where(ThinklabMember.name == "Amel"))
        db.session.commit()
        organisation_id, member_id = organisation.id, member.id
    sign_in(client, lab["organiser"])
    form = client.get(f"/thinklabs/lab/manage/members/edit?member={member_id}")
    assert form.status_code == 200 and "Université de Carthage" in text(form)
    saved = client.post(
        "/thinklabs/lab/manage/members/edit",
        data={
            "member_id": str(member_id),
            "name": "Amel F.",
            "organisation_id": str(organisation_id),
            "category": "university",
            "role": "chair",
        },
    )
    assert saved.status_code == 302
    with app.app_context():
        member = db.session.get(ThinklabMember, member_id)
        assert (member.name, member.category, member.role.value) == (
            "Amel F.",
            StakeholderCategory.UNIVERSITY,
            "chair",
        )
        assert member.organisation_id == organisation_id
    refused = client.post(
        "/thinklabs/lab/manage/members/edit",
        data={"member_id": str(member_id), "name": "", "category": "city", "role": "member"},
    )
    assert refused.status_code == 422
    sign_in(client, lab["member"])
    assert (
        client.post(
            "/thinklabs/lab/manage/members/edit",
            data={"member_id": str(member_id), "name": "X", "category": "city", "role": "member"},
        ).status_code
        == 403
    )


def test_an_organiser_deletes_a_roadmap_item(app, client, lab):
    with app.app_context():
        item = RoadmapItem(
            thinklab_id=lab["id"],
            title="Open data portal",
            horizon_year=2027,
            status=RoadmapStatus.PLANNED,
            progress=0,
        )
        db.session.add(item)
        db.session.commit()
        item_id = item.id
    sign_in(client, lab["organiser"])
    page = text(client.get(f"/thinklabs/lab/manage/roadmap?item={item_id}"))
    assert "Delete this item" in page
    deleted = client.post("/thinklabs/lab/manage/roadmap/delete", data={"object_id": str(item_id)})
    assert deleted.status_code == 302
    with app.app_context():
        assert db.session.get(RoadmapItem, item_id) is None
