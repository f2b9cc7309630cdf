"""Showcases submitted to an edition, their history, materials and reviews."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, TimestampMixin, UTCDateTime, enum_type


class ShowcaseKind(enum.Enum):
    PROJECT = "project"
    SYSTEM = "system"
    POLICY = "policy"
    PROGRAMME = "programme"


class ShowcaseStatus(enum.Enum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    WAITLISTED = "waitlisted"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


class Showcase(TimestampMixin, Base):
    __tablename__ = "showcases"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    submitted_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    kind: Mapped[ShowcaseKind] = mapped_column(enum_type(ShowcaseKind, "kind"))
    status: Mapped[ShowcaseStatus] = mapped_column(
        enum_type(ShowcaseStatus, "status"), default=ShowcaseStatus.DRAFT, index=True
    )
    stand_number: Mapped[str | None] = mapped_column(sa.String(20))
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the current decision was announced (its mail released, or the decisions marked
    # announced with the programme); None while it is not. Only an accepted showcase whose
    # decision is announced is in the public catalogue.
    decision_released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    version_id: Mapped[int] = mapped_column(default=1)

    edition: Mapped["Edition"] = relationship()  # noqa: F821
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821
    submitted_by: Mapped["User | None"] = relationship()  # noqa: F821
    track: Mapped["Track | None"] = relationship()  # noqa: F821
    transitions: Mapped[list["ShowcaseTransition"]] = relationship(
        back_populates="showcase",
        order_by="ShowcaseTransition.id",
        cascade="all, delete-orphan",
    )
    materials: Mapped[list["ShowcaseMaterial"]] = relationship(
        back_populates="showcase", order_by="ShowcaseMaterial.id", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (sa.UniqueConstraint("edition_id", "stand_number"),)

    def __repr__(self) -> str:
        return f"<Showcase {self.id} {self.status.value}>"


class ShowcaseTransition(CreatedMixin, Base):
    """One recorded change of a showcase's status: who, when, from, to and why."""

    __tablename__ = "showcase_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(
        sa.ForeignKey("showcases.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[ShowcaseStatus | None] = mapped_column(
        enum_type(ShowcaseStatus, "from_status")
    )
    to_status: Mapped[ShowcaseStatus] = mapped_column(enum_type(ShowcaseStatus, "to_status"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    showcase: Mapped[Showcase] = relationship(back_populates="transitions")
    actor: Mapped["User | None"] = relationship()  # noqa: F821


class ShowcaseMaterial(CreatedMixin, Base):
    """An uploaded file of a showcase; the bytes live in the upload folder by ``storage_key``."""

    __tablename__ = "showcase_materials"

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(
        sa.ForeignKey("showcases.id", ondelete="CASCADE"), index=True
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    showcase: Mapped[Showcase] = relationship(back_populates="materials")

    __table_args__ = (sa.CheckConstraint("size > 0", name="size_positive"),)


class ReviewCriterion(Base):
    """One of the criteria an edition's reviewers score (relevance, maturity, ...)."""

    __tablename__ = "review_criteria"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    weight: Mapped[int] = mapped_column(default=1)
    position: Mapped[int] = mapped_column(default=0)

    edition: Mapped["Edition"] = relationship(back_populates="review_criteria")  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("edition_id", "name"),
        sa.CheckConstraint("weight > 0", name="weight_positive"),
    )


class ReviewAssignment(CreatedMixin, Base):
    """A reviewer asked to review one showcase."""

    __tablename__ = "review_assignments"

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(sa.ForeignKey("showcases.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    showcase: Mapped[Showcase] = relationship()
    reviewer: Mapped["User"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("showcase_id", "reviewer_id"),)


class Review(TimestampMixin, Base):
    """A reviewer's scores and comment on a showcase; ``score`` is the weighted mean."""

    __tablename__ = "reviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    showcase_id: Mapped[int] = mapped_column(sa.ForeignKey("showcases.id", ondelete="CASCADE"))
    reviewer_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    score: Mapped[float | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    showcase: Mapped[Showcase] = relationship()
    reviewer: Mapped["User"] = relationship()  # noqa: F821
    scores: Mapped[list["ReviewScore"]] = relationship(
        back_populates="review", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("showcase_id", "reviewer_id"),
        sa.CheckConstraint("score IS NULL OR (score >= 1 AND score <= 5)", name="score_range"),
    )


class ReviewScore(Base):
    __tablename__ = "review_scores"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(sa.ForeignKey("reviews.id", ondelete="CASCADE"))
    criterion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("review_criteria.id", ondelete="CASCADE")
    )
    value: Mapped[int]

    review: Mapped[Review] = relationship(back_populates="scores")
    criterion: Mapped[ReviewCriterion] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("review_id", "criterion_id"),
        sa.CheckConstraint("value >= 1 AND value <= 5", name="value_range"),
    )


class TrackReviewer(CreatedMixin, Base):
    """A reviewer of every showcase of one track, present and future.

    The reviewer is assigned (``ReviewAssignment``) each showcase submitted to the
    track, except those of their own organisation.
    """

    __tablename__ = "track_reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    track_id: Mapped[int] = mapped_column(
        sa.ForeignKey("tracks.id", ondelete="CASCADE"), index=True
    )
    reviewer_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    assigned_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    track: Mapped["Track"] = relationship()  # noqa: F821
    reviewer: Mapped["User"] = relationship(foreign_keys=[reviewer_id])  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("track_id", "reviewer_id"),)
