"""An Agora whose call is open now: axes, criteria, a startup and its delegates, another
organisation, organisers, reviewers (one of them from the startup) and a showcase slot."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.models import (
    EditionFormat,
    EditionRoleKind,
    OrganisationKind,
    ReviewCriterion,
    SessionKind,
    utcnow,
)
from app.timezones import utc_to_local
from tests.factories import (
    grant,
    make_edition,
    make_organisation,
    make_room,
    make_session,
    make_track,
    make_user,
    make_venue,
)

PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


def local_now(zone: str, shift: timedelta = timedelta()) -> datetime:
    """The wall-clock time ``shift`` from now in ``zone``, naive and to the minute."""
    return utc_to_local(utcnow() + shift, zone).replace(tzinfo=None, second=0, microsecond=0)


def set_call(edition, opens: timedelta, closes: timedelta) -> None:
    """Put the call window at now+opens .. now+closes on the edition's clock."""
    edition.call_opens_local = local_now(edition.timezone, opens)
    edition.call_closes_local = local_now(edition.timezone, closes)
    edition.refresh_instants()
    db.session.flush()


@dataclass
class Agora:
    """The objects (in a service test) or their ids (in a route test)."""

    edition: object
    other_edition: object
    tracks: list
    other_track: object
    criteria: list
    startup: object
    other_org: object
    founder: object
    cofounder: object
    rival: object
    organiser: object
    reviewer_a: object
    reviewer_b: object
    reviewer_inside: object
    attendee: object
    slot: object
    talk: object


def build_agora() -> Agora:
    edition = make_edition(
        slug="casa-2027",
        title="Casablanca Smart City 2027",
        format=EditionFormat.AGORA,
        timezone="Africa/Casablanca",
        start_date=date.today() + timedelta(days=60),
        end_date=date.today() + timedelta(days=61),
        organised_by="Cluster e-Madina",
    )
    set_call(edition, timedelta(days=-10), timedelta(days=10))
    tracks = [
        make_track(edition, name="Smart governance", colour="#3559a8", position=0),
        make_track(edition, name="Ecology", colour="#2e7d32", position=1),
    ]
    criteria = [
        ReviewCriterion(edition=edition, name="Relevance", weight=2, position=0),
        ReviewCriterion(edition=edition, name="Maturity", weight=1, position=1),
    ]
    db.session.add_all(criteria)
    other_edition = make_edition(slug="tunis-2027", timezone="Africa/Tunis")
    set_call(other_edition, timedelta(days=-10), timedelta(days=10))
    other_track = make_track(other_edition, name="Tunis axis")
    startup = make_organisation(name="Dar Mobility", kind=OrganisationKind.STARTUP)
    other_org = make_organisation(
        name="Qanat Water Tech", kind=OrganisationKind.COMPANY, city="Rabat"
    )
    university = make_organisation(name="Université Hassan II", kind=OrganisationKind.UNIVERSITY)
    founder = make_user(email="salma@darmobility.ma", display_name="Salma", organisation=startup)
    cofounder = make_user(email="omar@darmobility.ma", display_name="Omar", organisation=startup)
    rival = make_user(email="rival@qanat.ma", display_name="Rival", organisation=other_org)
    organiser = make_user(email="nadia@emadina.ma", display_name="Nadia")
    grant(organiser, edition, EditionRoleKind.ORGANISER)
    reviewer_a = make_user(
        email="leila@univh2c.ma", display_name="Leïla", organisation=university, locale="en"
    )
    reviewer_b = make_user(email="karim@review.org", display_name="Karim")
    reviewer_inside = make_user(
        email="inside@darmobility.ma", display_name="Insider", organisation=startup
    )
    for reviewer in (reviewer_a, reviewer_b, reviewer_inside):
        grant(reviewer, edition, EditionRoleKind.REVIEWER)
    attendee = make_user(email="thomas@example.org", display_name="Thomas")
    venue = make_venue(edition, name="OFEC", town="Casablanca")
    room = make_room(venue, name="Espace Agora")
    day = edition.start_date
    slot = make_session(
        edition,
        datetime(day.year, day.month, day.day, 10, 0),
        datetime(day.year, day.month, day.day, 12, 0),
        kind=SessionKind.SHOWCASE_SLOT,
        title="Agora des showcases",
        venue=venue,
        room=room,
    )
    talk = make_session(
        edition,
        datetime(day.year, day.month, day.day, 14, 0),
        datetime(day.year, day.month, day.day, 15, 0),
        kind=SessionKind.TALK,
        title="A talk",
        venue=venue,
        room=room,
    )
    db.session.flush()
    return Agora(
        edition=edition,
        other_edition=other_edition,
        tracks=tracks,
        other_track=other_track,
        criteria=criteria,
        startup=startup,
        other_org=other_org,
        founder=founder,
        cofounder=cofounder,
        rival=rival,
        organiser=organiser,
        reviewer_a=reviewer_a,
        reviewer_b=reviewer_b,
        reviewer_inside=reviewer_inside,
        attendee=attendee,
        slot=slot,
        talk=talk,
    )


def ids_of(agora: Agora) -> Agora:
    def id_of(value):
        if isinstance(value, list):
            return [item.id for item in value]
        return value.id

    return Agora(**{name: id_of(value) for name, value in vars(agora).items()})


@pytest.fixture
def uploads_dir(app, tmp_path, monkeypatch):
    folder = tmp_path / "uploads"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(folder))
    return folder


@pytest.fixture
def open_call(app_ctx, uploads_dir) -> Agora:
    """The Agora whose call is open, as objects, for service tests (one app context,
    nothing committed)."""
    return build_agora()


@pytest.fixture
def agora(app, uploads_dir) -> Agora:
    """The same Agora as ``open_call``, committed, as ids, for route tests."""
    with app.app_context():
        built = build_agora()
        db.session.commit()
        return ids_of(built)


def stored_files(folder) -> list:
    """Every file under the upload folder (temporary ones included)."""
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []
