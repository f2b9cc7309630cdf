"""Personal API tokens, on a page linked from the account page."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access
from app.api import queries, services
from app.api.blueprint import bp
from app.api.forms import SCOPE_LABELS, TokenForm
from app.errors import DomainError
from app.extensions import db
from app.models import TokenScope


@bp.route("/account/tokens", methods=["GET", "POST"])
@access(Audience.USER)
def tokens():
    form = TokenForm()
    secret = None
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            _token, secret = services.create_token(
                current_user,
                name=form.name.data,
                scope=TokenScope(form.scope.data),
                expires_in_days=form.expires_in_days.data,
            )
        except DomainError as error:
            db.session.rollback()
            errors = form.show_error(error)
        else:
            db.session.commit()
            form = TokenForm(formdata=None)
    return render_template(
        "api/tokens.html",
        form=form,
        errors=errors,
        secret=secret,
        tokens=queries.tokens_of(current_user),
        scope_labels=SCOPE_LABELS,
    )


@bp.post("/account/tokens/<int(min=1, max=2147483647):token_id>/revoke")
@access(Audience.USER)
def revoke_token(token_id: int):
    token = services.revoke_token(current_user, token_id)
    db.session.commit()
    flash(_("The token “%(name)s” is revoked.", name=token.name), "success")
    return redirect(url_for("api.tokens"))
