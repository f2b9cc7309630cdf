"""Organiser pages of series and editions."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition, organises_something
from app.editions import queries, services
from app.editions.blueprint import bp
from app.editions.forms import (
    CopyForm,
    CriterionForm,
    DeleteForm,
    EditionForm,
    EditionTextForm,
    GrantForm,
    IdentityForm,
    PictureForm,
    RevokeForm,
    RoomForm,
    SeriesForm,
    StatusForm,
    TrackForm,
    VenueForm,
)
from app.errors import Conflict, DomainError, FormErrors, NotAllowed, NotFound
from app.extensions import db
from app.forms import ZoneField
from app.lookups import edition_or_404
from app.models import (
    Edition,
    EditionRoleKind,
    EditionStatus,
    ReviewCriterion,
    Room,
    Series,
    Track,
    Venue,
)
from app.permissions import can_organise, is_site_organiser
from app.uploads import discard


def series_or_404(slug: str) -> Series:
    return db.one_or_404(select(Series).where(Series.slug == slug))


def _part_of(edition: Edition, model, object_id: int):
    """Load a track, venue or room of ``edition``; anything else is a 404."""
    obj = db.get_or_404(model, object_id)
    owner = obj.venue.edition_id if isinstance(obj, Room) else obj.edition_id
    if owner != edition.id:
        abort(404)
    return obj


def _refused(form, error: FormErrors) -> list[str]:
    """Undo what the failed service did and show its messages next to their fields."""
    db.session.rollback()
    return form.set_errors(error.errors)


def _overview(edition: Edition):
    return redirect(url_for("editions.manage_edition", slug=edition.slug))


# Index and series -------------------------------------------------------------------------


@bp.get("/manage")
@access(Audience.ORGANISER, allow=organises_something)
def manage_index():
    editions = queries.organised_editions(current_user)
    site = is_site_organiser(current_user)
    return render_template(
        "editions/manage/index.html",
        editions=editions,
        series=queries.all_series() if site else [],
        is_site_organiser=site,
    )


@bp.route("/manage/series/new", methods=["GET", "POST"])
@access(Audience.SITE_ORGANISER)
def new_series():
    form = SeriesForm()
    general = []
    if form.validate_on_submit():
        try:
            series = services.create_series(**form.data_for(*services.SERIES_FIELDS))
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Series “%(name)s” created.", name=series.name), "success")
            return redirect(url_for("editions.new_edition", series=series.slug))
    return render_template(
        "editions/manage/series_form.html", form=form, series=None, general=general
    )


@bp.route("/series/<slug>/edit", methods=["GET", "POST"])
@access(Audience.SITE_ORGANISER)
def edit_series(slug):
    series = series_or_404(slug)
    form = SeriesForm(obj=series)
    general = []
    if form.validate_on_submit():
        try:
            services.update_series(series, **form.data_for(*services.SERIES_FIELDS))
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Series saved."), "success")
            return redirect(url_for("editions.manage_index"))
    return render_template(
        "editions/manage/series_form.html", form=form, series=series, general=general
    )


# Editions ---------------------------------------------------------------------------------


def _edition_form(edition: Edition | None = None) -> EditionForm:
    form = EditionForm(obj=edition)
    form.edition_id = edition.id if edition is not None else None
    if edition is None or is_site_organiser(current_user):
        series = queries.all_series()
    else:
        # An edition's own organisers cannot move it into another series.
        series = [edition.series]
    form.series_id.choices = [SelectChoice(s.id, s.name) for s in series]
    if edition is not None and request.method == "GET":
        form.format.data = edition.format.value
        form.version.data = queries.version_of(edition)
    return form


def _edition_data(form: EditionForm) -> dict:
    return form.data_for(*services.EDITION_FIELDS, services.LANGUAGE_FIELD)


def _edition_form_page(form: EditionForm, edition: Edition | None, general: list[str]):
    """The new-edition (``edition`` None) or edit-edition form page."""
    return render_template(
        "editions/manage/edition_form.html",
        form=form,
        edition=edition,
        general=general,
    )


@bp.route("/manage/editions/new", methods=["GET", "POST"])
@access(Audience.SITE_ORGANISER)
def new_edition():
    form = _edition_form()
    if request.method == "GET":
        chosen = db.session.scalar(select(Series).where(Series.slug == request.args.get("series")))
        if chosen is not None:
            form.series_id.data = chosen.id
    general = []
    if form.validate_on_submit():
        series = db.get_or_404(Series, form.series_id.data)
        try:
            edition = services.create_edition(series, _edition_data(form), created_by=current_user)
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Edition created as a draft."), "success")
            return _overview(edition)
    return _edition_form_page(form, None, general)


@bp.get("/editions/<slug>/manage")
@access(Audience.ORGANISER, allow=organises_edition)
def manage_edition(slug):
    edition = edition_or_404(slug)
    return render_template(
        "editions/manage/edition.html",
        edition=edition,
        problems=(
            queries.publication_problems(edition) if edition.status is EditionStatus.DRAFT else []
        ),
        status_form=StatusForm(),
        delete_form=DeleteForm(),
    )


@bp.route("/editions/<slug>/manage/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_edition(slug):
    edition = edition_or_404(slug)
    form = _edition_form(edition)
    general = []
    if form.validate_on_submit():
        series = db.get_or_404(Series, form.series_id.data)
        try:
            services.update_edition(
                edition, _edition_data(form), series=series, version=form.version.data or ""
            )
        except services.StaleEdit as error:
            db.session.rollback()
            general = [error.message]
            # Saving again now overwrites the other organiser's changes, knowingly.
            form.version.data = queries.version_of(edition)
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Edition saved."), "success")
            return _overview(edition)
    return _edition_form_page(form, edition, general)


@bp.post("/editions/<slug>/manage/programme/publish")
@access(Audience.ORGANISER, allow=organises_edition)
def publish_programme(slug):
    edition = edition_or_404(slug)
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        announced = services.publish_programme(edition)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return _overview(edition)
    db.session.commit()
    flash(
        ngettext(
            "The programme is published: showcases can no longer be withdrawn, and "
            "%(num)d decision is now public.",
            "The programme is published: showcases can no longer be withdrawn, and "
            "%(num)d decisions are now public.",
            announced,
        ),
        "success",
    )
    return _overview(edition)


@bp.post("/editions/<slug>/manage/status")
@access(Audience.ORGANISER, allow=organises_edition)
def change_status(slug):
    edition = edition_or_404(slug)
    form = StatusForm()
    if not form.validate_on_submit():
        flash(_("Choose a status."), "error")
        return _overview(edition)
    target = EditionStatus(form.status.data)
    try:
        services.change_status(edition, target)
    except FormErrors as error:
        db.session.rollback()
        flash(_("The status did not change:"), "error")
        for message in error.errors.get("", []):
            flash(message, "error")
        return _overview(edition)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return _overview(edition)
    db.session.commit()
    messages = {
        EditionStatus.PUBLISHED: _("The edition is published: everyone can see it."),
        EditionStatus.ARCHIVED: _("The edition is archived."),
        EditionStatus.DRAFT: _("The edition is a draft again: only organisers see it."),
    }
    flash(messages[target], "success")
    return _overview(edition)


@bp.get("/editions/<slug>/manage/dashboard")
@access(Audience.ORGANISER, allow=organises_edition)
def dashboard(slug):
    edition = edition_or_404(slug)
    return render_template(
        "editions/manage/dashboard.html", edition=edition, board=queries.dashboard(edition)
    )


@bp.route("/editions/<slug>/manage/copy", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def copy_edition(slug):
    source = edition_or_404(slug)
    form = CopyForm(data=queries.next_edition_defaults(source) if request.method == "GET" else None)
    general = []
    if form.validate_on_submit():
        try:
            result = services.copy_edition(
                source, **form.data_for("slug", "number", "year", "title"), created_by=current_user
            )
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("The new edition is a draft with the structure of the last one."), "success")
            for note in result.notes:
                flash(note, "info")
            return _overview(result.edition)
    return render_template(
        "editions/manage/copy_form.html", form=form, edition=source, general=general
    )


# Tracks, venues, rooms --------------------------------------------------------------------


def _structure_page(template: str, form, edition: Edition, obj, general: list[str], **extra):
    if isinstance(getattr(form, "timezone", None), ZoneField):
        form.timezone.suggest(edition.timezone)
    return render_template(
        f"editions/manage/{template}",
        form=form,
        edition=edition,
        obj=obj,
        general=general,
        **extra,
    )


@bp.route("/editions/<slug>/manage/tracks/new", methods=["GET", "POST"])
@bp.route("/editions/<slug>/manage/tracks/<int:track_id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_track(slug, track_id=None):
    edition = edition_or_404(slug)
    track = _part_of(edition, Track, track_id) if track_id else None
    form = TrackForm(obj=track)
    general = []
    if form.validate_on_submit():
        try:
            services.save_track(
                edition, **form.data_for("name", "colour", "description", "position"), track=track
            )
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Axis saved."), "success")
            return _overview(edition)
    return _structure_page("track_form.html", form, edition, track, general)


@bp.route("/editions/<slug>/manage/venues/new", methods=["GET", "POST"])
@bp.route("/editions/<slug>/manage/venues/<int:venue_id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_venue(slug, venue_id=None):
    edition = edition_or_404(slug)
    venue = _part_of(edition, Venue, venue_id) if venue_id else None
    form = VenueForm(obj=venue)
    general = []
    if form.validate_on_submit():
        data = form.data_for(
            "name", "town", "address", "timezone", "start_date", "end_date", "position"
        )
        try:
            services.save_venue(edition, data, venue=venue)
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Venue saved."), "success")
            return _overview(edition)
    return _structure_page("venue_form.html", form, edition, venue, general)


@bp.route("/editions/<slug>/manage/venues/<int:venue_id>/rooms/new", methods=["GET", "POST"])
@bp.route("/editions/<slug>/manage/rooms/<int:room_id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_room(slug, venue_id=None, room_id=None):
    edition = edition_or_404(slug)
    room = _part_of(edition, Room, room_id) if room_id else None
    venue = room.venue if room is not None else _part_of(edition, Venue, venue_id)
    form = RoomForm(obj=room)
    general = []
    if form.validate_on_submit():
        try:
            services.save_room(venue, **form.data_for("name", "capacity"), room=room)
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Room saved."), "success")
            return _overview(edition)
    return _structure_page("room_form.html", form, edition, room, general, venue=venue)


def _delete(edition: Edition, remove, obj, done: str):
    if not DeleteForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _overview(edition)
    try:
        remove(obj)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return _overview(edition)
    db.session.commit()
    flash(done, "success")
    return _overview(edition)


@bp.post("/editions/<slug>/manage/tracks/<int:track_id>/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_track(slug, track_id):
    edition = edition_or_404(slug)
    track = _part_of(edition, Track, track_id)
    return _delete(edition, services.delete_track, track, _("Axis deleted."))


@bp.post("/editions/<slug>/manage/venues/<int:venue_id>/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_venue(slug, venue_id):
    edition = edition_or_404(slug)
    venue = _part_of(edition, Venue, venue_id)
    return _delete(edition, services.delete_venue, venue, _("Venue deleted."))


@bp.post("/editions/<slug>/manage/rooms/<int:room_id>/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_room(slug, room_id):
    edition = edition_or_404(slug)
    room = _part_of(edition, Room, room_id)
    return _delete(edition, services.delete_room, room, _("Room deleted."))


# Team and review criteria -----------------------------------------------------------------


@bp.route("/editions/<slug>/manage/team", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def team(slug):
    edition = edition_or_404(slug)
    form = GrantForm()
    general = []
    if form.validate_on_submit():
        role = EditionRoleKind(form.role.data)
        try:
            granted = services.grant_role(
                edition, email=form.email.data, role=role, actor=current_user
            )
        except FormErrors as error:
            general = _refused(form, error)
        else:
            name = granted.user.display_name
            db.session.commit()
            if role is EditionRoleKind.ORGANISER:
                flash(_("%(name)s now organises this edition.", name=name), "success")
            else:
                flash(_("%(name)s now reviews for this edition.", name=name), "success")
            return redirect(url_for("editions.team", slug=edition.slug))
    return render_template(
        "editions/manage/team.html",
        edition=edition,
        form=form,
        general=general,
        members=queries.team_of(edition),
        may_manage_organisers=is_site_organiser(current_user),
        revoke_form=RevokeForm(),
    )


@bp.post("/editions/<slug>/manage/team/revoke")
@access(Audience.ORGANISER, allow=organises_edition)
def revoke_role(slug):
    edition = edition_or_404(slug)
    form = RevokeForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return redirect(url_for("editions.team", slug=edition.slug))
    try:
        revoked = services.revoke_role(edition, form.role_id.data, actor=current_user)
    except (Conflict, NotAllowed, NotFound) as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("editions.team", slug=edition.slug))
    name = revoked.user.display_name
    db.session.commit()
    flash(_("%(name)s no longer has this role.", name=name), "success")
    if not can_organise(current_user, edition):
        return redirect(url_for("editions.home"))
    return redirect(url_for("editions.team", slug=edition.slug))


def _criteria_page(edition: Edition, form, criterion, general: list[str]):
    return render_template(
        "editions/manage/criteria.html",
        edition=edition,
        form=form,
        criterion=criterion,
        general=general,
        delete_form=DeleteForm(),
    )


@bp.route("/editions/<slug>/manage/criteria", methods=["GET", "POST"])
@bp.route("/editions/<slug>/manage/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def criteria(slug, criterion_id=None):
    edition = edition_or_404(slug)
    criterion = _part_of(edition, ReviewCriterion, criterion_id) if criterion_id else None
    form = CriterionForm(obj=criterion)
    general = []
    if form.validate_on_submit():
        try:
            services.save_criterion(
                edition,
                **form.data_for("name", "description", "weight", "position"),
                criterion=criterion,
            )
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Review criterion saved."), "success")
            return redirect(url_for("editions.criteria", slug=edition.slug))
    return _criteria_page(edition, form, criterion, general)


@bp.post("/editions/<slug>/manage/criteria/<int:criterion_id>/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_criterion(slug, criterion_id):
    edition = edition_or_404(slug)
    criterion = _part_of(edition, ReviewCriterion, criterion_id)
    back = redirect(url_for("editions.criteria", slug=edition.slug))
    if not DeleteForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return back
    try:
        services.delete_criterion(criterion)
    except Conflict as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    db.session.commit()
    flash(_("Review criterion deleted."), "success")
    return back


# Identity ---------------------------------------------------------------------------------


def _fill_identity(form: IdentityForm, edition: Edition) -> None:
    form.accent_colour.data = edition.accent_colour or ""
    form.frame_origins.data = "\n".join(edition.framing_sites)


def _identity_page(edition: Edition, form: IdentityForm, general=(), pictures=None):
    forms = pictures or {kind: PictureForm(prefix=kind) for kind in queries.PICTURES}
    return render_template(
        "editions/manage/identity.html",
        edition=edition,
        form=form,
        general=list(general),
        picture_forms=forms,
        palette=queries.accent_palette(edition),
    )


@bp.route("/editions/<slug>/manage/identity", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def identity(slug):
    """The edition's logo, banner, accent colour and the sites that may frame it."""
    edition = edition_or_404(slug)
    form = IdentityForm()
    if request.method == "GET":
        _fill_identity(form, edition)
    general = []
    if form.validate_on_submit():
        try:
            services.save_identity(
                edition,
                accent_colour=form.accent_colour.data,
                frame_origins=form.frame_origins.data or "",
            )
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Identity saved."), "success")
            return redirect(url_for("editions.identity", slug=edition.slug))
    return _identity_page(edition, form, general)


@bp.post("/editions/<slug>/manage/identity/<any(logo, banner):kind>")
@access(Audience.ORGANISER, allow=organises_edition)
def upload_picture(slug, kind):
    """Replace or remove the edition's logo or banner."""
    edition = edition_or_404(slug)
    back = redirect(url_for("editions.identity", slug=edition.slug))
    if request.form.get("remove"):
        old = services.remove_picture(edition, kind)
        db.session.commit()
        discard(queries.PICTURES_AREA, old)
        flash(_("Logo removed.") if kind == "logo" else _("Banner removed."), "success")
        return back
    forms = {name: PictureForm(prefix=name) for name in queries.PICTURES}
    form = forms[kind]
    upload = form.picture.data
    try:
        if upload is None or not getattr(upload, "filename", ""):
            raise FormErrors({"picture": [_("Choose a PNG, JPEG or WebP picture.")]})
        old = services.set_picture(edition, kind, upload.stream, upload.filename)
    except FormErrors as error:
        _refused(form, error)
    except DomainError as error:
        db.session.rollback()
        form.set_errors({"picture": [error.message]})
    else:
        db.session.commit()
        discard(queries.PICTURES_AREA, old)
        flash(_("Logo saved.") if kind == "logo" else _("Banner saved."), "success")
        return back
    identity_form = IdentityForm(formdata=None)
    _fill_identity(identity_form, edition)
    return _identity_page(edition, identity_form, pictures=forms)


# Languages --------------------------------------------------------------------------------


def _languages_page(edition: Edition):
    return redirect(url_for("editions.languages", slug=edition.slug))


@bp.get("/editions/<slug>/manage/languages")
@access(Audience.ORGANISER, allow=organises_edition)
def languages(slug):
    """The edition's title, theme and description in the languages besides the original."""
    edition = edition_or_404(slug)
    return render_template(
        "editions/manage/languages.html",
        edition=edition,
        languages=queries.other_languages(edition),
        texts=queries.texts_by_language(edition),
        language_labels=queries.LANGUAGE_LABELS,
        delete_form=DeleteForm(),
    )


@bp.route("/editions/<slug>/manage/languages/<any(en, fr, ar):language>", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_text(slug, language):
    """Give or change the edition's title, theme and description in ``language``.

    (Not ``lang``: that query parameter switches the interface's language.)
    """
    lang = language
    edition = edition_or_404(slug)
    if lang == edition.original_lang:
        flash(
            _("The edition's own texts are in this language: change them on its details page."),
            "info",
        )
        return redirect(url_for("editions.edit_edition", slug=edition.slug))
    existing = queries.texts_by_language(edition).get(lang)
    form = EditionTextForm(obj=existing)
    general = []
    if form.validate_on_submit():
        try:
            services.save_text(edition, lang, **form.data_for(*services.TEXT_FIELDS))
        except FormErrors as error:
            general = _refused(form, error)
        else:
            db.session.commit()
            flash(_("Texts saved."), "success")
            return _languages_page(edition)
    # What is typed is in ``lang``: the browser spells and lays it out that way.
    typed = {"lang": lang, "dir": queries.direction_of(lang)}
    for name in services.TEXT_FIELDS:
        form[name].render_kw = {**(form[name].render_kw or {}), **typed}
    return render_template(
        "editions/manage/text_form.html",
        edition=edition,
        form=form,
        lang=lang,
        language_label=queries.LANGUAGE_LABELS[lang],
        existing=existing,
        general=general,
    )


@bp.post("/editions/<slug>/manage/languages/<any(en, fr, ar):language>/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_text(slug, language):
    lang = language
    edition = edition_or_404(slug)
    if not DeleteForm().validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _languages_page(edition)
    try:
        services.delete_text(edition, lang)
    except NotFound as error:
        db.session.rollback()
        flash(error.message, "error")
        return _languages_page(edition)
    db.session.commit()
    flash(_("Texts removed."), "success")
    return _languages_page(edition)
