"""Thinklab pages: the public page and meeting lists, members' posts, organisers' pages."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404
from app.models import Agreement, Edition, MeetingMode, StakeholderCategory, Thinklab
from app.organisations.queries import all_organisations
from app.permissions import can_see_agreement, can_see_edition, is_site_organiser
from app.thinklabs import contributions as posts
from app.thinklabs import management as svc
from app.thinklabs import services
from app.thinklabs.blueprint import bp
from app.thinklabs.forms import (
    ContributionForm,
    DigestForm,
    MemberEditForm,
    MemberForm,
    MoveForm,
    RemoveForm,
    RoadmapForm,
    RuleForm,
    SkipForm,
    ThinklabForm,
)
from app.thinklabs.recurrence import InvalidRecurrence, occurrences
from app.timezones import all_zones, day_start_utc, is_valid_zone

# How far the meetings page looks ahead by default.
DEFAULT_RANGE_DAYS = 731


def thinklab_or_404(slug: str) -> Thinklab:
    return db.one_or_404(select(Thinklab).where(Thinklab.slug == slug))


def _visible_or_404(slug: str) -> Thinklab:
    found = services.thinklab_for_page(slug)
    if found is None or (found.edition and not can_see_edition(current_user, found.edition)):
        abort(404)
    return found


def member_of(user, slug: str, **_ignored) -> bool:
    """The ``allow`` check of members' routes: a seat in this thinklab."""
    return svc.is_member(user, thinklab_or_404(slug))


def organises(user, slug: str, **_ignored) -> bool:
    """The ``allow`` check of organisers' routes of one thinklab."""
    return svc.can_organise_thinklab(user, thinklab_or_404(slug))


# Public ------------------------------------------------------------------------------------


@bp.get("/thinklabs/<slug>")
@access(Audience.ANONYMOUS)
def thinklab(slug: str):
    return _thinklab_page(_visible_or_404(slug))


def _thinklab_page(found: Thinklab, post_form: ContributionForm | None = None):
    """The thinklab's page; contributions only for those who may read them, else their count."""
    member = svc.membership(current_user, found)
    organiser = svc.can_organise_thinklab(current_user, found)
    readable = member is not None or organiser
    return render_template(
        "thinklabs/thinklab.html",
        thinklab=found,
        members=services.members_by_category(found),
        composition=services.composition_status(found),
        meetings=services.upcoming_meetings(found),
        roadmap=services.roadmap_by_horizon(found),
        contributions=services.contributions(found) if readable else [],
        hidden_contributions=0 if readable else services.contribution_count(found),
        category_labels=services.CATEGORY_LABELS,
        mode_labels=services.MODE_LABELS,
        roadmap_status_labels=services.ROADMAP_STATUS_LABELS,
        member=member,
        post_form=(post_form or ContributionForm()) if member else None,
        digest_form=DigestForm(wants_digest=member.wants_digest) if member else None,
        can_organise=organiser,
    )


def _zone_choices(thinklabs: list[Thinklab], agreement: Agreement | None) -> list[str]:
    """The group's zone first, then its agreement's, its sibling groups' and its edition's."""
    zones: list[str] = []
    candidates = [t.timezone for t in thinklabs]
    if agreement is not None:
        candidates += [agreement.timezone] + [g.timezone for g in agreement.working_groups]
    candidates += [t.edition.timezone for t in thinklabs if t.edition is not None]
    for zone in candidates:
        if zone and is_valid_zone(zone) and zone not in zones:
            zones.append(zone)
    return zones


def _range_from_query(zone: str) -> tuple[date, date]:
    today = datetime.now(UTC).date()
    try:
        first = date.fromisoformat(request.args.get("from", ""))
    except ValueError:
        first = today
    try:
        last = date.fromisoformat(request.args.get("to", ""))
    except ValueError:
        last = first + timedelta(days=DEFAULT_RANGE_DAYS)
    if last < first:
        last = first
    return first, last


def _meetings_page(thinklabs: list[Thinklab], agreement: Agreement | None, title: str):
    zones = _zone_choices(thinklabs, agreement)
    shown_zone = request.args.get("tz", "")
    if shown_zone not in zones and not is_valid_zone(shown_zone):
        shown_zone = zones[0] if zones else "UTC"
    first, last = _range_from_query(thinklabs[0].timezone if thinklabs else shown_zone)
    start = day_start_utc(first, shown_zone)
    end = day_start_utc(last + timedelta(days=1), shown_zone)
    rows, error = [], None
    try:
        for group in thinklabs:
            rows += [(group, o) for o in occurrences(group, start, end, include_cancelled=True)]
    except InvalidRecurrence as refused:
        error, rows = refused.message, []
    rows.sort(key=lambda row: (row[1].starts_at, row[0].name))
    return render_template(
        "thinklabs/meetings.html",
        title=title,
        thinklabs=thinklabs,
        agreement=agreement,
        rows=rows,
        zones=zones,
        zone_links=[
            (
                zone,
                url_for(
                    request.endpoint,
                    **request.view_args,
                    tz=zone,
                    **{"from": first.isoformat(), "to": last.isoformat()},
                ),
            )
            for zone in zones
        ],
        shown_zone=shown_zone,
        first=first,
        last=last,
        error=error,
        mode_labels=services.MODE_LABELS,
        venues={v.id: v for g in thinklabs for v in svc.venues_of(g)},
    ), (422 if error else 200)


@bp.get("/thinklabs/<slug>/meetings")
@access(Audience.ANONYMOUS)
def meetings(slug: str):
    found = _visible_or_404(slug)
    return _meetings_page([found], found.agreement, found.name)


@bp.get("/thinklabs/agreements/<int:agreement_id>/meetings")
@access(Audience.ANONYMOUS)
def agreement_meetings(agreement_id: int):
    agreement = db.get_or_404(Agreement, agreement_id)
    if not can_see_agreement(current_user, agreement):
        abort(404)
    groups = [
        g
        for g in agreement.working_groups
        if not (g.edition and not can_see_edition(current_user, g.edition))
    ]
    return _meetings_page(sorted(groups, key=lambda g: g.name), agreement, agreement.title)


@bp.get("/thinklabs/<slug>/files/<token>")
@access(Audience.ANONYMOUS)
def contribution_file(slug: str, token: str):
    found = _visible_or_404(slug)
    if not svc.can_read_contributions(current_user, found):
        abort(404)
    stored = posts.file_of(found, token)
    if stored is None:
        abort(404)
    record, path = stored
    response = send_file(
        path,
        mimetype=record.content_type,
        download_name=record.filename,
        as_attachment=record.content_type == "application/pdf",
    )
    # Members' files: never kept by a shared cache.
    response.headers["Cache-Control"] = "private, no-store"
    return response


# Members -----------------------------------------------------------------------------------


@bp.post("/thinklabs/<slug>/contributions")
@access(Audience.DELEGATE, allow=member_of)
def post_contribution(slug: str):
    found = thinklab_or_404(slug)
    form = ContributionForm()
    if form.validate_on_submit():
        uploads = [
            posts.Upload(f.filename or "", f.read())
            for f in (form.files.data or [])
            if getattr(f, "filename", None)
        ]
        try:
            contribution = posts.post_contribution(
                found,
                current_user,
                body=form.body.data,
                link_url=form.link_url.data,
                uploads=uploads,
            )
        except DomainError as error:
            db.session.rollback()
            form.set_errors({error.field or "body": [error.message]})
        else:
            db.session.commit()
            flash(_("Your contribution is posted."), "success")
            return redirect(
                url_for("thinklabs.thinklab", slug=slug, _anchor=f"contribution-{contribution.id}")
            )
    return _thinklab_page(_visible_or_404(slug), form), 422


@bp.get("/thinklabs/<slug>/contributions.json")
@access(Audience.DELEGATE, allow=member_of)
def contributions_json(slug: str):
    found = thinklab_or_404(slug)
    after = request.args.get("after", "0")
    after_id = int(after) if after.isdigit() else 0
    items = posts.contributions_after(found, after_id)
    return jsonify(
        contributions=[
            {
                "id": item.id,
                "author": item.author.display_name if item.author else "",
                "created_at": item.created_at.isoformat(),
                "body_html": str(posts.safe_body(item)),
                "link_url": item.link_url
                if item.link_url and item.link_url.startswith(("https://", "http://"))
                else None,
                "files": [
                    {
                        "name": f.filename,
                        "url": url_for(
                            "thinklabs.contribution_file", slug=slug, token=f.storage_key
                        ),
                    }
                    for f in item.files
                ],
            }
            for item in items
        ],
        last_id=items[-1].id if items else after_id,
    )


@bp.post("/thinklabs/<slug>/digest")
@access(Audience.DELEGATE, allow=member_of)
def digest(slug: str):
    found = thinklab_or_404(slug)
    member = svc.membership(current_user, found)
    form = DigestForm()
    if member is not None and form.validate_on_submit():
        posts.set_digest(member, bool(form.wants_digest.data))
        db.session.commit()
        flash(
            _("You will get a daily digest.")
            if member.wants_digest
            else _("You will not get a daily digest."),
            "success",
        )
    return redirect(url_for("thinklabs.thinklab", slug=slug))


# Organisers --------------------------------------------------------------------------------


def _fill_choices(form: ThinklabForm, thinklab: Thinklab | None) -> None:
    editions = svc.editions_for(current_user)
    if thinklab is not None and thinklab.edition and thinklab.edition not in editions:
        editions.append(thinklab.edition)
    none = [SelectChoice("", _("None"))]
    form.edition_id.choices = none + [SelectChoice(e.id, e.title) for e in editions]
    form.agreement_id.choices = none + [SelectChoice(a.id, a.title) for a in svc.all_agreements()]
    venues = svc.venues_of(thinklab) if thinklab is not None else []
    form.venue_id.choices = none + [SelectChoice(v.id, f"{v.name} ({v.town})") for v in venues]


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
        "rrule": form.rrule.data,
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
    general: list[str] = []
    if form.validate_on_submit():
        try:
            created = svc.save_thinklab(_thinklab_data(form), user=current_user)
        except svc.FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("The thinklab is created."), "success")
            return redirect(url_for("thinklabs.manage", slug=created.slug))
    status = 422 if form.errors or general else 200
    return render_template(
        "thinklabs/thinklab_form.html", form=form, thinklab=None, general=general, zones=all_zones()
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
    _fill_choices(form, thinklab)
    return form


def _manage_page(thinklab: Thinklab, status: int = 200, **forms):
    """The organiser's page of one thinklab, with any failed form shown with its errors."""
    return render_template(
        "thinklabs/manage.html",
        thinklab=thinklab,
        form=forms.get("form") or _details_form(thinklab),
        zones=all_zones(),
        composition=services.composition_status(thinklab),
        meetings=services.upcoming_meetings(thinklab, limit=8),
        roadmap=services.roadmap_by_horizon(thinklab),
        member_form=forms.get("member_form") or MemberForm(prefix="member", formdata=None),
        rule_form=forms.get("rule_form") or RuleForm(prefix="rule", formdata=None),
        remove_form=RemoveForm(formdata=None),
        skip_form=SkipForm(formdata=None),
        category_labels=services.CATEGORY_LABELS,
        mode_labels=services.MODE_LABELS,
        roadmap_status_labels=services.ROADMAP_STATUS_LABELS,
        general=forms.get("general") or [],
    ), status


@bp.route("/thinklabs/<slug>/manage", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def manage(slug: str):
    found = services.thinklab_for_page(slug)
    if request.method == "GET":
        return _manage_page(found)
    form = ThinklabForm()
    _fill_choices(form, found)
    general: list[str] = []
    if form.validate_on_submit():
        try:
            svc.save_thinklab(_thinklab_data(form), user=current_user, thinklab=found)
        except svc.FormErrors as error:
            db.session.rollback()
            found = services.thinklab_for_page(slug)
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
    found = services.thinklab_for_page(slug)
    form = MemberForm(prefix="member")
    if form.validate_on_submit():
        try:
            svc.add_member(found, form.data, actor=current_user)
        except svc.FormErrors as error:
            db.session.rollback()
            found = services.thinklab_for_page(slug)
            return _manage_page(found, 422, member_form=form, general=form.set_errors(error.errors))
        db.session.commit()
        flash(_("The member is added."), "success")
        return _back(slug)
    return _manage_page(found, 422, member_form=form)


@bp.post("/thinklabs/<slug>/manage/members/remove")
@access(Audience.ORGANISER, allow=organises)
def remove_member(slug: str):
    return _act_on_posted_id(
        slug, svc.remove_member, _("The member is removed."), actor=current_user
    )


@bp.route("/thinklabs/<slug>/manage/members/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def edit_member(slug: str):
    found = services.thinklab_for_page(slug)
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
            svc.update_member(found, member.id, form.data)
        except svc.FormErrors as error:
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
    return _act_on_posted_id(slug, svc.delete_roadmap_item, _("The roadmap item is deleted."))


@bp.post("/thinklabs/<slug>/manage/rules")
@access(Audience.ORGANISER, allow=organises)
def set_rule(slug: str):
    found = services.thinklab_for_page(slug)
    form = RuleForm(prefix="rule")
    if form.validate_on_submit():
        svc.set_composition_rule(found, StakeholderCategory(form.category.data), form.minimum.data)
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
    found = services.thinklab_for_page(slug)
    form = SkipForm()
    if form.validate_on_submit():
        try:
            svc.skip_meeting(found, form.original.data, form.note.data, actor=current_user)
        except svc.FormErrors as error:
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
    found = services.thinklab_for_page(slug)
    form = MoveForm()
    venues = svc.venues_of(found)
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
            svc.move_meeting(
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
        except svc.FormErrors as error:
            db.session.rollback()
            found = services.thinklab_for_page(slug)
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
        slug, svc.restore_meeting, _("The meeting follows the rule again."), actor=current_user
    )


@bp.route("/thinklabs/<slug>/manage/roadmap", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises)
def roadmap_item(slug: str):
    found = services.thinklab_for_page(slug)
    item_id = request.values.get("item", "") or request.form.get("roadmap-item_id", "")
    item = _one_of(found.roadmap_items, item_id)
    form = RoadmapForm(prefix="roadmap", obj=item if request.method == "GET" else None)
    if request.method == "GET" and item is not None:
        form.status.data = item.status.value
        form.item_id.data = str(item.id)
    if form.validate_on_submit():
        try:
            svc.save_roadmap_item(found, form.data, item_id=item.id if item else None)
        except svc.FormErrors as error:
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
        thinklabs=list(
            db.session.scalars(
                select(Thinklab).where(Thinklab.edition_id == edition.id).order_by(Thinklab.name)
            )
        ),
    )


@bp.get("/manage/thinklabs")
@access(Audience.SITE_ORGANISER)
def manage_index():
    return render_template(
        "thinklabs/manage_index.html",
        thinklabs=list(db.session.scalars(select(Thinklab).order_by(Thinklab.name))),
        is_site_organiser=is_site_organiser(current_user),
    )
