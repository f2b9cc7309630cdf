"""Organisers' pages: an edition's registrations (list, CSV, settings), check-in at the door,
and the seats booked at sessions with a capacity (list, CSV)."""

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404
from app.models import BookingStatus, ConferenceSession, Registration, RegistrationStatus
from app.permissions import can_organise
from app.registrations import queries, services
from app.registrations.blueprint import bp
from app.registrations.forms import SettingsForm


def _status_filter(value: str | None) -> RegistrationStatus | None:
    try:
        return RegistrationStatus(value) if value else None
    except ValueError:
        return None


@bp.get("/editions/<slug>/manage/registrations")
@access(Audience.ORGANISER, allow=organises_edition)
def registrations(slug: str):
    edition = edition_or_404(slug)
    status = _status_filter(request.args.get("status"))
    text = (request.args.get("q") or "")[:100]
    return render_template(
        "registrations/manage/registrations.html",
        edition=edition,
        registrations=queries.list_registrations(edition, status=status, text=text),
        counts=services.registrations_by_status(edition),
        settings=queries.settings_of(edition),
        status=status,
        text=text,
        labels=queries.STATUS_LABELS,
    )


@bp.get("/editions/<slug>/manage/registrations.csv")
@access(Audience.ORGANISER, allow=organises_edition)
def registrations_csv(slug: str):
    edition = edition_or_404(slug)
    status = _status_filter(request.args.get("status"))
    found = queries.list_registrations(edition, status=status, text=request.args.get("q", ""))
    response = Response(
        queries.registrations_csv(edition, found), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{edition.slug}-registrations.csv"'
    )
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/editions/<slug>/manage/registrations/settings", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def settings(slug: str):
    edition = edition_or_404(slug)
    current = queries.settings_of(edition)
    form = SettingsForm(obj=current)
    if request.method == "GET":
        form.is_open.data = current.is_open if current else False
        form.questions.data = "\n".join(current.questions) if current else ""
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            promoted = services.save_settings(
                edition,
                is_open=form.is_open.data,
                capacity=form.capacity.data,
                closes_local=form.closes_local.data,
                questions=(form.questions.data or "").splitlines(),
            )
        except DomainError as error:
            db.session.rollback()
            errors = form.show_error(error)
        else:
            db.session.commit()
            flash(_("Registration settings saved."), "success")
            if promoted:
                flash(
                    _("%(count)d people moved up from the waiting list.", count=len(promoted)),
                    "info",
                )
            return redirect(url_for("registrations.registrations", slug=slug))
    return render_template(
        "registrations/manage/settings.html", edition=edition, form=form, errors=errors
    )


@bp.route("/editions/<slug>/manage/check-in", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def check_in(slug: str):
    """The door: a scanned ticket opens this page with its code; a name can be searched."""
    edition = edition_or_404(slug)
    code = (request.values.get("code") or "").strip()[:64]
    text = (request.args.get("q") or "").strip()[:100]
    outcome = None
    if request.method == "POST":
        try:
            registration_id = request.form.get("registration_id", type=int)
            if registration_id:
                chosen = db.session.get(Registration, registration_id)
                if chosen is None:
                    raise services.TicketRefused(_("Unknown registration."))
                done = services.check_in_registration(edition, chosen, by=current_user)
            else:
                done = services.check_in(edition, code, by=current_user)
        except services.AlreadyCheckedIn as error:
            db.session.rollback()
            outcome = ("warning", error.message, error.registration)
        except DomainError as error:
            db.session.rollback()
            outcome = ("error", error.message, None)
        else:
            db.session.commit()
            outcome = ("success", _("%(name)s is checked in.", name=done.name), done)
    found = None
    if code and request.method == "GET":
        found = queries.registration_by_code(code)
    return render_template(
        "registrations/manage/check_in.html",
        edition=edition,
        code=code,
        text=text,
        found=found,
        outcome=outcome,
        matches=queries.list_registrations(edition, status=RegistrationStatus.REGISTERED, text=text)
        if text
        else [],
        labels=queries.STATUS_LABELS,
    ), (422 if outcome and outcome[0] == "error" else 200)


# Seats at sessions -------------------------------------------------------------------------


def organises_session(user, id: int, **_ignored) -> bool:
    return can_organise(user, db.get_or_404(ConferenceSession, id).edition)


@bp.get("/editions/<slug>/manage/bookings")
@access(Audience.ORGANISER, allow=organises_edition)
def bookings(slug: str):
    """The edition's sessions that take bookings, with their seats booked and their queue."""
    edition = edition_or_404(slug)
    sessions = queries.sessions_with_seats(edition)
    return render_template(
        "registrations/manage/bookings.html",
        edition=edition,
        sessions=sessions,
        counts=queries.seat_counts([s.id for s in sessions]),
        booked=BookingStatus.BOOKED,
        waiting=BookingStatus.WAITLISTED,
    )


@bp.get("/sessions/<int:id>/bookings")
@access(Audience.ORGANISER, allow=organises_session)
def session_bookings(id: int):
    session_ = db.get_or_404(ConferenceSession, id)
    return render_template(
        "registrations/manage/session_bookings.html",
        edition=session_.edition,
        item=session_,
        found=queries.session_bookings(session_),
    )


@bp.get("/sessions/<int:id>/bookings.csv")
@access(Audience.ORGANISER, allow=organises_session)
def session_bookings_csv(id: int):
    session_ = db.get_or_404(ConferenceSession, id)
    response = Response(
        queries.bookings_csv(session_, queries.session_bookings(session_)),
        content_type="text/csv; charset=utf-8",
    )
    response.headers["Content-Disposition"] = f'attachment; filename="session-{id}-bookings.csv"'
    response.headers["Cache-Control"] = "private, no-store"
    return response
