"""Reads as each resource's access rules allow: drafts, private agreements, thinklab meetings,
showcases of the catalogue and those an organisation follows."""

from datetime import date

from app.api.services import create_token
from app.extensions import db
from app.models import (
    Edition,
    EditionRoleKind,
    EditionStatus,
    Organisation,
    ShowcaseStatus,
    TokenScope,
    User,
)
from tests.factories import (
    assign_reviewer,
    grant,
    make_agreement,
    make_commitment,
    make_showcase,
    make_thinklab,
    make_user,
)


def test_a_draft_edition_is_seen_by_its_organisers_only(app, client, world):
    with app.app_context():
        db.session.get(Edition, world.edition_id).status = EditionStatus.DRAFT
        db.session.commit()
    url = f"/api/v1/editions/{world.slug}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=world.auth("delegate")).status_code == 404
    assert client.get(url, headers=world.auth("organiser")).status_code == 200
    listed = client.get("/api/v1/editions", headers=world.auth("organiser")).get_json()
    assert world.slug in [item["slug"] for item in listed["items"]]
    public = client.get("/api/v1/editions").get_json()
    assert world.slug not in [item["slug"] for item in public["items"]]
    assert client.get(f"{url}/sessions").status_code == 404
    assert client.get(f"{url}/calendar.ics").status_code == 404
    assert client.get(f"{url}/calendar.ics", headers=world.auth("organiser")).status_code == 200


def test_private_agreements_are_read_by_their_parties_only(app, client, world):
    with app.app_context():
        mine = db.session.get(User, world.users["delegate"]).organisation
        agreement = make_agreement(parties=((mine, None),), title="Private convention")
        make_commitment(
            agreement, title="80 R&D projects", due_date=date(2027, 12, 31), target_value=80
        )
        public = make_agreement(is_public=True, title="Public twinning")
        db.session.commit()
        private_id, public_id = agreement.id, public.id
    url = f"/api/v1/agreements/{private_id}"
    assert client.get(url).status_code == 404
    assert client.get(url, headers=world.auth("other_delegate")).status_code == 404
    body = client.get(url, headers=world.auth("delegate")).get_json()
    assert body["commitments"][0]["target_value"] == "80.00"
    assert body["parties"][0]["organisation"] == "Dar Mobility"
    anonymous = client.get("/api/v1/agreements").get_json()
    assert [item["id"] for item in anonymous["items"]] == [public_id]
    theirs = client.get("/api/v1/agreements", headers=world.auth("delegate")).get_json()
    assert {item["id"] for item in theirs["items"]} == {private_id, public_id}


def test_a_thinklabs_meetings_over_a_range(app, client):
    with app.app_context():
        make_thinklab(slug="api-thinklab")
        db.session.commit()
    url = "/api/v1/thinklabs/api-thinklab/occurrences"
    january = client.get(url, query_string={"start": "2027-01-01", "end": "2027-02-01"})
    assert january.status_code == 200
    meetings = january.get_json()
    assert len(meetings) == 4
    assert meetings[0]["original_local"] == "2027-01-05T18:00:00"
    assert meetings[0]["starts_at"] == "2027-01-05T17:00:00+00:00"
    too_long = client.get(url, query_string={"start": "2027-01-01", "end": "2029-01-01"})
    assert too_long.status_code == 422 and "end" in too_long.get_json()["errors"]
    assert client.get("/api/v1/thinklabs").get_json()["total"] == 1


def test_the_catalogue_lists_accepted_showcases_and_organisations_follow_their_own(
    app, client, world
):
    delegate = world.auth("delegate")
    draft = client.post(
        "/api/v1/showcases",
        json={"edition": world.slug, "title": "Bus", "summary": "Rides", "kind": "project"},
        headers=delegate,
    ).get_json()
    assert client.get("/api/v1/showcases").get_json()["total"] == 0
    mine = client.get("/api/v1/showcases", query_string={"mine": "true"}, headers=delegate)
    assert [item["id"] for item in mine.get_json()["items"]] == [draft["id"]]
    assert mine.get_json()["items"][0]["status"] == "draft"
    organised = client.get(
        "/api/v1/showcases", query_string={"edition": world.slug}, headers=world.auth("organiser")
    ).get_json()
    assert organised["total"] == 1
    with app.app_context():
        assert db.session.scalar(db.select(db.func.count(Organisation.id))) >= 2


def test_reviewers_score_their_showcases_and_organisers_read_the_reviews(app, client, world):
    with app.app_context():
        reviewer = make_user()
        grant(reviewer, db.session.get(Edition, world.edition_id), EditionRoleKind.REVIEWER)
        mine = db.session.get(User, world.users["delegate"]).organisation
        showcase = make_showcase(
            db.session.get(Edition, world.edition_id), mine, status=ShowcaseStatus.UNDER_REVIEW
        )
        assign_reviewer(showcase, reviewer)
        secret = create_token(reviewer, name="t", scope=TokenScope.READ_WRITE, expires_in_days=1)[1]
        db.session.commit()
        showcase_id = showcase.id
    headers = {"Authorization": f"Bearer {secret}"}
    url = f"/api/v1/showcases/{showcase_id}/reviews"
    assert client.get(f"{url}/mine", headers=headers).status_code == 404
    empty = client.put(f"{url}/mine", json={}, headers=headers)
    assert empty.status_code == 422 and "scores" in empty.get_json()["errors"]
    saved = client.put(f"{url}/mine", json={"overall": 4, "comment": "Solid"}, headers=headers)
    assert saved.status_code == 200, saved.get_json()
    assert saved.get_json()["score"] == 4.0
    other = client.put(f"{url}/mine", json={"overall": 4}, headers=world.auth("delegate"))
    assert other.status_code == 403
    reviews = client.get(url, headers=world.auth("organiser")).get_json()
    assert [review["comment"] for review in reviews] == ["Solid"]
    assert client.get(url, headers=headers).status_code == 403
