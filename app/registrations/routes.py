"""Attendees' pages: register for an edition, my ticket, cancel, seats at sessions, My agenda."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import OperationalError

from app.access import Audience, access
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404
from app.models import ConferenceSession, EditionStatus
from app.models.base import utcnow
from app.registrations import queries, services
from app.registrations.blueprint import bp, webcal
from app.registrations.forms import RegistrationForm, answers_from
from app.timezones import is_valid_zone
from app.urls import absolute_link


def _published(slug: str):
    edition = edition_or_404(slug)
    if edition.status is not EditionStatus.PUBLISHED:
        abort(404)
    return edition


@bp.route("/editions/<slug>/register", methods=["GET", "POST"])
@access(Audience.USER)
def register(slug: str):
    edition = _published(slug)
    mine = queries.registration_of(current_user, edition)
    if mine is not None and mine.status.value != "cancelled":
        flash(_("You are already registered for this edition."), "info")
        return redirect(url_for("registrations.ticket", slug=slug))
    settings = queries.settings_of(edition)
    questions = list(settings.questions) if settings else []
    is_open = queries.is_open(edition, settings, utcnow())
    form = RegistrationForm()
    if request.method == "GET":
        form.full_name.data = current_user.display_name
        if current_user.organisation is not None:
            form.organisation_name.data = current_user.organisation.name
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.register(
                edition,
                current_user,
                **form.data_for("full_name", "organisation_name", "role"),
                answers=answers_from(request.form, questions),
            )
        except DomainError as error:
            db.session.rollback()
            errors = form.show_error(error)
        else:
            db.session.commit()
            return redirect(url_for("registrations.ticket", slug=slug))
    return render_template(
        "registrations/register.html",
        edition=edition,
        form=form,
        questions=questions,
        answers=request.form,
        is_open=is_open,
        settings=settings,
        errors=errors,
    ), (422 if errors or form.errors else 200)


@bp.get("/editions/<slug>/ticket")
@access(Audience.USER)
def ticket(slug: str):
    edition = edition_or_404(slug)
    mine = queries.registration_of(current_user, edition)
    if mine is None:
        return redirect(url_for("registrations.register", slug=slug))
    qr = None
    if mine.status.value == "registered":
        qr = queries.qr_svg_data_uri(queries.check_in_link(mine))
    return render_template(
        "registrations/ticket.html",
        edition=edition,
        registration=mine,
        qr=qr,
        position=queries.waiting_position(mine),
        labels=queries.STATUS_LABELS,
    )


@bp.post("/editions/<slug>/ticket/cancel")
@access(Audience.USER)
def cancel(slug: str):
    edition = edition_or_404(slug)
    mine = queries.registration_of(current_user, edition)
    if mine is None:
        abort(404)
    try:
        services.cancel(mine)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your registration is cancelled."), "success")
    return redirect(url_for("registrations.ticket", slug=slug))


def _session_page(session_: ConferenceSession):
    return redirect(url_for("program.session_page", id=session_.id) + "#seat", code=303)


@bp.post("/sessions/<int:id>/seat")
@access(Audience.USER)
def book_seat(id: int):
    session_ = db.get_or_404(ConferenceSession, id)
    if not session_.edition.is_public:
        abort(404)
    try:
        booking = services.book_seat(session_, current_user)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if booking.status.value == "booked":
            flash(_("Your seat is booked."), "success")
        else:
            flash(
                _(
                    "All seats are taken: you are number %(n)d in the queue.",
                    n=queries.queue_position(booking),
                ),
                "info",
            )
    return _session_page(session_)


@bp.post("/sessions/<int:id>/seat/cancel")
@access(Audience.USER)
def cancel_seat(id: int):
    session_ = db.get_or_404(ConferenceSession, id)
    booking = queries.booking_of(current_user, session_)
    if booking is None:
        abort(404)
    try:
        services.cancel_seat(booking)
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Your seat is given up; the next person waiting gets it."), "success")
    return _session_page(session_)


@bp.get("/agenda")
@access(Audience.USER)
def agenda():
    zone = request.args.get("tz") or current_user.timezone
    zone = zone if zone and is_valid_zone(zone) else None
    built = services.open_agenda(
        current_user,
        zone=zone,
        session_link=lambda s: url_for("program.session_page", id=s.id),
        thinklab_link=lambda t: url_for("thinklabs.thinklab", slug=t.slug),
    )
    feed = None
    if current_user.calendar_token:
        download = absolute_link("calendars.agenda_calendar", token=current_user.calendar_token)
        feed = {
            "download": download,
            "webcal": webcal(download),
            "qr": queries.qr_svg_data_uri(webcal(download)),
        }
    page = render_template(
        "registrations/agenda.html",
        agenda=built,
        feed=feed,
        registrations=queries.registrations_of_user(current_user),
        seats=queries.seats_of_user(current_user),
        booking_labels=queries.BOOKING_LABELS,
    )
    try:
        services.mark_agenda_seen(current_user, built.sessions)
        db.session.commit()
    except OperationalError:
        # A busy database file (SQLite) must not cost the page: the next visit remembers.
        db.session.rollback()
    return page
