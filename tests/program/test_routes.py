"""Programme, session and speaker pages through the test client."""

import re
from datetime import date, datetime

import pytest

from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    EditionRoleKind,
    EditionStatus,
    SessionSpeaker,
    Speaker,
)
from tests.factories import grant, make_edition, make_room, make_session, make_user, make_venue
from tests.program.conftest import build_programme
from tests.support import sign_in


def page(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    return response.get_data(as_text=True)


def titles_in(html: str) -> list[str]:
    """Session titles in the order the page shows them."""
    return re.findall(r'<a href="/sessions/\d+[^"]*">([^<]+)</a>', html)


def squash(html: str) -> str:
    """The page with runs of white space made single spaces."""
    return " ".join(html.split())


# The programme ---------------------------------------------------------------------------


def test_grid_is_the_default_view(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme")
    assert '<table class="timetable">' in html
    headers = [" ".join(h.split()) for h in re.findall(r'<th scope="col">(.*?)</th>', html, re.S)]
    assert headers == ["Hall A", "Studio B", "Lab 1"]
    assert 'rowspan="2"' in html  # the 90-minute panel spans two rows
    assert 'aria-current="page">Timetable<' in html
    assert "5 sessions" in html


def test_list_view_goes_by_day_in_time_order(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme?view=list")
    assert "<table" not in html
    assert 'aria-current="page">List<' in html
    assert titles_in(html) == [
        "Opening keynote",
        "Cancelled talk on sensors",
        "Metropolitan transitions panel",
        "Startup showcases",
        "Moved workshop",
    ]
    assert html.index("March 10, 2027</h2>") < html.index("March 11, 2027</h2>")


@pytest.mark.parametrize("view", ["grid", "list"])
@pytest.mark.parametrize(
    "query, expected",
    [
        ("track={governance}", {"Opening keynote", "Moved workshop"}),
        ("kind=panel", {"Metropolitan transitions panel"}),
        (
            "day=2027-03-10",
            {"Opening keynote", "Cancelled talk on sensors", "Metropolitan transitions panel"},
        ),
        ("venue={annex}", {"Startup showcases", "Moved workshop"}),
        (
            "track={ecology}&day=2027-03-10",
            {"Cancelled talk on sensors", "Metropolitan transitions panel"},
        ),
        ("track={governance}&venue={annex}&kind=workshop", {"Moved workshop"}),
        ("track={ecology}&day=2027-03-11", set()),
    ],
)
def test_filters(client, programme, view, query, expected):
    query = query.format(**programme.tracks, **programme.venues)
    html = page(client, f"/editions/{programme.slug}/programme?view={view}&{query}")
    assert set(titles_in(html)) == expected
    if not expected:
        assert "No session matches these filters." in html


def test_filters_stay_in_links_and_the_form(client, programme):
    track = programme.tracks["ecology"]
    html = page(
        client,
        f"/editions/{programme.slug}/programme?view=list&track={track}&day=2027-03-10&tz=Asia/Tokyo",
    )
    # The view switch keeps every filter, so the address can be shared.
    grid_link = re.search(r'<a href="([^"]+)">Timetable</a>', html).group(1)
    assert f"track={track}" in grid_link
    assert "day=2027-03-10" in grid_link and "tz=Asia/Tokyo" in grid_link
    assert "view=grid" in grid_link
    # The GET form shows the current choices, each select with its label.
    assert 'method="get"' in html
    for name in ("day", "track", "kind", "venue", "tz"):
        assert f'<label for="filter-{name}">' in html
        assert f'id="filter-{name}" name="{name}"' in html
    assert f'<option value="{track}" selected>' in html
    assert '<option value="2027-03-10" selected>' in html
    assert '<option value="Asia/Tokyo" selected>' in html
    assert '<input type="hidden" name="view" value="list">' in html
    assert "Clear filters" in html


@pytest.mark.parametrize(
    "query, notice",
    [
        ("track=999999", "Unknown track"),
        ("track=abc", "Unknown track"),
        ("kind=circus", "Unknown kind of session"),
        ("day=2027-02-30", "is not a date"),
        ("day=yesterday", "is not a date"),
        ("day=2031-01-01", "The programme has no day"),
        ("venue=999999", "Unknown venue"),
        ("tz=Mars/Olympus_Mons", "Unknown time zone"),
        ("view=calendar", "showing the grid"),
        ("track=&kind=&day=&venue=&tz=", None),
    ],
)
def test_bad_filter_values_are_ignored_with_a_notice(client, programme, query, notice):
    html = page(client, f"/editions/{programme.slug}/programme?{query}")
    assert "5 sessions" in html
    if notice:
        assert notice in html
        assert 'class="flash flash-error"' in html
    else:
        assert 'class="flash flash-error"' not in html


@pytest.mark.parametrize("name", ["view", "track", "kind", "day", "venue", "tz"])
def test_bad_values_are_escaped_in_notices(client, programme, name):
    html = page(client, f"/editions/{programme.slug}/programme?{name}=<script>x</script>")
    assert "<script>x</script>" not in html
    assert "&lt;script&gt;x&lt;/script&gt;" in html
    html = page(client, f"/sessions/{programme.sessions['opening']}?tz=<script>x</script>")
    assert "<script>x</script>" not in html


def test_track_of_another_edition_is_ignored(client, programme, app):
    with app.app_context():
        other = build_programme(slug="other-2027")
        db.session.commit()
    html = page(client, f"/editions/{programme.slug}/programme?track={other.tracks['governance']}")
    assert "Unknown track" in html
    assert "5 sessions" in html


@pytest.mark.parametrize("view", ["grid", "list"])
def test_cancelled_and_changed_sessions_are_marked(client, programme, view):
    html = page(client, f"/editions/{programme.slug}/programme?view={view}")
    cancelled_id = programme.sessions["cancelled"]
    assert re.search(
        rf'<del><a href="/sessions/{cancelled_id}">Cancelled talk on sensors</a></del>', html
    )
    assert '<span class="badge badge-cancelled">Cancelled</span>' in html
    assert "Changed on February 20, 2027" in html  # the cancelled one changed too
    assert "Changed on March 1, 2027" in html  # the moved workshop
    # The opening keynote never changed.
    opening = html[html.index("Opening keynote") : html.index("Opening keynote") + 600]
    assert "Changed on" not in opening.split("</li>")[0].split("</td>")[0]


def test_unchanged_sequence_shows_no_change(client, app):
    with app.app_context():
        edition = make_edition(slug="quiet")
        make_session(edition, title="Quiet", sequence=0, changed_at=None)
        db.session.commit()
    assert "Changed on" not in page(client, "/editions/quiet/programme?view=list")


# Time zones ------------------------------------------------------------------------------


@pytest.fixture
def casablanca_2023(app):
    """A 2023 Casablanca edition: 10 March is UTC+1, 10 April (Ramadan) is UTC+0."""
    with app.app_context():
        edition = make_edition(
            slug="casa-2023",
            year=2023,
            timezone="Africa/Casablanca",
            start_date=date(2023, 3, 10),
            end_date=date(2023, 4, 10),
        )
        make_session(edition, datetime(2023, 3, 10, 10), datetime(2023, 3, 10, 11), title="March")
        make_session(edition, datetime(2023, 4, 10, 10), datetime(2023, 4, 10, 11), title="April")
        db.session.commit()
    return "casa-2023"


def test_casablanca_2023_labels_follow_ramadan(client, casablanca_2023):
    html = page(client, f"/editions/{casablanca_2023}/programme?view=list")
    assert "10:00–11:00 (Casablanca, UTC+1)" in html  # 10 March
    assert "10:00–11:00 (Casablanca, UTC)" in html  # 10 April, during Ramadan
    # The grid says the zone once per day, above the table.
    html = squash(page(client, f"/editions/{casablanca_2023}/programme?view=grid"))
    march, april = html.split("April 10, 2023</h2>")
    assert "Times: Casablanca, UTC+1 </p>" in march
    assert "Times: Casablanca, UTC </p>" in april
    assert '<p class="slot-time">10:00–11:00</p>' in march
    assert '<p class="slot-time">10:00–11:00</p>' in april


def test_casablanca_2027_is_utc_for_good(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme?view=list")
    assert "09:00–10:00 (Casablanca, UTC)" in html
    assert "UTC+1" not in html
    html = squash(page(client, f"/editions/{programme.slug}/programme?view=grid"))
    assert html.count("Times: Casablanca, UTC </p>") == 2
    assert "UTC+1" not in html


@pytest.fixture
def paris_2027(app):
    """Paris moves to UTC+2 at 02:00 on 28 March 2027."""
    with app.app_context():
        edition = make_edition(
            slug="paris-2027",
            timezone="Europe/Paris",
            start_date=date(2027, 3, 27),
            end_date=date(2027, 3, 28),
        )
        room = make_room(make_venue(edition, town="Paris"))
        for day in (27, 28):
            make_session(
                edition,
                datetime(2027, 3, day, 10),
                datetime(2027, 3, day, 11),
                title=f"Day {day}",
                room=room,
            )
        make_session(
            edition,
            datetime(2027, 3, 28, 1, 0),
            datetime(2027, 3, 28, 1, 30),
            title="Night owls",
            room=room,
        )
        db.session.commit()
    return "paris-2027"


def test_paris_across_its_dst_change(client, paris_2027):
    html = page(client, f"/editions/{paris_2027}/programme?view=list")
    assert "10:00–11:00 (Paris, UTC+1)" in html
    assert "01:00–01:30 (Paris, UTC+1)" in html
    assert "10:00–11:00 (Paris, UTC+2)" in html
    html = squash(page(client, f"/editions/{paris_2027}/programme?view=grid"))
    saturday, sunday = html.split("March 28, 2027</h2>")
    assert "Times: Paris, UTC+1 </p>" in saturday
    # The day the clocks change lists both offsets, and labels the cell that differs.
    assert "Times: Paris, UTC+1; Paris, UTC+2 </p>" in sunday
    assert '<p class="slot-time">01:00–01:30</p>' in sunday
    assert '<p class="slot-time">10:00–11:00 (Paris, UTC+2)</p>' in sunday


def test_paris_seen_from_casablanca(client, paris_2027):
    html = page(client, f"/editions/{paris_2027}/programme?view=list&tz=Africa/Casablanca")
    assert "09:00–10:00 (Casablanca, UTC)" in html
    assert "08:00–09:00 (Casablanca, UTC)" in html


def test_viewer_zone_switch(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme?view=list&tz=Asia/Tokyo")
    assert "18:00–19:00 (Tokyo, UTC+9)" in html  # the 09:00 opening keynote
    assert "(Casablanca, UTC)" not in html
    assert "times in Asia/Tokyo" in html
    opening = programme.sessions["opening"]
    assert f'href="/sessions/{opening}?tz=Asia/Tokyo"' in html
    html = squash(page(client, f"/editions/{programme.slug}/programme?view=grid&tz=Asia/Tokyo"))
    assert "Times: Tokyo, UTC+9 </p>" in html
    assert '<p class="slot-time">18:00–19:00</p>' in html
    assert '<th scope="row" class="time-col">18:00</th>' in html
    assert "Casablanca, UTC" not in html
    assert f'href="/sessions/{opening}?tz=Asia/Tokyo"' in html


def test_viewer_zone_shows_the_date_when_it_moves(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme?view=list&tz=Pacific/Auckland")
    # 09:00 UTC on 10 March 2027 is 22:00 the same day in Auckland (UTC+13);
    # 14:00 UTC on 11 March is already 03:00 on 12 March there.
    assert "22:00–23:00 (Auckland, UTC+13)" in html
    assert "Mar 12, 2027, 03:00–04:00 (Auckland, UTC+13)" in html


@pytest.mark.parametrize("view", ["grid", "list"])
def test_unknown_zone_falls_back_to_the_venue(client, programme, view):
    html = page(client, f"/editions/{programme.slug}/programme?view={view}&tz=Not/AZone")
    assert "Unknown time zone" in html
    assert "09:00–10:00" in html
    assert "Casablanca, UTC" in html


# Visibility ------------------------------------------------------------------------------


def test_draft_programme_is_404_to_the_public(client, app):
    with app.app_context():
        build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
        db.session.commit()
    page(client, "/editions/draft-2027/programme", 404)


def test_draft_programme_is_visible_to_its_organiser(client, app):
    with app.app_context():
        built = build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
        organiser = make_user()
        grant(organiser, db.session.get(Edition, built.edition_id), EditionRoleKind.ORGANISER)
        db.session.commit()
        organiser_id = organiser.id
    sign_in(client, organiser_id)
    assert "5 sessions" in page(client, "/editions/draft-2027/programme")


def test_archived_programme_is_public(client, app):
    with app.app_context():
        build_programme(slug="old-2027", status=EditionStatus.ARCHIVED)
        db.session.commit()
    assert "5 sessions" in page(client, "/editions/old-2027/programme")


def test_unknown_edition_is_404(client):
    page(client, "/editions/nowhere/programme", 404)


# Session page ----------------------------------------------------------------------------


def test_session_page(client, programme):
    html = page(client, f"/sessions/{programme.sessions['panel']}")
    assert "<h1>Metropolitan transitions panel</h1>" in html
    assert "Panel" in html and "Confirmed" in html
    assert "March 10, 2027, 10:30–12:00 (Casablanca, UTC)" in html
    assert "Studio B" in html and "Parc des expositions" in html and "Casablanca" in html
    assert "Ecology" in html
    amina, karim = programme.speakers["amina"], programme.speakers["karim"]
    assert f'<a href="/speakers/{amina}">Amina Benali</a>' in html
    assert f'<a href="/speakers/{karim}">Karim Alaoui</a>' in html
    assert '<span class="badge">Moderator</span>' in html
    assert '<span class="badge">Panellist</span>' in html
    assert "Chief digital officer" in html


def test_session_abstract_is_escaped_plain_text(client, programme):
    html = page(client, f"/sessions/{programme.sessions['opening']}")
    assert '<div class="abstract">Line one\nLine two &lt;script&gt;' in html
    assert "<script>alert(1)</script>" not in html


def test_session_page_lists_showcases(client, programme):
    html = page(client, f"/sessions/{programme.sessions['slot']}")
    assert "Smart bus stops" in html
    assert "Casa Mobility casa-2027" in html
    assert "Showcase slot" in html


def test_cancelled_session_page(client, programme):
    html = page(client, f"/sessions/{programme.sessions['cancelled']}")
    assert "<h1><del>Cancelled talk on sensors</del></h1>" in html
    assert '<span class="badge badge-cancelled">Cancelled</span>' in html
    assert "Changed on February 20, 2027" in html


def test_session_page_in_the_viewers_zone(client, programme):
    html = page(client, f"/sessions/{programme.sessions['opening']}?tz=America/New_York")
    assert "March 10, 2027, 04:00–05:00 (New York, UTC-5)" in html
    assert "Show in the venue’s time zone" in html
    html = page(client, f"/sessions/{programme.sessions['opening']}?tz=Bogus/Zone")
    assert "Unknown time zone" in html
    assert "09:00–10:00 (Casablanca, UTC)" in html


def test_session_of_a_draft_edition_is_404(client, app):
    with app.app_context():
        built = build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
        db.session.commit()
    page(client, f"/sessions/{built.sessions['opening']}", 404)


def test_unknown_session_is_404(client):
    page(client, "/sessions/987654", 404)


# Speaker page ----------------------------------------------------------------------------


def test_speaker_page(client, programme):
    html = page(client, f"/speakers/{programme.speakers['amina']}")
    assert "<h1>Amina Benali</h1>" in html
    assert "Chief digital officer, Casa Mobility casa-2027" in html
    assert '<span class="badge">City</span>' in html
    assert "Builds city platforms.\nLikes &lt;b&gt;buses&lt;/b&gt;." in html
    assert titles_in(html) == ["Opening keynote", "Metropolitan transitions panel"]
    assert "March 10, 2027, 09:00–10:00 (Casablanca, UTC)" in html
    assert "Moderator · Panel" in html


def test_speaker_page_leaves_out_draft_editions_and_marks_cancelled(client, app, programme):
    with app.app_context():
        draft = build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
        speaker = db.session.get(Speaker, programme.speakers["karim"])
        cancelled = db.session.get(ConferenceSession, programme.sessions["cancelled"])
        cancelled.speakers.append(SessionSpeaker(speaker=speaker))
        secret = db.session.get(ConferenceSession, draft.sessions["moved"])
        secret.speakers.append(SessionSpeaker(speaker=speaker))
        db.session.commit()
    html = page(client, f"/speakers/{programme.speakers['karim']}")
    assert "Moved workshop" not in html
    assert "<del>" in html and "Cancelled" in html


def test_speaker_without_public_sessions_is_404(client, app):
    with app.app_context():
        draft = build_programme(slug="draft-2027", status=EditionStatus.DRAFT)
        lonely = Speaker(name="Nobody")
        db.session.add(lonely)
        db.session.commit()
        lonely_id = lonely.id
    page(client, f"/speakers/{draft.speakers['amina']}", 404)
    page(client, f"/speakers/{lonely_id}", 404)
    page(client, "/speakers/987654", 404)


def test_kind_filter_with_a_kind_the_edition_does_not_use(client, programme):
    html = page(client, f"/editions/{programme.slug}/programme?kind=signing_ceremony")
    assert "No session matches these filters." in html
