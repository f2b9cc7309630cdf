"""Reviewers' and organisers' pages: assignments, reviews, ranking, decisions, mails, places."""

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition
from app.errors import DomainError, FormErrors
from app.extensions import db
from app.lookups import edition_or_404
from app.models import (
    Edition,
    Showcase,
    ShowcaseStatus,
    Track,
    User,
)
from app.permissions import can_organise, is_assigned_reviewer
from app.showcases import queries, services
from app.showcases.blueprint import bp
from app.showcases.forms import (
    AssignForm,
    ConfirmForm,
    DecisionForm,
    ReviewForm,
    SessionLinkForm,
    StandForm,
    TrackAssignForm,
)


def organises_showcase(user, id: int, **_ignored) -> bool:
    return can_organise(user, db.get_or_404(Showcase, id).edition)


def reviews_showcase(user, id: int, **_ignored) -> bool:
    return is_assigned_reviewer(user, db.get_or_404(Showcase, id))


def reviews_anything(user, **_ignored) -> bool:
    return queries.reviews_anything(user)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _ints(values) -> list[int]:
    return [number for number in (_int(v) for v in values) if number is not None]


# Reviewers --------------------------------------------------------------------------------


@bp.get("/reviews")
@access(Audience.REVIEWER, allow=reviews_anything)
def my_reviews():
    assignments = queries.my_assignments(current_user)
    return render_template(
        "showcases/reviews.html",
        assignments=assignments,
        done=sum(1 for a in assignments if a.review is not None),
    )


@bp.route("/showcases/<int:id>/review", methods=["GET", "POST"])
@access(Audience.REVIEWER, allow=reviews_showcase)
def review(id: int):
    item = queries.showcase_or_404(id)
    criteria = list(item.edition.review_criteria)
    form = ReviewForm()
    own = queries.review_of(item, current_user)
    values = {
        c.id: s.value
        for s in (own.scores if own else [])
        for c in criteria
        if c.id == s.criterion_id
    }
    overall = own.score if own is not None and not criteria else None
    errors: dict[str, list[str]] = {}
    general: list[str] = []
    status = 200
    if request.method == "GET" and own is not None:
        form.comment.data = own.comment
    if request.method == "POST":
        values = {c.id: request.form.get(f"criterion-{c.id}") for c in criteria}
        overall = request.form.get("overall")
        if form.validate_on_submit():
            try:
                services.save_review(
                    item,
                    current_user,
                    values=values,
                    comment=form.comment.data or "",
                    overall=overall,
                )
                db.session.commit()
            except FormErrors as error:
                db.session.rollback()
                errors = error.errors
                general = errors.get("comment", [])
                status = 422
            except DomainError as error:
                db.session.rollback()
                general = [error.message]
                status = error.status
            else:
                flash(_("Review saved."), "success")
                return redirect(url_for("showcases.review", id=item.id))
        else:
            status = 422
        item = queries.showcase_or_404(id)
    own = queries.review_of(item, current_user)
    return render_template(
        "showcases/review.html",
        showcase=item,
        criteria=criteria,
        form=form,
        values=values,
        overall=overall,
        errors=errors,
        general=general,
        own=own,
        others=queries.others_reviews(item, current_user),
        problem=queries.review_problem(item),
        conflict=queries.conflict_of_interest(current_user, item),
    ), status


# The organisers' table and decisions ------------------------------------------------------


def _manage_nav_context(edition: Edition) -> dict:
    return {"edition": edition, "waiting": len(queries.waiting_mails(edition))}


@bp.get("/editions/<slug>/manage/showcases")
@access(Audience.ORGANISER, allow=organises_edition)
def manage_showcases(slug: str):
    edition = edition_or_404(slug)
    try:
        status = ShowcaseStatus(request.args.get("status", ""))
    except ValueError:
        status = None
    return render_template(
        "showcases/manage/showcases.html",
        tables=queries.ranked_tables(edition, status=status),
        status=status,
        form=DecisionForm(),
        call=queries.call_state(edition),
        drafts=db.session.scalar(
            select(db.func.count(Showcase.id)).where(
                Showcase.edition_id == edition.id, Showcase.status == ShowcaseStatus.DRAFT
            )
        ),
        **_manage_nav_context(edition),
    )


def _decision(value) -> ShowcaseStatus | None:
    try:
        decision = ShowcaseStatus(value or "")
    except ValueError:
        return None
    return decision if decision in queries.DECISIONS else None


@bp.post("/editions/<slug>/manage/showcases/decide")
@access(Audience.ORGANISER, allow=organises_edition)
def decide_many(slug: str):
    edition = edition_or_404(slug)
    back = redirect(url_for("showcases.manage_showcases", slug=edition.slug))
    form = DecisionForm()
    decision = _decision(form.decision.data)
    ids = _ints(request.form.getlist("showcase_ids"))
    if decision is None or not ids:
        flash(_("Tick the showcases and choose a decision."), "error")
        return back
    try:
        result = services.decide_many(edition, ids, decision, current_user, form.note.data or "")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    if result.changed:
        flash(
            ngettext(
                "%(num)d decision recorded; its mail waits for your release.",
                "%(num)d decisions recorded; their mails wait for your release.",
                result.changed,
            ),
            "success",
        )
    if result.unchanged:
        flash(
            ngettext(
                "%(num)d showcase already had this decision.",
                "%(num)d showcases already had this decision.",
                result.unchanged,
            ),
            "info",
        )
    for message in result.refused:
        flash(message, "error")
    return back


@bp.get("/showcases/<int:id>/manage")
@access(Audience.ORGANISER, allow=organises_showcase)
def manage_showcase(id: int, *, status: int = 200, forms: dict | None = None):
    item = queries.showcase_or_404(id)
    forms = forms or {}
    assign_form = forms.get("assign") or AssignForm()
    assigned = queries.assigned_reviewers(item)
    assigned_ids = {user.id for user in assigned}
    candidates = [
        user for user in queries.edition_reviewers(item.edition) if user.id not in assigned_ids
    ]
    assign_form.reviewer_id.choices = [
        SelectChoice(
            user.id,
            f"{user.display_name}" + (f" ({user.organisation.name})" if user.organisation else ""),
        )
        for user in candidates
        if not queries.conflict_of_interest(user, item)
    ]
    stand_form = forms.get("stand") or StandForm(stand_number=item.stand_number or "")
    session_form = forms.get("session") or SessionLinkForm()
    slots = queries.slot_sessions(item.edition)
    presented = queries.presented_in(item)
    presented_ids = {s.id for s in presented}
    session_form.session_id.choices = [
        SelectChoice(str(s.id), s.title) for s in slots if s.id not in presented_ids
    ]
    decision_form = forms.get("decision") or DecisionForm()
    return render_template(
        "showcases/manage/showcase.html",
        showcase=item,
        assigned=assigned,
        reviews=queries.reviews_of(item),
        criteria=list(item.edition.review_criteria),
        excluded=[u for u in candidates if queries.conflict_of_interest(u, item)],
        assign_form=assign_form,
        stand_form=stand_form,
        session_form=session_form,
        decision_form=decision_form,
        confirm_form=ConfirmForm(),
        slots=slots,
        presented=presented,
        decision_mail=queries.decision_mail(item),
        **_manage_nav_context(item.edition),
    ), status


def _back_to(item: Showcase):
    return redirect(url_for("showcases.manage_showcase", id=item.id))


@bp.post("/showcases/<int:id>/manage/decide")
@access(Audience.ORGANISER, allow=organises_showcase)
def decide(id: int):
    item = queries.showcase_or_404(id)
    form = DecisionForm()
    decision = _decision(form.decision.data)
    if decision is None:
        flash(_("Choose accept, waitlist or reject."), "error")
        return _back_to(item)
    try:
        outcome = services.decide(item, decision, current_user, form.note.data or "")
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return _back_to(item)
    if not outcome.changed:
        flash(_("The showcase already had this decision."), "info")
    elif outcome.already_told:
        flash(
            _("Decision recorded. The organisation was already told this decision: no new mail."),
            "info",
        )
    elif outcome.mail is None:
        flash(_("Decision recorded. The organisation has no delegate to write to."), "info")
    else:
        flash(_("Decision recorded. Its mail waits for your release."), "success")
    return _back_to(item)


def _change_reviewer(
    id: int, change: Callable[[Showcase, User], object], done: Callable[[str], str]
):
    """Apply ``change(showcase, reviewer)`` for the posted reviewer_id, commit and say
    ``done(reviewer's name)``; a refusal is flashed and nothing is saved."""
    item = queries.showcase_or_404(id)
    reviewer = db.session.get(User, _int(request.form.get("reviewer_id")) or 0)
    if reviewer is None:
        flash(_("Choose a reviewer."), "error")
        return _back_to(item)
    try:
        change(item, reviewer)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(done(reviewer.display_name), "success")
    return _back_to(item)


@bp.post("/showcases/<int:id>/manage/assign")
@access(Audience.ORGANISER, allow=organises_showcase)
def assign(id: int):
    return _change_reviewer(
        id,
        lambda item, reviewer: services.assign(item, reviewer, current_user),
        lambda name: _("%(name)s will review this showcase.", name=name),
    )


@bp.post("/showcases/<int:id>/manage/unassign")
@access(Audience.ORGANISER, allow=organises_showcase)
def unassign(id: int):
    return _change_reviewer(
        id,
        services.unassign,
        lambda name: _("%(name)s no longer reviews this showcase.", name=name),
    )


@bp.post("/showcases/<int:id>/manage/stand")
@access(Audience.ORGANISER, allow=organises_showcase)
def stand(id: int):
    item = queries.showcase_or_404(id)
    form = StandForm()
    if not form.validate_on_submit():
        return manage_showcase.__wrapped__(id, status=422, forms={"stand": form})
    try:
        services.set_stand(item, form.stand_number.data)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        form.show_error(error)
        if not form.stand_number.errors:
            flash(error.message, "error")
            return _back_to(item)
        return manage_showcase.__wrapped__(id, status=error.status, forms={"stand": form})
    flash(_("Stand saved."), "success")
    return _back_to(item)


@bp.post("/showcases/<int:id>/manage/sessions")
@access(Audience.ORGANISER, allow=organises_showcase)
def link_session(id: int):
    item = queries.showcase_or_404(id)
    if request.form.get("unlink"):
        try:
            services.unlink_session(item, request.form.get("unlink"))
            db.session.commit()
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            flash(_("The showcase is no longer presented in that session."), "success")
        return _back_to(item)
    try:
        session_ = services.link_session(item, request.form.get("session_id"))
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        flash(_("The showcase is presented in “%(title)s”.", title=session_.title), "success")
    return _back_to(item)


# Reviewers of an edition ------------------------------------------------------------------


@bp.get("/editions/<slug>/manage/reviewers")
@access(Audience.ORGANISER, allow=organises_edition)
def reviewers(slug: str):
    edition = edition_or_404(slug)
    people = queries.edition_reviewers(edition)
    track_form = TrackAssignForm()
    track_form.reviewer_id.choices = [SelectChoice(u.id, u.display_name) for u in people]
    track_form.track_id.choices = [SelectChoice(t.id, t.name) for t in edition.tracks]
    return render_template(
        "showcases/manage/reviewers.html",
        track_form=track_form,
        people=people,
        by_track=queries.track_reviewers(edition),
        load=queries.reviewer_load(edition),
        **_manage_nav_context(edition),
    )


@bp.post("/editions/<slug>/manage/reviewers/tracks")
@access(Audience.ORGANISER, allow=organises_edition)
def assign_track(slug: str):
    edition = edition_or_404(slug)
    back = redirect(url_for("showcases.reviewers", slug=edition.slug))
    user = db.session.get(User, _int(request.form.get("reviewer_id")) or 0)
    track = db.session.get(Track, _int(request.form.get("track_id")) or 0)
    if user is None or track is None or track.edition_id != edition.id:
        flash(_("Choose a reviewer and one of this edition's axes."), "error")
        return back
    if request.form.get("remove"):
        services.unassign_track(track, user)
        db.session.commit()
        flash(
            _(
                "New showcases of “%(track)s” will no longer go to %(name)s; the showcases "
                "already assigned stay assigned.",
                track=track.name,
                name=user.display_name,
            ),
            "success",
        )
        return back
    try:
        result = services.assign_track(track, user, current_user)
        db.session.commit()
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
        return back
    flash(
        ngettext(
            "%(name)s reviews the axis “%(track)s”: %(num)d showcase assigned now, and "
            "those submitted later will be too.",
            "%(name)s reviews the axis “%(track)s”: %(num)d showcases assigned now, and "
            "those submitted later will be too.",
            result.assigned,
            name=user.display_name,
            track=track.name,
        ),
        "success",
    )
    if result.skipped_own:
        flash(
            _(
                "Left out, as showcases of %(name)s's own organisation: %(titles)s.",
                name=user.display_name,
                titles="; ".join(result.skipped_own),
            ),
            "info",
        )
    return back


# Decision mails ---------------------------------------------------------------------------


@bp.get("/editions/<slug>/manage/showcases/mails")
@access(Audience.ORGANISER, allow=organises_edition)
def decision_mails(slug: str):
    edition = edition_or_404(slug)
    waiting = queries.waiting_mails(edition)
    preview = None
    chosen = _int(request.args.get("preview"))
    if waiting:
        preview = next((m for m in waiting if m.id == chosen), waiting[0])
    return render_template(
        "showcases/manage/mails.html",
        edition=edition,
        waiting=waiting,
        preview=preview,
        released=queries.released_mails(edition),
        confirm_form=ConfirmForm(),
    )


@bp.post("/editions/<slug>/manage/showcases/mails/release")
@access(Audience.ORGANISER, allow=organises_edition)
def release_mails(slug: str):
    edition = edition_or_404(slug)
    ids = _ints(request.form.getlist("message_ids"))
    if not ids:
        flash(_("There is no mail to release."), "info")
        return redirect(url_for("showcases.decision_mails", slug=edition.slug))
    count = services.release_mails(edition, ids, current_user)
    db.session.commit()
    if count:
        flash(
            ngettext(
                "%(num)d mail released: it leaves with the next run of the outbox.",
                "%(num)d mails released: they leave with the next run of the outbox.",
                count,
            ),
            "success",
        )
    else:
        flash(_("These mails were already released."), "info")
    return redirect(url_for("showcases.decision_mails", slug=edition.slug))
