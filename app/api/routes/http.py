"""What the API's views share: pages, ETags and If-Match, and ``write``, the one shape of
every view that changes something.

A write view states only what differs: it loads its object, calls ``created`` or
``changed`` with the service call, and ``write`` does the rest in one transaction: the
``Idempotency-Key`` of a creation is claimed before the service runs and its answer is
stored beside the change, so both commit together or neither does.
"""

import hashlib
import json
from collections.abc import Callable
from functools import wraps

from flask import current_app, request
from flask_login import current_user
from werkzeug.exceptions import BadRequest, PreconditionFailed

from app.api import services
from app.api.blueprint import error, v1
from app.api.queries import Page
from app.errors import DomainError
from app.extensions import db

IF_MATCH_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "If-Match",
            "required": False,
            "schema": {"type": "string"},
            "description": "The ETag read: a stale write gets 412.",
        }
    ]
}
IDEMPOTENCY_DOC = {
    "parameters": [
        {
            "in": "header",
            "name": "Idempotency-Key",
            "required": False,
            "schema": {"type": "string", "maxLength": 200},
            "description": "Sent again with the same request, returns the first answer.",
        }
    ]
}
MAX_KEY = 200


def page_body(page: Page, items: list | None = None) -> dict:
    return {
        "items": page.items if items is None else items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def etag(kind: str, object_id: int, version) -> str:
    return f"{kind}-{object_id}-v{version}"


def content_tag(kind: str, schema) -> Callable:
    """The ETag function of objects without a version column: a digest of what the object
    reads as through ``schema``, so any change a reader could see gives a new tag."""

    def tag(found) -> str:
        body = json.dumps(schema.dump(found), sort_keys=True, default=str)
        return etag(kind, found.id, hashlib.sha256(body.encode()).hexdigest()[:20])

    return tag


def tagged(body, tag: str, status: int = 200):
    return body, status, {"ETag": f'"{tag}"'}


def require_fresh(current: str) -> None:
    """:raises PreconditionFailed: when ``If-Match`` names another version than ``current``."""
    if (
        request.if_match
        and not request.if_match.contains(current)
        and not request.if_match.star_tag
    ):
        raise PreconditionFailed()


def created(found, tag: Callable | None = None, status: int = 201):
    """The answer to a creation: the new object, with its ETag when it has one."""
    return tagged(found, tag(found), status) if tag else (found, status)


def changed(found, tag: Callable, act: Callable, *, answer: Callable | None = None):
    """Change ``found`` if the client read its current version: lock its row, compare
    ``If-Match`` with ``tag(found)``, run ``act()`` (the service), answer with the new tag.

    :param answer: what to answer instead of ``found`` itself (``answer(found)``).
    :raises PreconditionFailed: when the client's version is stale.
    """
    services.hold(found)
    require_fresh(tag(found))
    act()
    return tagged(answer(found) if answer else found, tag(found))


def write(*, creates: bool = False, versioned: bool = False, refusals: dict | None = None):
    """Make a view a write: one transaction, committed when the answer is 2xx and rolled
    back otherwise; documents its headers.

    :param creates: the view creates something: an ``Idempotency-Key`` replays its answer.
    :param versioned: the view takes ``If-Match`` (see :func:`changed`).
    :param refusals: a service error class and the status to answer it with instead of
        its own (e.g. an unknown ticket is a 404 here).
    """

    def decorate(view):
        if creates:
            view = v1.doc(**IDEMPOTENCY_DOC)(view)
        if versioned:
            view = v1.doc(**IF_MATCH_DOC)(view)

        @wraps(view)
        def handled(*args, **kwargs):
            try:
                claim = _claim() if creates else None
                if claim is not None and claim.status_code:
                    return _replay(claim)
                response = current_app.make_response(view(*args, **kwargs))
                if not 200 <= response.status_code < 300:
                    db.session.rollback()
                    return response
                if claim is not None:
                    services.remember_answer(
                        claim,
                        response.status_code,
                        response.get_data(as_text=True),
                        response.headers.get("Location"),
                    )
                db.session.commit()
                return response
            except DomainError as failure:
                db.session.rollback()
                failure.status = (refusals or {}).get(type(failure), failure.status)
                raise
            except BaseException:
                db.session.rollback()
                raise

        return handled

    return decorate


def _claim():
    """The request's idempotency claim (a stored answer, or a new claim in this
    transaction), or None when the request carries no key."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key or not current_user.is_authenticated:
        return None
    if len(key) > MAX_KEY:
        raise BadRequest("Keep the Idempotency-Key under 200 characters.")
    fingerprint = services.request_fingerprint(
        request.method, request.path, request.get_data(cache=True)
    )
    return services.claim_key(current_user, key, fingerprint)


def _replay(first):
    """The first answer again; this request changes nothing."""
    response = current_app.response_class(
        first.body, status=first.status_code, mimetype="application/json"
    )
    response.headers["Idempotent-Replayed"] = "true"
    if first.location:
        response.headers["Location"] = first.location
    db.session.rollback()
    return response


def refused(status: int, field: str, message: str):
    """A refusal of one field of the request, in the API's error shape."""
    return error(status, "unprocessable_entity", message, {field: [message]})
