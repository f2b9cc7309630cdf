"""Thinklab pages: the public page and meeting lists, members' posts and files."""

from datetime import UTC, date, datetime, timedelta

from flask import abort, flash, jsonify, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access
from app.errors import DomainError
from app.extensions import db
from app.models import Agreement, Thinklab
from app.permissions import can_see_agreement, can_see_edition
from app.thinklabs import services
from app.thinklabs.blueprint import bp
from app.thinklabs.forms import ContributionForm, DigestForm
from app.thinklabs.queries.contributions import (
    contribution_count,
    contributions,
    contributions_after,
    file_of,
    safe_body,
)
from app.thinklabs.queries.recurrence import InvalidRecurrence, occurrences
from app.thinklabs.queries.thinklab import (
    CATEGORY_LABELS,
    MODE_LABELS,
    ROADMAP_STATUS_LABELS,
    can_organise_thinklab,
    can_read_contributions,
    composition_status,
    is_member,
    members_by_category,
    membership,
    roadmap_by_horizon,
    thinklab_for_page,
    thinklab_or_404,
    upcoming_meetings,
    venues_of,
    working_groups_seen_by,
)
from app.timezones import day_start_utc, is_valid_zone

# How far the meetings page looks ahead by default.
DEFAULT_RANGE_DAYS = 731


def _visible_or_404(slug: str) -> Thinklab:
    found = thinklab_for_page(slug)
    if found is None or (found.edition and not can_see_edition(current_user, found.edition)):
        abort(404)
    return found


def member_of(user, slug: str, **_ignored) -> bool:
    """The ``allow`` check of members' routes: a seat in this thinklab."""
    return is_member(user, thinklab_or_404(slug))


# Public ------------------------------------------------------------------------------------


@bp.get("/thinklabs/<slug>")
@access(Audience.ANONYMOUS)
def thinklab(slug: str):
    return _thinklab_page(_visible_or_404(slug))


def _thinklab_page(found: Thinklab, post_form: ContributionForm | None = None):
    """The thinklab's page; contributions only for those who may read them, else their count."""
    member = membership(current_user, found)
    organiser = can_organise_thinklab(current_user, found)
    readable = member is not None or organiser
    return render_template(
        "thinklabs/thinklab.html",
        thinklab=found,
        members=members_by_category(found),
        composition=composition_status(found),
        meetings=upcoming_meetings(found),
        roadmap=roadmap_by_horizon(found),
        contributions=contributions(found) if readable else [],
        hidden_contributions=0 if readable else contribution_count(found),
        category_labels=CATEGORY_LABELS,
        mode_labels=MODE_LABELS,
        roadmap_status_labels=ROADMAP_STATUS_LABELS,
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
        mode_labels=MODE_LABELS,
        venues={v.id: v for g in thinklabs for v in venues_of(g)},
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
    groups = working_groups_seen_by(current_user, agreement)
    return _meetings_page(groups, agreement, agreement.title)


@bp.get("/thinklabs/<slug>/files/<token>")
@access(Audience.ANONYMOUS)
def contribution_file(slug: str, token: str):
    found = _visible_or_404(slug)
    if not can_read_contributions(current_user, found):
        abort(404)
    stored = file_of(found, token)
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
            services.Upload(f.filename or "", f.read())
            for f in (form.files.data or [])
            if getattr(f, "filename", None)
        ]
        try:
            contribution = services.post_contribution(
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
    items = contributions_after(found, after_id)
    return jsonify(
        contributions=[
            {
                "id": item.id,
                "author": item.author.display_name if item.author else "",
                "created_at": item.created_at.isoformat(),
                "body_html": str(safe_body(item)),
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
    member = membership(current_user, found)
    form = DigestForm()
    if member is not None and form.validate_on_submit():
        services.set_digest(member, bool(form.wants_digest.data))
        db.session.commit()
        flash(
            _("You will get a daily digest.")
            if member.wants_digest
            else _("You will not get a daily digest."),
            "success",
        )
    return redirect(url_for("thinklabs.thinklab", slug=slug))
