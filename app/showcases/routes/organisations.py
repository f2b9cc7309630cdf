"""Organisations' pages: profiles, logos, their showcases, invitations of colleagues.

They belong to the `showcases` blueprint (their endpoints are ``showcases.*``); the
organisations' services and queries live in ``app.organisations``.
"""

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access
from app.errors import Conflict, DomainError, InvalidToken
from app.extensions import db, limiter
from app.models import Organisation
from app.organisations import queries as organisation_queries
from app.organisations import services as organisation_services
from app.permissions import is_delegate_of
from app.showcases import queries
from app.showcases.blueprint import bp
from app.showcases.forms import (
    AcceptForm,
    ConfirmForm,
    InviteForm,
    LogoForm,
    OrganisationForm,
)
from app.uploads import discard, path_of, stored_type
from app.urls import safe_next_path

# Access checks ----------------------------------------------------------------------------


def represents(user, organisation_id: int, **_ignored) -> bool:
    """The ``allow`` check of the delegates' pages of one organisation."""
    db.get_or_404(Organisation, organisation_id)
    return is_delegate_of(user, organisation_id)


def _organisation_form(organisation: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation)
    form.country.choices = [
        SelectChoice("", _("Choose a country")),
        *(SelectChoice(code, name) for code, name in organisation_queries.countries()),
    ]
    if organisation is not None and request.method == "GET":
        form.kind.data = organisation.kind.value
        form.country.data = organisation.country or ""
    return form


@bp.route("/organisations/new", methods=["GET", "POST"])
@access(Audience.USER)
def new_organisation():
    if current_user.organisation_id is not None:
        flash(_("You already represent an organisation."), "info")
        return redirect(
            url_for("showcases.organisation", organisation_id=current_user.organisation_id)
        )
    form = _organisation_form()
    general = []
    if form.validate_on_submit():
        try:
            created = organisation_services.create_organisation(
                current_user, form.data_for("name", "kind", "country", "city", "website")
            )
        except DomainError as error:
            db.session.rollback()
            general = form.show_error(error)
        else:
            db.session.commit()
            flash(
                _("%(name)s is on Agora, and you are its delegate.", name=created.name), "success"
            )
            target = safe_next_path(request.args.get("next"))
            return redirect(target or url_for("showcases.organisation", organisation_id=created.id))
    return render_template(
        "showcases/organisation_form.html", form=form, organisation=None, general=general
    )


@bp.get("/organisations/<int:organisation_id>")
@access(Audience.ANONYMOUS)
def organisation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    is_delegate = is_delegate_of(current_user, found.id)
    accepted = queries.accepted_showcases(found.id)
    return render_template(
        "showcases/organisation.html",
        organisation=found,
        accepted=accepted,
        is_delegate=is_delegate,
        delegates=organisation_queries.delegates(found.id) if is_delegate else [],
        invitations=organisation_queries.open_invitations(found) if is_delegate else [],
        invite_form=InviteForm(),
        confirm_form=ConfirmForm(),
        open_calls=queries.open_calls() if is_delegate else [],
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(Audience.DELEGATE, allow=represents)
def edit_organisation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    form = _organisation_form(found)
    general = []
    if form.validate_on_submit():
        try:
            organisation_services.update_organisation(
                found, form.data_for("name", "kind", "country", "city", "website")
            )
        except DomainError as error:
            db.session.rollback()
            general = form.show_error(error)
            found = db.get_or_404(Organisation, organisation_id)
        else:
            db.session.commit()
            flash(_("Profile saved."), "success")
            return redirect(url_for("showcases.organisation", organisation_id=found.id))
    return render_template(
        "showcases/organisation_form.html",
        form=form,
        organisation=found,
        general=general,
        logo_form=LogoForm(),
        confirm_form=ConfirmForm(),
    )


@bp.post("/organisations/<int:organisation_id>/logo")
@access(Audience.DELEGATE, allow=represents)
def upload_logo(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    back = redirect(url_for("showcases.edit_organisation", organisation_id=found.id))
    if ConfirmForm().confirm.data == "remove":
        old = organisation_services.remove_logo(found)
        db.session.commit()
        discard(organisation_queries.LOGO_AREA, old)
        flash(_("Logo removed."), "success")
        return back
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        flash(_("Choose a PNG or JPEG file for the logo."), "error")
        return back
    try:
        old = organisation_services.set_logo(found, upload.stream, upload.filename)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    discard(organisation_queries.LOGO_AREA, old)
    flash(_("Logo saved."), "success")
    return back


@bp.get("/organisations/<int:organisation_id>/logo")
@access(Audience.ANONYMOUS)
def logo(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    content_type = stored_type(
        organisation_queries.LOGO_AREA, found.logo_path, organisation_queries.LOGO_TYPES
    )
    if content_type is None:
        abort(404)
    path = path_of(organisation_queries.LOGO_AREA, found.logo_path)
    response = send_file(path, mimetype=content_type, max_age=3600, etag=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/organisations/<int:organisation_id>/showcases")
@access(Audience.DELEGATE, allow=represents)
def organisation_showcases(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    return render_template(
        "showcases/organisation_showcases.html",
        organisation=found,
        showcases=queries.organisation_showcases(found.id),
        open_calls=queries.open_calls(),
    )


def _signed_in_user() -> str:
    return f"user:{current_user.id}"


@bp.post("/organisations/<int:organisation_id>/invitations")
@access(Audience.DELEGATE, allow=represents)
@limiter.limit("20 per hour", key_func=_signed_in_user)
def invite(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    form = InviteForm()
    if not form.validate_on_submit():
        flash(_("Give your colleague's email address."), "error")
        return redirect(url_for("showcases.organisation", organisation_id=found.id))
    try:
        invitation = organisation_services.invite(found, form.email.data, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Invitation sent to %(email)s.", email=invitation.email), "success")
    return redirect(url_for("showcases.organisation", organisation_id=found.id) + "#delegates")


@bp.post("/organisations/<int:organisation_id>/invitations/revoke")
@access(Audience.DELEGATE, allow=represents)
def revoke_invitation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    try:
        organisation_services.revoke(found, request.form.get("invitation_id"))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("Invitation withdrawn: its link no longer works."), "success")
    return redirect(url_for("showcases.organisation", organisation_id=found.id) + "#delegates")


@bp.post("/organisations/<int:organisation_id>/leave")
@access(Audience.DELEGATE, allow=represents)
def leave_organisation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    if ConfirmForm().confirm.data != "yes":
        flash(_("You are still a delegate."), "info")
        return redirect(url_for("showcases.organisation", organisation_id=found.id))
    organisation_services.leave(current_user)
    db.session.commit()
    flash(_("You no longer represent %(name)s.", name=found.name), "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access(Audience.USER)
def accept_invitation(token: str):
    try:
        invitation = organisation_queries.invitation_for(token)
    except InvalidToken as error:
        db.session.rollback()
        return render_template(
            "showcases/invitation.html", invitation=None, message=error.message, form=None
        ), 404
    form = AcceptForm()
    message = None
    if form.validate_on_submit():
        try:
            joined = organisation_services.accept(
                token, current_user, leave_current=form.leave_current.data
            )
            db.session.commit()
        except Conflict as error:
            db.session.rollback()
            message = error.message
        except DomainError as error:
            db.session.rollback()
            message = error.message
        else:
            flash(_("You now represent %(name)s.", name=joined.name), "success")
            return redirect(url_for("showcases.organisation", organisation_id=joined.id))
    return render_template(
        "showcases/invitation.html", invitation=invitation, message=message, form=form
    )
