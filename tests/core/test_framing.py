"""An edition's programme may be framed by the sites its organisers list; nothing else may.

Framing is refused everywhere by ``frame-ancestors 'none'`` and ``X-Frame-Options: DENY``.
The programme of an edition that lists sites answers ``frame-ancestors 'self' <sites>``
without ``X-Frame-Options``, in its full layout and in its minimal one (``?embed=1``).
"""

import pytest
from flask import render_template_string

from app.errors import FormErrors
from app.extensions import db
from app.framing import frame_ancestors, parse_origin, parse_origins
from app.models import ConferenceSession, EditionStatus
from tests.factories import make_edition, make_session, make_track

CITY = "https://www.ville-bizerte.tn"


@pytest.mark.parametrize(
    ("raw", "origin"),
    [
        ("https://www.ville-bizerte.tn", "https://www.ville-bizerte.tn"),
        ("  HTTPS://WWW.Ville-Bizerte.TN/ ", "https://www.ville-bizerte.tn"),
        ("https://agenda.casablanca.ma:8443", "https://agenda.casablanca.ma:8443"),
        ("https://*.casablanca.ma", "https://*.casablanca.ma"),
    ],
)
def test_a_site_is_read_as_the_origin_csp_expects(raw, origin):
    assert parse_origin(raw) == origin


@pytest.mark.parametrize(
    "raw",
    [
        "*",
        "https://*",
        "https://*.ma",
        "*.casablanca.ma",
        "http://www.ville-bizerte.tn",
        "https:",
        "'self'",
        "'none'",
        "https://www.ville-bizerte.tn/agenda",
        "https://www.ville-bizerte.tn?x=1",
        "https://user@www.ville-bizerte.tn",
        "https://www.ville-bizerte.tn;script-src",
        "https://www.*.tn",
        "https://www.ville-bizerte.tn:99999",
        "javascript:alert(1)",
        "data:",
        "https://localhost",
        "https://-bad-.tn",
    ],
)
def test_anything_but_one_site_is_refused(raw):
    assert parse_origin(raw) is None
    with pytest.raises(FormErrors) as refused:
        parse_origins(raw)
    assert "frame_origins" in refused.value.errors


def test_a_list_of_sites_is_split_on_lines_spaces_and_commas_without_duplicates():
    text = f"{CITY}\nhttps://agenda.bizerte.tn, {CITY}/  https://agenda.bizerte.tn"
    assert parse_origins(text) == [CITY, "https://agenda.bizerte.tn"]
    assert parse_origins("") == []


def test_every_bad_site_is_reported_at_once():
    with pytest.raises(FormErrors) as refused:
        parse_origins("http://a.tn\nhttps://ok.tn\n*")
    assert len(refused.value.errors["frame_origins"]) == 2


def test_too_many_sites_are_refused():
    with pytest.raises(FormErrors):
        parse_origins(" ".join(f"https://site{n}.tn" for n in range(11)))


def test_the_directive_names_agora_itself_and_the_sites():
    assert frame_ancestors([CITY]) == f"frame-ancestors 'self' {CITY}"


@pytest.fixture
def framed(app):
    """An edition whose programme the city may frame, one that lists no site, a draft."""
    with app.app_context():
        allowed = make_edition(slug="framed-edition", frame_origins=f"{CITY} https://*.bizerte.tn")
        make_session(allowed, title="Framed keynote", track=make_track(allowed, name="Mobility"))
        closed = make_edition(slug="closed-edition")
        make_session(closed, title="Closed keynote")
        make_edition(slug="draft-edition", status=EditionStatus.DRAFT, frame_origins=CITY)
        db.session.commit()
        return allowed.id


def _denied(response) -> bool:
    policy = response.headers["Content-Security-Policy"]
    return response.headers.get("X-Frame-Options") == "DENY" and (
        "frame-ancestors 'none'" in policy
    )


@pytest.mark.parametrize("query", ["", "?view=list", "?embed=1", "?view=list&embed=1"])
def test_the_listed_sites_may_frame_the_programme(client, framed, query):
    response = client.get(f"/editions/framed-edition/programme{query}")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response.headers
    policy = response.headers["Content-Security-Policy"]
    assert f"frame-ancestors 'self' {CITY} https://*.bizerte.tn" in policy
    assert "'none'" not in policy
    # The rest of the policy is untouched.
    assert "default-src 'self'" in policy and "script-src 'self'" in policy


def test_the_minimal_layout_has_no_site_header_and_keeps_its_filters_in_the_frame(client, framed):
    page = client.get("/editions/framed-edition/programme?embed=1&view=list").get_data(as_text=True)
    assert "Framed keynote" in page
    assert 'class="site-header"' not in page and 'class="site-footer"' not in page
    assert '<base target="_blank">' in page
    assert '<input type="hidden" name="embed" value="1">' in page
    full = client.get("/editions/framed-edition/programme").get_data(as_text=True)
    assert 'class="site-header"' in full and "<base " not in full


@pytest.mark.parametrize(
    "path",
    [
        "/editions/framed-edition",
        "/editions/framed-edition/programme.json",
        "/editions/closed-edition/programme",
        "/editions/closed-edition/programme?embed=1",
        "/",
    ],
)
def test_every_other_page_stays_denied(client, framed, path):
    response = client.get(path)
    if response.status_code == 404:
        return
    assert _denied(response), path


def test_a_draft_edition_is_never_framed(client, framed):
    response = client.get("/editions/draft-edition/programme?embed=1")
    assert response.status_code == 404
    assert _denied(response)


def test_a_session_page_of_a_framed_edition_stays_denied(client, framed, app):
    with app.app_context():
        session_id = db.session.scalar(
            db.select(ConferenceSession.id).where(ConferenceSession.title == "Framed keynote")
        )
    assert _denied(client.get(f"/sessions/{session_id}"))


def test_templates_rendered_outside_a_request_are_never_embedded(app):
    with app.app_context():
        assert render_template_string("{{ embedded }}") == "False"
