"""The API's own operations: personal tokens, replayed creations, webhooks and their
deliveries.

Deliveries take the path of the outbox: an event writes one row per webhook in the same
transaction as the change that caused it; ``deliver_due`` (``flask webhooks deliver``)
posts them after the commit, signed, and retries with backoff until a 2xx answer or the
last attempt. Importing this module connects the areas' signals to ``queue_event``.
"""

import hashlib
import hmac
import ipaddress
import json
import logging
import secrets
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from app import signals
from app.api import queries
from app.errors import Conflict, FieldErrors, NotFound
from app.extensions import db
from app.models import (
    AgreementStatus,
    ApiToken,
    ConferenceSession,
    DeliveryStatus,
    Edition,
    IdempotentRequest,
    Showcase,
    TokenScope,
    User,
    Webhook,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEvent,
    utcnow,
)

logger = logging.getLogger(__name__)

TOKEN_PREFIX = "agora_"
MAX_TOKEN_DAYS = 366
# Waits after each failed attempt; a delivery fails for good after the last one.
RETRY_DELAYS = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
DELIVERY_TIMEOUT = 10


class StaleWebhook(Conflict):
    """Someone changed the webhook since it was read."""


class IdempotencyMismatch(Conflict):
    """An ``Idempotency-Key`` reused for a different request."""


# Tokens -----------------------------------------------------------------------------------


def create_token(
    user: User, *, name: str, scope: TokenScope, expires_in_days: int | None
) -> tuple[ApiToken, str]:
    """Make a personal token for ``user``; return it and its secret, shown once.

    :raises FormErrors: for an empty name or an expiry beyond a year.
    """
    errors = FieldErrors()
    name = (name or "").strip()
    if not name:
        errors.add("name", _("Name the token after the program that will use it."))
    elif len(name) > 100:
        errors.add("name", _("Keep the name under 100 characters."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_TOKEN_DAYS:
        errors.add("expires_in_days", _("Choose between 1 and 366 days."))
    errors.raise_any()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=user.id,
        name=name,
        scope=scope,
        token_hash=queries.token_digest(secret),
        prefix=secret[: len(TOKEN_PREFIX) + 4],
        expires_at=utcnow() + timedelta(days=expires_in_days) if expires_in_days else None,
    )
    db.session.add(token)
    db.session.flush()
    return token, secret


def revoke_token(user: User, token_id: int) -> ApiToken:
    """Revoke one of ``user``'s tokens: it stops working at once.

    :raises NotFound: if ``user`` has no such token.
    """
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound(_("There is no such token."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.flush()
    return token


# Idempotent creations ---------------------------------------------------------------------


def request_fingerprint(method: str, path: str, body: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + body).hexdigest()


def replayed(user: User, key: str, fingerprint: str) -> IdempotentRequest | None:
    """The first answer to the request sent with ``key``, if there was one.

    :raises IdempotencyMismatch: if ``key`` was used for another request.
    """
    found = db.session.scalar(
        select(IdempotentRequest).where(
            IdempotentRequest.user_id == user.id, IdempotentRequest.key == key
        )
    )
    if found is not None and found.fingerprint != fingerprint:
        raise IdempotencyMismatch(_("This Idempotency-Key was used for another request."))
    return found


def claim_key(user: User, key: str, fingerprint: str) -> IdempotentRequest:
    """Claim ``key`` for the creation about to run, in the caller's transaction; or return
    the first answer when a request with this key was already answered.

    The claim commits with the creation and its answer (:func:`remember_answer`), or not
    at all. The key is unique per user: a concurrent retry's claim waits for the first
    transaction (PostgreSQL), then finds its answer. A claim answers with
    ``status_code`` 0 until :func:`remember_answer` fills it.

    :raises IdempotencyMismatch: if ``key`` was used for another request, or the first
        request with it is still being handled and its answer cannot be read yet.
    """
    first = replayed(user, key, fingerprint)
    if first is not None:
        return first
    claim = IdempotentRequest(
        user_id=user.id, key=key, fingerprint=fingerprint, status_code=0, body=""
    )
    try:
        with db.session.begin_nested():
            db.session.add(claim)
            db.session.flush()
    except IntegrityError as error:
        first = replayed(user, key, fingerprint)
        if first is None or not first.status_code:
            raise IdempotencyMismatch(
                _("A request with this Idempotency-Key is being handled; try again.")
            ) from error
        return first
    return claim


def remember_answer(
    claim: IdempotentRequest, status_code: int, body: str, location: str | None
) -> None:
    """Keep the answer to a claimed creation, to give it again when the same key comes back."""
    claim.status_code = status_code
    claim.body = body
    claim.location = location
    db.session.flush()


def hold(found) -> None:
    """Lock ``found``'s row until the transaction ends (PostgreSQL) and read it again, so
    the version a write checks is the one it changes."""
    key = inspect(found).mapper.primary_key[0]
    # The lock on the row alone: PostgreSQL locks no outer join the object's loads may use.
    db.session.execute(select(key).where(key == found.id).with_for_update())
    db.session.refresh(found)


# Webhooks ---------------------------------------------------------------------------------


def _check_version(webhook: Webhook, version) -> None:
    if version is not None and str(version) != str(webhook.version_id):
        raise StaleWebhook(_("This webhook was changed meanwhile by someone else."))


def save_webhook(
    edition: Edition,
    data: dict,
    *,
    webhook: Webhook | None = None,
    actor: User | None = None,
    version=None,
) -> Webhook:
    """Register an address for ``edition``'s events, or change ``webhook``.

    ``data`` has ``url``, ``events`` (names of ``WebhookEvent``) and ``is_active``; keys
    left out keep their value.

    :raises StaleWebhook: if ``version`` is not the webhook's current one.
    :raises FormErrors: for an address that is not http(s) or an unknown event.
    """
    if webhook is not None:
        _check_version(webhook, version)
    errors = FieldErrors()
    url = data.get("url", webhook.url if webhook else "")
    url = (url or "").strip()
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        errors.add("url", _("Give an http:// or https:// address."))
    events = data.get("events", webhook.events if webhook else [])
    known = {event.value for event in WebhookEvent if event is not WebhookEvent.PING}
    if not events:
        errors.add("events", _("Choose at least one event."))
    elif any(event not in known for event in events):
        errors.add("events", _("Choose among the events listed."))
    errors.raise_any()
    target = webhook or Webhook(
        edition_id=edition.id,
        secret=secrets.token_hex(32),
        created_by_id=actor.id if actor else None,
    )
    target.url = url
    target.events = sorted(set(events))
    target.is_active = bool(data.get("is_active", target.is_active is not False))
    db.session.add(target)
    db.session.flush()
    return target


def delete_webhook(webhook: Webhook, *, version=None) -> None:
    """Remove a webhook and its deliveries.

    :raises StaleWebhook: if ``version`` is not the webhook's current one.
    """
    _check_version(webhook, version)
    db.session.delete(webhook)
    db.session.flush()


def _delivery(webhook: Webhook, event: str, data: dict) -> WebhookDelivery:
    uid = str(uuid.uuid4())
    body = json.dumps(
        {"id": uid, "event": event, "created_at": utcnow().isoformat(), "data": data},
        sort_keys=True,
        default=str,
    )
    delivery = WebhookDelivery(webhook=webhook, event=event, uid=uid, body=body)
    db.session.add(delivery)
    return delivery


def send_test(webhook: Webhook) -> WebhookDelivery:
    """Queue a ``ping`` delivery to ``webhook``, to check the receiver and its signature."""
    delivery = _delivery(
        webhook,
        WebhookEvent.PING.value,
        {"webhook_id": webhook.id, "edition": webhook.edition.slug},
    )
    db.session.flush()
    return delivery


def queue_event(event: WebhookEvent, edition_id: int, data: dict) -> list[WebhookDelivery]:
    """Queue ``event`` for every active webhook of the edition that asked for it."""
    deliveries = [
        _delivery(hook, event.value, data)
        for hook in queries.active_webhooks_for(edition_id, event.value)
    ]
    if deliveries:
        db.session.flush()
    return deliveries


def _session_data(session_: ConferenceSession) -> dict:
    return {
        "session_id": session_.id,
        "edition": session_.edition.slug,
        "title": session_.title,
        "status": session_.status.value,
        "starts_local": session_.starts_local.isoformat(),
        "ends_local": session_.ends_local.isoformat(),
        "timezone": session_.timezone,
        "sequence": session_.sequence,
    }


def _on_session(event: WebhookEvent) -> Callable:
    def listener(session_: ConferenceSession, **_details) -> None:
        queue_event(event, session_.edition_id, _session_data(session_))

    return listener


def _on_showcase(event: WebhookEvent) -> Callable:
    def listener(showcase: Showcase, **details) -> None:
        data = {
            "showcase_id": showcase.id,
            "edition": showcase.edition.slug,
            "title": showcase.title,
            "status": showcase.status.value,
        }
        queue_event(event, showcase.edition_id, data)

    return listener


def _on_agreement(agreement, *, from_status: AgreementStatus, to_status, **_details) -> None:
    if agreement.edition_id is None:
        return
    data = {
        "agreement_id": agreement.id,
        "title": agreement.title,
        "from_status": from_status.value if from_status else None,
        "to_status": to_status.value,
    }
    queue_event(WebhookEvent.AGREEMENT_STATUS_CHANGED, agreement.edition_id, data)


_LISTENERS = (
    (signals.session_scheduled, _on_session(WebhookEvent.SESSION_SCHEDULED)),
    (signals.session_changed, _on_session(WebhookEvent.SESSION_CHANGED)),
    (signals.session_cancelled, _on_session(WebhookEvent.SESSION_CANCELLED)),
    (signals.showcase_submitted, _on_showcase(WebhookEvent.SHOWCASE_SUBMITTED)),
    (signals.showcase_decided, _on_showcase(WebhookEvent.SHOWCASE_DECIDED)),
    (signals.agreement_status_changed, _on_agreement),
)
for _signal, _listener in _LISTENERS:
    _signal.connect(_listener)


# Delivery ---------------------------------------------------------------------------------


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-Agora-Signature`` of a delivery: HMAC-SHA256 of ``timestamp.body``."""
    digest = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


class AddressRefused(Exception):
    """The receiver's address is on a private network and those are not allowed here."""


def _check_public(url: str) -> None:
    """:raises AddressRefused: if ``url``'s host resolves to a non-public address."""
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        found = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise AddressRefused(f"cannot resolve {host}") from error
    for address in found:
        if not ipaddress.ip_address(address.split("%")[0]).is_global:
            raise AddressRefused(f"{host} is not a public address ({address})")


def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST ``body``; return the status code (raises on a network error)."""
    if not current_app.config.get("WEBHOOKS_ALLOW_PRIVATE", True):
        _check_public(url)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=DELIVERY_TIMEOUT) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def _due(now: datetime, limit: int, skipped: set[int]) -> list[WebhookDelivery]:
    query = (
        select(WebhookDelivery)
        .where(
            WebhookDelivery.status == DeliveryStatus.PENDING,
            WebhookDelivery.next_attempt_at <= now,
            WebhookDelivery.id.not_in(skipped),
        )
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    )
    if db.session.get_bind().dialect.name == "postgresql":
        # Several workers may run: each takes rows no other holds.
        query = query.with_for_update(skip_locked=True, of=WebhookDelivery)
    return list(db.session.scalars(query))


def attempt(delivery: WebhookDelivery, *, post: Callable = _post, now=None) -> WebhookAttempt:
    """Post one delivery once and record the outcome (sent, or when to try again)."""
    now = now or utcnow()
    webhook = delivery.webhook
    body = delivery.body.encode()
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Agora-Webhooks/1",
        "X-Agora-Event": delivery.event,
        "X-Agora-Delivery": delivery.uid,
        "X-Agora-Timestamp": timestamp,
        "X-Agora-Signature": signature(webhook.secret, timestamp, body),
    }
    started = time.monotonic()
    status_code, error = None, None
    try:
        status_code = post(webhook.url, body, headers)
        if not 200 <= status_code < 300:
            error = f"HTTP {status_code}"
    except Exception as failure:  # any network failure is retried, never raised
        error = f"{type(failure).__name__}: {failure}"[:500]
    log = WebhookAttempt(
        delivery=delivery,
        attempted_at=now,
        status_code=status_code,
        error=error,
        duration_ms=int((time.monotonic() - started) * 1000),
    )
    db.session.add(log)
    delivery.attempts += 1
    if error is None:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
        delivery.last_error = None
    else:
        delivery.last_error = error
        if delivery.attempts >= MAX_ATTEMPTS:
            delivery.status = DeliveryStatus.FAILED
        else:
            delivery.next_attempt_at = now + RETRY_DELAYS[delivery.attempts - 1]
    db.session.flush()
    return log


def deliver_due(*, limit: int = 50, post: Callable = _post, now=None) -> dict[str, int]:
    """Try the deliveries that are due (at most ``limit``), one row at a time: each is
    taken (on PostgreSQL, locked against other workers), posted, recorded and committed.

    Inactive webhooks keep their deliveries pending until they are active again.
    """
    counts = {"sent": 0, "retry": 0, "failed": 0}
    skipped: set[int] = set()
    for _round in range(limit):
        found = _due(now or utcnow(), 1, skipped)
        if not found:
            break
        delivery = found[0]
        if not delivery.webhook.is_active:
            skipped.add(delivery.id)
            db.session.rollback()
            continue
        attempt(delivery, post=post, now=now)
        outcome = {"sent": "sent", "failed": "failed", "pending": "retry"}
        counts[outcome[delivery.status.value]] += 1
        db.session.commit()
    if any(counts.values()):
        logger.info("webhook deliveries: %s", counts)
    return counts


def retry_delivery(delivery: WebhookDelivery) -> WebhookDelivery:
    """Make a failed delivery due again now."""
    delivery.status = DeliveryStatus.PENDING
    delivery.next_attempt_at = utcnow()
    db.session.flush()
    return delivery
