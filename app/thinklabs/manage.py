"""Organisers' pages of thinklabs: details, members, composition, meetings, roadmap."""

from collections.abc import Callable
from datetime import datetime, timedelta

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition
from app.errors import FormErrors
from app.extensions import db
from app.lookups import edition_or_404
from app.models import Edition, MeetingMode, StakeholderCategory, Thinklab
from app.organisations.queries import all_organisations
from app.permissions import is_site_organiser
from app.thinklabs import services
from app.thinklabs.blueprint import bp
from app.thinklabs.forms import (
    MemberEditForm,
    MemberForm,
    MoveForm,
    RemoveForm,
    RoadmapForm,
    RuleForm,
    SkipForm,
    ThinklabForm,
)
from app.thinklabs.queries.thinklab import (
    CATEGORY_LABELS,
    MODE_LABELS,
    ROADMAP_STATUS_LABELS,
    all_agreements,
    can_organise_thinklab,
    composition_status,
    editions_for,
    every_thinklab,
    roadmap_by_horizon,
    thinklab_for_page,
    thinklab_or_404,
    thinklabs_of_edition,
    upcoming_meetings,
    venues_of,
)


def organises(user, slug: str, **_ignored) -> bool:
    """The ``allow`` check of organisers' routes of one thinklab."""
    return can_organise_thinklab(user, thinklab_or_404(slug))


def _fill_choices(form: ThinklabForm, thinklab: Thinklab | None) -> None:
    editions = editions_for(current_user)
    if thinklab is not None and thinklab.edition and thinklab.edition not in editions:
        editions.append(thinklab.edition)
    none = [SelectChoice("", _("None"))]
    form.edition_id.choices = none + [SelectChoice(e.id, e.title) for e in editions]
    form.agreement_id.choices = none + [SelectChoice(a.id, a.title) for a in all_agreements()]
    venues = venues_of(thinklab) if thinklab is not None else []
    form.venue_id.choices = none + [SelectChoice(v.id, f"{v.name} ({v.town})") for v in venues]
    # The group's edition's zone first (else that of the organiser's first edition).
    edition = thinklab.edition if thinklab is not None else None
    edition = edition or (editions[0] if editions else None)
    form.timezone.suggest(edition.timezone if edition else None, *(v.timezone for v in venues))


def _thinklab_data(form: ThinklabForm) -> dict:
    return {
        "slug": form.slug.data,
        "name": form.name.data,
        "description": form.description.data,
        "edition_id": form.edition_id.data,
        "agreement_id": form.agreement_id.data,
        "timezone": form.timezone.data,
        "first_meeting_local": form.first_meeting_local.data,
        "meeting_minutes": form.meeting_minutes.data,
        "rrule": form.rule_text(),
        "meeting_mode": form.meeting_mode.data or MeetingMode.ONLINE.value,
        "venue_id": form.venue_id.data,
        "location": form.location.data,
        "online_url": form.online_url.data,
    }


def _create(edition: Edition | None):
    form = ThinklabForm()
    _fill_choices(form, None)
    if request.method == "GET":
        if edition is not None:
            form.edition_id.data = edition.id
            form.timezone.data = edition.timezone
            form.timezone.suggest(edition.timezone)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            created = services.save_thinklab(_thinklab_data(form), user=current_user)
        except FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The thinklab is created."), "success")
            return redirect(url_for("thinklabs.manage", slug=created.slug))
    status = 422 if form.errors or general else 200
    return render_template(
        "thinklabs/thinklab_form.html", form=form, thinklab=None, general=general
    ), status


@bp.route("/manage/thinklabs/new", methods=["GET", "POST"])
@access(Audience.SITE_ORGANISER)
def new_thinklab():
    return _create(None)


@bp.route("/editions/<slug>/thinklabs/new", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def new_edition_thinklab(slug: str):
    return _create(edition_or_404(slug))


def _details_form(thinklab: Thinklab) -> ThinklabForm:
    form = ThinklabForm(obj=thinklab, formdata=None)
    form.meeting_mode.data = thinklab.meeting_mode.value
    form.fill_rule(thinklab.rrule, thinklab.timezone)
    _fill_choices(form, thinklab)
    return form


def _manage_page(thinklab: Thinklab, status: int = 200, **forms):
    """The organiser's page of one thinklab, with any failed form shown with its errors."""
    return render_template(
        "thinklabs/manage.html",
        thinklab=thinklab,
        form=forms.get("form") or _details_form(thinklab),
        composition=composition_status(thinklab),
        meetings=upcoming_meetings(thinklab, limit=8),
        roadmap=roadmap_by_horizon(thinklab),
        member_form=forms.get("member_form") or MemberForm(prefix="member", formdata=None),
        rule_form=forms.get("rule_form") or RuleForm(prefix="rule", formdata=None),
        remove_form=RemoveForm(formdata=None),
        skip_form=SkipForm(formdata=None),
        category_labels=CATEGORY_LABELS,
        mode_labels=MODE_LABELS,
        roadmap_status_labels=ROADMAP_STATUS_LABELS,
        general=forms.get("general") or [],
    ), status


@bp.route("/thinklabs/<slug>/manage", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def manage(slug: str):
    found = thinklab_for_page(slug)
    if request.method == "GET":
        return _manage_page(found)
    form = ThinklabForm()
    _fill_choices(form, found)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_thinklab(_thinklab_data(form), user=current_user, thinklab=found)
        except FormErrors as error:
            db.session.rollback()
            found = thinklab_for_page(slug)
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The thinklab is saved."), "success")
            return redirect(url_for("thinklabs.manage", slug=found.slug))
    return _manage_page(found, 422, form=form, general=general)


def _back(slug: str):
    return redirect(url_for("thinklabs.manage", slug=slug))


def _one_of(items, raw_id: str):
    """The one of ``items`` whose id ``raw_id`` spells; None if ``raw_id`` is not a number,
    404 if none of ``items`` has that id."""
    if not raw_id.isdigit():
        return None
    chosen = next((one for one in items if one.id == int(raw_id)), None)
    if chosen is None:
        abort(404)
    return chosen


def _act_on_posted_id(slug: str, act: Callable[..., None], done: str, **options):
    """Call ``act(thinklab, id, **options)`` with the id a RemoveForm posts, commit, say ``done``
    and go back to the manage page (a missing or malformed id does nothing)."""
    found = thinklab_or_404(slug)
    form = RemoveForm()
    if form.validate_on_submit() and form.object_id.data.isdigit():
        act(found, int(form.object_id.data), **options)
        db.session.commit()
        flash(done, "success")
    return _back(slug)


@bp.post("/thinklabs/<slug>/manage/members")
@access(Audience.ORGANISER, allow=organises)
def add_member(slug: str):
    found = thinklab_for_page(slug)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        try:
            services.add_member(found, form.data, actor=current_user)
        except FormErrors as error:
            db.session.rollback()
            found = thinklab_for_page(slug)
            return _manage_page(found, 422, member_form=form, general=form.set_errors(error.errors))
        db.session.commit()
        flash(_("The member is added."), "success")
        return _back(slug)
    return _manage_page(found, 422, member_form=form)


@bp.post("/thinklabs/<slug>/manage/members/remove")
@access(Audience.ORGANISER, allow=organises)
def remove_member(slug: str):
    return _act_on_posted_id(
        slug, services.remove_member, _("The member is removed."), actor=current_user
    )


@bp.route("/thinklabs/<slug>/manage/members/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def edit_member(slug: str):
    found = thinklab_for_page(slug)
    member_id = request.values.get("member", "") or request.form.get("member_id", "")
    member = _one_of(found.members, member_id)
    if member is None:
        abort(404)
    form = MemberEditForm(obj=member if request.method == "GET" else None)
    form.organisation_id.choices = [SelectChoice("", _("None"))] + [
        SelectChoice(o.id, o.name) for o in all_organisations()
    ]
    if request.method == "GET":
        form.member_id.data = str(member.id)
        form.category.data = member.category.value
        form.role.data = member.role.value
    general: list[str] = []
    if form.validate_on_submit():
        try:
            services.update_member(found, member.id, form.data)
        except FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The member is saved."), "success")
            return _back(slug)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "thinklabs/member_form.html", thinklab=found, member=member, form=form, general=general
    ), status


@bp.post("/thinklabs/<slug>/manage/roadmap/delete")
@access(Audience.ORGANISER, allow=organises)
def delete_roadmap_item(slug: str):
    return _act_on_posted_id(slug, services.delete_roadmap_item, _("The roadmap item is deleted."))


@bp.post("/thinklabs/<slug>/manage/rules")
@access(Audience.ORGANISER, allow=organises)
def set_rule(slug: str):
    found = thinklab_for_page(slug)
    form = RuleForm(prefix="rule")
    if form.validate_on_submit():
        services.set_composition_rule(
            found, StakeholderCategory(form.category.data), form.minimum.data
        )
        db.session.commit()
        flash(_("The composition rule is saved."), "success")
        return _back(slug)
    return _manage_page(found, 422, rule_form=form)


def _original_from_query() -> datetime | None:
    try:
        return datetime.strptime(request.args.get("original", ""), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None


@bp.post("/thinklabs/<slug>/manage/skip")
@access(Audience.ORGANISER, allow=organises)
def skip_meeting(slug: str):
    found = thinklab_for_page(slug)
    form = SkipForm()
    if form.validate_on_submit():
        try:
            services.skip_meeting(found, form.original.data, form.note.data, actor=current_user)
        except FormErrors as error:
            db.session.rollback()
            flash(error.message, "error")
            return _back(slug)
        db.session.commit()
        flash(_("The meeting is skipped."), "success")
    else:
        flash(_("Choose a meeting to skip."), "error")
    return _back(slug)


@bp.route("/thinklabs/<slug>/manage/move", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def move_meeting(slug: str):
    found = thinklab_for_page(slug)
    form = MoveForm()
    venues = venues_of(found)
    form.venue_id.choices = [SelectChoice("", _("As usual"))] + [
        SelectChoice(v.id, v.name) for v in venues
    ]
    if request.method == "GET":
        original = _original_from_query()
        if original is not None:
            form.original.data = original
            form.starts_local.data = original
            form.ends_local.data = original + timedelta(minutes=found.meeting_minutes)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            services.move_meeting(
                found,
                form.original.data,
                starts_local=form.starts_local.data,
                ends_local=form.ends_local.data,
                meeting_mode=MeetingMode(form.meeting_mode.data)
                if form.meeting_mode.data
                else None,
                venue_id=form.venue_id.data,
                note=form.note.data,
                actor=current_user,
            )
        except FormErrors as error:
            db.session.rollback()
            found = thinklab_for_page(slug)
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The meeting is moved."), "success")
            return _back(slug)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "thinklabs/move.html", thinklab=found, form=form, general=general
    ), status


@bp.post("/thinklabs/<slug>/manage/restore")
@access(Audience.ORGANISER, allow=organises)
def restore_meeting(slug: str):
    return _act_on_posted_id(
        slug, services.restore_meeting, _("The meeting follows the rule again."), actor=current_user
    )


@bp.route("/thinklabs/<slug>/manage/roadmap", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def roadmap_item(slug: str):
    found = thinklab_for_page(slug)
    item_id = request.values.get("item", "") or request.form.get("roadmap-item_id", "")
    item = _one_of(found.roadmap_items, item_id)
    form = RoadmapForm(prefix="roadmap", obj=item if request.method == "GET" else None)
    if request.method == "GET" and item is not None:
        form.status.data = item.status.value
        form.item_id.data = str(item.id)
    if form.validate_on_submit():
        try:
            services.save_roadmap_item(found, form.data, item_id=item.id if item else None)
        except FormErrors as error:
            db.session.rollback()
            form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The roadmap item is saved."), "success")
            return _back(slug)
    status = 422 if request.method == "POST" else 200
    return render_template(
        "thinklabs/roadmap_form.html",
        thinklab=found,
        form=form,
        item=item,
        remove_form=RemoveForm(formdata=None),
    ), status


@bp.get("/editions/<slug>/manage/thinklabs")
@access(Audience.ORGANISER, allow=organises_edition)
def edition_thinklabs(slug: str):
    edition = edition_or_404(slug)
    return render_template(
        "thinklabs/edition_thinklabs.html",
        edition=edition,
        thinklabs=thinklabs_of_edition(edition),
    )


@bp.get("/manage/thinklabs")
@access(Audience.SITE_ORGANISER)
def manage_index():
    return render_template(
        "thinklabs/manage_index.html",
        thinklabs=every_thinklab(),
        is_site_organiser=is_site_organiser(current_user),
    )
