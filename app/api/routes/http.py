"""What the API's views share: pages, ETags and If-Match, idempotent creations."""

from functools import wraps

from flask import current_app, request
from flask_login import current_user

from app.api import services
from app.api.blueprint import error
from app.api.queries import Page
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


def page_body(page: Page, items: list | None = None) -> dict:
    return {
        "items": page.items if items is None else items,
        "page": page.page,
        "per_page": page.per_page,
        "total": page.total,
    }


def etag(kind: str, object_id: int, version) -> str:
    return f"{kind}-{object_id}-v{version}"


def stale(current: str):
    """The 412 answer when ``If-Match`` names another version than ``current``; else None."""
    if (
        request.if_match
        and not request.if_match.contains(current)
        and not request.if_match.star_tag
    ):
        return error(
            412,
            "precondition_failed",
            "The resource changed since you read it: read it again, then retry.",
        )
    return None


def tagged(body, tag: str, status: int = 200):
    return body, status, {"ETag": f'"{tag}"'}


def idempotent(view):
    """Make a creation replayable: the same ``Idempotency-Key`` gives back the first answer."""

    @wraps(view)
    def guarded(*args, **kwargs):
        key = request.headers.get("Idempotency-Key", "").strip()
        if not key or not current_user.is_authenticated:
            return view(*args, **kwargs)
        if len(key) > 200:
            return error(400, "bad_request", "Keep the Idempotency-Key under 200 characters.")
        fingerprint = services.request_fingerprint(
            request.method, request.path, request.get_data(cache=True)
        )
        first = services.replayed(current_user, key, fingerprint)
        if first is not None:
            response = current_app.response_class(
                first.body, status=first.status_code, mimetype="application/json"
            )
            response.headers["Idempotent-Replayed"] = "true"
            if first.location:
                response.headers["Location"] = first.location
            return response
        response = current_app.make_response(view(*args, **kwargs))
        if 200 <= response.status_code < 300:
            services.remember_answer(
                current_user,
                key,
                fingerprint,
                response.status_code,
                response.get_data(as_text=True),
                response.headers.get("Location"),
            )
            db.session.commit()
        return response

    return guarded
