"""Account pages: sign-up, confirmation, login, logout, password reset and the account page."""

import logging

from flask import flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from app.access import Audience, access
from app.auth import emails, services
from app.auth.blueprint import bp
from app.auth.forms import (
    ChangePasswordForm,
    DeleteAccountForm,
    EmptyForm,
    ForgotPasswordForm,
    LoginForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
)
from app.auth.queries import active_sessions, has_speaker_profile, personal_data
from app.errors import DomainError, InvalidToken, LoginFailed, error_response
from app.extensions import db, limiter
from app.forms import show_error
from app.urls import safe_next_path

logger = logging.getLogger(__name__)

# Attendees often share one venue Wi-Fi address, so the tight limits count attempts per
# address *and* account; the looser ones cap a single address across all accounts.
ACCOUNT_LIMIT = "10 per minute"
ADDRESS_LIMIT = "60 per minute"
USER_MAIL_LIMIT = "3 per minute"


def _address_and_email() -> str:
    email = (request.form.get("email") or "").strip().lower()
    return f"{get_remote_address()}|{email}"


def _signed_in_user() -> str:
    return f"user:{current_user.id}"


def _client() -> dict:
    return {"user_agent": request.user_agent.string, "address": request.remote_addr or ""}


def _sign_in(user, *, remember: bool) -> None:
    """Open a session row for ``user`` (committed) and give its secret to Flask-Login."""
    services.start_session(user, remember=remember, **_client())
    db.session.commit()
    login_user(user, remember=remember)


def _too_many_attempts(wait: int):
    response = make_response(
        error_response(
            429,
            _("Too many attempts"),
            _(
                "Too many wrong passwords for this account. Please try again in "
                "%(seconds)d seconds.",
                seconds=wait,
            ),
        )
    )
    response.headers["Retry-After"] = str(wait)
    return response


@bp.before_app_request
def _note_session_in_use():
    """Keep the last-seen time and address of the signed-in session roughly current."""
    if request.endpoint == "static":
        return
    if current_user.is_authenticated and services.touch_session(current_user, **_client()):
        db.session.commit()


@bp.route("/register", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
def register():
    if current_user.is_authenticated:
        return redirect(url_for("editions.home"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = services.register_user(
                email=form.email.data,
                display_name=form.display_name.data,
                password=form.password.data,
                locale=form.locale.data,
            )
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            _sign_in(user, remember=False)
            flash(
                _(
                    "Welcome to Agora! We sent a link to %(email)s to confirm your address.",
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("editions.home"))
    return render_template("auth/register.html", form=form)


@bp.get("/confirm/<token>")
@access(Audience.ANONYMOUS)
def confirm_email(token: str):
    try:
        user = services.confirm_email(token)
    except InvalidToken as error:
        db.session.rollback()
        return render_template(
            "auth/confirm_failed.html", message=error.message, resend_form=EmptyForm()
        ), 400
    db.session.commit()
    flash(_("Thank you: your email address %(email)s is confirmed.", email=user.email), "success")
    if current_user.is_authenticated:
        return redirect(url_for("auth.account"))
    return redirect(url_for("auth.login"))


@bp.post("/confirm/resend")
@access(Audience.USER)
@limiter.limit(USER_MAIL_LIMIT, key_func=_signed_in_user)
def resend_confirmation():
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
    elif current_user.is_email_confirmed:
        flash(_("Your email address is already confirmed."), "info")
    else:
        emails.notify_confirm_email(current_user)
        db.session.commit()
        flash(_("We sent a new confirmation link to %(email)s.", email=current_user.email), "info")
    return redirect(url_for("auth.account"))


@bp.route("/login", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=_address_and_email)
def login():
    next_path = safe_next_path(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_path or url_for("editions.home"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = services.login_wait(form.email.data)
        if wait:
            return _too_many_attempts(wait)
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except LoginFailed as error:
            db.session.rollback()
            services.record_login_failure(form.email.data)
            flash(error.message, "error")
        except DomainError as error:
            db.session.rollback()
            flash(error.message, "error")
        else:
            services.record_login_success(form.email.data)
            _sign_in(user, remember=bool(form.remember.data))
            return redirect(next_path or url_for("editions.home"))
    return render_template("auth/login.html", form=form)


# Anyone may post here: logging out when the session has already expired just goes home.
@bp.post("/logout")
@access(Audience.ANONYMOUS)
def logout():
    if current_user.is_authenticated:
        # The server forgets the session, so a copy of its cookies opens nothing either.
        services.end_session(current_user, current_user.session_id)
        db.session.commit()
    logout_user()
    flash(_("You are logged out."), "info")
    return redirect(url_for("editions.home"))


@bp.route("/reset", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
@limiter.limit(ACCOUNT_LIMIT, methods=["POST"], key_func=_address_and_email)
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        services.request_password_reset(form.email.data)
        db.session.commit()
        # The same answer whether or not the account exists: no account enumeration.
        flash(
            _(
                "If an account uses this address, we sent it a link to choose a new password. "
                "Please check your inbox."
            ),
            "info",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@access(Audience.ANONYMOUS)
@limiter.limit(ADDRESS_LIMIT, methods=["POST"])
def reset_password(token: str):
    try:
        services.user_for_reset_token(token)
    except InvalidToken as error:
        return render_template("auth/reset_failed.html", message=error.message), 400
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            services.reset_password(token, form.password.data)
        except InvalidToken as error:
            db.session.rollback()
            return render_template("auth/reset_failed.html", message=error.message), 400
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            flash(_("Your password is changed. You can now log in with it."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/account", methods=["GET", "POST"])
@access(Audience.USER)
def account():
    user = current_user._get_current_object()
    profile_form = ProfileForm(
        prefix="profile",
        data={
            "display_name": user.display_name,
            "locale": user.locale or "",
            "timezone": user.timezone or "",
        },
    )
    password_form = ChangePasswordForm(prefix="password")
    if request.method == "POST":
        if profile_form.submit.data and profile_form.validate():
            try:
                services.update_profile(
                    user,
                    display_name=profile_form.display_name.data,
                    locale=profile_form.locale.data,
                    timezone=profile_form.timezone.data,
                )
            except DomainError as error:
                db.session.rollback()
                show_error(profile_form, error)
            else:
                db.session.commit()
                flash(_("Your profile is saved."), "success")
                return redirect(url_for("auth.account"))
        elif password_form.submit.data and password_form.validate():
            try:
                services.change_password(
                    user, password_form.current_password.data, password_form.new_password.data
                )
            except DomainError as error:
                db.session.rollback()
                show_error(password_form, error)
            else:
                db.session.commit()
                flash(
                    _("Your password is changed. Your other sessions are logged out."),
                    "success",
                )
                return redirect(url_for("auth.account"))
    return render_template(
        "auth/account.html",
        user=user,
        profile_form=profile_form,
        password_form=password_form,
        resend_form=EmptyForm(),
        is_speaker=has_speaker_profile(user),
    )


@bp.get("/account/sessions")
@access(Audience.USER)
def sessions():
    user = current_user._get_current_object()
    return render_template(
        "auth/sessions.html",
        rows=active_sessions(user),
        current_id=user.session_id,
        form=EmptyForm(),
    )


@bp.post("/account/sessions/<int:session_id>/end")
@access(Audience.USER)
def end_session(session_id: int):
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
    elif session_id == current_user.session_id:
        flash(_("To end this session, log out."), "info")
    elif services.end_session(current_user, session_id):
        db.session.commit()
        flash(_("That session is logged out."), "success")
    else:
        flash(_("That session had already ended."), "info")
    return redirect(url_for("auth.sessions"))


@bp.post("/account/sessions/end-others")
@access(Audience.USER)
def end_other_sessions():
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
    else:
        ended = services.end_other_sessions(current_user)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d other session is logged out.",
                "%(num)d other sessions are logged out.",
                ended,
            ),
            "success",
        )
    return redirect(url_for("auth.sessions"))


@bp.get("/account/data.json")
@access(Audience.USER)
def my_data():
    response = jsonify(personal_data(current_user._get_current_object()))
    response.headers["Content-Disposition"] = 'attachment; filename="agora-my-data.json"'
    return response


@bp.route("/account/delete", methods=["GET", "POST"])
@access(Audience.USER)
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        try:
            services.delete_account(user, form.password.data)
        except DomainError as error:
            db.session.rollback()
            show_error(form, error)
        else:
            db.session.commit()
            logout_user()
            flash(_("Your account is deleted. Goodbye."), "info")
            return redirect(url_for("editions.home"))
    return render_template("auth/delete_account.html", form=form)
