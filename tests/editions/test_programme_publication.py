"""Publishing the programme makes it final for submitters and announces the decisions."""

from datetime import UTC, datetime

from app.extensions import db
from app.models import Edition, EditionRoleKind, EditionStatus, Showcase, ShowcaseStatus
from tests.factories import grant, make_edition, make_organisation, make_showcase, make_user
from tests.support import sign_in


def _world(app, status=EditionStatus.PUBLISHED):
    with app.app_context():
        edition = make_edition(status=status)
        organiser = make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        accepted = make_showcase(
            edition,
            make_organisation(),
            status=ShowcaseStatus.ACCEPTED,
            decided_at=datetime(2027, 2, 1, tzinfo=UTC),
        )
        db.session.commit()
        return edition.slug, organiser.id, accepted.id


def test_publishing_the_programme_announces_decisions_and_ends_withdrawals(app, client):
    slug, organiser_id, showcase_id = _world(app)
    assert client.get(f"/showcases/{showcase_id}").status_code == 404
    sign_in(client, organiser_id)

    response = client.post(f"/editions/{slug}/manage/programme/publish", follow_redirects=True)

    assert "1 decision is now public" in response.get_data(as_text=True)
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
        assert edition.programme_published_at is not None
        assert db.session.get(Showcase, showcase_id).decision_released_at is not None
    anonymous = app.test_client()
    assert anonymous.get(f"/showcases/{showcase_id}").status_code == 200


def test_the_programme_is_published_once(app, client):
    slug, organiser_id, _showcase_id = _world(app)
    sign_in(client, organiser_id)
    client.post(f"/editions/{slug}/manage/programme/publish")
    again = client.post(f"/editions/{slug}/manage/programme/publish", follow_redirects=True)
    assert "already published" in again.get_data(as_text=True)


def test_a_draft_edition_cannot_publish_its_programme(app, client):
    slug, organiser_id, _showcase_id = _world(app, status=EditionStatus.DRAFT)
    sign_in(client, organiser_id)
    response = client.post(f"/editions/{slug}/manage/programme/publish", follow_redirects=True)
    assert "Publish the edition before its programme" in response.get_data(as_text=True)
    with app.app_context():
        edition = db.session.scalar(db.select(Edition).where(Edition.slug == slug))
        assert edition.programme_published_at is None


def test_an_attendee_cannot_publish_a_programme(app, client):
    slug, _organiser_id, _showcase_id = _world(app)
    with app.app_context():
        attendee = make_user()
        db.session.commit()
        attendee_id = attendee.id
    sign_in(client, attendee_id)
    assert client.post(f"/editions/{slug}/manage/programme/publish").status_code == 403
