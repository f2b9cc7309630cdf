"""The organiser's page of an edition's webhooks: add, send a test, read the log, remove."""

from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.api import queries, services
from app.api.blueprint import bp
from app.api.forms import EVENT_LABELS, WebhookForm
from app.errors import DomainError
from app.extensions import db
from app.lookups import edition_or_404

WEBHOOK_ID = "<int(min=1, max=2147483647):webhook_id>"


def _edition_webhook(slug: str, webhook_id: int):
    webhook = queries.webhook_by_id(webhook_id)
    if webhook is None or webhook.edition_id != edition_or_404(slug).id:
        abort(404)
    return webhook


@bp.route("/editions/<slug>/manage/webhooks", methods=["GET", "POST"])
@access(Audience.ORGANISER, allow=organises_edition)
def manage_webhooks(slug: str):
    edition = edition_or_404(slug)
    form = WebhookForm()
    errors: list[str] = []
    if form.validate_on_submit():
        try:
            services.save_webhook(
                edition,
                {
                    "url": form.url.data,
                    "events": form.events.data,
                    "is_active": form.is_active.data,
                },
                actor=current_user,
            )
        except DomainError as error:
            db.session.rollback()
            errors = form.show_error(error)
        else:
            db.session.commit()
            flash(_("The webhook is added."), "success")
            return redirect(url_for("api.manage_webhooks", slug=slug))
    hooks = queries.webhooks_of(edition)
    return render_template(
        "api/manage/webhooks.html",
        edition=edition,
        form=form,
        errors=errors,
        webhooks=hooks,
        deliveries={hook.id: queries.deliveries_of(hook, per_page=10).items for hook in hooks},
        event_labels={event.value: label for event, label in EVENT_LABELS.items()},
    )


@bp.post(f"/editions/<slug>/manage/webhooks/{WEBHOOK_ID}/test")
@access(Audience.ORGANISER, allow=organises_edition)
def test_webhook(slug: str, webhook_id: int):
    services.send_test(_edition_webhook(slug, webhook_id))
    db.session.commit()
    flash(_("A test delivery is queued; it is sent within moments."), "success")
    return redirect(url_for("api.manage_webhooks", slug=slug))


@bp.post(f"/editions/<slug>/manage/webhooks/{WEBHOOK_ID}/delete")
@access(Audience.ORGANISER, allow=organises_edition)
def delete_webhook(slug: str, webhook_id: int):
    services.delete_webhook(_edition_webhook(slug, webhook_id))
    db.session.commit()
    flash(_("The webhook is removed."), "success")
    return redirect(url_for("api.manage_webhooks", slug=slug))
