"""Domain exceptions and the app-wide error handlers (HTML or JSON)."""

import logging

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, OperationalError
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.extensions import db

logger = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the domain refused an operation; ``status`` is the HTTP answer for it."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotAllowed(DomainError):
    status = 403


class NotFound(DomainError):
    status = 404


class Conflict(DomainError):
    status = 409


class InvalidInput(DomainError):
    status = 422


class FormErrors(InvalidInput):
    """Input refused field by field; ``errors`` maps a field name ("" = the form) to messages."""

    def __init__(self, errors: dict[str, list[str]]):
        messages = [message for found in errors.values() for message in found]
        super().__init__(" ".join(messages), field=next(iter(errors), None) or None)
        self.errors = errors


class FieldErrors(dict):
    """Collects messages by field, so a form reports every problem at once."""

    def add(self, name: str, message: str) -> None:
        self.setdefault(name, []).append(message)

    def raise_any(self) -> None:
        """:raises FormErrors: if any message was collected."""
        if self:
            raise FormErrors(dict(self))


class EmailTaken(Conflict):
    """Another account already uses this email address (compared case-insensitively)."""


class WeakPassword(InvalidInput):
    """A password too short, too long, too common or too close to the email address."""


class InvalidToken(InvalidInput):
    """A signed link that is tampered with, expired or already used."""


class LoginFailed(InvalidInput):
    """The email or the password is wrong; which one is never said."""


class AccountDisabled(NotAllowed):
    """The account exists and the password is right, but the account is disabled."""


def wants_json() -> bool:
    """Tell whether the client asked for JSON rather than a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def api_error_body(status: int, code: str, message: str, errors: dict | None = None) -> dict:
    """The one JSON shape of every error: status, code, message and messages by field."""
    return {"status": status, "code": code, "message": str(message), "errors": errors or {}}


def error_response(status: int, title: str, message: str):
    if wants_json():
        code = HTTP_STATUS_CODES.get(status, "error").lower().replace(" ", "_").replace("'", "")
        return jsonify(api_error_body(status, code, message)), status
    try:
        page = render_template("errors/error.html", status=status, title=title, message=message)
    except Exception:
        # The page itself needs the database (the signed-in user); say it plainly instead.
        logger.exception("could not render the %s page", status)
        page = f"{status} {title}\n\n{message}\n"
        return page, status, {"Content-Type": "text/plain; charset=utf-8"}
    return page, status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException):
        if error.code and error.code >= 500:
            db.session.rollback()
        messages = {
            400: _("The request could not be understood."),
            401: _("Please log in first."),
            403: _("You are not allowed to see this page."),
            404: _("There is nothing at this address."),
            405: _("This address does not accept that method."),
            413: _("The upload is too large."),
            429: _("Too many attempts. Please wait a moment and try again."),
        }
        titles = {
            400: _("Bad request"),
            401: _("Not logged in"),
            403: _("Forbidden"),
            404: _("Page not found"),
            405: _("Method not allowed"),
            413: _("Upload too large"),
            429: _("Too many requests"),
            500: _("Server error"),
        }
        message = messages.get(error.code, error.description or "")
        return error_response(error.code or 500, titles.get(error.code, error.name), message)

    @app.errorhandler(DomainError)
    def handle_domain(error: DomainError):
        db.session.rollback()
        return error_response(error.status, _("Refused"), error.message)

    @app.errorhandler(DataError)
    @app.errorhandler(OverflowError)
    def handle_unstorable_value(error: DataError | OverflowError):
        # The database refused a value of the request (a NUL character, a number beyond
        # its column, text it cannot read), or SQLite's driver a number beyond 64 bits:
        # the input is at fault, not the server.
        reason = getattr(error, "orig", None) or error
        logger.warning(
            "value refused on %s %s: %s",
            request.method,
            request.path,
            (str(reason).strip().splitlines() or [type(reason).__name__])[0],
        )
        db.session.rollback()
        return handle_http(BadRequest())

    @app.errorhandler(OperationalError)
    def handle_database_down(error: OperationalError):
        logger.error("database unavailable: %s", error.orig)
        db.session.rollback()
        return error_response(
            503,
            _("Service unavailable"),
            _("The database cannot be reached right now. Nothing was lost; please try again."),
        )

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        logger.exception("unexpected error on %s %s", request.method, request.path)
        db.session.rollback()
        return error_response(500, _("Server error"), _("Something went wrong on our side."))


class TransitionRefused(Conflict):
    """A change of an agreement's status that its lifecycle rules forbid."""
