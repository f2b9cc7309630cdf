"""Service tests of the organiser side of the programme: saving, conflicts, mails, invitations."""

import io
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from itsdangerous import TimestampSigner
from PIL import Image
from sqlalchemy import select, update

from app.errors import FormErrors, InvalidToken
from app.extensions import db
from app.models import (
    AgendaEntry,
    ConferenceSession,
    EditionFormat,
    InvitationStatus,
    OutboxMessage,
    OutboxStatus,
    SessionSpeaker,
    SessionStatus,
    SpeakerAvailability,
    SpeakerRole,
)
from app.program import services
from app.program.queries import conflicts
from tests.factories import (
    make_edition,
    make_room,
    make_session,
    make_speaker,
    make_user,
    make_venue,
)


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (12, 8), "teal").save(out, format=kind)
    return out.getvalue()


PNG = _image("PNG")
JPEG = _image("JPEG")


class Upload(io.BytesIO):
    """A stand-in for an uploaded file: bytes and a name."""

    def __init__(self, data: bytes, filename: str):
        super().__init__(data)
        self.filename = filename


def data(room=None, starts=(2027, 3, 27, 10, 0), ends=(2027, 3, 27, 11, 0), **changes) -> dict:
    values = {
        "kind": "talk",
        "title": "Mobility data",
        "abstract": "",
        "track_id": None,
        "room_id": room.id if room is not None else None,
        "venue_id": None,
        "online_url": None,
        "starts_local": datetime(*starts),
        "ends_local": datetime(*ends),
        "status": "tentative",
    }
    values.update(changes)
    return values


def speak(session_, speaker, role=SpeakerRole.SPEAKER):
    session_.speakers.append(SessionSpeaker(speaker=speaker, role=role))
    db.session.flush()


# Saving: zones, bad input, sequence ---------------------------------------------------------


def test_a_session_takes_its_venue_zone_and_starts_at_sequence_zero(paris_rooms):
    edition, venue, hall, _ = paris_rooms
    venue.timezone = "Africa/Casablanca"
    saved = services.save_session(edition, data(hall))
    assert saved.session.timezone == "Africa/Casablanca"
    assert saved.session.sequence == 0
    assert saved.session.starts_local == datetime(2027, 3, 27, 10, 0)


def test_an_online_session_takes_the_edition_zone(paris_rooms):
    edition, *_ = paris_rooms
    saved = services.save_session(edition, data(online_url="https://meet.example.org/x"))
    assert saved.session.timezone == "Europe/Paris"
    assert saved.session.room is None


def test_a_session_needs_a_room_a_venue_or_a_link(paris_rooms):
    edition, *_ = paris_rooms
    with pytest.raises(FormErrors) as caught:
        services.save_session(edition, data())
    assert "room_id" in caught.value.errors


def test_end_before_start_is_refused_next_to_the_end(paris_rooms):
    edition, _, hall, _ = paris_rooms
    with pytest.raises(FormErrors) as caught:
        services.save_session(edition, data(hall, ends=(2027, 3, 27, 9, 0)))
    assert caught.value.errors == {"ends_local": ["The session must end after it starts."]}
    assert db.session.scalar(select(ConferenceSession.id)) is None


def test_a_time_in_the_dst_gap_is_refused_next_to_its_field(paris_rooms):
    edition, _, hall, _ = paris_rooms
    # Paris skips from 02:00 to 03:00 on 28 March 2027.
    with pytest.raises(FormErrors) as caught:
        services.save_session(edition, data(hall, (2027, 3, 28, 2, 30), (2027, 3, 28, 4, 0)))
    assert list(caught.value.errors) == ["starts_local"]
    assert "does not exist in Europe/Paris" in caught.value.errors["starts_local"][0]
    assert db.session.scalar(select(ConferenceSession.id)) is None


def test_calendar_changes_grow_the_sequence_and_others_do_not(paris_rooms):
    edition, _, hall, studio = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    values = data(hall)
    for change, grows in (
        ({"abstract": "More words"}, False),
        ({"kind": "panel"}, False),
        ({"online_url": "https://meet.example.org/x"}, False),
        ({"title": "Renamed"}, True),
        ({"room_id": studio.id}, True),
        ({"starts_local": datetime(2027, 3, 27, 9, 0)}, True),
        ({"ends_local": datetime(2027, 3, 27, 12, 0)}, True),
        ({"status": "confirmed"}, True),
    ):
        before = session_.sequence
        values = {**values, **change}
        services.save_session(edition, values, session_=session_)
        assert session_.sequence == before + (1 if grows else 0), change
    assert session_.sequence == 5
    assert session_.changed_at is not None


def test_a_stale_version_is_refused(paris_rooms):
    edition, _, hall, _ = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    db.session.flush()
    opened = session_.version_id
    services.save_session(
        edition, data(hall, title="First save"), session_=session_, version=opened
    )
    db.session.flush()
    with pytest.raises(services.StaleSession):
        services.save_session(
            edition, data(hall, title="Second"), session_=session_, version=opened
        )
    assert session_.title == "First save"


# Conflicts ------------------------------------------------------------------------------------


def test_a_room_overlap_blocks_the_save_and_names_the_other_session(paris_rooms):
    edition, _, hall, _ = paris_rooms
    make_session(
        edition,
        datetime(2027, 3, 27, 10, 30),
        datetime(2027, 3, 27, 11, 30),
        title="Opening",
        room=hall,
        timezone="Europe/Paris",
    )
    with pytest.raises(FormErrors) as caught:
        services.save_session(edition, data(hall, title="Clash"), accept_warnings=True)
    assert "Opening" in caught.value.errors["room_id"][0]
    assert (
        db.session.scalar(select(ConferenceSession).where(ConferenceSession.title == "Clash"))
        is None
    )


def test_back_to_back_sessions_and_cancelled_ones_do_not_overlap(paris_rooms):
    edition, _, hall, _ = paris_rooms
    make_session(
        edition,
        datetime(2027, 3, 27, 9),
        datetime(2027, 3, 27, 10),
        room=hall,
        timezone="Europe/Paris",
    )
    make_session(
        edition,
        datetime(2027, 3, 27, 10),
        datetime(2027, 3, 27, 11),
        room=hall,
        status=SessionStatus.CANCELLED,
        timezone="Europe/Paris",
    )
    saved = services.save_session(edition, data(hall))
    assert saved.warnings == []


def test_a_double_booked_speaker_is_a_warning_the_organiser_can_accept(paris_rooms):
    edition, _, hall, studio = paris_rooms
    amina = make_speaker(name="Amina")
    other = make_session(
        edition,
        room=studio,
        title="Panel",
        timezone="Europe/Paris",
        starts=datetime(2027, 3, 27, 10, 30),
        ends=datetime(2027, 3, 27, 12),
    )
    speak(other, amina)
    session_ = services.save_session(edition, data(hall)).session
    speak(session_, amina)
    with pytest.raises(services.ScheduleWarnings) as caught:
        services.save_session(edition, data(hall, title="Moved"), session_=session_)
    assert caught.value.warnings[0].kind == conflicts.SPEAKER_DOUBLE_BOOKED
    assert "Amina" in caught.value.warnings[0].message
    saved = services.save_session(
        edition, data(hall, title="Moved"), session_=session_, accept_warnings=True
    )
    assert saved.session.title == "Moved" and len(saved.warnings) == 1


def test_adding_a_busy_speaker_warns(paris_rooms):
    edition, _, hall, studio = paris_rooms
    karim = make_speaker(name="Karim")
    speak(
        make_session(
            edition,
            room=studio,
            timezone="Europe/Paris",
            starts=datetime(2027, 3, 27, 10),
            ends=datetime(2027, 3, 27, 11),
        ),
        karim,
    )
    session_ = services.save_session(edition, data(hall)).session
    with pytest.raises(services.ScheduleWarnings):
        services.add_speaker(session_, karim, SpeakerRole.PANELLIST)
    db.session.expire_all()
    assert session_.speakers == []
    services.add_speaker(session_, karim, SpeakerRole.PANELLIST, accept_warnings=True)
    assert [p.speaker.name for p in session_.speakers] == ["Karim"]


@pytest.fixture
def caravan(app_ctx):
    edition = make_edition(
        format=EditionFormat.CARAVAN,
        timezone="Africa/Tunis",
        start_date=date(2027, 6, 1),
        end_date=date(2027, 6, 7),
    )
    sbeitla = make_venue(
        edition,
        name="Sbeitla stop",
        town="Sbeitla",
        start_date=date(2027, 6, 1),
        end_date=date(2027, 6, 1),
    )
    kasserine = make_venue(
        edition,
        name="Kasserine stop",
        town="Kasserine",
        start_date=date(2027, 6, 1),
        end_date=date(2027, 6, 2),
    )
    return edition, make_room(sbeitla, name="Town hall"), make_room(kasserine, name="Theatre")


def test_a_speaker_needs_two_hours_between_towns_on_one_day(caravan):
    edition, sbeitla, kasserine = caravan
    nour = make_speaker(name="Nour")
    first = make_session(
        edition,
        datetime(2027, 6, 1, 9),
        datetime(2027, 6, 1, 10),
        room=sbeitla,
        venue=sbeitla.venue,
        title="Sbeitla talk",
    )
    speak(first, nour)
    second = make_session(
        edition,
        datetime(2027, 6, 1, 11),
        datetime(2027, 6, 1, 12),
        room=kasserine,
        venue=kasserine.venue,
        title="Kasserine talk",
    )
    speak(second, nour)
    found = conflicts.session_conflicts(second)
    assert [c.kind for c in found] == [conflicts.SPEAKER_TRAVEL]
    assert "60 minutes" in found[0].message
    second.set_times(datetime(2027, 6, 1, 12), datetime(2027, 6, 1, 13), "Africa/Tunis")
    db.session.flush()
    assert conflicts.session_conflicts(second) == []
    assert [c.kind for c in conflicts.edition_conflicts(edition)] == []


def test_sessions_outside_the_edition_or_the_stop_are_warnings(caravan):
    edition, sbeitla, _ = caravan
    late = make_session(
        edition,
        datetime(2027, 6, 2, 9),
        datetime(2027, 6, 2, 10),
        room=sbeitla,
        venue=sbeitla.venue,
    )
    assert [c.kind for c in conflicts.session_conflicts(late)] == [conflicts.OUTSIDE_VENUE]
    later = make_session(
        edition,
        datetime(2027, 6, 9, 9),
        datetime(2027, 6, 9, 10),
        online_url="https://meet.example.org",
    )
    assert [c.kind for c in conflicts.session_conflicts(later)] == [conflicts.OUTSIDE_EDITION]


def test_a_speaker_outside_their_stated_availability_is_a_warning(paris_rooms):
    edition, _, hall, _ = paris_rooms
    lea = make_speaker(name="Léa")
    for start, end in ((9, 10), (10, 12)):  # two adjoining periods count as one
        period = SpeakerAvailability(speaker=lea, edition_id=edition.id)
        period.set_times(datetime(2027, 3, 27, start), datetime(2027, 3, 27, end), "Europe/Paris")
        db.session.add(period)
    inside = make_session(
        edition,
        datetime(2027, 3, 27, 9, 30),
        datetime(2027, 3, 27, 11, 30),
        room=hall,
        timezone="Europe/Paris",
    )
    speak(inside, lea)
    outside = make_session(
        edition,
        datetime(2027, 3, 27, 14),
        datetime(2027, 3, 27, 15),
        room=hall,
        timezone="Europe/Paris",
    )
    speak(outside, lea)
    assert conflicts.session_conflicts(inside) == []
    found = conflicts.session_conflicts(outside)
    assert [c.kind for c in found] == [conflicts.OUTSIDE_AVAILABILITY]
    assert "Léa" in found[0].message


def test_the_whole_edition_check_lists_every_kind(paris_rooms):
    edition, _, hall, _ = paris_rooms
    sami = make_speaker(name="Sami")
    a = make_session(
        edition,
        datetime(2027, 3, 27, 10),
        datetime(2027, 3, 27, 12),
        room=hall,
        timezone="Europe/Paris",
        title="A",
    )
    b = make_session(
        edition,
        datetime(2027, 3, 27, 11),
        datetime(2027, 3, 27, 13),
        room=hall,
        timezone="Europe/Paris",
        title="B",
    )
    speak(a, sami)
    speak(b, sami)
    make_session(
        edition,
        datetime(2027, 3, 30, 10),
        datetime(2027, 3, 30, 11),
        room=hall,
        timezone="Europe/Paris",
        title="After",
    )
    kinds = sorted(c.kind for c in conflicts.edition_conflicts(edition))
    assert kinds == sorted(
        [conflicts.ROOM_OVERLAP, conflicts.SPEAKER_DOUBLE_BOOKED, conflicts.OUTSIDE_EDITION]
    )


def test_the_sweep_finds_every_overlap_among_thousands_of_sessions():
    # Its speed is measured by `make bench` (the conflict check at 100 to 2,000 sessions).
    start = datetime(2027, 6, 14, 7, tzinfo=UTC)
    slots = []
    for n in range(5000):
        begins = start + timedelta(minutes=20 * (n // 6))
        slots.append(
            conflicts.Slot(
                n,
                f"S{n}",
                n % 6,
                1,
                begins,
                begins + timedelta(minutes=25),
                begins.replace(tzinfo=None),
                (begins + timedelta(minutes=25)).replace(tzinfo=None),
                (n % 700,),
            )
        )
    context = conflicts.Context(date(2027, 6, 1), date(2027, 6, 30))
    found = conflicts.detect(slots, context)
    # every session after the first of its room overlaps the one before it by 5 minutes
    assert sum(c.kind == conflicts.ROOM_OVERLAP for c in found) == 5000 - 6


# Mails ----------------------------------------------------------------------------------------


def outbox(kind_prefix="program."):
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind.startswith(kind_prefix))
            .order_by(OutboxMessage.id)
        )
    )


def test_a_burst_of_edits_yields_one_mail_per_person_with_the_final_state(paris_rooms):
    edition, _, hall, studio = paris_rooms
    amina = make_speaker(name="Amina", email="amina@example.org")
    fan = make_user(email="fan@example.org")
    session_ = services.save_session(edition, data(hall)).session
    speak(session_, amina)
    db.session.add(AgendaEntry(user=fan, session=session_))
    db.session.flush()
    assert outbox() == []
    for n, hour in enumerate((12, 13, 14)):
        services.save_session(
            edition,
            data(studio, (2027, 3, 27, hour), (2027, 3, 27, hour + 1), title=f"V{n}"),
            session_=session_,
        )
    mails = outbox()
    assert sorted(m.recipient for m in mails) == ["amina@example.org", "fan@example.org"]
    for mail in mails:
        assert "V2" in mail.subject and "14:00" in mail.body_text
        assert "12:00" not in mail.body_text
        assert mail.next_attempt_at > datetime.now(UTC) + timedelta(minutes=4)
        [invite] = mail.attachments
        assert "method=REQUEST" in invite.content_type
        assert b"METHOD:REQUEST" in invite.data and b"SEQUENCE:3" in invite.data
    # Once sent, the next change is a new mail.
    for mail in mails:
        mail.status = OutboxStatus.SENT
    services.save_session(edition, data(studio, title="V3"), session_=session_)
    assert len(outbox()) == 4


def test_cancelling_keeps_the_session_and_mails_a_cancellation(paris_rooms):
    edition, _, hall, _ = paris_rooms
    amina = make_speaker(name="Amina", email="amina@example.org")
    silent = make_speaker(name="No mail")
    session_ = services.save_session(edition, data(hall, title="Keynote")).session
    speak(session_, amina)
    speak(session_, silent)
    services.cancel_session(session_)
    assert db.session.get(ConferenceSession, session_.id).status is SessionStatus.CANCELLED
    assert session_.sequence == 1
    [mail] = outbox()
    assert mail.kind == "program.session_cancelled"
    assert mail.subject == "Cancelled: Keynote"
    assert mail.recipient == "amina@example.org"
    assert b"METHOD:CANCEL" in mail.attachments[0].data


def test_an_invitation_link_confirms_or_declines_without_a_password(paris_rooms, monkeypatch):
    # The link is signed with the current second: hold the clock so that the mail's link
    # and the one signed again below are the same token.
    now = int(time.time())
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: now)
    edition, _, hall, _ = paris_rooms
    amina = make_speaker(name="Amina", email="amina@example.org")
    session_ = services.save_session(edition, data(hall, title="Keynote")).session
    speak(session_, amina)
    place = session_.speakers[0]
    services.invite_speaker(place)
    assert place.invitation is InvitationStatus.INVITED
    [mail] = outbox("program.speaker_invitation")
    token = services.invitation_token(place)
    assert f"/speaker-invitations/{token}" in mail.body_text
    found = services.invitation_from_token(token)
    services.answer_invitation(found, accept=False)
    assert place.invitation is InvitationStatus.DECLINED and place.responded_at is not None
    with pytest.raises(InvalidToken):
        services.invitation_from_token(token[:-2] + "xx")


def test_a_speaker_without_email_cannot_be_invited(paris_rooms):
    edition, _, hall, _ = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    speak(session_, make_speaker(name="Offline"))
    with pytest.raises(FormErrors):
        services.invite_speaker(session_.speakers[0])
    assert outbox() == []


# Speaker profiles -------------------------------------------------------------------------------


def test_a_speaker_profile_takes_a_png_or_jpeg_photo_by_its_bytes(
    app_ctx, tmp_path, app, monkeypatch
):
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(tmp_path))
    fields = {"name": "Amina", "category": "city", "email": "a@example.org"}
    speaker = services.save_speaker(fields, photo=Upload(JPEG, "face.png"))
    assert speaker.photo_path.endswith(".jpg")
    with Image.open(tmp_path / speaker.photo_path) as stored:
        assert stored.format == "JPEG" and stored.size == (12, 8)
    only_a_signature = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for bad in (b"GIF89a....", b"<svg onload=alert(1)>", b"%PDF-1.4", only_a_signature):
        with pytest.raises(FormErrors) as caught:
            services.save_speaker(fields, speaker=speaker, photo=Upload(bad, "face.png"))
        assert "photo" in caught.value.errors
    services.save_speaker(fields, speaker=speaker, photo=Upload(PNG, "face.jpg"))
    assert speaker.photo_path.endswith(".png")


def test_a_speaker_profile_links_an_account_by_email_once(app_ctx):
    user = make_user(email="Karim@Example.org")
    first = services.save_speaker({"name": "Karim", "account_email": "karim@example.org"})
    assert first.user_id == user.id
    with pytest.raises(FormErrors) as caught:
        services.save_speaker({"name": "Karim bis", "account_email": "karim@example.org"})
    assert "account_email" in caught.value.errors
    with pytest.raises(FormErrors):
        services.save_speaker({"name": "Nobody", "account_email": "nobody@example.org"})


def test_a_save_racing_another_commit_is_refused_by_the_version_column(paris_rooms):
    edition, _, hall, _ = paris_rooms
    session_ = services.save_session(edition, data(hall)).session
    db.session.flush()
    opened = session_.version_id
    # Another organiser's save lands between this one's check and its write.
    db.session.execute(
        update(ConferenceSession)
        .where(ConferenceSession.id == session_.id)
        .values(title="Theirs", version_id=opened + 1)
        .execution_options(synchronize_session=False)
    )
    with pytest.raises(services.StaleSession):
        services.save_session(edition, data(hall, title="Mine"), session_=session_, version=opened)
    db.session.expire_all()
    assert db.session.get(ConferenceSession, session_.id).title == "Theirs"
