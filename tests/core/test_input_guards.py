"""Unreadable text and out-of-range integers are refused at the edge, the same on SQLite
and PostgreSQL, with the app's own error page or JSON."""

import pytest
from flask import Flask
from sqlalchemy.exc import DataError
from wtforms import IntegerField, SelectField
from wtforms.validators import NumberRange

from app import create_app
from app.extensions import db
from app.forms import AgoraForm, BoundedIntegerField, optional_int
from app.security import INT_MAX, IntConverter, bounded_int, query_int
from config import TestingConfig
from tests.factories import make_edition, make_user


@pytest.fixture
def edition(app):
    with app.app_context():
        found = make_edition(slug="guarded-edition")
        db.session.commit()
        return found.slug


@pytest.mark.parametrize(
    "url",
    [
        "/editions/%00",
        "/editions/a%00b/programme",
        "/agenda/%00.ics",
        "/editions/%00/calendar.ics",
        "/thinklabs/x%00/calendar.ics",
        "/editions/%FF%FE",
    ],
)
def test_nul_or_invalid_utf8_in_a_path_segment_is_not_found(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "There is nothing at this address." in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_in_the_raw_path_are_not_found(client):
    # What a WSGI server hands over for /editions/%FF%FE: latin-1 text of the raw bytes.
    response = client.get("/", environ_overrides={"PATH_INFO": "/editions/\xff\xfe"})
    assert response.status_code == 404


@pytest.mark.parametrize(
    "query", ["q=%00", "q=a%00b&page=1", "track=%FF", "q=%C3%28", "%00=1", "lang=%00"]
)
def test_nul_or_invalid_utf8_in_the_query_is_a_bad_request(client, edition, query):
    response = client.get(f"/editions/{edition}/programme?{query}")
    assert response.status_code == 400
    assert "The request could not be understood." in response.get_data(as_text=True)


def test_the_refusal_is_json_for_a_client_that_asks_for_json(client):
    response = client.get("/showcases?q=%00", headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.json["status"] == 400 and response.json["message"]


@pytest.mark.parametrize(
    "path,data",
    [
        ("/login", {"email": "amina@example.org\x00", "password": "x"}),
        ("/register", {"email": "a@example.org", "display_name": "A\x00", "password": "x"}),
        ("/reset", {"email": "\x00"}),
    ],
)
def test_nul_in_a_plain_form_is_a_bad_request(client, path, data):
    # The auth forms keep text as typed (no cleaning): the guard covers them.
    assert client.post(path, data=data).status_code == 400


def test_invalid_utf8_in_a_form_is_a_bad_request(client):
    response = client.post(
        "/login",
        data=b"email=%FF%FE%40example.org&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_nul_in_a_multipart_form_or_file_name_is_a_bad_request(client):
    response = client.post(
        "/login",
        data={"email": "a\x00@example.org", "password": "x"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


def test_readable_text_passes_the_guard(app, client):
    with app.app_context():
        make_user(email="amina@example.org")
        db.session.commit()
    response = client.post("/login", data={"email": "amina@example.org", "password": "wrong – é ✓"})
    assert response.status_code in (200, 422)
    assert client.get("/showcases?q=%C3%A9t%C3%A9").status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        "/showcases/2147483648",
        "/sessions/2147483648",
        "/speakers/99999999999999999999/photo",
        "/agreements/9223372036854775808/calendar.ics",
        "/organisations/2147483648",
    ],
)
def test_an_id_beyond_an_integer_column_is_not_found(client, url):
    assert client.get(url).status_code == 404


def test_the_largest_id_is_still_looked_up(client):
    assert client.get(f"/showcases/{INT_MAX}").status_code == 404


def test_the_int_converter_keeps_narrower_bounds(app):
    converter = IntConverter(app.url_map, max=10)
    assert converter.to_python("10") == 10
    with pytest.raises(Exception):  # noqa: B017 (werkzeug's ValidationError)
        converter.to_python("11")
    wide = IntConverter(app.url_map, max=2**40)
    with pytest.raises(Exception):  # noqa: B017
        wide.to_python(str(INT_MAX + 1))


def test_query_int_reads_a_bounded_number(app):
    cases = {
        "page=3": 3,
        "page=": None,
        "page=x": None,
        "page=-1": None,
        "page=2147483648": None,
        "page=1_000": None,
        "page=" + "9" * 5000: None,
    }
    for query, expected in cases.items():
        with app.test_request_context(f"/?{query}"):
            assert query_int("page") == expected, query
    with app.test_request_context("/?page=0"):
        assert query_int("page", 1, low=1) == 1
    assert bounded_int(True) is None
    assert optional_int("2147483648") is None
    assert optional_int("12") == 12


class NumberForm(AgoraForm):
    number = IntegerField(validators=[NumberRange(min=1, max=1000)])
    series_id = SelectField(coerce=int, validate_choice=False)
    looked_up: list = []

    def validate_number(self, field):
        # Like a lookup by number: it must never see a value the database refuses.
        NumberForm.looked_up.append(field.data)


@pytest.mark.parametrize("value", ["2147483648", "-2147483649", "9" * 30])
def test_form_integers_beyond_a_column_are_refused_before_any_lookup(app, value):
    NumberForm.looked_up = []
    with app.test_request_context(method="POST", data={"number": value, "series_id": value}):
        form = NumberForm()
        assert isinstance(form.number, BoundedIntegerField)
        assert not form.validate()
        assert form.number.data is None
        assert form.series_id.data is None
        assert "number" in form.errors and "series_id" in form.errors
        assert NumberForm.looked_up == [None]


def test_form_integers_within_range_are_read(app):
    with app.test_request_context(method="POST", data={"number": "12", "series_id": "7"}):
        form = NumberForm()
        assert form.validate(), form.errors
        assert (form.number.data, form.series_id.data) == (12, 7)


@pytest.fixture(scope="module")
def raising_app() -> Flask:
    """An app of its own with routes that fail the way a refused value does."""
    agora = create_app(TestingConfig)

    @agora.get("/refused-by-the-database")
    def refused():
        raise DataError("SELECT 1", {}, Exception("integer out of range"))

    @agora.get("/beyond-sqlite")
    def beyond():
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    return agora


def test_a_value_the_database_refuses_is_a_bad_request_not_a_server_error(raising_app):
    client = raising_app.test_client()
    for url in ("/refused-by-the-database", "/beyond-sqlite"):
        response = client.get(url)
        assert response.status_code == 400, url
        assert "The request could not be understood." in response.get_data(as_text=True)


def test_the_language_switch_keeps_filters_but_never_builds_a_foreign_link(client, edition):
    response = client.get(
        f"/editions/{edition}/programme?slug=other&_external=1&_scheme=javascript&day=x"
    )
    html = response.get_data(as_text=True)
    assert response.status_code < 500
    assert "javascript:" not in html
