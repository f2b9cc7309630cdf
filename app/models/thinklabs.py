"""Thinklabs: standing groups that meet on a recurrence and build a roadmap."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import (
    Base,
    CreatedMixin,
    TimestampMixin,
    UTCDateTime,
    calendar_uid_factory,
    enum_type,
)
from app.models.program import StakeholderCategory
from app.models.scheduling import LocalTimesMixin


class MeetingMode(enum.Enum):
    ONLINE = "online"
    IN_PERSON = "in_person"
    HYBRID = "hybrid"


class MemberRole(enum.Enum):
    CHAIR = "chair"
    MEMBER = "member"


class RoadmapStatus(enum.Enum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DROPPED = "dropped"


class Thinklab(LocalTimesMixin, TimestampMixin, Base):
    """A group whose meetings recur by an RFC 5545 rule from ``first_meeting_local``."""

    __tablename__ = "thinklabs"
    __local_times__ = (("first_meeting_local", "first_meeting_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="SET NULL")
    )
    agreement_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="SET NULL")
    )
    timezone: Mapped[str] = mapped_column(sa.String(64))
    first_meeting_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    first_meeting_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_minutes: Mapped[int] = mapped_column(default=120)
    rrule: Mapped[str] = mapped_column(sa.String(500), default="")
    meeting_mode: Mapped[MeetingMode] = mapped_column(
        enum_type(MeetingMode, "meeting_mode"), default=MeetingMode.ONLINE
    )
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id", ondelete="SET NULL"))
    location: Mapped[str] = mapped_column(sa.String(300), default="")
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    sequence: Mapped[int] = mapped_column(default=0)
    ical_uid: Mapped[str] = mapped_column(
        sa.String(255), unique=True, default=calendar_uid_factory("thinklab")
    )

    edition: Mapped["Edition | None"] = relationship()  # noqa: F821
    agreement: Mapped["Agreement | None"] = relationship(  # noqa: F821
        back_populates="working_groups"
    )
    members: Mapped[list["ThinklabMember"]] = relationship(
        back_populates="thinklab", cascade="all, delete-orphan", order_by="ThinklabMember.id"
    )
    composition_rules: Mapped[list["CompositionRule"]] = relationship(
        back_populates="thinklab", cascade="all, delete-orphan"
    )
    occurrence_changes: Mapped[list["MeetingChange"]] = relationship(
        back_populates="thinklab",
        cascade="all, delete-orphan",
        order_by="MeetingChange.original_local",
    )
    roadmap_items: Mapped[list["RoadmapItem"]] = relationship(
        back_populates="thinklab",
        cascade="all, delete-orphan",
        order_by="(RoadmapItem.horizon_year, RoadmapItem.position)",
    )

    __table_args__ = (
        sa.CheckConstraint("meeting_minutes > 0 AND meeting_minutes <= 1440", name="minutes_range"),
    )

    def __repr__(self) -> str:
        return f"<Thinklab {self.slug}>"


class CompositionRule(Base):
    """At least ``minimum`` members of one stakeholder category."""

    __tablename__ = "thinklab_composition_rules"

    id: Mapped[int] = mapped_column(primary_key=True)
    thinklab_id: Mapped[int] = mapped_column(sa.ForeignKey("thinklabs.id", ondelete="CASCADE"))
    category: Mapped[StakeholderCategory] = mapped_column(
        enum_type(StakeholderCategory, "category")
    )
    minimum: Mapped[int] = mapped_column(default=1)

    thinklab: Mapped[Thinklab] = relationship(back_populates="composition_rules")

    __table_args__ = (
        sa.UniqueConstraint("thinklab_id", "category"),
        sa.CheckConstraint("minimum > 0", name="minimum_positive"),
    )


class ThinklabMember(CreatedMixin, Base):
    __tablename__ = "thinklab_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    thinklab_id: Mapped[int] = mapped_column(sa.ForeignKey("thinklabs.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    category: Mapped[StakeholderCategory] = mapped_column(
        enum_type(StakeholderCategory, "category")
    )
    role: Mapped[MemberRole] = mapped_column(
        enum_type(MemberRole, "role"), default=MemberRole.MEMBER
    )
    wants_digest: Mapped[bool] = mapped_column(default=False)

    thinklab: Mapped[Thinklab] = relationship(back_populates="members")
    user: Mapped["User | None"] = relationship()  # noqa: F821
    organisation: Mapped["Organisation | None"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("thinklab_id", "user_id"),)


class MeetingChange(LocalTimesMixin, CreatedMixin, Base):
    """One occurrence skipped (EXDATE) or moved (RECURRENCE-ID override)."""

    __tablename__ = "thinklab_meeting_changes"
    __local_times__ = (
        ("original_local", "original_at"),
        ("starts_local", "starts_at"),
        ("ends_local", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thinklab_id: Mapped[int] = mapped_column(sa.ForeignKey("thinklabs.id", ondelete="CASCADE"))
    timezone: Mapped[str] = mapped_column(sa.String(64))
    original_local: Mapped[datetime] = mapped_column(sa.DateTime)
    original_at: Mapped[datetime] = mapped_column(UTCDateTime)
    is_cancelled: Mapped[bool] = mapped_column(default=False)
    starts_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    ends_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    meeting_mode: Mapped[MeetingMode | None] = mapped_column(enum_type(MeetingMode, "meeting_mode"))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(sa.String(300), default="")
    sequence: Mapped[int] = mapped_column(default=0)

    thinklab: Mapped[Thinklab] = relationship(back_populates="occurrence_changes")

    __table_args__ = (
        sa.UniqueConstraint("thinklab_id", "original_local"),
        sa.CheckConstraint(
            "is_cancelled OR (starts_at IS NOT NULL AND ends_at IS NOT NULL"
            " AND ends_at > starts_at)",
            name="moved_has_times",
        ),
    )


class Contribution(TimestampMixin, Base):
    """A post a member shares with the thinklab; ``body_html`` is sanitised on the way in."""

    __tablename__ = "thinklab_contributions"

    id: Mapped[int] = mapped_column(primary_key=True)
    thinklab_id: Mapped[int] = mapped_column(
        sa.ForeignKey("thinklabs.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body_html: Mapped[str] = mapped_column(sa.Text)
    link_url: Mapped[str | None] = mapped_column(sa.String(500))

    thinklab: Mapped[Thinklab] = relationship()
    author: Mapped["User | None"] = relationship()  # noqa: F821
    files: Mapped[list["ContributionFile"]] = relationship(
        back_populates="contribution", cascade="all, delete-orphan"
    )


class ContributionFile(CreatedMixin, Base):
    __tablename__ = "thinklab_contribution_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    contribution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("thinklab_contributions.id", ondelete="CASCADE")
    )
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)

    contribution: Mapped[Contribution] = relationship(back_populates="files")


class RoadmapItem(TimestampMixin, Base):
    __tablename__ = "thinklab_roadmap_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    thinklab_id: Mapped[int] = mapped_column(sa.ForeignKey("thinklabs.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(300))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    horizon_year: Mapped[int]
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    status: Mapped[RoadmapStatus] = mapped_column(
        enum_type(RoadmapStatus, "status"), default=RoadmapStatus.PLANNED
    )
    progress: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)

    thinklab: Mapped[Thinklab] = relationship(back_populates="roadmap_items")

    __table_args__ = (
        sa.CheckConstraint("progress >= 0 AND progress <= 100", name="progress_percent"),
        sa.CheckConstraint("horizon_year >= 1900 AND horizon_year <= 2200", name="horizon_sane"),
    )
