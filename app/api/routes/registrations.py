"""Registrations: the caller's own for an edition (read, register, cancel), and an
edition's registrations and check-in at the door for its organisers."""

from flask import abort
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.api.blueprint import error, v1
from app.api.queries import registrations as queries
from app.api.routes.editions import SLUG, visible_edition
from app.api.routes.http import created, page_body, refused, write
from app.api.schemas import page_schema
from app.api.schemas.registrations import (
    CheckInInput,
    MyRegistrationSchema,
    RegistrationFormSchema,
    RegistrationInput,
    RegistrationListArgs,
    RegistrationSchema,
)
from app.registrations import services
from app.registrations.queries import registration_of


def _mine(slug: str):
    return registration_of(current_user, visible_edition(slug)) or abort(404)


@v1.route(f"/editions/{SLUG}/registration-form", methods=["GET"])
@access(Audience.ANONYMOUS)
@v1.response(200, RegistrationFormSchema)
def registration_form(slug: str):
    """Whether the edition takes registrations now, until when, and its questions."""
    return queries.registration_form(visible_edition(slug))


@v1.route(f"/editions/{SLUG}/registration", methods=["GET"])
@access(Audience.USER)
@v1.response(200, MyRegistrationSchema)
def my_registration(slug: str):
    """The caller's registration for the edition, with their ticket code."""
    return _mine(slug)


@v1.route(f"/editions/{SLUG}/registration", methods=["POST"])
@access(Audience.USER)
@write(creates=True)
@v1.arguments(RegistrationInput)
@v1.response(201, MyRegistrationSchema)
def register(data, slug: str):
    """Register the caller: a place while there is one, else the waiting list (as the
    registration page does, with the same questions)."""
    edition = visible_edition(slug)
    unknown = queries.unknown_questions(edition, data["answers"])
    if unknown:
        return refused(
            422, "answers", _("Not a question of this edition: %(question)s", question=unknown[0])
        )
    return created(services.register(edition, current_user, **data))


@v1.route(f"/editions/{SLUG}/registration", methods=["DELETE"])
@access(Audience.USER)
@write()
@v1.response(200, MyRegistrationSchema)
def cancel_registration(slug: str):
    """Cancel the caller's registration; its place goes to the next person waiting."""
    mine = _mine(slug)
    services.cancel(mine)
    return mine


@v1.route(f"/editions/{SLUG}/registrations", methods=["GET"])
@access(Audience.ORGANISER, allow=organises_edition)
@v1.arguments(RegistrationListArgs, location="query")
@v1.response(200, page_schema(RegistrationSchema, "RegistrationPage"))
def list_registrations(args, slug: str):
    """The edition's registrations, by status, check-in and a piece of name, sorted, by page."""
    return page_body(queries.registrations(visible_edition(slug), **args))


@v1.route(f"/editions/{SLUG}/check-ins", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True, refusals={services.TicketRefused: 409})
@v1.arguments(CheckInInput)
@v1.response(201, RegistrationSchema)
def check_in(data, slug: str):
    """Check in the holder of a ticket at the door. A ticket checked in before answers 409
    with the first check-in's time; a cancelled or waiting one 409; another edition's 404."""
    edition = visible_edition(slug)
    ticket = queries.ticket_of(edition, data["code"])
    if ticket is None:
        return error(404, "unknown_ticket", _("No registration of this edition has this ticket."))
    try:
        return created(services.check_in_registration(edition, ticket, by=current_user))
    except services.AlreadyCheckedIn as failure:
        first = failure.registration.checked_in_at.isoformat()
        return error(409, "already_checked_in", failure.message, {"checked_in_at": [first]})
