"""The database itself refuses what the domain forbids."""

from datetime import date, datetime

import pytest
from sqlalchemy.exc import IntegrityError, StatementError

from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    AgreementParty,
    ConferenceSession,
    EditionStatus,
    Registration,
    SessionKind,
    ShowcaseStatus,
    ShowcaseTransition,
    User,
)
from app.timezones import NonexistentLocalTime
from tests.factories import (
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_showcase,
    make_user,
    make_venue,
)

pytestmark = pytest.mark.usefixtures("app_ctx")


def _flush_fails():
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_email_is_unique_whatever_its_case():
    make_user(email="Startup@Demo.Agora")
    db.session.add(User(email="startup@demo.agora", password_hash="x", display_name="Two"))
    _flush_fails()


def test_emails_are_stored_lowercase():
    assert make_user(email="  Mixed@Case.ORG ").email == "mixed@case.org"


def test_edition_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError):
        make_edition(start_date=date(2027, 5, 2), end_date=date(2027, 5, 1))
    db.session.rollback()


def test_edition_slug_is_unique():
    make_edition(slug="casablanca-smart-city-2023")
    with pytest.raises(IntegrityError):
        make_edition(slug="casablanca-smart-city-2023")
    db.session.rollback()


def test_unknown_enum_value_is_refused():
    edition = make_edition()
    with pytest.raises((StatementError, LookupError, ValueError)):
        db.session.execute(
            db.update(type(edition)).where(type(edition).id == edition.id).values(status="secret")
        )
    db.session.rollback()


def test_session_end_before_start_is_refused_by_the_model_and_the_database():
    edition = make_edition()
    with pytest.raises(ValueError):
        make_session(edition, datetime(2027, 3, 10, 11), datetime(2027, 3, 10, 10))
    db.session.rollback()
    edition = make_edition()
    row = ConferenceSession(edition=edition, kind=SessionKind.TALK, title="Backwards")
    row.timezone = "Europe/Paris"
    row.starts_local, row.ends_local = datetime(2027, 3, 10, 11), datetime(2027, 3, 10, 10)
    row.refresh_instants()
    db.session.add(row)
    _flush_fails()


def test_session_at_a_time_the_clocks_skip_is_refused():
    edition = make_edition(timezone="Europe/Paris")
    with pytest.raises(NonexistentLocalTime):
        make_session(edition, datetime(2027, 3, 28, 2, 30), datetime(2027, 3, 28, 3, 30))


def test_room_capacity_must_be_positive():
    venue = make_venue(make_edition())
    with pytest.raises(IntegrityError):
        make_room(venue, capacity=0)
    db.session.rollback()


def test_deleting_an_organisation_with_showcases_is_refused():
    organisation = make_organisation()
    make_showcase(make_edition(), organisation)
    db.session.delete(organisation)
    _flush_fails()


def test_a_party_is_listed_once_per_agreement():
    organisation = make_organisation()
    agreement = Agreement(kind=AgreementKind.CONVENTION, title="Convention")
    agreement.parties = [
        AgreementParty(organisation=organisation),
        AgreementParty(organisation=organisation),
    ]
    db.session.add(agreement)
    _flush_fails()


def test_agreement_cannot_expire_before_it_takes_effect():
    db.session.add(
        Agreement(
            kind=AgreementKind.MOU,
            title="MoU",
            effective_date=date(2027, 1, 1),
            expiry_date=date(2026, 1, 1),
        )
    )
    _flush_fails()


def test_one_registration_per_person_and_edition():
    user, edition = make_user(), make_edition(status=EditionStatus.PUBLISHED)
    db.session.add_all(
        [Registration(user=user, edition=edition), Registration(user=user, edition=edition)]
    )
    _flush_fails()


def test_showcase_history_keeps_from_and_to():
    showcase = make_showcase(make_edition(), make_organisation())
    db.session.add(
        ShowcaseTransition(
            showcase=showcase, from_status=ShowcaseStatus.DRAFT, to_status=ShowcaseStatus.SUBMITTED
        )
    )
    db.session.flush()
    db.session.expire_all()
    assert [(t.from_status, t.to_status) for t in showcase.transitions] == [
        (ShowcaseStatus.DRAFT, ShowcaseStatus.SUBMITTED)
    ]


def test_instants_read_back_aware_in_utc():
    edition = make_edition(timezone="Africa/Tunis")
    row = make_session(edition, datetime(2027, 3, 10, 9, 0), datetime(2027, 3, 10, 10, 0))
    db.session.expire_all()
    assert row.starts_at.isoformat() == "2027-03-10T08:00:00+00:00"
    assert row.starts_local == datetime(2027, 3, 10, 9, 0)
