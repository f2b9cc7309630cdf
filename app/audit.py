"""The audit log: services record who changed what, with the values before and after.

``record`` adds an ``AuditEntry`` to the database session, so it commits or rolls back
with the change itself. The values before a change are known even when the service
flushed in between: a flush listener keeps, for the length of the transaction, the first
value each changed column had, and which objects were new.
"""

import datetime as dt
import decimal
import enum
import uuid
from typing import Any

import sqlalchemy as sa
from flask import has_request_context
from flask_login import current_user
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.models import AuditEntry, Edition, User

# Columns whose values never go into the log.
SECRET_COLUMNS = frozenset({"password_hash", "token_digest", "calendar_token", "token"})
# Columns that change with every write and say nothing about it.
NOISE_COLUMNS = frozenset({"updated_at", "version_id"})

_ORIGINALS = "audit_originals"
_INSERTED = "audit_inserted"


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    if isinstance(value, dict | list | tuple):
        return (
            [_json_value(item) for item in value]
            if not isinstance(value, dict)
            else {str(key): _json_value(item) for key, item in value.items()}
        )
    return str(value)


def _columns(target) -> list[str]:
    return [
        attribute.key
        for attribute in inspect(target).mapper.column_attrs
        if attribute.key not in SECRET_COLUMNS
    ]


def values_of(target) -> dict[str, Any]:
    """Return the column values of ``target`` as JSON-ready data (secrets left out)."""
    return {key: _json_value(getattr(target, key)) for key in _columns(target)}


@event.listens_for(Session, "before_flush")
def _keep_originals(session: Session, flush_context, instances) -> None:
    originals = session.info.setdefault(_ORIGINALS, {})
    session.info.setdefault(_INSERTED, set()).update(session.new)
    for target in session.dirty:
        state = inspect(target)
        if state.identity is None:
            continue
        kept = originals.setdefault((type(target), state.identity), {})
        unknown = []
        for key in _columns(target):
            history = state.attrs[key].history
            if key in kept:
                continue
            if history.deleted:
                kept[key] = history.deleted[0]
            elif history.added:
                unknown.append(key)
        if unknown:
            # Set after the object was expired (a commit): its stored value was never loaded.
            kept.update(_stored_values(session, target, unknown))


def _stored_values(session: Session, target, keys: list[str]) -> dict[str, Any]:
    mapper = inspect(target).mapper
    columns = [mapper.column_attrs[key].columns[0] for key in keys]
    primary_key = mapper.primary_key_from_instance(target)
    with session.no_autoflush:
        row = session.execute(
            sa.select(*columns).where(
                *(
                    column == value
                    for column, value in zip(mapper.primary_key, primary_key, strict=True)
                )
            )
        ).first()
    return dict(zip(keys, row, strict=True)) if row is not None else {}


@event.listens_for(Session, "after_transaction_end")
def _forget_originals(session: Session, transaction) -> None:
    # Savepoints end inside the transaction (and fire after_commit too): only the end of
    # the outermost one ends what the log must remember.
    if transaction.parent is None:
        session.info.pop(_ORIGINALS, None)
        session.info.pop(_INSERTED, None)


def _changes(target) -> tuple[dict[str, Any], dict[str, Any]]:
    state = inspect(target)
    originals = db.session.info.get(_ORIGINALS, {}).get((type(target), state.identity), {})
    before, after = {}, {}
    for key in _columns(target):
        if key in NOISE_COLUMNS:
            continue
        history = state.attrs[key].history
        if key in originals:
            old = originals[key]
        elif history.deleted:
            old = history.deleted[0]
        else:
            continue
        new = getattr(target, key)
        if _json_value(old) != _json_value(new):
            before[key], after[key] = _json_value(old), _json_value(new)
    return before, after


def _current_actor() -> User | None:
    if has_request_context() and current_user and current_user.is_authenticated:
        return current_user._get_current_object()
    return None


def record(
    action: str,
    target,
    *,
    actor: User | None = None,
    edition_id: int | None = None,
    removed: bool = False,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    """Log that ``action`` was done to ``target``, in the transaction that does it.

    Call it after changing ``target`` and before the transaction ends (flushes in between
    are fine). A new object is logged with all its values after; a changed one with the
    columns that changed, before and after.

    :param action: what happened, as ``<thing>.<verb>`` (``session.rescheduled``).
    :param actor: who did it; by default the signed-in user of the request, if any.
    :param edition_id: the edition it belongs to; by default ``target.edition_id``.
    :param removed: ``target`` is about to be deleted: log all its values as before.
    :param before: values before, when the caller knows them better.
    :param after: values after, when the caller knows them better.
    """
    state = inspect(target)
    if removed:
        computed_before, computed_after = values_of(target), None
    elif state.identity is None or state.pending or target in db.session.info.get(_INSERTED, ()):
        db.session.flush()
        computed_before, computed_after = None, values_of(target)
    else:
        computed_before, computed_after = _changes(target)
    if edition_id is None:
        edition_id = (
            target.id if isinstance(target, Edition) else getattr(target, "edition_id", None)
        )
    actor = actor if actor is not None else _current_actor()
    entry = AuditEntry(
        actor_id=actor.id if actor is not None else None,
        action=action[:64],
        object_type=target.__tablename__[:64],
        object_id=getattr(target, "id", None),
        edition_id=edition_id,
        before=before if before is not None else computed_before,
        after=after if after is not None else computed_after,
    )
    db.session.add(entry)
    return entry


def audit_entries(
    *,
    edition_id: int | None = None,
    object_type: str | None = None,
    page: int = 1,
    per_page: int = 50,
):
    """Return one page of the log, newest first (a Flask-SQLAlchemy pagination).

    :param edition_id: only the entries of this edition.
    :param object_type: only the entries about this kind of object (a table name).
    """
    query = (
        db.select(AuditEntry)
        .options(selectinload(AuditEntry.actor))
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    if edition_id is not None:
        query = query.where(AuditEntry.edition_id == edition_id)
    if object_type:
        query = query.where(AuditEntry.object_type == object_type)
    return db.paginate(query, page=page, per_page=per_page, error_out=False, count=True)


def audit_object_types(*, edition_id: int | None = None) -> list[str]:
    """Return the kinds of object the log mentions, for the filter."""
    query = db.select(AuditEntry.object_type).distinct().order_by(AuditEntry.object_type)
    if edition_id is not None:
        query = query.where(AuditEntry.edition_id == edition_id)
    return list(db.session.scalars(query))
