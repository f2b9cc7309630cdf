"""Administration of accounts, and the audit log for admins and an edition's organisers."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.audit import audit_entries, audit_object_types
from app.auth import services
from app.auth.blueprint import bp
from app.auth.forms import EmptyForm
from app.auth.queries import accounts_page
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404
from app.models import User

# Page numbers past this are no page at all (and never reach the database as huge integers).
MAX_PAGE = 100_000


def _page() -> int:
    page = request.args.get("page", 1, type=int) or 1
    return page if 1 <= page <= MAX_PAGE else 1


def _object_type() -> str | None:
    chosen = (request.args.get("type") or "").strip()
    return chosen[:64] or None


@bp.get("/manage/audit")
@access(Audience.ADMIN)
def site_audit():
    object_type = _object_type()
    return render_template(
        "auth/audit.html",
        edition=None,
        entries=audit_entries(object_type=object_type, page=_page()),
        object_types=audit_object_types(),
        object_type=object_type,
    )


@bp.get("/editions/<slug>/manage/audit")
@access(Audience.ORGANISER, allow=organises_edition)
def edition_audit(slug: str):
    edition = edition_or_404(slug)
    object_type = _object_type()
    return render_template(
        "auth/audit.html",
        edition=edition,
        entries=audit_entries(edition_id=edition.id, object_type=object_type, page=_page()),
        object_types=audit_object_types(edition_id=edition.id),
        object_type=object_type,
    )


@bp.get("/manage/accounts")
@access(Audience.ADMIN)
def accounts():
    search = (request.args.get("q") or "").strip()[:254]
    return render_template(
        "auth/accounts.html",
        accounts=accounts_page(search=search, page=_page()),
        search=search,
        form=EmptyForm(),
    )


@bp.post("/manage/accounts/<int:user_id>/disable")
@access(Audience.ADMIN)
def disable_account(user_id: int):
    return _set_disabled(user_id, True)


@bp.post("/manage/accounts/<int:user_id>/enable")
@access(Audience.ADMIN)
def enable_account(user_id: int):
    return _set_disabled(user_id, False)


def _set_disabled(user_id: int, disabled: bool):
    account = db.get_or_404(User, user_id)
    form = EmptyForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Please try again."), "error")
        return redirect(url_for("auth.accounts"))
    try:
        services.set_account_disabled(account, disabled, by=current_user._get_current_object())
    except DomainError as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        if disabled:
            flash(_("%(email)s is disabled and logged out.", email=account.email), "success")
        else:
            flash(_("%(email)s can log in again.", email=account.email), "success")
    return redirect(url_for("auth.accounts", q=request.args.get("q") or None))
