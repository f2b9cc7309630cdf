"""Hostile input refused once for the whole app, and the headers every answer carries.

The database is the last to see a request: PostgreSQL refuses a NUL character in text and
an integer beyond its column's range with an error, where SQLite silently answers. So the
app refuses them first, at the edge, the same way on both: a NUL or invalid UTF-8 in the
path is 404, in the query string or a form field 400; an ``<int:...>`` address beyond an
INTEGER column is 404; integers read from a query string go through :func:`query_int`.
"""

import builtins
from urllib.parse import unquote_to_bytes

from flask import Flask, abort, current_app, request, session
from werkzeug.routing import IntegerConverter

# What an INTEGER column holds on PostgreSQL (and what every id is).
INT_MIN = -(2**31)
INT_MAX = 2**31 - 1

FORM_CONTENT_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class IntConverter(IntegerConverter):
    """``<int:...>`` that matches only what an INTEGER column can hold.

    Registered as the app's ``int`` converter, so a larger number in any address is a
    404 like any other unknown object, never a query the database refuses.
    """

    # The argument names are Werkzeug's: ``<int(max=99):number>`` still narrows the range.
    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):
        highest = INT_MAX if max is None else builtins.min(max, INT_MAX)
        lowest = INT_MIN if min is None else builtins.max(min, INT_MIN)
        super().__init__(map, fixed_digits=fixed_digits, min=lowest, max=highest, signed=signed)


def bounded_int(value, *, low: int = INT_MIN, high: int = INT_MAX) -> int | None:
    """Return ``value`` as an int within ``[low, high]``, or None when it is not one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value).strip() if value is not None else ""
        # int() would also read "1_000" and thousands of digits; an id is a few plain digits.
        if not text or len(text) > 20 or "_" in text:
            return None
        try:
            number = int(text)
        except ValueError:
            return None
    return number if low <= number <= high else None


def query_int(name: str, default: int | None = None, *, low: int = 0, high: int = INT_MAX):
    """Read the query-string parameter ``name`` as an int within ``[low, high]``.

    A missing, unreadable or out-of-range value gives ``default``: a filter or a page
    number that cannot be right is ignored, as if it had not been given.
    """
    found = bounded_int(request.args.get(name), low=low, high=high)
    return default if found is None else found


def readable(raw: bytes) -> bool:
    """Tell whether ``raw`` is UTF-8 text without a NUL character."""
    if b"\x00" in raw:
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _wsgi_bytes(value: str) -> bytes:
    # WSGI carries bytes as latin-1 strings; a server that already decoded gives text.
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8", "surrogateescape")


def refuse_unreadable_input():
    """Answer 404 for a NUL or invalid UTF-8 in the path, 400 in the query or the form.

    Werkzeug replaces invalid UTF-8 with U+FFFD while decoding, so the path and the query
    string are checked on their raw bytes (and a U+FFFD in the path, where no address has
    one, counts as invalid too). A URL-encoded body is checked raw as well; in a
    multipart body a U+FFFD in a field is the only trace of invalid bytes left, so it is
    refused too (browsers never send one of their own accord).
    """
    environ = request.environ
    path = _wsgi_bytes(environ.get("PATH_INFO", ""))
    # A server (or client) that decoded the path already left U+FFFD where bytes were bad.
    if not readable(path) or "\ufffd".encode() in path:
        abort(404)
    if not readable(unquote_to_bytes(_wsgi_bytes(environ.get("QUERY_STRING", "")))):
        abort(400)
    if request.method in ("GET", "HEAD", "OPTIONS") or request.mimetype not in FORM_CONTENT_TYPES:
        return
    if request.mimetype == "application/x-www-form-urlencoded":
        if not readable(unquote_to_bytes(request.get_data(cache=True).replace(b"+", b" "))):
            abort(400)
        return
    for key, value in request.form.items(multi=True):
        if _unreadable_text(key) or _unreadable_text(value):
            abort(400)
    for key, upload in request.files.items(multi=True):
        if _unreadable_text(key) or _unreadable_text(upload.filename or ""):
            abort(400)


def _unreadable_text(text: str) -> bool:
    return "\x00" in text or "\ufffd" in text


def signed_in_request() -> bool:
    """Tell whether this request carries an account: a login in the session or a
    remember-me cookie (read without loading the user, so a down database cannot fail it)."""
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    # ``in`` does not mark the session as accessed, so public answers get no Vary: Cookie.
    return "_user_id" in session or remember in request.cookies


def keep_private_pages_out_of_caches(response):
    """Forbid every cache to keep an answer given to a signed-in user (shared computers,
    proxies, the back button after logging out); public answers keep their own policy."""
    if request.endpoint != "static" and signed_in_request():
        response.headers["Cache-Control"] = "private, no-store"
    return response


def register_input_guards(app: Flask) -> None:
    """Bound ``<int:...>`` and refuse unreadable input before any other hook sees it.

    Called before the blueprints are registered (their rules take the converter when
    added) and before the extensions (so the guard runs first).
    """
    app.url_map.converters["int"] = IntConverter
    app.before_request(refuse_unreadable_input)
    app.after_request(keep_private_pages_out_of_caches)
