"""Keeping the search index in step with the data: after every flush, in the same
transaction, and all at once with ``flask search reindex``."""

import logging
from collections.abc import Iterable

from sqlalchemy import delete, event, insert, select
from sqlalchemy.orm import Session, selectinload

from app.extensions import db
from app.models import (
    Agreement,
    ConferenceSession,
    Organisation,
    SearchEntry,
    SearchKind,
    SessionSpeaker,
    Showcase,
    ShowcaseStatus,
    Speaker,
    Thinklab,
)
from app.search.queries import normalise

logger = logging.getLogger(__name__)

KINDS = {
    ConferenceSession: SearchKind.SESSION,
    Speaker: SearchKind.SPEAKER,
    Showcase: SearchKind.SHOWCASE,
    Organisation: SearchKind.ORGANISATION,
    Thinklab: SearchKind.THINKLAB,
    Agreement: SearchKind.AGREEMENT,
}
TITLE_LENGTH = 300
BATCH = 500


def _joined(*parts) -> str:
    return " · ".join(part for part in parts if part)


def entry_values(obj) -> dict:
    """Return the index entry of a session, speaker, showcase, organisation, thinklab or
    agreement: its title and text as shown, normalised, and its visibility fields."""
    kind = KINDS[type(obj)]
    values = {"kind": kind, "object_id": obj.id, "edition_id": None, "organisation_id": None}
    values.update(slug=None, is_public=True)
    if kind is SearchKind.SESSION:
        values.update(title=obj.title, body=obj.abstract, edition_id=obj.edition_id)
    elif kind is SearchKind.SPEAKER:
        organisation = obj.organisation.name if obj.organisation is not None else ""
        values.update(
            title=obj.name,
            body=_joined(obj.title, organisation, obj.bio),
            organisation_id=obj.organisation_id,
        )
    elif kind is SearchKind.SHOWCASE:
        values.update(
            title=obj.title,
            body=obj.summary,
            edition_id=obj.edition_id,
            organisation_id=obj.organisation_id,
            is_public=obj.status is ShowcaseStatus.ACCEPTED
            and obj.decision_released_at is not None,
        )
    elif kind is SearchKind.ORGANISATION:
        values.update(title=obj.name, body=_joined(obj.city, obj.country))
    elif kind is SearchKind.THINKLAB:
        values.update(
            title=obj.name, body=obj.description, edition_id=obj.edition_id, slug=obj.slug
        )
    else:
        values.update(
            title=obj.title, body=obj.summary, edition_id=obj.edition_id, is_public=obj.is_public
        )
    values["title"] = (values["title"] or "")[:TITLE_LENGTH]
    values["body"] = values["body"] or ""
    values["normalised_title"] = normalise(values["title"])
    values["normalised_body"] = normalise(values["body"])
    return values


def _write(connection, keep: list, gone: Iterable[tuple[SearchKind, int]]) -> None:
    """Replace the entries of ``keep`` and delete those of ``gone``.

    The old entries go by kind, a few hundred ids a statement (SQLite limits the number
    of parameters), then the new ones in one ``executemany``.
    """
    ids: dict[SearchKind, set[int]] = {}
    for kind, object_id in [*((KINDS[type(obj)], obj.id) for obj in keep), *gone]:
        ids.setdefault(kind, set()).add(object_id)
    for kind, object_ids in ids.items():
        ordered = sorted(object_ids)
        for start in range(0, len(ordered), BATCH):
            connection.execute(
                delete(SearchEntry).where(
                    SearchEntry.kind == kind,
                    SearchEntry.object_id.in_(ordered[start : start + BATCH]),
                )
            )
    rows = [entry_values(obj) for obj in keep]
    if rows:
        connection.execute(insert(SearchEntry), rows)


def follow_flush(session: Session, _flush_context) -> None:
    """Bring the index in step with what a flush wrote, on the flush's own connection.

    A session's speakers count as a change of the session (its page and entry list them).
    """
    gone = {(KINDS[type(obj)], obj.id) for obj in session.deleted if type(obj) in KINDS}
    changed = {}
    for obj in (*session.new, *session.dirty):
        target = obj.session if isinstance(obj, SessionSpeaker) else obj
        if type(target) in KINDS and target.id is not None and target not in session.deleted:
            changed[(KINDS[type(target)], target.id)] = target
    for key in gone:
        changed.pop(key, None)
    if changed or gone:
        _write(session.connection(), list(changed.values()), gone)


def register_indexing() -> None:
    """Listen to every flush (once per process)."""
    if not event.contains(Session, "after_flush", follow_flush):
        event.listen(Session, "after_flush", follow_flush)


def reindex() -> dict[SearchKind, int]:
    """Build the whole index again from the data; return the number of entries by kind.

    Flushes and leaves the commit to the caller.
    """
    connection = db.session.connection()
    connection.execute(delete(SearchEntry))
    counts = {}
    for model, kind in KINDS.items():
        counts[kind] = 0
        last = 0
        while True:
            query = select(model).where(model.id > last).order_by(model.id).limit(BATCH)
            if model is Speaker:
                query = query.options(selectinload(Speaker.organisation))
            batch = list(db.session.scalars(query))
            if not batch:
                break
            _write(connection, batch, ())
            counts[kind] += len(batch)
            last = batch[-1].id
    logger.info("Search index rebuilt: %s", {kind.value: n for kind, n in counts.items()})
    return counts
