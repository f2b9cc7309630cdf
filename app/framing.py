"""Which sites may show an edition's programme in a frame, and the headers that say so.

Every page of Agora refuses to be framed (``frame-ancestors 'none'`` and
``X-Frame-Options: DENY``, set by Flask-Talisman in ``app/__init__.py``). An edition's
organisers may list the sites of their city or partners that show its programme in a
frame: the programme page of that edition then answers with
``frame-ancestors 'self' <those sites>`` and without ``X-Frame-Options`` (which cannot
name a site). Every other page, and every edition without sites, stays denied.

A site is an origin written ``https://host`` (a port is allowed, a path is not); the
only wildcard is a leading ``*.`` for every subdomain of one named domain, as CSP reads
it. Plain HTTP, ``*`` alone, schemes, keywords and anything else CSP would read as
more than one site are refused.
"""

import re

from flask import Flask, has_request_context, request
from flask_babel import gettext as _
from sqlalchemy import select

from app.errors import FormErrors
from app.extensions import db
from app.models import Edition, EditionStatus

# The pages a city may frame: the programme (its grid and its list, with or without
# ``?embed=1``).
FRAMEABLE_ENDPOINTS = frozenset({"program.programme"})
MAX_ORIGINS = 10
MAX_ORIGIN_LENGTH = 200

_LABEL = r"(?!-)[a-z0-9-]{1,63}(?<!-)"
ORIGIN = re.compile(
    rf"^https://(?P<host>(?:\*\.)?(?:{_LABEL}\.)+[a-z]{{2,63}})(?::(?P<port>[0-9]{{1,5}}))?$"
)


def _refusal(value: str) -> str:
    return _(
        "“%(value)s” is not a site address Agora can allow: write it as "
        "https://www.ville-bizerte.tn (https, the host and at most a port; no path, and "
        "no wildcard but a leading *. before a domain).",
        value=value[:80],
    )


def parse_origin(raw: str) -> str | None:
    """Return ``raw`` as the origin CSP reads (lower case, no trailing slash), or None."""
    value = raw.strip().lower()
    if value.endswith("/"):
        value = value[:-1]
    if len(value) > MAX_ORIGIN_LENGTH:
        return None
    match = ORIGIN.match(value)
    if match is None:
        return None
    port = match.group("port")
    if port is not None and not 0 < int(port) < 65536:
        return None
    return value


def parse_origins(text: str | None) -> list[str]:
    """Read the sites an organiser listed (one per line, or separated by spaces or commas).

    :returns: the origins, without duplicates, in the order given.
    :raises FormErrors: on the field ``frame_origins`` for every site that is not an
        origin, or when more than :data:`MAX_ORIGINS` are listed.
    """
    origins, problems = [], []
    for raw in re.split(r"[\s,]+", text or ""):
        if not raw:
            continue
        origin = parse_origin(raw)
        if origin is None:
            problems.append(_refusal(raw))
        elif origin not in origins:
            origins.append(origin)
    if len(origins) > MAX_ORIGINS:
        problems.append(
            _("List at most %(num)d sites; a city's own sites are few.", num=MAX_ORIGINS)
        )
    if problems:
        raise FormErrors({"frame_origins": problems})
    return origins


def frame_ancestors(origins: list[str]) -> str:
    """The ``frame-ancestors`` directive allowing Agora itself and ``origins``."""
    return " ".join(["frame-ancestors", "'self'", *origins])


def _allowed_origins() -> list[str]:
    """The sites allowed to frame the page being answered (empty: none)."""
    if request.endpoint not in FRAMEABLE_ENDPOINTS:
        return []
    slug = (request.view_args or {}).get("slug")
    if not slug:
        return []
    stored = db.session.scalar(
        select(Edition.frame_origins).where(
            Edition.slug == slug,
            Edition.status.in_((EditionStatus.PUBLISHED, EditionStatus.ARCHIVED)),
        )
    )
    return (stored or "").split()


def _with_frame_ancestors(policy: str, directive: str) -> str:
    parts = [part.strip() for part in policy.split(";") if part.strip()]
    kept = [part for part in parts if not part.startswith("frame-ancestors")]
    return "; ".join([*kept, directive])


def allow_listed_framers(response):
    """Let the sites an edition lists frame its programme; leave every other answer alone."""
    # A 304 carries headers too: the browser merges them into the page it kept.
    if response.status_code not in (200, 304):
        return response
    origins = _allowed_origins()
    if not origins:
        return response
    policy = response.headers.get("Content-Security-Policy", "")
    response.headers["Content-Security-Policy"] = _with_frame_ancestors(
        policy, frame_ancestors(origins)
    )
    response.headers.pop("X-Frame-Options", None)
    return response


def is_embedded() -> bool:
    """Whether the page asked is a frameable page in its minimal layout (``?embed=1``)."""
    if not has_request_context():
        return False  # a mail rendered by the outbox worker
    return request.endpoint in FRAMEABLE_ENDPOINTS and request.args.get("embed") == "1"


def register_framing(app: Flask) -> None:
    """Install the framing rule; call it *before* Flask-Talisman's ``init_app``.

    Flask runs ``after_request`` functions in the reverse order of registration, so this
    one sees the headers Talisman already set and may loosen ``frame-ancestors`` for
    the pages and editions that allow it.
    """
    app.after_request(allow_listed_framers)
    app.context_processor(lambda: {"embedded": is_embedded()})
