"""Pages of the notifications: the organiser outbox, templates, announcements, preferences."""

from flask import (
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition
from app.errors import DomainError, InvalidToken, NotFound, wants_json
from app.extensions import csrf, db, talisman
from app.lookups import edition_or_404
from app.models import OutboxStatus
from app.notifications import queries, services
from app.notifications.blueprint import bp
from app.notifications.forms import (
    ActionForm,
    AnnouncementForm,
    DraftForm,
    FilterForm,
    OverrideForm,
    PreferencesForm,
    ReleaseForm,
    UnsubscribeForm,
)

# The HTML of a mail is shown in a sandboxed frame that may run nothing and load nothing.
MAIL_FRAME_POLICY = {
    "default-src": "'none'",
    "style-src": "'unsafe-inline'",
    "img-src": "data:",
    "frame-ancestors": "'self'",
    "sandbox": "",
}


def _message_or_404(edition, message_id: int):
    try:
        return queries.message_of(edition, message_id)
    except NotFound:
        abort(404)


def _show(form, error: DomainError) -> None:
    """Put a service's refusal next to its field, or flash it."""
    db.session.rollback()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, str(error.message)]
    else:
        flash(str(error.message), "error")


# The outbox ---------------------------------------------------------------------------------


@bp.get("/editions/<slug>/outbox")
@access(Audience.ORGANISER, allow=organises_edition)
def outbox(slug):
    edition = edition_or_404(slug)
    kinds = queries.kinds_of(edition)
    form = FilterForm(request.args)
    form.kind.choices = [SelectChoice("", _("All kinds"))] + [
        SelectChoice(k, queries.kind_label(k)) for k in kinds
    ]
    form.status.choices = [SelectChoice("", _("All statuses"))] + [
        SelectChoice(s.value, s.value) for s in OutboxStatus
    ]
    status = form.status.data if form.status.data in {s.value for s in OutboxStatus} else None
    page = request.args.get("page", 1, type=int)
    messages, total = queries.list_messages(
        edition,
        kind=form.kind.data or None,
        status=status,
        recipient=form.recipient.data,
        page=page,
    )
    drafts_by_kind = {kind: queries.draft_count(edition, kind=kind) for kind in kinds}
    return render_template(
        "notifications/outbox.html",
        edition=edition,
        form=form,
        messages=messages,
        total=total,
        page=page,
        page_size=queries.PAGE_SIZE,
        counts=queries.status_counts(edition),
        drafts_by_kind={k: n for k, n in drafts_by_kind.items() if n},
        release_form=ReleaseForm(),
    )


@bp.post("/editions/<slug>/outbox/release")
@access(Audience.ORGANISER, allow=organises_edition)
def release(slug):
    edition = edition_or_404(slug)
    form = ReleaseForm()
    ids = request.form.getlist("ids", type=int)
    announcement_id = request.form.get("announcement_id", type=int)
    kind = form.kind.data or None
    if not ids and not kind and not announcement_id and request.form.get("all") != "1":
        flash(_("Choose the drafts to release."), "error")
        return redirect(url_for("notifications.outbox", slug=slug))
    released = services.release(
        edition,
        by=current_user,
        kind=kind,
        ids=ids or None,
        announcement_id=announcement_id,
    )
    db.session.commit()
    if released:
        flash(
            ngettext(
                "%(num)d mail released: it leaves with the next run.",
                "%(num)d mails released: they leave with the next run.",
                released,
            ),
            "success",
        )
    else:
        flash(_("Nothing to release: these mails were released already."), "info")
    target = request.form.get("next", "")
    if target.startswith(f"/editions/{slug}/"):
        return redirect(target)
    return redirect(url_for("notifications.outbox", slug=slug))


@bp.get("/editions/<slug>/outbox/<int:message_id>")
@access(Audience.ORGANISER, allow=organises_edition)
def message(slug, message_id):
    edition = edition_or_404(slug)
    found = _message_or_404(edition, message_id)
    draft_form = DraftForm(obj=found) if found.status is OutboxStatus.DRAFT else None
    return _message_page(edition, found, draft_form)


def _message_page(edition, found, draft_form, status=200):
    return (
        render_template(
            "notifications/message.html",
            edition=edition,
            message=found,
            draft_form=draft_form,
            action_form=ActionForm(),
            created_by=queries.user_name(found.created_by_id),
            released_by=queries.user_name(found.released_by_id),
            can_regenerate=found.template_event in queries.EVENTS
            and found.template_context is not None,
        ),
        status,
    )


@bp.get("/editions/<slug>/outbox/<int:message_id>/body.html")
@access(Audience.ORGANISER, allow=organises_edition)
@talisman(frame_options="SAMEORIGIN", content_security_policy=MAIL_FRAME_POLICY)
def message_html(slug, message_id):
    edition = edition_or_404(slug)
    found = _message_or_404(edition, message_id)
    return found.body_html or "", 200, {"Content-Type": "text/html; charset=utf-8"}


@bp.post("/editions/<slug>/outbox/<int:message_id>/edit")
@access(Audience.ORGANISER, allow=organises_edition)
def edit_message(slug, message_id):
    edition = edition_or_404(slug)
    found = _message_or_404(edition, message_id)
    form = DraftForm()
    if form.validate_on_submit():
        try:
            services.edit_draft(
                found,
                subject=form.subject.data,
                body_text=form.body_text.data,
                body_html=form.body_html.data or "",
            )
        except DomainError as error:
            _show(form, error)
        else:
            db.session.commit()
            flash(_("The draft is saved."), "success")
            return redirect(url_for("notifications.message", slug=slug, message_id=found.id))
    return _message_page(edition, found, form, status=422)


_ACTIONS = {
    "discard": (services.discard, "The mail is discarded."),
    "regenerate": (services.regenerate, "The draft is written again from the current template."),
    "resend": (services.resend, "The mail is back in line: it leaves with the next run."),
}


def _act(slug, message_id, action):
    edition = edition_or_404(slug)
    found = _message_or_404(edition, message_id)
    service, done = _ACTIONS[action]
    try:
        service(found)
    except DomainError as error:
        db.session.rollback()
        flash(str(error.message), "error")
    else:
        db.session.commit()
        flash(_(done), "success")
    return redirect(url_for("notifications.message", slug=slug, message_id=found.id))


@bp.post("/editions/<slug>/outbox/<int:message_id>/discard")
@access(Audience.ORGANISER, allow=organises_edition)
def discard_message(slug, message_id):
    return _act(slug, message_id, "discard")


@bp.post("/editions/<slug>/outbox/<int:message_id>/regenerate")
@access(Audience.ORGANISER, allow=organises_edition)
def regenerate_message(slug, message_id):
    return _act(slug, message_id, "regenerate")


@bp.post("/editions/<slug>/outbox/<int:message_id>/resend")
@access(Audience.ORGANISER, allow=organises_edition)
def resend_message(slug, message_id):
    return _act(slug, message_id, "resend")


# Templates ---------------------------------------------------------------------------------


@bp.get("/editions/<slug>/mail-templates")
@access(Audience.ORGANISER, allow=organises_edition)
def mail_templates(slug):
    edition = edition_or_404(slug)
    return render_template(
        "notifications/templates.html",
        edition=edition,
        events=queries.EVENTS.values(),
        locales=queries.LOCALES,
        overridden=queries.overridden_templates(edition),
    )


@bp.route("/editions/<slug>/mail-templates/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_template(slug):
    edition = edition_or_404(slug)
    event_key = request.values.get("event", "")
    locale = request.values.get("locale", "")
    event = queries.EVENTS.get(event_key)
    if event is None or locale not in queries.LOCALES:
        abort(404)
    stored = queries.find_override(edition.id, event_key, locale)
    form = OverrideForm(obj=stored)
    preview = None
    status = 200
    live = request.method == "POST" and wants_json()
    if live and not form.validate_on_submit():
        return jsonify(errors={name: errs for name, errs in form.errors.items()}), 422
    if live:
        # The editor's script asks for a fresh preview as the organiser types.
        try:
            return jsonify(preview=_preview(edition, event, locale, form), errors={})
        except DomainError as error:
            db.session.rollback()
            return jsonify(errors={error.field or "form": [str(error.message)]}), 422
    if form.validate_on_submit():
        try:
            if form.preview.data:
                preview = _preview(edition, event, locale, form)
            else:
                services.save_override(
                    edition.id,
                    event_key,
                    locale,
                    subject=form.subject.data or "",
                    body_text=form.body_text.data or "",
                    body_html=form.body_html.data or "",
                    by=current_user,
                )
        except DomainError as error:
            _show(form, error)
            status = 422
        else:
            if not form.preview.data:
                db.session.commit()
                flash(_("The template is saved."), "success")
                return redirect(url_for("notifications.mail_templates", slug=slug))
    elif request.method == "POST":
        status = 422
    if preview is None and status == 200:
        preview = _preview(edition, event, locale, form)
    return (
        render_template(
            "notifications/template_form.html",
            edition=edition,
            event=event,
            locale=locale,
            form=form,
            preview=preview,
            defaults=queries.default_sources(event, locale),
        ),
        status,
    )


def _preview(edition, event, locale, form) -> dict:
    """Check the typed template and render it with sample values (nothing saved)."""
    return queries.preview(
        edition,
        event,
        locale,
        subject=form.subject.data or "",
        body_text=form.body_text.data or "",
        body_html=form.body_html.data or "",
    )


# Announcements -----------------------------------------------------------------------------


@bp.route("/editions/<slug>/announcements", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def announcements(slug):
    edition = edition_or_404(slug)
    form = AnnouncementForm()
    form.audience.choices = [SelectChoice(key, label) for key, label in queries.AUDIENCES.items()]
    thinklabs = queries.thinklabs_of(edition)
    form.thinklab_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(str(t.id), t.name) for t in thinklabs
    ]
    recipients = None
    status = 200
    if form.validate_on_submit():
        thinklab_id = int(form.thinklab_id.data) if form.thinklab_id.data else None
        try:
            if form.count.data:
                recipients = len(queries.group_members(edition, form.audience.data, thinklab_id))
            else:
                announcement, written = services.create_announcement(
                    edition,
                    audience=form.audience.data,
                    subject=form.subject.data,
                    body=form.body.data,
                    by=current_user,
                    thinklab_id=thinklab_id,
                    copy_to=form.copy_to.data,
                )
        except DomainError as error:
            _show(form, error)
            status = 422
        else:
            if not form.count.data:
                db.session.commit()
                flash(
                    ngettext(
                        "%(num)d draft written. Check it, then release it.",
                        "%(num)d drafts written. Check one, then release them.",
                        written,
                    ),
                    "success",
                )
                return redirect(url_for("notifications.announcements", slug=slug))
    elif request.method == "POST":
        status = 422
    return (
        render_template(
            "notifications/announcements.html",
            edition=edition,
            form=form,
            recipients=recipients,
            announcements=queries.announcements_of(edition),
            release_form=ReleaseForm(),
        ),
        status,
    )


# People's choices --------------------------------------------------------------------------


@bp.route("/account/notifications", methods=["GET", "POST"])
@access(Audience.USER)
def preferences():
    user = current_user._get_current_object()
    form = PreferencesForm(data=queries.preferences_of(user))
    if form.validate_on_submit():
        services.save_preferences(
            user, {name: getattr(form, name).data for name in queries.CATEGORIES}
        )
        db.session.commit()
        flash(_("Your choices are saved."), "success")
        return redirect(url_for("notifications.preferences"))
    return render_template("notifications/preferences.html", form=form)


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
@csrf.exempt
def unsubscribe(token):
    try:
        email, category = queries.read_unsubscribe_token(token)
    except InvalidToken:
        abort(404)
    form = UnsubscribeForm()
    done = False
    if request.method == "POST":
        services.set_preference(email, category, False)
        db.session.commit()
        done = True
    return render_template(
        "notifications/unsubscribe.html",
        form=form,
        email=email,
        category=queries.CATEGORIES[category],
        done=done,
    )


@bp.context_processor
def _labels() -> dict:
    """Pages of the outbox name each kind of mail in words."""
    return {"kind_label": queries.kind_label, "category_label": _category_label}


def _category_label(category: str) -> str:
    return str(queries.CATEGORIES.get(category, category))
