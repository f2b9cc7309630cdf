"""Public catalogue and showcase pages; the delegates' pages: drafts, materials, submission.

Organisations' profiles and invitations live here too; the organisers' and reviewers'
pages are in ``manage``.
"""

import logging

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access
from app.errors import Conflict, DomainError, InvalidToken
from app.extensions import db, limiter
from app.lookups import edition_or_404
from app.models import Edition, Organisation, Showcase, ShowcaseMaterial, ShowcaseStatus
from app.permissions import can_organise, can_see_edition, is_assigned_reviewer, is_delegate_of
from app.showcases import organisations as orgs
from app.showcases import services as svc
from app.showcases import uploads
from app.showcases.blueprint import bp
from app.showcases.forms import (
    AcceptForm,
    ConfirmForm,
    InviteForm,
    LogoForm,
    MaterialsForm,
    OrganisationForm,
    ShowcaseForm,
    SubmitForm,
    WithdrawForm,
)
from app.urls import safe_next_path

logger = logging.getLogger(__name__)


# Helpers shared by the templates ----------------------------------------------------------


def paragraphs(text: str | None) -> Markup:
    """Plain text as HTML paragraphs: blank lines part paragraphs, line breaks stay."""
    blocks = [block.strip() for block in (text or "").replace("\r\n", "\n").split("\n\n")]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
        if block
    )


def file_size(size: int) -> str:
    if size >= uploads.MB:
        return f"{size / uploads.MB:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"  # a file of a few bytes still says 1 KB


@bp.app_context_processor
def showcase_helpers():
    return {
        "showcase_status_labels": svc.STATUS_LABELS,
        "showcase_kind_labels": svc.KIND_LABELS,
        "organisation_kind_labels": svc.ORGANISATION_KIND_LABELS,
    }


@bp.context_processor
def page_helpers():
    return {
        "paragraphs": paragraphs,
        "file_size": file_size,
        "country_name": orgs.country_name,
        "call_state": svc.call_state,
        "CallState": svc.CallState,
    }


# Loading and access checks ----------------------------------------------------------------


def showcase_or_404(showcase_id: int) -> Showcase:
    showcase = svc.showcase_for_page(showcase_id)
    if showcase is None:
        abort(404)
    return showcase


def represents_showcase(user, id: int, **_ignored) -> bool:
    """The ``allow`` check of the delegates' pages of one showcase."""
    return is_delegate_of(user, db.get_or_404(Showcase, id).organisation_id)


def represents(user, organisation_id: int, **_ignored) -> bool:
    """The ``allow`` check of the delegates' pages of one organisation."""
    db.get_or_404(Organisation, organisation_id)
    return is_delegate_of(user, organisation_id)


def _refused(form, error: DomainError) -> list[str]:
    """Undo what the failed service did; put its messages next to their fields."""
    db.session.rollback()
    errors = getattr(error, "errors", None) or {error.field or "": [error.message]}
    general = []
    for name, messages in errors.items():
        if name and name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            general.extend(messages)
    return general


def _track_choices(edition: Edition, *, blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(str(t.id), t.name) for t in edition.tracks)]


# The catalogue and the showcase page ------------------------------------------------------


@bp.get("/showcases")
@access(Audience.ANONYMOUS)
def catalogue():
    filters = svc.CatalogueFilters.from_args(request.args)
    result = svc.catalogue(filters)
    return render_template("showcases/catalogue.html", filters=filters, result=result)


@bp.get("/showcases/<int:id>")
@access(Audience.ANONYMOUS)
def showcase(id: int):
    item = showcase_or_404(id)
    if not svc.can_see(current_user, item):
        abort(404)
    is_delegate = is_delegate_of(current_user, item.organisation_id)
    organises = can_organise(current_user, item.edition)
    # Where and when: public once the programme is, earlier for those it concerns.
    shows_sessions = item.edition.programme_published_at is not None or is_delegate or organises
    return render_template(
        "showcases/showcase.html",
        showcase=item,
        sessions=svc.presented_in(item) if shows_sessions else [],
        history=svc.can_see_history(current_user, item),
        is_delegate=is_delegate,
        organises=organises,
        reviews=is_assigned_reviewer(current_user, item),
        edit_problem=svc.edit_problem(item) if is_delegate else None,
        withdraw_problem=svc.withdraw_problem(item) if is_delegate else None,
        confirm_form=ConfirmForm(),
    )


@bp.get("/showcases/<int:id>/materials/<int:material_id>")
@access(Audience.ANONYMOUS)
def material(id: int, material_id: int):
    item = db.get_or_404(Showcase, id)
    found = db.get_or_404(ShowcaseMaterial, material_id)
    if found.showcase_id != item.id or not svc.can_see(current_user, item):
        abort(404)
    path = uploads.path_of(svc.MATERIALS_AREA, found.storage_key)
    if path is None or not path.is_file():
        logger.warning("material %s has no file at %s", found.id, path)
        abort(404)
    response = send_file(
        path,
        mimetype=found.content_type,
        as_attachment=True,
        download_name=found.filename,
        max_age=0,
        etag=found.sha256,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    return response


# The call and the delegates' pages --------------------------------------------------------


@bp.get("/editions/<slug>/call")
@access(Audience.ANONYMOUS)
def call(slug: str):
    edition = edition_or_404(slug)
    if not can_see_edition(current_user, edition):
        abort(404)
    return render_template(
        "showcases/call.html",
        edition=edition,
        state=svc.call_state(edition),
        is_open=svc.call_is_open(edition),
        max_files=uploads.max_materials(),
        max_mb=uploads.max_material_bytes() // uploads.MB,
    )


@bp.get("/showcases/mine")
@access(Audience.USER)
def mine():
    if current_user.organisation_id is None:
        flash(_("Create your organisation's profile to submit showcases."), "info")
        return redirect(url_for("showcases.new_organisation"))
    return redirect(
        url_for("showcases.organisation_showcases", organisation_id=current_user.organisation_id)
    )


@bp.route("/editions/<slug>/showcases/new", methods=["GET", "POST"])
@access(Audience.USER)
def new_showcase(slug: str):
    edition = edition_or_404(slug)
    if not can_see_edition(current_user, edition):
        abort(404)
    if current_user.organisation_id is None:
        flash(_("Create your organisation's profile before submitting a showcase."), "info")
        return redirect(url_for("showcases.new_organisation", next=request.path))
    if not svc.call_is_open(edition):
        return render_template(
            "showcases/call.html",
            edition=edition,
            state=svc.call_state(edition),
            is_open=False,
            max_files=uploads.max_materials(),
            max_mb=uploads.max_material_bytes() // uploads.MB,
        ), 409
    form = ShowcaseForm()
    form.track_id.choices = _track_choices(edition, blank=_("Choose later"))
    general = []
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            result = svc.create_draft(
                current_user, edition, form.data_for("title", "kind", "track_id", "summary")
            )
        except DomainError as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            if result.created:
                flash(
                    _("Draft saved. Add your files, then submit it before the call closes."),
                    "success",
                )
            else:
                flash(_("Your organisation already has this showcase: here it is."), "info")
            return redirect(url_for("showcases.edit_showcase", id=result.showcase.id))
    return render_template(
        "showcases/edit.html", form=form, edition=edition, showcase=None, general=general
    ), status


def _edit_page(
    item: Showcase, form=None, *, general=(), materials_form=None, submit_form=None, status=200
):
    if form is None:
        form = ShowcaseForm(obj=item)
        form.kind.data = item.kind.value
        form.track_id.data = str(item.track_id or "")
        form.version.data = item.version_id
    form.track_id.choices = _track_choices(item.edition, blank=_("Choose later"))
    if submit_form is None:
        submit_form = SubmitForm()
        submit_form.track_id.data = str(item.track_id or "")
        submit_form.version.data = item.version_id
    submit_form.track_id.choices = _track_choices(item.edition, blank=_("Choose an axis"))
    return render_template(
        "showcases/edit.html",
        form=form,
        edition=item.edition,
        showcase=item,
        general=list(general),
        problem=svc.edit_problem(item),
        materials_form=materials_form or MaterialsForm(),
        submit_form=submit_form,
        confirm_form=ConfirmForm(),
        max_files=uploads.max_materials(),
        max_mb=uploads.max_material_bytes() // uploads.MB,
    ), status


@bp.route("/showcases/<int:id>/edit", methods=["GET", "POST"])
@access(Audience.DELEGATE, allow=represents_showcase)
def edit_showcase(id: int):
    item = showcase_or_404(id)
    if request.method == "GET":
        return _edit_page(item)
    form = ShowcaseForm()
    form.track_id.choices = _track_choices(item.edition, blank=_("Choose later"))
    if not form.validate_on_submit():
        return _edit_page(item, form, status=422)
    try:
        svc.update_showcase(
            item,
            current_user,
            form.data_for("title", "kind", "track_id", "summary"),
            version=form.version.data,
        )
        db.session.commit()
    except svc.StaleShowcase as error:
        db.session.rollback()
        item = showcase_or_404(id)
        form.version.data = item.version_id
        return _edit_page(item, form, general=[error.message], status=409)
    except StaleDataError:
        db.session.rollback()
        item = showcase_or_404(id)
        return _edit_page(
            item,
            general=[_("Someone saved this showcase at the same moment; check it and try again.")],
            status=409,
        )
    except DomainError as error:
        general = _refused(form, error)
        item = showcase_or_404(id)
        return _edit_page(item, form, general=general, status=error.status)
    flash(_("Showcase saved."), "success")
    return redirect(url_for("showcases.edit_showcase", id=item.id))


@bp.post("/showcases/<int:id>/materials")
@access(Audience.DELEGATE, allow=represents_showcase)
def upload_materials(id: int):
    item = showcase_or_404(id)
    form = MaterialsForm()
    files = [(f.stream, f.filename) for f in request.files.getlist("file") if f and f.filename]
    if not form.validate_on_submit() and form.errors.get("csrf_token"):
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        added = svc.add_materials(item, current_user, files)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        item = showcase_or_404(id)
        form.file.errors = [error.message]
        return _edit_page(item, materials_form=form, status=error.status)
    flash(
        _(
            "%(count)d file(s) added: %(names)s.",
            count=len(added),
            names=", ".join(m.filename for m in added),
        ),
        "success",
    )
    return redirect(url_for("showcases.edit_showcase", id=item.id) + "#materials")


@bp.post("/showcases/<int:id>/materials/<int:material_id>/delete")
@access(Audience.DELEGATE, allow=represents_showcase)
def delete_material(id: int, material_id: int):
    item = showcase_or_404(id)
    found = db.get_or_404(ShowcaseMaterial, material_id)
    if found.showcase_id != item.id:
        abort(404)
    if ConfirmForm().confirm.data != "yes":
        flash(_("Nothing was deleted."), "info")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        key = svc.delete_material(found, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    uploads.discard(svc.MATERIALS_AREA, key)
    flash(_("File deleted."), "success")
    return redirect(url_for("showcases.edit_showcase", id=item.id) + "#materials")


@bp.post("/showcases/<int:id>/submit")
@access(Audience.DELEGATE, allow=represents_showcase)
def submit_showcase(id: int):
    item = showcase_or_404(id)
    form = SubmitForm()
    form.track_id.choices = _track_choices(item.edition, blank=_("Choose an axis"))
    if not form.version.data:
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        result = svc.submit(
            item, current_user, version=form.version.data, track_id=form.track_id.data
        )
        db.session.commit()
    except StaleDataError:
        # Another request (a double-click) submitted it first: say what happened.
        db.session.rollback()
        item = showcase_or_404(id)
        if item.status in (ShowcaseStatus.SUBMITTED, ShowcaseStatus.UNDER_REVIEW):
            flash(_("This showcase is already submitted."), "info")
            return redirect(url_for("showcases.showcase", id=item.id))
        flash(
            _("Someone changed this showcase at the same moment; check it and submit again."),
            "error",
        )
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    except DomainError as error:
        general = _refused(form, error)
        item = showcase_or_404(id)
        return _edit_page(item, general=general, submit_form=form, status=error.status)
    if result.already:
        flash(_("This showcase is already submitted."), "info")
    else:
        flash(
            _(
                "Showcase submitted. We sent an acknowledgement to %(email)s.",
                email=current_user.email,
            ),
            "success",
        )
    return redirect(url_for("showcases.showcase", id=item.id))


@bp.route("/showcases/<int:id>/withdraw", methods=["GET", "POST"])
@access(Audience.DELEGATE, allow=represents_showcase)
def withdraw_showcase(id: int):
    item = showcase_or_404(id)
    form = WithdrawForm()
    general = []
    problem = svc.withdraw_problem(item)
    if request.method == "POST" and problem is None:
        if form.validate_on_submit():
            try:
                svc.withdraw(item, current_user, form.note.data or "")
                db.session.commit()
            except DomainError as error:
                general = _refused(form, error)
                item = showcase_or_404(id)
            else:
                flash(_("The showcase is withdrawn."), "success")
                return redirect(url_for("showcases.showcase", id=item.id))
    return render_template(
        "showcases/withdraw.html", showcase=item, form=form, problem=problem, general=general
    )


@bp.post("/showcases/<int:id>/delete")
@access(Audience.DELEGATE, allow=represents_showcase)
def delete_showcase(id: int):
    item = showcase_or_404(id)
    if ConfirmForm().confirm.data != "yes":
        flash(_("Nothing was deleted."), "info")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    organisation_id = item.organisation_id
    try:
        keys = svc.delete_draft(item, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("showcases.showcase", id=id))
    for key in keys:
        uploads.discard(svc.MATERIALS_AREA, key)
    flash(_("Draft deleted."), "success")
    return redirect(url_for("showcases.organisation_showcases", organisation_id=organisation_id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the server's limit: say so plainly, and where to go back."""
    db.session.rollback()
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // uploads.MB
    back = None
    view_args = request.view_args or {}
    if "id" in view_args:
        back = url_for("showcases.edit_showcase", id=view_args["id"])
    elif "organisation_id" in view_args:
        back = url_for("showcases.edit_organisation", organisation_id=view_args["organisation_id"])
    return render_template(
        "showcases/too_large.html",
        limit_mb=limit_mb,
        file_mb=uploads.max_material_bytes() // uploads.MB,
        back=back,
    ), 413


# Organisations ----------------------------------------------------------------------------


def _organisation_form(organisation: Organisation | None = None) -> OrganisationForm:
    form = OrganisationForm(obj=organisation)
    form.country.choices = [
        SelectChoice("", _("Choose a country")),
        *(SelectChoice(code, name) for code, name in orgs.countries()),
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
            created = orgs.create_organisation(
                current_user, form.data_for("name", "kind", "country", "city", "website")
            )
        except DomainError as error:
            general = _refused(form, error)
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
    accepted = list(
        db.session.scalars(
            svc.public_showcases()
            .where(Showcase.organisation_id == found.id)
            .options(
                joinedload(Showcase.organisation),
                joinedload(Showcase.edition),
                joinedload(Showcase.track),
            )
            .order_by(Edition.start_date.desc(), Showcase.title)
        )
    )
    return render_template(
        "showcases/organisation.html",
        organisation=found,
        accepted=accepted,
        is_delegate=is_delegate,
        delegates=orgs.delegates(found) if is_delegate else [],
        invitations=orgs.open_invitations(found) if is_delegate else [],
        invite_form=InviteForm(),
        confirm_form=ConfirmForm(),
        open_calls=svc.open_calls() if is_delegate else [],
    )


@bp.route("/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@access(Audience.DELEGATE, allow=represents)
def edit_organisation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    form = _organisation_form(found)
    general = []
    if form.validate_on_submit():
        try:
            orgs.update_organisation(
                found, form.data_for("name", "kind", "country", "city", "website")
            )
        except DomainError as error:
            general = _refused(form, error)
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
        old = orgs.remove_logo(found)
        db.session.commit()
        uploads.discard(orgs.LOGO_AREA, old)
        flash(_("Logo removed."), "success")
        return back
    upload = request.files.get("logo")
    if upload is None or not upload.filename:
        flash(_("Choose a PNG or JPEG file for the logo."), "error")
        return back
    try:
        old = orgs.set_logo(found, upload.stream, upload.filename)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    uploads.discard(orgs.LOGO_AREA, old)
    flash(_("Logo saved."), "success")
    return back


@bp.get("/organisations/<int:organisation_id>/logo")
@access(Audience.ANONYMOUS)
def logo(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    path = uploads.path_of(orgs.LOGO_AREA, found.logo_path or "")
    if path is None or not path.is_file():
        abort(404)
    with open(path, "rb") as handle:
        content_type = uploads.sniff(handle.read(16))
    if content_type not in uploads.LOGO_TYPES:
        abort(404)
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
        showcases=svc.organisation_showcases(found.id),
        open_calls=svc.open_calls(),
    )


def _signed_in_user() -> str:
    return f"user:{current_user.get_id()}"


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
        invitation = orgs.invite(found, form.email.data, current_user)
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
        orgs.revoke(found, request.form.get("invitation_id"))
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
    orgs.leave(current_user)
    db.session.commit()
    flash(_("You no longer represent %(name)s.", name=found.name), "success")
    return redirect(url_for("auth.account"))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@access(Audience.USER)
def accept_invitation(token: str):
    try:
        invitation = orgs.invitation_for(token)
    except InvalidToken as error:
        db.session.rollback()
        return render_template(
            "showcases/invitation.html", invitation=None, message=error.message, form=None
        ), 404
    form = AcceptForm()
    message = None
    if form.validate_on_submit():
        try:
            joined = orgs.accept(token, current_user, leave_current=form.leave_current.data)
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
