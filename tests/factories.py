"""Small factories that add an object, flush and return it."""

import itertools
from datetime import date, datetime
from decimal import Decimal

from app.auth.services import hash_password
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    AgreementStatus,
    Commitment,
    CommitmentProgress,
    ConferenceSession,
    Contribution,
    Edition,
    EditionFormat,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    Organisation,
    OrganisationKind,
    ReviewAssignment,
    RoadmapItem,
    RoadmapStatus,
    Room,
    Series,
    SessionKind,
    SessionSpeaker,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    Speaker,
    SpeakerRole,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    Track,
    User,
    Venue,
)

PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


def _n() -> int:
    return next(_numbers)


def _save(obj):
    db.session.add(obj)
    db.session.flush()
    return obj


def make_organisation(**fields) -> Organisation:
    n = _n()
    fields.setdefault("name", f"Organisation {n}")
    fields.setdefault("kind", OrganisationKind.STARTUP)
    fields.setdefault("country", "MA")
    fields.setdefault("city", "Casablanca")
    return _save(Organisation(**fields))


def make_user(*, password: str = PASSWORD, confirmed: bool = True, **fields) -> User:
    n = _n()
    fields.setdefault("email", f"user{n}@example.org")
    fields.setdefault("display_name", f"User {n}")
    user = User(password_hash=hash_password(password), **fields)
    if confirmed:
        user.email_confirmed_at = datetime(2026, 1, 1).astimezone()
    return _save(user)


def make_series(**fields) -> Series:
    n = _n()
    fields.setdefault("slug", f"series-{n}")
    fields.setdefault("name", f"Series {n}")
    return _save(Series(**fields))


def make_edition(series: Series | None = None, **fields) -> Edition:
    n = _n()
    series = series or make_series()
    fields.setdefault("slug", f"edition-{n}")
    fields.setdefault("number", n)
    fields.setdefault("year", 2027)
    fields.setdefault("title", f"Edition {n}")
    fields.setdefault("format", EditionFormat.CONFERENCE)
    fields.setdefault("timezone", "Africa/Casablanca")
    fields.setdefault("start_date", date(2027, 3, 10))
    fields.setdefault("end_date", date(2027, 3, 11))
    fields.setdefault("status", EditionStatus.PUBLISHED)
    return _save(Edition(series=series, **fields))


def grant(user: User, edition: Edition, role: EditionRoleKind) -> EditionRole:
    return _save(EditionRole(user=user, edition=edition, role=role))


def make_track(edition: Edition, **fields) -> Track:
    fields.setdefault("name", f"Track {_n()}")
    return _save(Track(edition=edition, **fields))


def make_venue(edition: Edition, **fields) -> Venue:
    fields.setdefault("name", f"Venue {_n()}")
    fields.setdefault("town", "Casablanca")
    return _save(Venue(edition=edition, **fields))


def make_room(venue: Venue, **fields) -> Room:
    fields.setdefault("name", f"Room {_n()}")
    fields.setdefault("capacity", 100)
    return _save(Room(venue=venue, **fields))


def make_session(
    edition: Edition,
    starts: datetime = datetime(2027, 3, 10, 10, 0),
    ends: datetime = datetime(2027, 3, 10, 11, 0),
    *,
    timezone: str | None = None,
    **fields,
) -> ConferenceSession:
    fields.setdefault("title", f"Session {_n()}")
    fields.setdefault("kind", SessionKind.TALK)
    session_ = ConferenceSession(edition=edition, **fields)
    session_.set_times(starts, ends, timezone or edition.timezone)
    return _save(session_)


def make_showcase(edition: Edition, organisation: Organisation, **fields) -> Showcase:
    fields.setdefault("title", f"Showcase {_n()}")
    fields.setdefault("kind", ShowcaseKind.PROJECT)
    fields.setdefault("status", ShowcaseStatus.DRAFT)
    return _save(Showcase(edition=edition, organisation=organisation, **fields))


def assign_reviewer(showcase: Showcase, reviewer: User) -> ReviewAssignment:
    return _save(ReviewAssignment(showcase=showcase, reviewer=reviewer))


def make_speaker(**fields) -> Speaker:
    fields.setdefault("name", f"Speaker {_n()}")
    return _save(Speaker(**fields))


def add_speaker(session_: ConferenceSession, speaker: Speaker, **fields) -> SessionSpeaker:
    fields.setdefault("role", SpeakerRole.SPEAKER)
    return _save(SessionSpeaker(session=session_, speaker=speaker, **fields))


# Thinklabs --------------------------------------------------------------------------------


def make_thinklab(**fields) -> Thinklab:
    """A thinklab meeting every Tuesday evening from 5 January 2027 (Paris time)."""
    n = _n()
    fields.setdefault("slug", f"thinklab-{n}")
    fields.setdefault("name", f"Thinklab {n}")
    fields.setdefault("timezone", "Europe/Paris")
    fields.setdefault("first_meeting_local", datetime(2027, 1, 5, 18, 0))
    fields.setdefault("rrule", "FREQ=WEEKLY;BYDAY=TU")
    thinklab = Thinklab(**fields)
    thinklab.refresh_instants()
    return _save(thinklab)


def make_member(thinklab: Thinklab, user: User | None = None, **fields) -> ThinklabMember:
    fields.setdefault("name", user.display_name if user is not None else f"Member {_n()}")
    fields.setdefault("category", StakeholderCategory.STARTUP)
    return _save(ThinklabMember(thinklab=thinklab, user=user, **fields))


def make_contribution(thinklab: Thinklab, author: User | None = None, **fields) -> Contribution:
    fields.setdefault("body_html", f"<p>Contribution {_n()}</p>")
    return _save(Contribution(thinklab=thinklab, author=author, **fields))


def make_roadmap_item(thinklab: Thinklab, **fields) -> RoadmapItem:
    fields.setdefault("title", f"Roadmap item {_n()}")
    fields.setdefault("horizon_year", 2027)
    fields.setdefault("status", RoadmapStatus.PLANNED)
    return _save(RoadmapItem(thinklab=thinklab, **fields))


# Agreements -------------------------------------------------------------------------------


def make_agreement(
    edition: Edition | None = None,
    parties: tuple[tuple[Organisation, date | None], ...] = (),
    **fields,
) -> Agreement:
    """An agreement with one party per ``(organisation, signed_on)`` pair."""
    fields.setdefault("kind", AgreementKind.CONVENTION)
    fields.setdefault("title", "Convention of cooperation")
    fields.setdefault("status", AgreementStatus.DRAFT)
    agreement = Agreement(edition=edition, **fields)
    for organisation, signed_on in parties:
        agreement.parties.append(
            AgreementParty(
                organisation=organisation, signatory_name="Signatory", signed_on=signed_on
            )
        )
    return _save(agreement)


def make_commitment(
    agreement: Agreement, progress: tuple[tuple[date, int | str], ...] = (), **fields
) -> Commitment:
    """A commitment with one progress update per ``(recorded_on, value)`` pair."""
    fields.setdefault("title", "Students hosted")
    fields.setdefault("due_date", date(2027, 6, 30))
    fields.setdefault("target_value", Decimal(100))
    commitment = Commitment(agreement=agreement, **fields)
    for day, value in progress:
        commitment.progress.append(CommitmentProgress(recorded_on=day, value=Decimal(value)))
    return _save(commitment)


def make_progress(commitment: Commitment, value: int | str, **fields) -> CommitmentProgress:
    fields.setdefault("recorded_on", date(2027, 3, 1))
    return _save(CommitmentProgress(commitment=commitment, value=Decimal(value), **fields))
