"""Pages of agreements: the public page, and the organiser list, form and follow-up page.

A private agreement answers 404 to those it does not concern, so its existence does
not leak; its documents are for the parties' delegates and the organisers only.
"""

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from app.access import Audience, access, organises_something
from app.agreements import queries, services
from app.agreements.blueprint import bp
from app.agreements.forms import (
    AgreementForm,
    CommitmentForm,
    DocumentForm,
    ProgressForm,
    RenewForm,
    SignedCopyForm,
    TransitionForm,
)
from app.errors import FormErrors, TransitionRefused
from app.extensions import db
from app.models import AgreementDocument, AgreementKind, AgreementStatus, User
from app.organisations.queries import all_organisations
from app.permissions import (
    can_manage_agreement,
    can_read_agreement_documents,
    can_see_agreement,
    is_site_organiser,
)


def agreement_or_404(agreement_id: int):
    found = queries.agreement_for_page(agreement_id)
    if found is None:
        abort(404)
    return found


def manages(user, id: int, **_ignored) -> bool:
    """The ``allow`` check of the organiser pages of one agreement."""
    return can_manage_agreement(user, agreement_or_404(id))


def _labels() -> dict:
    return {
        "kind_labels": queries.KIND_LABELS,
        "status_labels": queries.STATUS_LABELS,
        "commitment_labels": queries.COMMITMENT_LABELS,
        "number": queries.format_number,
    }


@bp.get("/agreements/<int:id>")
@access(Audience.ANONYMOUS)
def agreement(id: int):
    found = queries.agreement_for_page(id)
    # A private agreement answers 404 to others, so its existence does not leak.
    if found is None or not can_see_agreement(current_user, found):
        abort(404)
    readable = can_read_agreement_documents(current_user, found)
    return render_template(
        "agreements/agreement.html",
        agreement=found,
        commitments=queries.commitment_states(found),
        documents=queries.documents_of(found) if readable else [],
        may_manage=readable and can_manage_agreement(current_user, found),
        meetings=queries.next_meetings(found),
        **_labels(),
    )


# The organiser list ------------------------------------------------------------------------


@bp.get("/agreements/manage")
@access(Audience.ORGANISER, allow=organises_something)
def manage_list():
    filters, chosen = queries.parse_filters(request.args)
    return render_template(
        "agreements/list.html",
        agreements=queries.list_agreements(current_user, filters),
        expiring=queries.expiring_soon(current_user),
        chosen=chosen,
        organisations=all_organisations(),
        kinds=list(AgreementKind),
        statuses=list(AgreementStatus),
        window=queries.EXPIRY_WINDOW_DAYS,
        **_labels(),
    )


# Creating and editing ----------------------------------------------------------------------


def _fill_choices(form: AgreementForm) -> None:
    blank = [("", "—")]
    form.kind.choices = [(k.value, str(queries.KIND_LABELS[k])) for k in AgreementKind]
    editions = queries.editions_for(current_user)
    form.edition_id.choices = (blank if is_site_organiser(current_user) else []) + [
        (edition.id, edition.title) for edition in editions
    ]
    form.signing_session_id.choices = blank + [
        (s.id, f"{s.edition.title} — {s.title}") for s in queries.signing_sessions_for(current_user)
    ]
    organisations = blank + [(org.id, org.name) for org in all_organisations()]
    for row in form.parties:
        row.form.organisation_id.choices = organisations


def _party_inputs(form: AgreementForm) -> list[services.PartyInput]:
    return [
        services.PartyInput(
            organisation_id=row.form.organisation_id.data,
            role=row.form.role.data or "",
            signatory_name=row.form.signatory_name.data or "",
            signatory_title=row.form.signatory_title.data or "",
            signed_on=row.form.signed_on.data,
        )
        for row in form.parties
        if row.form.organisation_id.data
    ]


def _agreement_data(form: AgreementForm) -> dict:
    data = {name: form[name].data for name in services.AGREEMENT_FIELDS}
    data["kind"] = AgreementKind(form.kind.data)
    data["summary"] = data["summary"] or ""
    data["sponsorship_tier"] = data["sponsorship_tier"] or None
    return data


def _owner(form: AgreementForm) -> User | None | bool:
    """The account named as owner; None when left blank; False when unknown."""
    email = (form.owner_email.data or "").lower()
    if not email:
        return None
    found = db.session.scalar(select(User).where(User.email == email))
    return found if found is not None else False


def _save(form: AgreementForm, existing):
    """Validate and save; return the agreement, or None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    owner = _owner(form)
    if owner is False:
        form.owner_email.errors = [_("No account uses this email address.")]
        return None
    try:
        saved = services.save_agreement(
            existing, _agreement_data(form), _party_inputs(form), user=current_user
        )
    except FormErrors as error:
        db.session.rollback()
        form.general = form.set_errors(error.errors)
        return None
    if owner is not None:
        saved.owner_id = owner.id
    db.session.commit()
    return saved


@bp.route("/agreements/new", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_something)
def create():
    form = AgreementForm()
    _fill_choices(form)
    if request.method == "GET":
        form.owner_email.data = current_user.email
    saved = _save(form, None)
    if saved is not None:
        flash(_("Agreement created as a draft."), "success")
        return redirect(url_for("agreements.manage", id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template("agreements/form.html", form=form, agreement=None), status


@bp.route("/agreements/<int:id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=manages)
def edit(id: int):
    found = agreement_or_404(id)
    if request.method == "GET":
        form = AgreementForm(obj=found)
        form.kind.data = found.kind.value
        form.owner_email.data = found.owner.email if found.owner else ""
        while len(form.parties) > 0:
            form.parties.pop_entry()
        for party in found.parties:
            form.parties.append_entry(party)
        form.parties.append_entry()
    else:
        form = AgreementForm()
    _fill_choices(form)
    saved = _save(form, found)
    if saved is not None:
        flash(_("Agreement saved."), "success")
        return redirect(url_for("agreements.manage", id=saved.id))
    status = 422 if request.method == "POST" else 200
    return render_template("agreements/form.html", form=form, agreement=found), status


# The follow-up page: status, documents, commitments -----------------------------------------


def _manage_page(found, *, status: int = 200, **forms):
    transition_form = forms.get("transition_form") or TransitionForm()
    transition_form.status.choices = [
        (s.value, str(queries.STATUS_LABELS[s])) for s in services.TRANSITIONS[found.status]
    ]
    documents = queries.documents_of(found)
    signed_form = forms.get("signed_form") or SignedCopyForm()
    signed_form.document_id.choices = [(d.id, f"v{d.version} — {d.filename}") for d in documents]
    commitment_form = forms.get("commitment_form") or CommitmentForm()
    parties = [("", "—")] + [(p.id, p.organisation.name) for p in found.parties]
    commitment_form.party_id.choices = parties
    progress_form = forms.get("progress_form") or ProgressForm()
    progress_form.commitment_id.choices = [(c.id, c.title) for c in found.commitments]
    page = render_template(
        "agreements/manage.html",
        agreement=found,
        commitments=queries.commitment_states(found),
        documents=documents,
        renewals=queries.renewals_of(found),
        transition_form=transition_form,
        renew_form=forms.get("renew_form") or RenewForm(),
        document_form=forms.get("document_form") or DocumentForm(),
        signed_form=signed_form,
        commitment_form=commitment_form,
        progress_form=progress_form,
        general=forms.get("general", []),
        renewable=found.status in services.RENEWABLE,
        **_labels(),
    )
    return page, status


def _back(found):
    return redirect(url_for("agreements.manage", id=found.id))


@bp.get("/agreements/<int:id>/manage")
@access(Audience.ORGANISER, allow=manages)
def manage(id: int):
    return _manage_page(agreement_or_404(id))


@bp.post("/agreements/<int:id>/status")
@access(Audience.ORGANISER, allow=manages)
def change_status(id: int):
    found = agreement_or_404(id)
    form = TransitionForm()
    form.status.choices = [(s.value, s.value) for s in AgreementStatus]
    if not form.validate_on_submit():
        return _manage_page(found, status=422, transition_form=form)
    try:
        services.transition(
            found, AgreementStatus(form.status.data), actor=current_user, note=form.note.data
        )
    except TransitionRefused as error:
        db.session.rollback()
        form.status.errors = [error.message]
        return _manage_page(agreement_or_404(id), status=409, transition_form=form)
    db.session.commit()
    flash(
        _("The agreement is now “%(status)s”.", status=queries.STATUS_LABELS[found.status]),
        "success",
    )
    return _back(found)


@bp.post("/agreements/<int:id>/renew")
@access(Audience.ORGANISER, allow=manages)
def renew(id: int):
    found = agreement_or_404(id)
    form = RenewForm()
    if not form.validate_on_submit():
        return _manage_page(found, status=422, renew_form=form)
    try:
        term = services.renew(found, actor=current_user, note=form.note.data)
    except TransitionRefused as error:
        db.session.rollback()
        return _manage_page(agreement_or_404(id), status=409, general=[error.message])
    db.session.commit()
    flash(_("A new term was started as a draft with the same parties."), "success")
    return redirect(url_for("agreements.edit", id=term.id))


@bp.post("/agreements/<int:id>/documents")
@access(Audience.ORGANISER, allow=manages)
def upload_document(id: int):
    found = agreement_or_404(id)
    form = DocumentForm()
    if not form.validate_on_submit():
        return _manage_page(found, status=422, document_form=form)
    upload = form.file.data
    try:
        services.add_document(
            found,
            getattr(upload, "filename", "") or "",
            upload.read() if upload else b"",
            actor=current_user,
            signed_copy=form.is_signed_copy.data,
        )
    except FormErrors as error:
        db.session.rollback()
        form.file.errors = error.errors.get("file", [error.message])
        return _manage_page(agreement_or_404(id), status=422, document_form=form)
    db.session.commit()
    flash(_("Document uploaded."), "success")
    return _back(found)


@bp.post("/agreements/<int:id>/signed-copy")
@access(Audience.ORGANISER, allow=manages)
def signed_copy(id: int):
    found = agreement_or_404(id)
    form = SignedCopyForm()
    document = db.session.get(AgreementDocument, form.document_id.data or 0)
    if document is None or document.agreement_id != found.id:
        form.document_id.errors = [_("Choose one of this agreement's documents.")]
        return _manage_page(found, status=422, signed_form=form)
    services.mark_signed_copy(found, document)
    db.session.commit()
    flash(_("Version %(n)s is marked as the signed copy.", n=document.version), "success")
    return _back(found)


@bp.get("/agreements/<int:id>/documents/<int:document_id>")
@access(Audience.USER)
def document(id: int, document_id: int):
    found = agreement_or_404(id)
    # Those who may not read the texts learn nothing, not even that a version exists.
    if not can_read_agreement_documents(current_user, found):
        abort(404)
    stored = db.session.get(AgreementDocument, document_id)
    if stored is None or stored.agreement_id != found.id:
        abort(404)
    path = queries.document_path(stored)
    if not path.is_file():
        abort(404)
    response = send_file(
        path,
        mimetype="application/pdf",
        as_attachment=True,
        download_name=stored.filename,
        max_age=0,
    )
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/agreements/<int:id>/commitments")
@access(Audience.ORGANISER, allow=manages)
def add_commitment(id: int):
    found = agreement_or_404(id)
    form = CommitmentForm()
    form.party_id.choices = [("", "—")] + [(p.id, "") for p in found.parties]
    if not form.validate_on_submit():
        return _manage_page(found, status=422, commitment_form=form)
    data = {
        name: form[name].data
        for name in ("title", "owner", "party_id", "start_date", "due_date", "unit")
    }
    data["target_value"] = form.target_value.data
    try:
        services.save_commitment(found, None, data)
    except FormErrors as error:
        db.session.rollback()
        general = _attach(form, error)
        return _manage_page(agreement_or_404(id), status=422, commitment_form=form, general=general)
    db.session.commit()
    flash(_("Commitment added."), "success")
    return _back(found)


@bp.post("/agreements/<int:id>/progress")
@access(Audience.ORGANISER, allow=manages)
def record_progress(id: int):
    found = agreement_or_404(id)
    form = ProgressForm()
    if not form.validate_on_submit():
        return _manage_page(found, status=422, progress_form=form)
    commitment = queries.commitment_of(found, form.commitment_id.data)
    if commitment is None:
        form.commitment_id.errors = [_("Choose one of this agreement's commitments.")]
        return _manage_page(found, status=422, progress_form=form)
    try:
        services.record_progress(
            commitment,
            form.value.data,
            form.recorded_on.data,
            actor=current_user,
            note=form.note.data or "",
        )
    except FormErrors as error:
        db.session.rollback()
        general = _attach(form, error)
        return _manage_page(agreement_or_404(id), status=422, progress_form=form, general=general)
    db.session.commit()
    flash(_("Progress recorded."), "success")
    return _back(found)


def _attach(form, error: FormErrors) -> list[str]:
    general = []
    for name, messages in error.errors.items():
        if name in form:
            form[name].errors = [*form[name].errors, *messages]
        else:
            general.extend(messages)
    return general
