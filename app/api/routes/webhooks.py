"""Webhooks of an edition, their deliveries and a test ping (the edition's organisers).

The deletion is the last route of the API: the access-table test deletes its sample webhook.
"""

from flask import abort
from flask_login import current_user

from app.access import Audience, access, organises_edition
from app.api import queries, services
from app.api.blueprint import v1
from app.api.routes.editions import SLUG, visible_edition
from app.api.routes.http import changed, created, etag, page_body, require_fresh, tagged, write
from app.api.schemas import (
    DeliverySchema,
    PageArgs,
    WebhookInput,
    WebhookPatch,
    WebhookSchema,
    page_schema,
)
from app.models import Webhook
from app.permissions import can_organise

WEBHOOK_ID = "<int(min=1, max=2147483647):webhook_id>"


def _webhook(webhook_id: int) -> Webhook:
    return queries.webhook_by_id(webhook_id) or abort(404)


def organises_webhook(user, webhook_id: int, **_ignored) -> bool:
    return can_organise(user, _webhook(webhook_id).edition)


def webhook_tag(webhook: Webhook) -> str:
    return etag("webhook", webhook.id, webhook.version_id)


@v1.route(f"/editions/{SLUG}/webhooks", methods=["GET"])
@access(Audience.ORGANISER, allow=organises_edition)
@v1.response(200, WebhookSchema(many=True))
def list_webhooks(slug: str):
    """The edition's webhooks."""
    return queries.webhooks_of(visible_edition(slug))


@v1.route(f"/editions/{SLUG}/webhooks", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_edition)
@write(creates=True)
@v1.arguments(WebhookInput)
@v1.response(201, WebhookSchema)
def create_webhook(data, slug: str):
    """Register an address to be told about the edition's events."""
    return created(
        services.save_webhook(visible_edition(slug), data, actor=current_user), webhook_tag
    )


@v1.route(f"/webhooks/{WEBHOOK_ID}", methods=["GET"])
@access(Audience.ORGANISER, allow=organises_webhook)
@v1.response(200, WebhookSchema)
def get_webhook(webhook_id: int):
    """One webhook, with the secret of its signatures."""
    webhook = _webhook(webhook_id)
    return tagged(webhook, webhook_tag(webhook))


@v1.route(f"/webhooks/{WEBHOOK_ID}", methods=["PATCH"])
@access(Audience.ORGANISER, allow=organises_webhook)
@write(versioned=True)
@v1.arguments(WebhookPatch(partial=True))
@v1.response(200, WebhookSchema)
def update_webhook(data, webhook_id: int):
    """Change a webhook's address, events or state."""
    webhook = _webhook(webhook_id)
    return changed(
        webhook,
        webhook_tag,
        lambda: services.save_webhook(
            webhook.edition, data, webhook=webhook, version=webhook.version_id
        ),
    )


@v1.route(f"/webhooks/{WEBHOOK_ID}/test", methods=["POST"])
@access(Audience.ORGANISER, allow=organises_webhook)
@write()
@v1.response(202, DeliverySchema)
def test_webhook(webhook_id: int):
    """Queue a ``ping`` delivery to the webhook."""
    return created(services.send_test(_webhook(webhook_id)), status=202)


@v1.route(f"/webhooks/{WEBHOOK_ID}/deliveries", methods=["GET"])
@access(Audience.ORGANISER, allow=organises_webhook)
@v1.arguments(PageArgs, location="query")
@v1.response(200, page_schema(DeliverySchema, "DeliveryPage"))
def list_deliveries(args, webhook_id: int):
    """The webhook's deliveries, newest first, with the log of their attempts."""
    return page_body(
        queries.deliveries_of(_webhook(webhook_id), page=args["page"], per_page=args["per_page"])
    )


@v1.route(f"/webhooks/{WEBHOOK_ID}", methods=["DELETE"])
@access(Audience.ORGANISER, allow=organises_webhook)
@write(versioned=True)
@v1.response(204)
def delete_webhook(webhook_id: int):
    """Remove a webhook and its deliveries."""
    webhook = _webhook(webhook_id)
    services.hold(webhook)
    require_fresh(webhook_tag(webhook))
    services.delete_webhook(webhook, version=webhook.version_id)
    return ""
