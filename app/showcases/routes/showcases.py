"""Public catalogue and showcase pages; the delegates' pages: drafts, materials, submission."""

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
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import RequestEntityTooLarge
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404
from app.models import Edition, Showcase, ShowcaseMaterial, ShowcaseStatus
from app.permissions import can_organise, can_see_edition, is_assigned_reviewer, is_delegate_of
from app.showcases import queries, services
from app.showcases.blueprint import bp
from app.showcases.forms import (
    ConfirmForm,
    MaterialsForm,
    ShowcaseForm,
    SubmitForm,
    WithdrawForm,
)
from app.uploads import MB, discard, path_of

logger = logging.getLogger(__name__)


# Loading and access checks ----------------------------------------------------------------


def represents_showcase(user, id: int, **_ignored) -> bool:
    """The ``allow`` check of the delegates' pages of one showcase."""
    return is_delegate_of(user, db.get_or_404(Showcase, id).organisation_id)


def _track_choices(edition: Edition, *, blank: str) -> list[SelectChoice]:
    return [SelectChoice("", blank), *(SelectChoice(str(t.id), t.name) for t in edition.tracks)]


# The catalogue and the showcase page ------------------------------------------------------


@bp.get("/showcases")
@access(Audience.ANONYMOUS)
def catalogue():
    filters = queries.CatalogueFilters.from_args(request.args)
    result = queries.catalogue(filters)
    return render_template("showcases/catalogue.html", filters=filters, result=result)


@bp.get("/showcases/<int:id>")
@access(Audience.ANONYMOUS)
def showcase(id: int):
    item = queries.showcase_or_404(id)
    if not queries.can_see(current_user, item):
        abort(404)
    is_delegate = is_delegate_of(current_user, item.organisation_id)
    organises = can_organise(current_user, item.edition)
    # Where and when: public once the programme is, earlier for those it concerns.
    shows_sessions = item.edition.programme_published_at is not None or is_delegate or organises
    return render_template(
        "showcases/showcase.html",
        showcase=item,
        sessions=queries.presented_in(item) if shows_sessions else [],
        history=queries.can_see_history(current_user, item),
        is_delegate=is_delegate,
        organises=organises,
        reviews=is_assigned_reviewer(current_user, item),
        edit_problem=queries.edit_problem(item) if is_delegate else None,
        withdraw_problem=queries.withdraw_problem(item) if is_delegate else None,
        confirm_form=ConfirmForm(),
    )


@bp.get("/showcases/<int:id>/materials/<int:material_id>")
@access(Audience.ANONYMOUS)
def material(id: int, material_id: int):
    item = db.get_or_404(Showcase, id)
    found = db.get_or_404(ShowcaseMaterial, material_id)
    if found.showcase_id != item.id or not queries.can_see(current_user, item):
        abort(404)
    path = path_of(queries.MATERIALS_AREA, found.storage_key)
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
        state=queries.call_state(edition),
        is_open=queries.call_is_open(edition),
        max_files=queries.max_materials(),
        max_mb=queries.max_material_bytes() // MB,
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
    if not queries.call_is_open(edition):
        return render_template(
            "showcases/call.html",
            edition=edition,
            state=queries.call_state(edition),
            is_open=False,
            max_files=queries.max_materials(),
            max_mb=queries.max_material_bytes() // MB,
        ), 409
    form = ShowcaseForm()
    form.track_id.choices = _track_choices(edition, blank=_("Choose later"))
    general = []
    status = 422 if request.method == "POST" else 200
    if form.validate_on_submit():
        try:
            result = services.create_draft(
                current_user, edition, form.data_for("title", "kind", "track_id", "summary")
            )
        except DomainError as error:
            db.session.rollback()
            general = form.show_error(error)
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
        problem=queries.edit_problem(item),
        materials_form=materials_form or MaterialsForm(),
        submit_form=submit_form,
        confirm_form=ConfirmForm(),
        max_files=queries.max_materials(),
        max_mb=queries.max_material_bytes() // MB,
    ), status


@bp.route("/showcases/<int:id>/edit", methods=["GET", "POST"])
@access(Audience.DELEGATE, allow=represents_showcase)
def edit_showcase(id: int):
    item = queries.showcase_or_404(id)
    if request.method == "GET":
        return _edit_page(item)
    form = ShowcaseForm()
    form.track_id.choices = _track_choices(item.edition, blank=_("Choose later"))
    if not form.validate_on_submit():
        return _edit_page(item, form, status=422)
    try:
        services.update_showcase(
            item,
            current_user,
            form.data_for("title", "kind", "track_id", "summary"),
            version=form.version.data,
        )
        db.session.commit()
    except services.StaleShowcase as error:
        db.session.rollback()
        item = queries.showcase_or_404(id)
        form.version.data = item.version_id
        return _edit_page(item, form, general=[error.message], status=409)
    except StaleDataError:
        db.session.rollback()
        item = queries.showcase_or_404(id)
        return _edit_page(
            item,
            general=[_("Someone saved this showcase at the same moment; check it and try again.")],
            status=409,
        )
    except DomainError as error:
        db.session.rollback()
        general = form.show_error(error)
        item = queries.showcase_or_404(id)
        return _edit_page(item, form, general=general, status=error.status)
    flash(_("Showcase saved."), "success")
    return redirect(url_for("showcases.edit_showcase", id=item.id))


@bp.post("/showcases/<int:id>/materials")
@access(Audience.DELEGATE, allow=represents_showcase)
def upload_materials(id: int):
    item = queries.showcase_or_404(id)
    form = MaterialsForm()
    files = [(f.stream, f.filename) for f in request.files.getlist("file") if f and f.filename]
    if not form.validate_on_submit() and form.errors.get("csrf_token"):
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        added = services.add_materials(item, current_user, files)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        item = queries.showcase_or_404(id)
        form.file.errors = [error.message]
        return _edit_page(item, materials_form=form, status=error.status)
    flash(
        ngettext(
            "%(num)d file added: %(names)s.",
            "%(num)d files added: %(names)s.",
            len(added),
            names=", ".join(m.filename for m in added),
        ),
        "success",
    )
    return redirect(url_for("showcases.edit_showcase", id=item.id) + "#materials")


@bp.post("/showcases/<int:id>/materials/<int:material_id>/delete")
@access(Audience.DELEGATE, allow=represents_showcase)
def delete_material(id: int, material_id: int):
    item = queries.showcase_or_404(id)
    found = db.get_or_404(ShowcaseMaterial, material_id)
    if found.showcase_id != item.id:
        abort(404)
    if ConfirmForm().confirm.data != "yes":
        flash(_("Nothing was deleted."), "info")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        key = services.delete_material(found, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    discard(queries.MATERIALS_AREA, key)
    flash(_("File deleted."), "success")
    return redirect(url_for("showcases.edit_showcase", id=item.id) + "#materials")


@bp.post("/showcases/<int:id>/submit")
@access(Audience.DELEGATE, allow=represents_showcase)
def submit_showcase(id: int):
    item = queries.showcase_or_404(id)
    form = SubmitForm()
    form.track_id.choices = _track_choices(item.edition, blank=_("Choose an axis"))
    if not form.version.data:
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    try:
        result = services.submit(
            item, current_user, version=form.version.data, track_id=form.track_id.data
        )
        db.session.commit()
    except StaleDataError:
        # Another request (a double-click) submitted it first: say what happened.
        db.session.rollback()
        item = queries.showcase_or_404(id)
        if item.status in (ShowcaseStatus.SUBMITTED, ShowcaseStatus.UNDER_REVIEW):
            flash(_("This showcase is already submitted."), "info")
            return redirect(url_for("showcases.showcase", id=item.id))
        flash(
            _("Someone changed this showcase at the same moment; check it and submit again."),
            "error",
        )
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    except DomainError as error:
        db.session.rollback()
        general = form.show_error(error)
        item = queries.showcase_or_404(id)
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
    item = queries.showcase_or_404(id)
    form = WithdrawForm()
    general = []
    problem = queries.withdraw_problem(item)
    if request.method == "POST" and problem is None:
        if form.validate_on_submit():
            try:
                services.withdraw(item, current_user, form.note.data or "")
                db.session.commit()
            except DomainError as error:
                db.session.rollback()
                general = form.show_error(error)
                item = queries.showcase_or_404(id)
            else:
                flash(_("The showcase is withdrawn."), "success")
                return redirect(url_for("showcases.showcase", id=item.id))
    return render_template(
        "showcases/withdraw.html", showcase=item, form=form, problem=problem, general=general
    )


@bp.post("/showcases/<int:id>/delete")
@access(Audience.DELEGATE, allow=represents_showcase)
def delete_showcase(id: int):
    item = queries.showcase_or_404(id)
    if ConfirmForm().confirm.data != "yes":
        flash(_("Nothing was deleted."), "info")
        return redirect(url_for("showcases.edit_showcase", id=item.id))
    organisation_id = item.organisation_id
    try:
        keys = services.delete_draft(item, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("showcases.showcase", id=id))
    for key in keys:
        discard(queries.MATERIALS_AREA, key)
    flash(_("Draft deleted."), "success")
    return redirect(url_for("showcases.organisation_showcases", organisation_id=organisation_id))


@bp.errorhandler(RequestEntityTooLarge)
def too_large(error):
    """An upload over the server's limit: say so plainly, and where to go back."""
    db.session.rollback()
    limit_mb = (current_app.config.get("MAX_CONTENT_LENGTH") or 0) // MB
    back = None
    view_args = request.view_args or {}
    if "id" in view_args:
        back = url_for("showcases.edit_showcase", id=view_args["id"])
    elif "organisation_id" in view_args:
        back = url_for("showcases.edit_organisation", organisation_id=view_args["organisation_id"])
    return render_template(
        "showcases/too_large.html",
        limit_mb=limit_mb,
        file_mb=queries.max_material_bytes() // MB,
        back=back,
    ), 413
