"""Every factory of tests/factories.py builds a row the database accepts and reads back."""

from datetime import date

import pytest

from app.extensions import db
from app.models import AgreementStatus, EditionRoleKind
from tests import factories as f

pytestmark = pytest.mark.usefixtures("app_ctx")


def build_all() -> dict:
    """One object of each factory, each linked to the ones it needs."""
    built = {}
    built["organisation"] = organisation = f.make_organisation()
    built["user"] = user = f.make_user(organisation=organisation)
    built["series"] = series = f.make_series()
    built["edition"] = edition = f.make_edition(series)
    built["role"] = f.grant(user, edition, EditionRoleKind.ORGANISER)
    built["track"] = track = f.make_track(edition)
    built["venue"] = venue = f.make_venue(edition)
    built["room"] = room = f.make_room(venue)
    built["session"] = session_ = f.make_session(edition, track=track, venue=venue, room=room)
    built["speaker"] = speaker = f.make_speaker(organisation=organisation)
    built["session speaker"] = f.add_speaker(session_, speaker)
    built["showcase"] = showcase = f.make_showcase(edition, organisation, track=track)
    built["review assignment"] = f.assign_reviewer(showcase, f.make_user())
    built["thinklab"] = thinklab = f.make_thinklab(edition=edition)
    built["member"] = f.make_member(thinklab, user, organisation=organisation)
    built["contribution"] = f.make_contribution(thinklab, user)
    built["roadmap item"] = f.make_roadmap_item(thinklab)
    built["partner"] = partner = f.make_organisation()
    built["agreement"] = agreement = f.make_agreement(
        edition,
        parties=((organisation, date(2027, 1, 10)), (partner, None)),
        status=AgreementStatus.NEGOTIATION,
    )
    built["commitment"] = commitment = f.make_commitment(
        agreement, progress=((date(2027, 2, 1), 10),), party=agreement.parties[0]
    )
    built["progress"] = f.make_progress(commitment, 25)
    return built


def test_every_factory_builds_a_row_that_reads_back():
    built = build_all()
    keys = {name: (type(obj), obj.id) for name, obj in built.items()}
    db.session.commit()
    db.session.expunge_all()
    missing = [name for name, (model, id_) in keys.items() if db.session.get(model, id_) is None]
    assert missing == []


def test_the_factories_fill_what_the_rows_need():
    built = build_all()
    db.session.commit()
    assert built["thinklab"].first_meeting_at is not None
    assert built["session"].starts_at < built["session"].ends_at
    parties = {p.organisation_id: p.signed_on for p in built["agreement"].parties}
    assert parties == {built["organisation"].id: date(2027, 1, 10), built["partner"].id: None}
    assert [p.value for p in built["commitment"].progress] == [10, 25]
    assert built["member"].name == built["user"].display_name


def test_factories_called_twice_make_distinct_rows():
    first, second = build_all(), build_all()
    db.session.commit()
    assert first["edition"].slug != second["edition"].slug
    assert first["thinklab"].slug != second["thinklab"].slug
    assert first["user"].email != second["user"].email
