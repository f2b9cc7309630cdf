"""The demo loader holds the five real cases of DESIGN.md and is idempotent."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from app.auth.services import verify_password
from app.demo import (
    CARAVAN_STOPS,
    DEMO_EMAILS,
    DEMO_PASSWORD,
    EDITION_SLUGS,
    THINKLAB_SLUG,
    load_demo,
)
from app.demo.upcoming import OVERLAPPING_TITLES, UPCOMING_SLUG, WORKSHOP_SEATS
from app.extensions import db
from app.models import (
    Agreement,
    AgreementKind,
    Base,
    BookingStatus,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionRoleKind,
    EditionStatus,
    OrganisationKind,
    SessionKind,
    SessionStatus,
    Showcase,
    ShowcaseStatus,
    Thinklab,
    User,
)
from app.registrations import queries

pytestmark = pytest.mark.usefixtures("app_ctx")


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in Base.metadata.sorted_tables
    }


def edition(slug: str) -> Edition:
    return db.session.scalar(select(Edition).where(Edition.slug == slug))


def test_loader_creates_the_editions_thinklab_and_accounts_of_the_design():
    load_demo()
    for slug in EDITION_SLUGS:
        found = edition(slug)
        assert found is not None, slug
        assert found.status is EditionStatus.PUBLISHED and found.published_at is not None
    assert db.session.scalar(select(Thinklab).where(Thinklab.slug == THINKLAB_SLUG))
    users = {u.email: u for u in db.session.scalars(select(User))}
    assert set(DEMO_EMAILS) <= set(users)
    assert users["admin@demo.agora"].is_admin
    assert users["organiser@demo.agora"].is_organiser
    assert users["startup@demo.agora"].organisation.kind is OrganisationKind.STARTUP
    assert all(users[email].is_email_confirmed for email in DEMO_EMAILS)
    assert {users[email].locale for email in DEMO_EMAILS} == {"fr", "en"}
    role = db.session.scalar(
        select(EditionRole).where(EditionRole.user_id == users["reviewer@demo.agora"].id)
    )
    assert role.role is EditionRoleKind.REVIEWER
    assert role.edition.slug == "casablanca-smart-city-2023"


def test_running_twice_changes_no_row_count_in_any_table():
    first = load_demo()
    assert first, "the first run creates rows"
    before = row_counts()
    second = load_demo()
    assert second == {}
    assert row_counts() == before
    assert sum(before.values()) > 300


def test_every_demo_password_works():
    load_demo()
    for email in DEMO_EMAILS:
        user = db.session.scalar(select(User).where(User.email == email))
        assert verify_password(user.password_hash, DEMO_PASSWORD), email
        assert not verify_password(user.password_hash, "wrong password")


def test_casablanca_has_showcases_in_every_status_with_their_history():
    load_demo()
    casablanca = edition("casablanca-smart-city-2023")
    showcases = db.session.scalars(select(Showcase).where(Showcase.edition_id == casablanca.id))
    by_status: dict[ShowcaseStatus, list[Showcase]] = {}
    for showcase in showcases:
        by_status.setdefault(showcase.status, []).append(showcase)
        assert showcase.transitions[-1].to_status is showcase.status
        assert showcase.transitions[0].from_status is None
    assert set(by_status) == set(ShowcaseStatus)
    assert len(casablanca.tracks) == 5
    assert [c.name for c in casablanca.review_criteria] == [
        "Pertinence",
        "Maturité",
        "Impact",
        "Réplicabilité",
    ]
    assert all(s.stand_number for s in by_status[ShowcaseStatus.ACCEPTED])


def test_casablanca_programme_has_a_cancelled_and_a_rescheduled_session():
    load_demo()
    casablanca = edition("casablanca-smart-city-2023")
    sessions = list(
        db.session.scalars(
            select(ConferenceSession).where(ConferenceSession.edition_id == casablanca.id)
        )
    )
    cancelled = [s for s in sessions if s.status is SessionStatus.CANCELLED]
    moved = [s for s in sessions if s.status is not SessionStatus.CANCELLED and s.sequence > 0]
    assert len(cancelled) == 1 and cancelled[0].sequence > 0
    assert len(moved) == 1
    assert moved[0].starts_local == datetime(2023, 10, 19, 11, 0)
    # Casablanca was on UTC+1 in October 2023.
    assert moved[0].starts_at == datetime(2023, 10, 19, 10, 0, tzinfo=UTC)
    slots = [s for s in sessions if s.kind is SessionKind.SHOWCASE_SLOT]
    presented = [link.showcase for slot in slots for link in slot.showcases]
    assert presented and all(s.status is ShowcaseStatus.ACCEPTED for s in presented)
    assert any(place.role.value == "moderator" for s in sessions for place in s.speakers)


def test_caravan_stops_and_bizerte_signing_ceremony():
    load_demo()
    caravan = edition("tunisian-smart-cities-caravan-2020")
    assert [v.town for v in caravan.venues] == list(CARAVAN_STOPS)
    assert caravan.venues[0].start_date == date(2020, 6, 21)
    assert caravan.venues[-1].start_date == date(2020, 6, 27)
    partners = db.session.scalar(
        select(Agreement).where(
            Agreement.edition_id == caravan.id, Agreement.kind == AgreementKind.PATRONAGE
        )
    )
    kinds = [p.organisation.kind for p in partners.parties]
    assert kinds.count(OrganisationKind.MINISTRY) == 7 and partners.is_public

    convention = db.session.scalar(
        select(Agreement).where(Agreement.kind == AgreementKind.CONVENTION)
    )
    assert convention.signing_session.kind is SessionKind.SIGNING_CEREMONY
    assert convention.signing_session.edition.slug == "bizerte-smart-city-2017"
    assert [t.to_status.value for t in convention.transitions] == [
        "draft",
        "negotiation",
        "signed",
        "active",
    ]


def test_twinning_has_six_working_groups_in_two_zones():
    load_demo()
    twinning = db.session.scalar(select(Agreement).where(Agreement.kind == AgreementKind.TWINNING))
    assert twinning.is_public
    assert len(twinning.working_groups) == 6
    assert {g.timezone for g in twinning.working_groups} == {"Europe/Paris", "Asia/Shanghai"}
    assert {p.organisation.country for p in twinning.parties} == {"FR", "CN"}


def test_the_upcoming_workshops_take_bookings_and_the_second_is_full():
    """A newcomer books a seat at the first workshop, and joins the queue of the second."""
    load_demo()
    upcoming = edition(UPCOMING_SLUG)
    for title, seats in zip(OVERLAPPING_TITLES, WORKSHOP_SEATS, strict=True):
        workshop = db.session.scalar(
            select(ConferenceSession).filter_by(edition_id=upcoming.id, title=title)
        )
        assert workshop.seats == seats
    assert queries.count_bookings(workshop.id, BookingStatus.BOOKED) == WORKSHOP_SEATS[1]
