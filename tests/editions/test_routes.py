"""Organiser pages through the test client: permissions, bad input, publish, copy."""

import re

import pytest
from sqlalchemy import select

from app.editions import queries
from app.extensions import db
from app.models import Edition, EditionStatus, Room, Series, Track, Venue
from tests.factories import make_session
from tests.support import sign_in


def text_of(response) -> str:
    return response.get_data(as_text=True)


def field_error(html: str, name: str) -> str:
    """The message shown next to the field ``name`` (empty when there is none)."""
    found = re.search(rf'<p class="error" id="{name}-error">(.*?)</p>', html, re.S)
    return found.group(1) if found else ""


def edition_form(edition: Edition, **changes) -> dict:
    data = {
        "series_id": edition.series_id,
        "slug": edition.slug,
        "number": edition.number,
        "year": edition.year,
        "title": edition.title,
        "theme": edition.theme,
        "description": edition.description,
        "format": edition.format.value,
        "timezone": edition.timezone,
        "start_date": edition.start_date.isoformat(),
        "end_date": edition.end_date.isoformat(),
        "patronage": edition.patronage,
        "organised_by": edition.organised_by,
        "call_opens_local": edition.call_opens_local.strftime("%Y-%m-%dT%H:%M"),
        "call_closes_local": edition.call_closes_local.strftime("%Y-%m-%dT%H:%M"),
        "version": queries.version_of(edition),
    }
    data.update(changes)
    return data


def load(app, slug: str) -> Edition | None:
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
        if edition is not None:
            for venue in edition.venues:
                venue.rooms  # noqa: B018  (loaded before the edition leaves the session)
            edition.tracks  # noqa: B018
            db.session.expunge(edition)
        return edition


def edition_pages(app, slug: str) -> list[tuple[str, str]]:
    with app.app_context():
        edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
        track, venue = edition.tracks[0], edition.venues[0]
        room = venue.rooms[0]
        base = f"/editions/{slug}/manage"
        return [
            ("GET", base),
            ("GET", f"{base}/edit"),
            ("POST", f"{base}/edit"),
            ("GET", f"{base}/dashboard"),
            ("GET", f"{base}/copy"),
            ("POST", f"{base}/copy"),
            ("POST", f"{base}/status"),
            ("GET", f"{base}/tracks/new"),
            ("GET", f"{base}/tracks/{track.id}/edit"),
            ("POST", f"{base}/tracks/{track.id}/delete"),
            ("GET", f"{base}/venues/new"),
            ("GET", f"{base}/venues/{venue.id}/edit"),
            ("POST", f"{base}/venues/{venue.id}/delete"),
            ("GET", f"{base}/venues/{venue.id}/rooms/new"),
            ("GET", f"{base}/rooms/{room.id}/edit"),
            ("POST", f"{base}/rooms/{room.id}/delete"),
            ("GET", f"{base}/languages"),
            ("GET", f"{base}/languages/ar"),
            ("POST", f"{base}/languages/ar"),
            ("POST", f"{base}/languages/ar/delete"),
        ]


SITE_PAGES = [
    ("GET", "/manage/series/new"),
    ("POST", "/manage/series/new"),
    ("GET", "/manage/editions/new"),
    ("GET", "/series/casablanca-smart-city/edit"),
]


# Permissions ------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(app, client, casablanca):
    for method, url in [*edition_pages(app, casablanca.slug), *SITE_PAGES, ("GET", "/manage")]:
        response = client.open(url, method=method)
        assert response.status_code == 302 and "/login" in response.location, url


@pytest.mark.parametrize("kind", ["attendee_id", "startup_id"])
def test_attendees_and_startups_get_403_on_every_organiser_page(app, client, casablanca, kind):
    sign_in(client, getattr(casablanca, kind))
    for method, url in [*edition_pages(app, casablanca.slug), *SITE_PAGES, ("GET", "/manage")]:
        assert client.open(url, method=method).status_code == 403, url
    assert load(app, casablanca.slug).tracks is not None


def test_an_edition_organiser_manages_their_edition_only(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    for method, url in edition_pages(app, casablanca.slug):
        if method == "GET":
            assert client.get(url).status_code == 200, url
    for method, url in edition_pages(app, casablanca.other_slug):
        assert client.open(url, method=method).status_code == 403, url
    assert client.get("/manage/series/new").status_code == 403
    index = text_of(client.get("/manage"))
    assert "Casablanca Smart City 2023" in index and "bizerte" not in index.lower()


def test_a_site_organiser_creates_a_series_and_an_edition(app, client, casablanca):
    sign_in(client, casablanca.site_organiser_id)
    response = client.post(
        "/manage/series/new",
        data={"slug": "tunisian-smart-cities", "name": "Tunisian Smart Cities caravan"},
    )
    assert response.status_code == 302
    with app.app_context():
        series = db.session.scalar(select(Series).where(Series.slug == "tunisian-smart-cities"))
    response = client.post(
        "/manage/editions/new",
        data={
            "series_id": series.id,
            "slug": "tunisian-smart-cities-caravan-2020",
            "number": 2,
            "year": 2020,
            "title": "Tunisian Smart Cities caravan, 2nd edition",
            "format": "caravan",
            "timezone": "Africa/Tunis",
            "start_date": "2020-06-21",
            "end_date": "2020-06-27",
        },
    )
    assert response.status_code == 302, text_of(response)[:2000]
    caravan = load(app, "tunisian-smart-cities-caravan-2020")
    assert caravan.status is EditionStatus.DRAFT and caravan.call_opens_at is None
    response = client.post(
        "/editions/tunisian-smart-cities-caravan-2020/manage/venues/new",
        data={
            "name": "Stop 1",
            "town": "Sbeitla",
            "start_date": "2020-06-21",
            "end_date": "2020-06-21",
        },
    )
    assert response.status_code == 302
    page = text_of(client.get("/editions/tunisian-smart-cities-caravan-2020/manage"))
    assert "Stops of the caravan" in page and "Sbeitla" in page


# Bad input --------------------------------------------------------------------------------


def test_a_call_window_time_in_a_dst_gap_is_refused_next_to_its_field(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    edition = load(app, casablanca.slug)
    # Casablanca's clocks skip from 02:00 to 03:00 on 23 April 2023.
    response = client.post(
        f"/editions/{casablanca.slug}/manage/edit",
        data=edition_form(edition, call_opens_local="2023-04-23T02:30", title="Half saved?"),
    )
    assert response.status_code == 422
    html = text_of(response)
    assert "does not exist in Africa/Casablanca" in field_error(html, "call_opens_local")
    assert 'aria-invalid="true"' in html
    after = load(app, casablanca.slug)
    assert after.title == edition.title and after.call_opens_local == edition.call_opens_local


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_date": "2023-10-01"}, "end_date", "cannot end before it starts"),
        ({"timezone": "Africa/Atlantis"}, "timezone", "Unknown time zone"),
        ({"slug": "bizerte-smart-city-2017"}, "slug", "already uses this address"),
        ({"title": "x" * 5000}, "title", "longer than 200"),
        ({"slug": "Not A Slug!"}, "slug", "lower-case letters"),
    ],
)
def test_bad_edition_input_is_refused_next_to_the_field(
    app, client, casablanca, changes, field, message
):
    sign_in(client, casablanca.organiser_id)
    edition = load(app, casablanca.slug)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/edit", data=edition_form(edition, **changes)
    )
    assert response.status_code == 422
    assert message in field_error(text_of(response), field)
    assert load(app, casablanca.slug).updated_at == edition.updated_at


def test_a_duplicate_slug_is_refused_when_creating(app, client, casablanca):
    sign_in(client, casablanca.site_organiser_id)
    response = client.post(
        "/manage/series/new", data={"slug": "casablanca-smart-city", "name": "Again"}
    )
    assert "already uses this address" in field_error(text_of(response), "slug")


def test_a_stale_edit_is_refused(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    opened = load(app, casablanca.slug)
    form = text_of(client.get(f"/editions/{casablanca.slug}/manage/edit"))
    version = re.search(r'name="version" type="hidden" value="([^"]+)"', form).group(1)
    assert version == queries.version_of(opened)
    first = client.post(
        f"/editions/{casablanca.slug}/manage/edit",
        data=edition_form(opened, version=version, theme="Amina's theme"),
    )
    assert first.status_code == 302
    second = client.post(
        f"/editions/{casablanca.slug}/manage/edit",
        data=edition_form(opened, version=version, theme="Youssef's theme"),
    )
    assert second.status_code == 200
    assert "changed meanwhile" in text_of(second)
    assert load(app, casablanca.slug).theme == "Amina's theme"


def test_nul_bytes_are_refused_and_html_is_never_rendered_raw(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    edition = load(app, casablanca.slug)
    url = f"/editions/{casablanca.slug}/manage/edit"
    refused = client.post(url, data=edition_form(edition, title="Casa\x00blanca"))
    assert refused.status_code == 400
    assert load(app, casablanca.slug).title == edition.title
    title = "<script>alert(1)</script> Casablanca"
    response = client.post(url, data=edition_form(edition, title=title))
    assert response.status_code == 302
    assert load(app, casablanca.slug).title == "<script>alert(1)</script> Casablanca"
    for url in ("/manage", f"/editions/{casablanca.slug}/manage"):
        html = text_of(client.get(url))
        assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_a_ten_megabyte_field_is_refused_and_nothing_is_saved(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    edition = load(app, casablanca.slug)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/edit",
        data=edition_form(edition, description="d" * (10 * 1024 * 1024)),
    )
    assert response.status_code in (422, 413)
    if response.status_code == 422:
        assert field_error(text_of(response), "description")
    assert load(app, casablanca.slug).description == edition.description


def test_venue_dates_outside_the_edition_are_refused_next_to_the_field(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/venues/new",
        data={"name": "Annex", "town": "Mohammedia", "start_date": "2023-10-20"},
    )
    assert "within the edition" in field_error(text_of(response), "start_date")
    with app.app_context():
        assert db.session.scalar(select(Venue).where(Venue.name == "Annex")) is None


def test_a_track_colour_must_be_hex(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/tracks/new", data={"name": "Mobility", "colour": "red"}
    )
    assert "#rrggbb" in field_error(text_of(response), "colour")
    response = client.post(
        f"/editions/{casablanca.slug}/manage/tracks/new",
        data={"name": "Mobility", "colour": "#00aa55"},
    )
    assert response.status_code == 302
    assert [t.name for t in load(app, casablanca.slug).tracks][-1] == "Mobility"


def test_deleting_what_sessions_use_is_refused_with_a_message(app, client, casablanca):
    with app.app_context():
        edition = db.session.get(Edition, casablanca.edition_id)
        room = edition.venues[0].rooms[0]
        make_session(
            edition,
            room=room,
            venue=room.venue,
            track=edition.tracks[0],
            starts=__import__("datetime").datetime(2023, 10, 10, 10),
            ends=__import__("datetime").datetime(2023, 10, 10, 11),
        )
        db.session.commit()
        room_id, track_id, spare_id = room.id, edition.tracks[0].id, edition.tracks[1].id
    sign_in(client, casablanca.organiser_id)
    base = f"/editions/{casablanca.slug}/manage"
    response = client.post(f"{base}/rooms/{room_id}/delete", follow_redirects=True)
    assert "is scheduled in “Agora hall”" in text_of(response)
    response = client.post(f"{base}/tracks/{track_id}/delete", follow_redirects=True)
    assert "is used by 1 session and 0 showcases" in text_of(response)
    assert client.post(f"{base}/tracks/{spare_id}/delete").status_code == 302
    with app.app_context():
        assert db.session.get(Room, room_id) is not None
        assert db.session.get(Track, spare_id) is None


def test_a_track_of_another_edition_is_not_found_here(app, client, casablanca):
    with app.app_context():
        other = db.session.scalar(select(Edition).where(Edition.slug == casablanca.other_slug))
        stranger = Track(edition=other, name="Elsewhere")
        db.session.add(stranger)
        db.session.commit()
        stranger_id = stranger.id
    sign_in(client, casablanca.organiser_id)
    url = f"/editions/{casablanca.slug}/manage/tracks/{stranger_id}/edit"
    assert client.get(url).status_code == 404


# Publication, dashboard and copy ----------------------------------------------------------


def test_publishing_an_incoherent_edition_lists_the_problems(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    base = f"/editions/{casablanca.slug}/manage"
    assert client.post(f"{base}/status", data={"status": "draft"}).status_code == 302
    with app.app_context():
        venue = db.session.scalar(select(Venue).where(Venue.name == "Parc des expositions"))
        venue.start_date = venue.end_date = None
        venue.edition.end_date = venue.edition.start_date
        db.session.add(
            Venue(
                edition=venue.edition,
                name="Late",
                town="Rabat",
                start_date=venue.edition.start_date.replace(day=11),
            )
        )
        db.session.commit()
    response = client.post(f"{base}/status", data={"status": "published"}, follow_redirects=True)
    html = text_of(response)
    assert "The status did not change" in html and "“Late” has dates outside" in html
    assert load(app, casablanca.slug).status is EditionStatus.DRAFT


def test_the_dashboard_shows_an_accessible_svg_chart(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    html = text_of(client.get(f"/editions/{casablanca.slug}/manage/dashboard"))
    assert '<svg role="img"' in html and "<title" in html
    assert "Showcases by axis and status" in html and "<table>" in html
    # The chart needs no script (the site-wide layout helper in the head is not the chart's).
    assert "<script" not in html.split("<main", 1)[1]


def test_casablanca_8th_is_copied_from_the_7th_published_and_public(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    form = text_of(client.get(f"/editions/{casablanca.slug}/manage/copy"))
    assert 'value="casablanca-smart-city-2024"' in form and 'value="8"' in form
    response = client.post(
        f"/editions/{casablanca.slug}/manage/copy",
        data={
            "slug": "casablanca-smart-city-2024",
            "title": "Casablanca Smart City 2024",
            "number": 8,
            "year": 2024,
        },
    )
    assert response.status_code == 302
    assert response.location.endswith("/editions/casablanca-smart-city-2024/manage")
    eighth = load(app, "casablanca-smart-city-2024")
    assert eighth.status is EditionStatus.DRAFT
    assert "Casablanca Smart City 2024" not in text_of(client.get("/"))
    # The organiser of the 7th organises the 8th and publishes it.
    response = client.post(
        "/editions/casablanca-smart-city-2024/manage/status", data={"status": "published"}
    )
    assert response.status_code == 302
    assert load(app, "casablanca-smart-city-2024").published_at is not None
    client.post("/logout")
    anonymous = app.test_client()
    assert "Casablanca Smart City 2024" in text_of(anonymous.get("/"))


def test_an_edition_organiser_cannot_move_the_edition_to_another_series(app, client, casablanca):
    sign_in(client, casablanca.organiser_id)
    edition = load(app, casablanca.slug)
    other = load(app, casablanca.other_slug)
    response = client.post(
        f"/editions/{casablanca.slug}/manage/edit",
        data=edition_form(edition, series_id=other.series_id),
    )
    assert field_error(text_of(response), "series_id")
    assert load(app, casablanca.slug).series_id == casablanca.series_id
