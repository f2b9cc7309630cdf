"""Zones are chosen from canonical IANA names grouped by region, the venue's and the
visitor's first; aliases are never offered and a stored alias shows as its canonical zone."""

import re

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict

from app.extensions import db
from app.forms import ZONE_COOKIE, ZoneField
from app.timezones import canonical_zone, canonical_zones, zone_groups
from tests.factories import make_edition, make_user
from tests.support import sign_in


class OneZoneForm(FlaskForm):
    timezone = ZoneField("Zone")


class OptionalZoneForm(FlaskForm):
    timezone = ZoneField("Zone", optional=True, blank="The edition's zone")


def test_the_list_holds_canonical_zones_only():
    zones = set(canonical_zones())
    assert {"Africa/Casablanca", "Africa/Tunis", "Europe/Paris", "Africa/Asmara", "UTC"} <= zones
    assert not {"US/Samoa", "Africa/Asmera", "Europe/Kiev", "Asia/Calcutta", "GB"} & zones
    assert 350 < len(zones) < 500


@pytest.mark.parametrize(
    ("alias", "canonical"),
    [
        ("US/Samoa", "Pacific/Pago_Pago"),
        ("Africa/Asmera", "Africa/Asmara"),
        ("Europe/Kiev", "Europe/Kyiv"),
        ("Asia/Calcutta", "Asia/Kolkata"),
        ("Etc/UTC", "UTC"),
        ("Africa/Casablanca", "Africa/Casablanca"),
        ("Mars/Olympus", None),
        ("", None),
    ],
)
def test_an_alias_stands_for_its_canonical_zone(alias, canonical):
    assert canonical_zone(alias) == canonical


def test_the_groups_put_suggestions_first_then_regions(app_ctx):
    groups = zone_groups(["Africa/Asmera", "Africa/Tunis", "Africa/Tunis", "Nowhere/Else"])
    labels = [label for label, _zones in groups]
    assert labels[0] == "Suggested"
    assert [zone for zone, _label in groups[0][1]] == ["Africa/Asmara", "Africa/Tunis"]
    assert labels[1:4] == ["Africa", "America", "Antarctica"]
    africa = dict(groups[1][1])
    assert africa["Africa/Casablanca"] == "Casablanca"
    assert "Africa/Asmera" not in africa
    america = dict(groups[2][1])
    assert america["America/Argentina/Buenos_Aires"] == "Argentina – Buenos Aires"


def test_the_field_shows_a_stored_alias_as_its_canonical_zone(app):
    with app.test_request_context("/"):
        form = OneZoneForm(formdata=None, data={"timezone": "Africa/Asmera"})
        html = str(form.timezone())
    assert form.timezone.data == "Africa/Asmara"
    assert re.search(
        r'<option selected value="Africa/Asmara">|value="Africa/Asmara" selected', html
    )
    assert "Africa/Asmera" not in html and "US/Samoa" not in html
    assert "<optgroup" in html


@pytest.mark.parametrize(
    ("posted", "valid", "stored"),
    [
        ("Africa/Tunis", True, "Africa/Tunis"),
        ("US/Samoa", True, "Pacific/Pago_Pago"),
        ("Mars/Olympus", False, None),
        ("../../etc/passwd", False, None),
        ("", False, None),
    ],
)
def test_the_field_accepts_real_zones_only(app, posted, valid, stored):
    with app.test_request_context("/", method="POST"):
        form = OneZoneForm(formdata=MultiDict({"timezone": posted}), meta={"csrf": False})
        assert form.validate() is valid
        if valid:
            assert form.timezone.data == stored
        else:
            assert form.timezone.errors


def test_an_optional_field_offers_a_blank_first_and_accepts_it(app):
    with app.test_request_context("/", method="POST"):
        form = OptionalZoneForm(formdata=MultiDict({"timezone": ""}), meta={"csrf": False})
        assert form.validate()
        html = str(form.timezone())
    assert html.index('value=""') < html.index('value="Africa/Abidjan"')
    assert "The edition&#39;s zone" in html or "The edition's zone" in html


def test_the_visitors_zone_comes_from_a_checked_cookie(app):
    with app.test_request_context("/", headers={"Cookie": f"{ZONE_COOKIE}=Asia/Tokyo"}):
        form = OneZoneForm(formdata=None)
        form.timezone.suggest("Africa/Casablanca")
        suggested = [zone for zone, _label in next(iter(form.timezone.choices.values()))]
    assert suggested == ["Africa/Casablanca", "Asia/Tokyo"]
    with app.test_request_context("/", headers={"Cookie": f"{ZONE_COOKIE}=<script>"}):
        form = OneZoneForm(formdata=None)
        assert "Suggested" not in form.timezone.choices


def test_the_visitors_profile_zone_wins_over_the_cookie(app, client):
    with app.app_context():
        user = make_user(timezone="America/Montreal")
        db.session.commit()
        user_id = user.id
    sign_in(client, user_id)
    client.set_cookie(ZONE_COOKIE, "Asia/Tokyo")

    page = client.get("/account").get_data(as_text=True)

    select = page[page.index('name="profile-timezone"') :]
    select = select[: select.index("</select>")]
    suggested = select[select.index('label="Suggested"') : select.index("</optgroup>")]
    # America/Montreal is an alias of America/Toronto.
    assert "America/Toronto" in suggested and "Asia/Tokyo" not in suggested


def test_the_programme_offers_canonical_zones_with_the_venues_first(app, client):
    with app.app_context():
        edition = make_edition(timezone="Africa/Casablanca")
        db.session.commit()
        slug = edition.slug

    page = client.get(f"/editions/{slug}/programme").get_data(as_text=True)

    select = page[page.index('id="filter-tz"') :]
    select = select[: select.index("</select>")]
    assert "US/Samoa" not in select and "Africa/Asmera" not in select
    first_group = select[select.index("<optgroup") : select.index("</optgroup>")]
    assert 'label="Suggested"' in first_group and "Africa/Casablanca" in first_group
    assert "data-zone-select" in page and "js/zone.js" in page
