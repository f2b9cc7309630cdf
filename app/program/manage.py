"""Organiser pages of sessions, speakers, the scheduling grid and the conflicts list."""

import time
from datetime import date, datetime, timedelta

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms.fields.choices import SelectChoice

from app.access import Audience, access, organises_edition
from app.errors import DomainError, FormErrors, InvalidToken
from app.extensions import db
from app.lookups import edition_or_404
from app.models import ConferenceSession, Edition, SessionSpeaker, Speaker, SpeakerRole
from app.organisations.queries import all_organisations
from app.permissions import can_organise, organises_any
from app.program import services
from app.program.blueprint import bp
from app.program.forms import (
    AvailabilityForm,
    ConfirmForm,
    PlaceForm,
    RemoveAvailabilityForm,
    SessionForm,
    SessionSpeakerForm,
    SpeakerForm,
    SpeakerProfileForm,
)
from app.program.queries import conflicts, organiser
from app.program.queries.programme import INVITATION_LABELS, speaker_with_public_sessions
from app.program.queries.speakers import linked_speaker

SLOT = timedelta(minutes=30)


def session_or_404(session_id: int) -> ConferenceSession:
    return db.get_or_404(ConferenceSession, session_id)


def organises_session(user, id: int, **_ignored) -> bool:
    return can_organise(user, session_or_404(id).edition)


def _place_in(session_: ConferenceSession, speaker_id: int) -> SessionSpeaker:
    for place in session_.speakers:
        if place.speaker_id == speaker_id:
            return place
    abort(404)


# Sessions -------------------------------------------------------------------------------


def _session_form(edition: Edition, session_: ConferenceSession | None = None) -> SessionForm:
    form = SessionForm(obj=session_)
    none = SelectChoice("", "—")
    form.track_id.choices = [none] + [SelectChoice(t.id, t.name) for t in edition.tracks]
    form.room_id.choices = [none] + [
        SelectChoice(r.id, f"{r.venue.name} · {r.name}") for r in organiser.edition_rooms(edition)
    ]
    form.venue_id.choices = [none] + [
        SelectChoice(v.id, f"{v.name} ({v.town})") for v in edition.venues
    ]
    if session_ is not None and request.method == "GET":
        form.kind.data = session_.kind.value
        form.status.data = session_.status.value
        form.version.data = str(session_.version_id)
    return form


def _session_data(form: SessionForm) -> dict:
    return form.data_for(*services.SESSION_FIELDS)


def _render_session_form(edition, session_, form, **context):
    return render_template(
        "program/manage/session_form.html",
        edition=edition,
        item=session_,
        form=form,
        speaker_form=_speaker_form(),
        button=ConfirmForm(),
        **{"warnings": [], "stale": None, "general": [], **context},
    )


def _speaker_form() -> SessionSpeakerForm:
    form = SessionSpeakerForm(formdata=None)
    form.speaker_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(s.id, s.name) for s in organiser.all_speakers()
    ]
    return form


def _save(edition: Edition, form: SessionForm, session_: ConferenceSession | None):
    """Run the save; return (saved, context for the form page when refused)."""
    try:
        saved = services.save_session(
            edition,
            _session_data(form),
            session_=session_,
            version=form.version.data or "",
            accept_warnings=form.accept_warnings.data,
            actor=current_user,
        )
    except services.StaleSession as error:
        db.session.rollback()
        fresh = session_or_404(session_.id)
        # The form keeps the organiser's input; saving it again now replaces the newer
        # values knowingly, never silently.
        form.version.data = str(fresh.version_id)
        return None, {"stale": services.session_values(fresh), "general": [error.message]}
    except services.ScheduleWarnings as error:
        db.session.rollback()
        return None, {"warnings": error.warnings}
    except FormErrors as error:
        db.session.rollback()
        return None, {"general": form.set_errors(error.errors)}
    db.session.commit()
    return saved, {}


def _flash_room_limit(session_: ConferenceSession) -> None:
    """Say so when the capacity asks for more seats than the room holds."""
    if session_.capacity is not None and session_.seats < session_.capacity:
        flash(
            _(
                "%(room)s holds %(seats)d people: only %(seats)d of the %(capacity)d seats "
                "can be booked.",
                room=session_.room.name,
                seats=session_.seats,
                capacity=session_.capacity,
            ),
            "warning",
        )


@bp.get("/editions/<slug>/manage/sessions")
@access(Audience.ORGANISER, allow=organises_edition)
def manage_sessions(slug: str):
    edition = edition_or_404(slug)
    return render_template(
        "program/manage/sessions.html",
        edition=edition,
        sessions=organiser.edition_sessions(edition),
    )


@bp.route("/editions/<slug>/manage/sessions/new", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def new_session(slug: str):
    edition = edition_or_404(slug)
    form = _session_form(edition)
    context = {}
    if form.validate_on_submit():
        saved, context = _save(edition, form, None)
        if saved is not None:
            flash(_("Session “%(title)s” created.", title=saved.session.title), "success")
            _flash_room_limit(saved.session)
            return redirect(url_for("program.edit_session", id=saved.session.id))
    return _render_session_form(edition, None, form, **context)


@bp.route("/sessions/<int:id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_session)
def edit_session(id: int):
    session_ = session_or_404(id)
    edition = session_.edition
    form = _session_form(edition, session_)
    context = {}
    if form.validate_on_submit():
        saved, context = _save(edition, form, session_)
        if saved is not None:
            flash(_("Session saved."), "success")
            _flash_room_limit(saved.session)
            return redirect(url_for("program.edit_session", id=id))
    return _render_session_form(edition, session_, form, **context)


@bp.post("/sessions/<int:id>/cancel")
@access(Audience.ORGANISER, allow=organises_session)
def cancel_session(id: int):
    session_ = session_or_404(id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        services.cancel_session(session_, version=form.version.data or "", actor=current_user)
    except services.StaleSession:
        db.session.rollback()
        flash(_("This session was changed meanwhile by someone else. Check it again."), "error")
    else:
        db.session.commit()
        flash(_("Session cancelled; its speakers and attendees are told."), "success")
    return redirect(url_for("program.edit_session", id=id))


@bp.post("/sessions/<int:id>/speakers")
@access(Audience.ORGANISER, allow=organises_session)
def add_session_speaker(id: int):
    session_ = session_or_404(id)
    form = SessionSpeakerForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return redirect(url_for("program.edit_session", id=id))
    speaker = db.session.get(Speaker, form.speaker_id.data)
    if speaker is None:
        abort(404)
    try:
        services.add_speaker(
            session_,
            speaker,
            SpeakerRole(form.role.data),
            accept_warnings=form.accept_warnings.data,
        )
    except services.ScheduleWarnings as error:
        db.session.rollback()
        for warning in error.warnings:
            flash(warning.message, "error")
        flash(_("Tick “Add anyway” to add the speaker despite these warnings."), "error")
    except FormErrors as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("%(name)s added.", name=speaker.name), "success")
    return redirect(url_for("program.edit_session", id=id))


@bp.post("/sessions/<int:id>/speakers/<int:speaker_id>/remove")
@access(Audience.ORGANISER, allow=organises_session)
def remove_session_speaker(id: int, speaker_id: int):
    session_ = session_or_404(id)
    services.remove_speaker(_place_in(session_, speaker_id))
    db.session.commit()
    flash(_("Speaker removed from the session."), "success")
    return redirect(url_for("program.edit_session", id=id))


@bp.post("/sessions/<int:id>/speakers/<int:speaker_id>/invite")
@access(Audience.ORGANISER, allow=organises_session)
def invite_session_speaker(id: int, speaker_id: int):
    session_ = session_or_404(id)
    place = _place_in(session_, speaker_id)
    try:
        services.invite_speaker(place, actor=current_user)
    except FormErrors as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("Invitation sent to %(name)s.", name=place.speaker.name), "success")
    return redirect(url_for("program.edit_session", id=id))


# Scheduling grid ------------------------------------------------------------------------


def _grid_day(edition: Edition) -> date:
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        return edition.start_date
    return day if edition.start_date <= day <= edition.end_date else edition.start_date


@bp.get("/editions/<slug>/manage/schedule")
@access(Audience.ORGANISER, allow=organises_edition)
def schedule_grid(slug: str):
    edition = edition_or_404(slug)
    day = _grid_day(edition)
    rooms = organiser.edition_rooms(edition)
    start = datetime.combine(day, datetime.min.time())
    sessions = organiser.day_sessions(edition, day)
    first = min([start + timedelta(hours=8)] + [s.starts_local for s in sessions])
    last = max([start + timedelta(hours=19)] + [s.starts_local for s in sessions])
    first = first.replace(minute=0 if first.minute < 30 else 30, second=0, microsecond=0)
    times = []
    moment = first
    while moment <= last:
        times.append(moment)
        moment += SLOT
    columns = [(room.id, room) for room in rooms] + [(None, None)]
    cells: dict[tuple, list] = {}
    for session_ in sessions:
        index = int((session_.starts_local - first) / SLOT)
        cells.setdefault((times[index], session_.room_id), []).append(session_)
    days = [
        edition.start_date + timedelta(days=n)
        for n in range((edition.end_date - edition.start_date).days + 1)
    ]
    room_choices = [SelectChoice("", _("No room"))] + [
        SelectChoice(r.id, f"{r.venue.name} · {r.name}") for r in rooms
    ]
    button = ConfirmForm()
    return render_template(
        "program/manage/schedule.html",
        edition=edition,
        day=day,
        days=days,
        times=times,
        columns=columns,
        cells=cells,
        room_options=_room_options(room_choices),
        # Translated once, not once for each of the day's sessions (Jinja's ``_`` does the
        # same: the translation, marked safe, formatted with the escaped title).
        move_texts={
            "room_of": Markup(_("Room of %(title)s")),
            "start_of": Markup(_("Start of %(title)s")),
            "save_anyway": Markup(_("Save anyway")),
            "move": Markup(_("Move")),
        },
        unplaced=organiser.sessions_outside_days(edition),
        # Rendered once for every move form of the page (there is none when CSRF is off).
        csrf_field=Markup(button.csrf_token()) if hasattr(button, "csrf_token") else "",
    )


def _room_options(choices: list[SelectChoice]) -> dict:
    """The room list's options with each room selected in turn (``None`` for no room).

    A day of 2,000 sessions shows one move form per session: rendering the list once per
    room, not once per session, keeps that page a fraction of its weight to build.
    """

    def options(chosen: SelectChoice | None) -> Markup:
        return Markup("").join(
            Markup('<option value="{}"{}>{}</option>').format(
                choice.value, Markup(" selected") if choice is chosen else "", choice.label
            )
            for choice in choices
        )

    # A room the list does not know selects nothing, as the form would show it.
    rendered = _Rendered(options(None))
    for chosen in choices:
        rendered[chosen.value if chosen.value != "" else None] = options(chosen)
    return rendered


class _Rendered(dict):
    """Rendered options by room id, with a default for an id it does not know."""

    def __init__(self, default: Markup) -> None:
        super().__init__()
        self.default = default

    def __missing__(self, key) -> Markup:
        return self.default


@bp.post("/sessions/<int:id>/place")
@access(Audience.ORGANISER, allow=organises_session)
def place_session(id: int):
    session_ = session_or_404(id)
    form = PlaceForm()
    back = url_for(
        "program.schedule_grid", slug=session_.edition.slug, day=session_.starts_local.date()
    )
    if not form.validate_on_submit():
        flash(_("Give a room and a start time."), "error")
        return redirect(back)
    try:
        saved = services.place_session(
            session_,
            room_id=form.room_id.data,
            starts_local=form.starts_local.data,
            version=form.version.data or "",
            accept_warnings=form.accept_warnings.data,
            actor=current_user,
        )
    except services.StaleSession as error:
        db.session.rollback()
        flash(error.message + " " + _("The grid shows it as it is now."), "error")
    except services.ScheduleWarnings as error:
        db.session.rollback()
        for warning in error.warnings:
            flash(warning.message, "error")
        flash(_("Tick “Save anyway” to move it despite these warnings."), "error")
    except FormErrors as error:
        db.session.rollback()
        for messages in error.errors.values():
            for message in messages:
                flash(message, "error")
    else:
        db.session.commit()
        flash(_("“%(title)s” moved.", title=saved.session.title), "success")
        back = url_for(
            "program.schedule_grid",
            slug=saved.session.edition.slug,
            day=saved.session.starts_local.date(),
        )
    return redirect(back)


@bp.get("/editions/<slug>/manage/conflicts")
@access(Audience.ORGANISER, allow=organises_edition)
def edition_conflicts(slug: str):
    edition = edition_or_404(slug)
    started = time.perf_counter()
    found = conflicts.edition_conflicts(edition)
    elapsed = time.perf_counter() - started
    found.sort(key=lambda c: (not c.is_blocking, c.kind, c.session_ids))
    return render_template(
        "program/manage/conflicts.html",
        edition=edition,
        conflicts=found,
        elapsed_ms=round(elapsed * 1000),
        titles=organiser.session_titles(edition),
        travel_hours=int(conflicts.TRAVEL_TIME.total_seconds() // 3600),
    )


# Speakers -------------------------------------------------------------------------------


def _profile_form(speaker: Speaker | None = None) -> SpeakerForm:
    form = SpeakerForm(obj=speaker)
    form.organisation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(o.id, o.name) for o in all_organisations()
    ]
    if speaker is not None and request.method == "GET":
        form.category.data = speaker.category.value
        form.account_email.data = speaker.user.email if speaker.user is not None else ""
        form.links.data = services.links_text(speaker)
    return form


@bp.get("/editions/<slug>/manage/speakers")
@access(Audience.ORGANISER, allow=organises_edition)
def manage_speakers(slug: str):
    edition = edition_or_404(slug)
    return render_template(
        "program/manage/speakers.html", edition=edition, speakers=organiser.all_speakers()
    )


@bp.route("/editions/<slug>/manage/speakers/new", methods=["GET", "POST"])
@bp.route("/editions/<slug>/manage/speakers/<int:speaker_id>/edit", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def edit_speaker(slug: str, speaker_id: int | None = None):
    edition = edition_or_404(slug)
    speaker = db.get_or_404(Speaker, speaker_id) if speaker_id is not None else None
    form = _profile_form(speaker)
    general = []
    if form.validate_on_submit():
        try:
            saved = services.save_speaker(
                form.data_for(*services.SPEAKER_FIELDS), speaker=speaker, photo=form.photo.data
            )
        except FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("Speaker “%(name)s” saved.", name=saved.name), "success")
            return redirect(url_for("program.manage_speakers", slug=edition.slug))
    return render_template(
        "program/manage/speaker_form.html",
        edition=edition,
        speaker=speaker,
        form=form,
        general=general,
    )


@bp.route("/editions/<slug>/manage/speakers/<int:speaker_id>/availability", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def speaker_availability(slug: str, speaker_id: int):
    edition = edition_or_404(slug)
    speaker = db.get_or_404(Speaker, speaker_id)
    form = AvailabilityForm()
    general: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            services.add_availability(
                edition, speaker, form.starts_local.data, form.ends_local.data
            )
        except FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("Availability saved."), "success")
            return redirect(
                url_for("program.speaker_availability", slug=slug, speaker_id=speaker_id)
            )
    if request.method == "POST":
        status = 422
    return render_template(
        "program/manage/availability.html",
        edition=edition,
        speaker=speaker,
        form=form,
        general=general,
        periods=organiser.speaker_availabilities(edition, speaker),
        remove_form=RemoveAvailabilityForm(formdata=None),
    ), status


@bp.post("/editions/<slug>/manage/speakers/<int:speaker_id>/availability/remove")
@access(Audience.ORGANISER, allow=organises_edition)
def remove_speaker_availability(slug: str, speaker_id: int):
    edition = edition_or_404(slug)
    speaker = db.get_or_404(Speaker, speaker_id)
    form = RemoveAvailabilityForm()
    if form.validate_on_submit() and form.object_id.data.isdigit():
        if services.remove_availability(edition, speaker, int(form.object_id.data)):
            db.session.commit()
            flash(_("Period removed."), "success")
    return redirect(url_for("program.speaker_availability", slug=slug, speaker_id=speaker_id))


@bp.get("/speakers/<int:id>/photo")
@access(Audience.ANONYMOUS)
def speaker_photo(id: int):
    speaker, places = speaker_with_public_sessions(id)
    if speaker is None:
        abort(404)
    if not places and not (current_user.is_authenticated and organises_any(current_user)):
        abort(404)
    path = organiser.photo_file(speaker)
    if path is None:
        abort(404)
    mimetype = "image/png" if path.suffix == ".png" else "image/jpeg"
    return send_file(path, mimetype=mimetype, max_age=3600)


# Invitations (speakers answer without a password) ----------------------------------------


def _invitation_page(place: SessionSpeaker, *, availability_form=None, general=(), status=200):
    """The invitation page: the answer buttons and the speaker's own availability."""
    edition = place.session.edition
    return render_template(
        "program/invitation.html",
        place=place,
        invitation_labels={key: str(label) for key, label in INVITATION_LABELS.items()},
        form=ConfirmForm(formdata=None),
        error=None,
        availability_form=availability_form or AvailabilityForm(formdata=None),
        general=list(general),
        periods=organiser.speaker_availabilities(edition, place.speaker),
        remove_form=RemoveAvailabilityForm(formdata=None),
    ), status


def _invitation_or_error(token: str):
    """The place an invitation link stands for, or the 400 page saying why it is not valid."""
    try:
        return services.invitation_from_token(token), None
    except InvalidToken as error:
        return None, (
            render_template("program/invitation.html", place=None, error=error.message),
            400,
        )


@bp.route("/speaker-invitations/<token>", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
def invitation(token: str):
    place, refused = _invitation_or_error(token)
    if refused:
        return refused
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        answer = request.form.get("answer")
        if answer not in ("confirm", "decline"):
            abort(400)
        try:
            services.answer_invitation(place, answer == "confirm")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            db.session.commit()
            if answer == "confirm":
                flash(_("Thank you: your place in the session is confirmed."), "success")
            else:
                flash(_("Your answer is recorded: you decline this session."), "success")
        return redirect(url_for("program.invitation", token=token))
    return _invitation_page(place)


@bp.post("/speaker-invitations/<token>/availability")
@access(Audience.ANONYMOUS)
def invitation_availability(token: str):
    """The speaker states a period in which they can be scheduled in the session's edition."""
    place, refused = _invitation_or_error(token)
    if refused:
        return refused
    form = AvailabilityForm()
    if not form.validate_on_submit():
        return _invitation_page(place, availability_form=form, status=422)
    try:
        services.add_availability(
            place.session.edition, place.speaker, form.starts_local.data, form.ends_local.data
        )
    except FormErrors as error:
        db.session.rollback()
        general = form.set_errors(error.errors)
        return _invitation_page(place, availability_form=form, general=general, status=422)
    db.session.commit()
    flash(_("Availability saved."), "success")
    return redirect(url_for("program.invitation", token=token, _anchor="availability"))


@bp.post("/speaker-invitations/<token>/availability/remove")
@access(Audience.ANONYMOUS)
def invitation_remove_availability(token: str):
    place, refused = _invitation_or_error(token)
    if refused:
        return refused
    form = RemoveAvailabilityForm()
    if form.validate_on_submit() and form.object_id.data.isdigit():
        edition = place.session.edition
        if services.remove_availability(edition, place.speaker, int(form.object_id.data)):
            db.session.commit()
            flash(_("Period removed."), "success")
    return redirect(url_for("program.invitation", token=token, _anchor="availability"))


# Speakers' own profiles (from their account, or from an invitation link) -----------------


def _own_profile_form(speaker: Speaker) -> SpeakerProfileForm:
    form = SpeakerProfileForm(obj=speaker)
    form.organisation_id.choices = [SelectChoice("", "—")] + [
        SelectChoice(o.id, o.name) for o in all_organisations()
    ]
    if request.method == "GET":
        form.links.data = services.links_text(speaker)
    return form


def _own_profile(speaker: Speaker, back_url: str, self_url: str):
    """The profile form: save and go back to ``back_url``, or show it with its errors."""
    form = _own_profile_form(speaker)
    general: list[str] = []
    status = 200
    if form.validate_on_submit():
        try:
            services.update_own_profile(
                speaker, form.data_for(*services.PROFILE_FIELDS), photo=form.photo.data
            )
        except FormErrors as error:
            db.session.rollback()
            general = form.set_errors(error.errors)
        else:
            db.session.commit()
            flash(_("Your speaker profile is saved."), "success")
            return redirect(self_url)
    if request.method == "POST":
        status = 422
    return render_template(
        "program/speaker_profile.html",
        speaker=speaker,
        form=form,
        general=general,
        back_url=back_url,
    ), status


@bp.route("/account/speaker-profile", methods=["GET", "POST"])
@access(Audience.USER)
def my_speaker_profile():
    """Speakers whose account is linked to their profile edit it here."""
    speaker = linked_speaker(current_user)
    if speaker is None:
        abort(404)
    return _own_profile(speaker, url_for("auth.account"), url_for("program.my_speaker_profile"))


@bp.route("/speaker-invitations/<token>/profile", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
def invitation_profile(token: str):
    """An invited speaker edits their profile from the link of their invitation."""
    place, refused = _invitation_or_error(token)
    if refused:
        return refused
    return _own_profile(
        place.speaker,
        url_for("program.invitation", token=token),
        url_for("program.invitation_profile", token=token),
    )
