"""The `api` blueprints: ``api`` holds the health check, the token and webhook pages; ``api_v1``
(flask-smorest) holds the JSON API under ``/api/v1``, whose OpenAPI document is generated
from its views and schemas. Registering ``api`` registers ``api_v1`` and its document."""

import json

from flask import Blueprint, current_app, g, request
from flask_login import current_user
from flask_smorest import Api
from flask_smorest import Blueprint as ApiBlueprint
from werkzeug.exceptions import HTTPException

from app.api import queries
from app.api.schemas import ErrorSchema
from app.errors import DomainError, FormErrors, api_error_body
from app.extensions import csrf, db, limiter

bp = Blueprint("api", __name__)

PREFIX = "/api/v1"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
MAX_BODY = 1024 * 1024
API_MESSAGES = {
    401: "Authenticate: send a personal token as 'Authorization: Bearer <token>'.",
    403: "You may not do this.",
    404: "There is nothing at this address.",
    412: "The resource changed since you read it: read it again, then retry.",
}

v1 = ApiBlueprint(
    "api_v1",
    __name__,
    url_prefix=PREFIX,
    description="Agora's data: editions, the programme, showcases, agendas and webhooks.",
)


class AgoraApi(Api):
    """flask-smorest's Api without its app-wide error handler: Agora's own handlers answer
    every error (HTML pages stay HTML), and the API's views get the JSON shape below."""

    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self):
        pass


api = AgoraApi(
    spec_kwargs={
        "info": {
            "description": (
                "Read and write Agora's data. Authenticate with a personal token "
                "(`Authorization: Bearer <token>`) made on your account page; a read token "
                "may only read. Every error answers with one JSON shape."
            )
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{}, {"bearer": []}],
    }
)


@bp.record_once
def _register_v1(state) -> None:
    app = state.app
    app.config.setdefault("API_TITLE", "Agora API")
    app.config.setdefault("API_VERSION", "1")
    app.config.setdefault("OPENAPI_VERSION", "3.0.3")
    app.config.setdefault("API_RATE_LIMIT", "300/minute")
    app.config.setdefault("WEBHOOKS_ALLOW_PRIVATE", True)
    api.init_app(app)
    csrf.exempt(v1)
    api.register_blueprint(v1)
    # A JSON client that is not signed in gets 401, not the login page.
    app.login_manager.blueprint_login_views["api_v1"] = None


def rate_limit() -> str:
    return current_app.config["API_RATE_LIMIT"]


def rate_limit_key() -> str:
    """Limits count per token (by its digest: the limiter runs before authentication),
    else per address."""
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and secret.strip():
        return "token:" + queries.token_digest(secret.strip())[:24]
    return f"addr:{request.remote_addr}"


# Once, at import: each call adds a limit to the blueprint's, for every app.
limiter.limit(rate_limit, key_func=rate_limit_key, scope="api")(v1)


def _has_nul() -> bool:
    if "\x00" in request.path or b"%00" in request.query_string.lower():
        return True
    body = request.get_data(cache=True)
    return b"\x00" in body or b"\\u0000" in body.lower()


@v1.before_request
def authenticate():
    """Bearer tokens for programs, the session cookie (with its CSRF token) for the pages."""
    if (request.content_length or 0) > MAX_BODY:
        return error(413, "payload_too_large", "Keep the request's body under 1 MiB.")
    if _has_nul():
        return error(400, "bad_request", "NUL characters are not accepted.")
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, secret = header.partition(" ")
        token = queries.usable_token(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            return error(401, "invalid_token", "The token is unknown, expired or revoked.")
        g.api_token = token
        # Flask-Login's current user for this request only: nothing goes in the cookie.
        current_app.login_manager._update_request_context_with_user(token.user)
        if request.method not in SAFE_METHODS and not token.can_write:
            return error(403, "insufficient_scope", "This token may only read.")
        queries.note_token_use(token)
    elif request.method not in SAFE_METHODS and current_user.is_authenticated:
        if current_app.config.get("WTF_CSRF_ENABLED", True):
            csrf.protect()
    return None


@v1.after_request
def conditional(response):
    """Reads carry an ETag (the resource's version, else a digest of the body) and answer
    304 to a client that already has them."""
    if request.method == "GET" and response.status_code == 200:
        if not response.get_etag()[0]:
            response.add_etag()
        response.make_conditional(request)
    return response


def error(status: int, code: str, message: str, errors: dict | None = None):
    """The API's one error answer."""
    body = api_error_body(status, code, message, errors)
    return current_app.response_class(json.dumps(body), status=status, mimetype="application/json")


@v1.errorhandler(DomainError)
def _domain_error(failure: DomainError):
    db.session.rollback()
    if isinstance(failure, FormErrors):
        errors = {name or "_form": messages for name, messages in failure.errors.items()}
    elif failure.field:
        errors = {failure.field: [failure.message]}
    else:
        errors = {}
    code = getattr(failure, "code", None) or _snake(type(failure).__name__)
    return error(failure.status, code, failure.message, errors)


@v1.errorhandler(HTTPException)
def _http_error(failure: HTTPException):
    if (failure.code or 500) >= 500:
        db.session.rollback()
    data = getattr(failure, "data", None) or {}
    messages = data.get("messages") or {}
    errors: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            for name, found in fields.items():
                errors[name] = _flatten(found)
        else:
            errors[location] = _flatten(fields)
    message = data.get("message") or API_MESSAGES.get(failure.code) or failure.description
    code = _snake(failure.name)
    if failure.code == 422 and errors:
        message = "The request's data is not valid; see errors."
    return error(failure.code or 500, code, message, errors)


def _flatten(found) -> list[str]:
    if isinstance(found, dict):
        return [f"{key}: {message}" for key, value in found.items() for message in _flatten(value)]
    if isinstance(found, list):
        return [message for item in found for message in _flatten(item)]
    return [str(found)]


def _snake(name: str) -> str:
    out = ""
    for position, char in enumerate(name.replace(" ", "_")):
        if char.isupper() and position and name[position - 1] not in " _":
            out += "_"
        out += char.lower()
    return out.replace("__", "_")
