"""Route tests of the organiser pages of the programme and of the invitation link."""

import io
from dataclasses import dataclass
from datetime import datetime

import pytest
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import (
    ConferenceSession,
    EditionRoleKind,
    InvitationStatus,
    OutboxMessage,
    SessionSpeaker,
    SessionStatus,
    Speaker,
)
from app.program import services
from tests.factories import (
    grant,
    make_session,
    make_speaker,
    make_user,
)
from tests.program.conftest import build_paris_rooms
from tests.support import sign_in


@dataclass
class Setup:
    slug: str
    organiser_id: int
    other_organiser_id: int
    hall_id: int
    studio_id: int
    session_id: int
    speaker_id: int


@pytest.fixture
def setup(app):
    with app.app_context():
        edition, venue, hall, studio = build_paris_rooms()
        organiser, other = make_user(), make_user()
        grant(organiser, edition, EditionRoleKind.ORGANISER)
        grant(other, edition, EditionRoleKind.ORGANISER)
        opening = make_session(
            edition,
            datetime(2027, 3, 27, 9),
            datetime(2027, 3, 27, 10),
            title="Opening",
            room=hall,
            venue=venue,
            timezone="Europe/Paris",
        )
        amina = make_speaker(name="Amina", email="amina@example.org")
        db.session.commit()
        return Setup(edition.slug, organiser.id, other.id, hall.id, studio.id, opening.id, amina.id)


def form(setup, **changes):
    values = {
        "kind": "talk",
        "title": "Mobility data",
        "abstract": "",
        "track_id": "",
        "room_id": str(setup.hall_id),
        "venue_id": "",
        "online_url": "",
        "starts_local": "2027-03-27T11:00",
        "ends_local": "2027-03-27T12:00",
        "status": "tentative",
    }
    values.update(changes)
    return values


def version_in(page: str) -> str:
    marker = 'name="version" type="hidden" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def test_an_organiser_creates_a_session(app, client, setup):
    sign_in(client, setup.organiser_id)
    response = client.post(f"/editions/{setup.slug}/manage/sessions/new", data=form(setup))
    assert response.status_code == 302
    with app.app_context():
        created = db.session.scalar(
            select(ConferenceSession).where(ConferenceSession.title == "Mobility data")
        )
        assert created.timezone == "Europe/Paris" and created.sequence == 0
    listing = client.get(f"/editions/{setup.slug}/manage/sessions").get_data(as_text=True)
    assert "Mobility data" in listing


def test_someone_who_does_not_organise_gets_403(app, client, setup):
    with app.app_context():
        user = make_user()
        db.session.commit()
        sign_in(client, user.id)
    assert client.get(f"/sessions/{setup.session_id}/edit").status_code == 403
    assert client.get(f"/editions/{setup.slug}/manage/schedule").status_code == 403


@pytest.mark.parametrize(
    ("changes", "field_message"),
    [
        ({"room_id": None, "starts_local": "2027-03-27T09:30"}, "is already taken by “Opening”"),
        ({"ends_local": "2027-03-27T10:00"}, "The session must end after it starts."),
        (
            {"starts_local": "2027-03-28T02:30", "ends_local": "2027-03-28T04:00"},
            "does not exist in Europe/Paris",
        ),
    ],
    ids=["room overlap", "end before start", "DST gap"],
)
def test_bad_input_is_refused_with_a_message_and_nothing_saved(
    app, client, setup, changes, field_message
):
    sign_in(client, setup.organiser_id)
    values = form(setup, title="Refused one", **{k: v for k, v in changes.items() if v})
    response = client.post(f"/editions/{setup.slug}/manage/sessions/new", data=values)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert field_message in page
    assert 'class="error"' in page  # next to its field
    with app.app_context():
        assert (
            db.session.scalar(
                select(ConferenceSession).where(ConferenceSession.title == "Refused one")
            )
            is None
        )


def test_two_organisers_editing_one_session_the_second_is_refused(app, setup):
    first = sign_in(app.test_client(), setup.organiser_id)
    second = sign_in(app.test_client(), setup.other_organiser_id)
    url = f"/sessions/{setup.session_id}/edit"
    version_first = version_in(first.get(url).get_data(as_text=True))
    version_second = version_in(second.get(url).get_data(as_text=True))
    assert version_first == version_second
    values = form(setup, starts_local="2027-03-27T09:00", ends_local="2027-03-27T10:00")
    saved = first.post(url, data={**values, "title": "Opening plenary", "version": version_first})
    assert saved.status_code == 302
    refused = second.post(url, data={**values, "title": "Opening talk", "version": version_second})
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "changed meanwhile" in page
    assert "Opening plenary" in page  # the newer values are shown
    with app.app_context():
        assert db.session.get(ConferenceSession, setup.session_id).title == "Opening plenary"
    # Saving again, knowingly, now replaces them.
    again = second.post(url, data={**values, "title": "Opening talk", "version": version_in(page)})
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(ConferenceSession, setup.session_id).title == "Opening talk"


def test_warnings_need_the_save_anyway_box(app, client, setup):
    sign_in(client, setup.organiser_id)
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        opening.speakers.append(SessionSpeaker(speaker_id=setup.speaker_id))
        other = make_session(
            opening.edition,
            datetime(2027, 3, 27, 9, 30),
            datetime(2027, 3, 27, 10, 30),
            title="Workshop",
            room=db.session.get(type(opening.room), setup.studio_id),
            timezone="Europe/Paris",
        )
        other.speakers.append(SessionSpeaker(speaker_id=setup.speaker_id))
        db.session.commit()
        other_id, version = other.id, other.version_id
    url = f"/sessions/{other_id}/edit"
    values = form(
        setup,
        title="Workshop B",
        room_id=str(setup.studio_id),
        starts_local="2027-03-27T09:15",
        ends_local="2027-03-27T10:30",
        version=str(version),
    )
    warned = client.post(url, data=values)
    assert warned.status_code == 200
    page = warned.get_data(as_text=True)
    assert "Amina is in “Opening”" in page and "Save anyway" in page
    assert client.post(url, data={**values, "accept_warnings": "y"}).status_code == 302
    with app.app_context():
        assert db.session.get(ConferenceSession, other_id).title == "Workshop B"


def test_cancel_keeps_the_session_and_notifies(app, client, setup):
    sign_in(client, setup.organiser_id)
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        opening.speakers.append(SessionSpeaker(speaker_id=setup.speaker_id))
        db.session.commit()
        version = opening.version_id
    response = client.post(f"/sessions/{setup.session_id}/cancel", data={"version": version})
    assert response.status_code == 302
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        assert opening.status is SessionStatus.CANCELLED and opening.sequence == 1
        kinds = db.session.scalars(select(OutboxMessage.kind)).all()
        assert kinds == ["program.session_cancelled"]


def test_speaker_added_invited_and_answering_by_link(app, client, setup):
    sign_in(client, setup.organiser_id)
    base = f"/sessions/{setup.session_id}"
    added = client.post(
        f"{base}/speakers", data={"speaker_id": setup.speaker_id, "role": "moderator"}
    )
    assert added.status_code == 302
    assert client.post(f"{base}/speakers/{setup.speaker_id}/invite").status_code == 302
    page = client.get(f"{base}/edit").get_data(as_text=True)
    assert "invited, no answer yet" in page
    with app.app_context():
        place = db.session.scalar(select(SessionSpeaker))
        token = services.invitation_token(place)
        assert db.session.scalar(select(OutboxMessage.kind)) == "program.speaker_invitation"
    anonymous = app.test_client()
    shown = anonymous.get(f"/speaker-invitations/{token}")
    assert shown.status_code == 200 and "Opening" in shown.get_data(as_text=True)
    assert (
        anonymous.post(f"/speaker-invitations/{token}", data={"answer": "confirm"}).status_code
        == 302
    )
    with app.app_context():
        assert db.session.scalar(select(SessionSpeaker)).invitation is InvitationStatus.CONFIRMED
    assert "confirmed" in client.get(f"{base}/edit").get_data(as_text=True)
    assert anonymous.get("/speaker-invitations/forged-token").status_code == 400


def test_grid_shows_rooms_and_moves_a_session(app, client, setup):
    sign_in(client, setup.organiser_id)
    grid = client.get(f"/editions/{setup.slug}/manage/schedule?day=2027-03-27")
    page = grid.get_data(as_text=True)
    assert grid.status_code == 200 and "Hall" in page and "Studio" in page and "Opening" in page
    with app.app_context():
        version = db.session.get(ConferenceSession, setup.session_id).version_id
    moved = client.post(
        f"/sessions/{setup.session_id}/place",
        data={"room_id": setup.studio_id, "starts_local": "2027-03-28T14:00", "version": version},
    )
    assert moved.status_code == 302 and "day=2027-03-28" in moved.location
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        assert opening.room_id == setup.studio_id
        assert (opening.starts_local, opening.ends_local) == (
            datetime(2027, 3, 28, 14),
            datetime(2027, 3, 28, 15),
        )
        assert opening.sequence == 1


def test_grid_refuses_a_move_onto_a_taken_room(app, client, setup):
    sign_in(client, setup.organiser_id)
    with app.app_context():
        edition_session = db.session.get(ConferenceSession, setup.session_id)
        other = make_session(
            edition_session.edition,
            datetime(2027, 3, 27, 11),
            datetime(2027, 3, 27, 12),
            title="Later",
            room=edition_session.room,
            timezone="Europe/Paris",
        )
        db.session.commit()
        other_id, version = other.id, other.version_id
    response = client.post(
        f"/sessions/{other_id}/place",
        data={"room_id": setup.hall_id, "starts_local": "2027-03-27T09:30", "version": version},
        follow_redirects=True,
    )
    assert "is already taken by “Opening”" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ConferenceSession, other_id).starts_local.hour == 11


def test_conflicts_page_lists_a_planted_conflict(app, client, setup):
    sign_in(client, setup.organiser_id)
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        make_session(
            opening.edition,
            datetime(2027, 3, 27, 9, 30),
            datetime(2027, 3, 27, 10, 30),
            title="Planted clash",
            room=opening.room,
            timezone="Europe/Paris",
        )
        db.session.commit()
    page = client.get(f"/editions/{setup.slug}/manage/conflicts").get_data(as_text=True)
    assert "Blocking" in page and "Planted clash" in page and "Opening" in page


def test_speaker_profile_with_a_photo(app, client, setup, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    sign_in(client, setup.organiser_id)
    url = f"/editions/{setup.slug}/manage/speakers/new"
    refused = client.post(
        url,
        data={"name": "Karim", "category": "startup", "photo": (io.BytesIO(b"<svg/>"), "k.png")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422
    assert "must be a PNG or JPEG image" in refused.get_data(as_text=True)
    only_its_signature = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
    refused = client.post(
        url,
        data={"name": "Karim", "photo": (io.BytesIO(only_its_signature), "k.png")},
        content_type="multipart/form-data",
    )
    assert "could not be read as an image" in refused.get_data(as_text=True)
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "teal").save(picture, format="PNG")
    png = picture.getvalue()
    saved = client.post(
        url,
        data={"name": "Karim", "category": "startup", "photo": (io.BytesIO(png), "k.png")},
        content_type="multipart/form-data",
    )
    assert saved.status_code == 302
    with app.app_context():
        karim = db.session.scalar(select(Speaker).where(Speaker.name == "Karim"))
        with Image.open(tmp_path / karim.photo_path) as stored:
            assert stored.format == "PNG" and stored.size == (40, 30)
        karim_id = karim.id
    photo = client.get(f"/speakers/{karim_id}/photo")
    assert photo.status_code == 200 and photo.mimetype == "image/png"
    assert app.test_client().get(f"/speakers/{karim_id}/photo").status_code == 404


@pytest.mark.parametrize("version", [None, "", "\x00", "garbage"])
def test_an_edit_without_a_readable_version_is_refused(app, client, setup, version):
    sign_in(client, setup.organiser_id)
    values = form(setup, title="Overwritten", starts_local="2027-03-27T09:00")
    values["ends_local"] = "2027-03-27T10:00"
    if version is not None:
        values["version"] = version
    response = client.post(f"/sessions/{setup.session_id}/edit", data=values)
    if version == "\x00":
        # The request guard refuses a NUL in any form field before the view runs.
        assert response.status_code == 400
    else:
        assert response.status_code == 200
        assert "changed meanwhile" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(ConferenceSession, setup.session_id).title == "Opening"


@pytest.mark.parametrize("version", [None, "\x00", "garbage"])
def test_a_move_or_cancel_without_a_readable_version_is_refused(app, client, setup, version):
    sign_in(client, setup.organiser_id)
    extra = {} if version is None else {"version": version}
    client.post(
        f"/sessions/{setup.session_id}/place",
        data={"room_id": setup.studio_id, "starts_local": "2027-03-28T14:00", **extra},
    )
    client.post(f"/sessions/{setup.session_id}/cancel", data=extra)
    with app.app_context():
        opening = db.session.get(ConferenceSession, setup.session_id)
        assert (opening.room_id, opening.status) == (setup.hall_id, SessionStatus.TENTATIVE)
        assert opening.sequence == 0
