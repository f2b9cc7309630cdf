"""What the decisions need: the ranked tables, the decision mails, the showcase slots."""

import statistics
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.models import (
    ConferenceSession,
    Edition,
    OutboxMessage,
    OutboxStatus,
    Review,
    ReviewAssignment,
    SessionKind,
    Showcase,
    ShowcaseStatus,
    Track,
)
from app.showcases.queries.rules import DECISION_MAIL_PREFIX, S


@dataclass
class Ranked:
    showcase: Showcase
    scores: list[float]
    assigned: int

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None

    @property
    def spread(self) -> float | None:
        """The population standard deviation of the reviewers' scores."""
        return round(statistics.pstdev(self.scores), 2) if len(self.scores) > 1 else None

    @property
    def reviews(self) -> int:
        return len(self.scores)


@dataclass
class TrackTable:
    track: Track | None
    rows: list[Ranked]


def ranked_tables(edition: Edition, *, status: ShowcaseStatus | None = None) -> list[TrackTable]:
    """The edition's submitted showcases per track, best mean score first."""
    query = (
        select(Showcase)
        .where(Showcase.edition_id == edition.id, Showcase.status != S.DRAFT)
        .options(joinedload(Showcase.organisation), joinedload(Showcase.track))
    )
    if status is not None:
        query = query.where(Showcase.status == status)
    showcases = list(db.session.scalars(query))
    scores: dict[int, list[float]] = defaultdict(list)
    for showcase_id, score in db.session.execute(
        select(Review.showcase_id, Review.score)
        .join(Showcase, Showcase.id == Review.showcase_id)
        .where(
            Showcase.edition_id == edition.id,
            Review.submitted_at.is_not(None),
            Review.score.is_not(None),
        )
    ):
        scores[showcase_id].append(score)
    assigned = dict(
        db.session.execute(
            select(ReviewAssignment.showcase_id, func.count(ReviewAssignment.id))
            .join(Showcase, Showcase.id == ReviewAssignment.showcase_id)
            .where(Showcase.edition_id == edition.id)
            .group_by(ReviewAssignment.showcase_id)
        ).all()
    )
    by_track: dict[int | None, list[Ranked]] = defaultdict(list)
    for showcase in showcases:
        by_track[showcase.track_id].append(
            Ranked(showcase, scores.get(showcase.id, []), assigned.get(showcase.id, 0))
        )
    tables = []
    for track in [*edition.tracks, None]:
        rows = by_track.get(track.id if track else None, [])
        if not rows:
            continue
        rows.sort(
            key=lambda r: (
                r.showcase.status is S.WITHDRAWN,
                r.mean is None,
                -(r.mean or 0),
                r.showcase.id,
            )
        )
        tables.append(TrackTable(track, rows))
    return tables


def waiting_mails(edition: Edition) -> list[OutboxMessage]:
    """The edition's decision mails drafted and not yet released."""
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.edition_id == edition.id,
                OutboxMessage.status == OutboxStatus.DRAFT,
                OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            )
            .order_by(OutboxMessage.kind, OutboxMessage.id)
        )
    )


def released_mails(edition: Edition, limit: int = 50) -> list[OutboxMessage]:
    return list(
        db.session.scalars(
            select(OutboxMessage)
            .where(
                OutboxMessage.edition_id == edition.id,
                OutboxMessage.status != OutboxStatus.DRAFT,
                OutboxMessage.kind.like(f"{DECISION_MAIL_PREFIX}%"),
            )
            .order_by(OutboxMessage.released_at.desc(), OutboxMessage.id.desc())
            .limit(limit)
        )
    )


def decision_mail(showcase: Showcase) -> OutboxMessage | None:
    """The latest decision mail of ``showcase``, drafted or released."""
    return db.session.scalar(
        select(OutboxMessage)
        .where(OutboxMessage.dedupe_key.like(f"showcases.decision:{showcase.id}:%"))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def slot_sessions(edition: Edition) -> list[ConferenceSession]:
    return list(
        db.session.scalars(
            select(ConferenceSession)
            .where(
                ConferenceSession.edition_id == edition.id,
                ConferenceSession.kind == SessionKind.SHOWCASE_SLOT,
            )
            .options(joinedload(ConferenceSession.room), joinedload(ConferenceSession.venue))
            .order_by(ConferenceSession.starts_at)
        )
    )
