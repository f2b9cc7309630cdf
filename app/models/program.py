"""Sessions of an edition, their speakers and the showcases presented in them."""

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
from app.models.scheduling import TimeRangeMixin, time_range_check


class StakeholderCategory(enum.Enum):
    PUBLIC_INSTITUTION = "public_institution"
    MINISTRY = "ministry"
    CITY = "city"
    PRIVATE_COMPANY = "private_company"
    STARTUP = "startup"
    RESEARCH_LAB = "research_lab"
    UNIVERSITY = "university"
    ASSOCIATION = "association"
    OTHER = "other"


class SessionKind(enum.Enum):
    KEYNOTE = "keynote"
    PANEL = "panel"
    TALK = "talk"
    SHOWCASE_SLOT = "showcase_slot"
    THINKLAB_MEETING = "thinklab_meeting"
    WORKSHOP = "workshop"
    SIGNING_CEREMONY = "signing_ceremony"


class SessionStatus(enum.Enum):
    TENTATIVE = "tentative"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"


class SpeakerRole(enum.Enum):
    SPEAKER = "speaker"
    MODERATOR = "moderator"
    PANELLIST = "panellist"


class InvitationStatus(enum.Enum):
    NOT_SENT = "not_sent"
    INVITED = "invited"
    CONFIRMED = "confirmed"
    DECLINED = "declined"


class Speaker(CreatedMixin, Base):
    """A person who speaks; an account is optional."""

    __tablename__ = "speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), unique=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    bio: Mapped[str] = mapped_column(sa.Text, default="")
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL")
    )
    category: Mapped[StakeholderCategory] = mapped_column(
        enum_type(StakeholderCategory, "category"), default=StakeholderCategory.OTHER
    )
    photo_path: Mapped[str | None] = mapped_column(sa.String(300))
    # Labelled web addresses: [{"label": "Website", "url": "https://..."}, ...]
    links: Mapped[list] = mapped_column(sa.JSON, default=list, server_default="[]")

    user: Mapped["User | None"] = relationship()  # noqa: F821
    organisation: Mapped["Organisation | None"] = relationship()  # noqa: F821
    availabilities: Mapped[list["SpeakerAvailability"]] = relationship(
        back_populates="speaker", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Speaker {self.id} {self.name!r}>"


class SpeakerAvailability(TimeRangeMixin, Base):
    """A period in which a speaker said they can be scheduled."""

    __tablename__ = "speaker_availabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    speaker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    edition_id: Mapped[int] = mapped_column(sa.ForeignKey("editions.id", ondelete="CASCADE"))

    speaker: Mapped[Speaker] = relationship(back_populates="availabilities")

    __table_args__ = (time_range_check(),)


class ConferenceSession(TimeRangeMixin, TimestampMixin, Base):
    """A scheduled session; ``sequence`` grows with every change a calendar must see."""

    __tablename__ = "conference_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SessionKind] = mapped_column(enum_type(SessionKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    abstract: Mapped[str] = mapped_column(sa.Text, default="")
    track_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tracks.id", ondelete="SET NULL"))
    venue_id: Mapped[int | None] = mapped_column(sa.ForeignKey("venues.id", ondelete="SET NULL"))
    room_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("rooms.id", ondelete="SET NULL"), index=True
    )
    online_url: Mapped[str | None] = mapped_column(sa.String(500))
    status: Mapped[SessionStatus] = mapped_column(
        enum_type(SessionStatus, "status"), default=SessionStatus.TENTATIVE
    )
    sequence: Mapped[int] = mapped_column(default=0)
    # Seats attendees book (a workshop); None: no booking. A room holds fewer when smaller.
    capacity: Mapped[int | None]
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ical_uid: Mapped[str] = mapped_column(
        sa.String(255), unique=True, default=calendar_uid_factory("session")
    )
    version_id: Mapped[int] = mapped_column(default=1)

    edition: Mapped["Edition"] = relationship()  # noqa: F821
    track: Mapped["Track | None"] = relationship()  # noqa: F821
    venue: Mapped["Venue | None"] = relationship()  # noqa: F821
    room: Mapped["Room | None"] = relationship()  # noqa: F821
    speakers: Mapped[list["SessionSpeaker"]] = relationship(
        back_populates="session", order_by="SessionSpeaker.position", cascade="all, delete-orphan"
    )
    showcases: Mapped[list["SessionShowcase"]] = relationship(
        back_populates="session", order_by="SessionShowcase.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version_id}
    __table_args__ = (
        time_range_check(),
        sa.CheckConstraint("sequence >= 0", name="sequence_not_negative"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.Index("ix_conference_sessions_room_id_starts_at", "room_id", "starts_at"),
    )

    @property
    def is_cancelled(self) -> bool:
        return self.status is SessionStatus.CANCELLED

    @property
    def seats(self) -> int | None:
        """Seats attendees may book: the capacity, never more than the room holds."""
        if self.capacity is None:
            return None
        if self.room is not None and self.room.capacity is not None:
            return min(self.capacity, self.room.capacity)
        return self.capacity

    def __repr__(self) -> str:
        return f"<ConferenceSession {self.id} {self.title!r}>"


class SessionSpeaker(Base):
    """A speaker's place in a session, with their role and answer to the invitation."""

    __tablename__ = "session_speakers"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="CASCADE")
    )
    speaker_id: Mapped[int] = mapped_column(
        sa.ForeignKey("speakers.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[SpeakerRole] = mapped_column(
        enum_type(SpeakerRole, "role"), default=SpeakerRole.SPEAKER
    )
    position: Mapped[int] = mapped_column(default=0)
    invitation: Mapped[InvitationStatus] = mapped_column(
        enum_type(InvitationStatus, "invitation"), default=InvitationStatus.NOT_SENT
    )
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    session: Mapped[ConferenceSession] = relationship(back_populates="speakers")
    speaker: Mapped[Speaker] = relationship()

    __table_args__ = (sa.UniqueConstraint("session_id", "speaker_id"),)


class SessionShowcase(Base):
    """A showcase presented in a (showcase slot) session."""

    __tablename__ = "session_showcases"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="CASCADE")
    )
    showcase_id: Mapped[int] = mapped_column(
        sa.ForeignKey("showcases.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)

    session: Mapped[ConferenceSession] = relationship(back_populates="showcases")
    showcase: Mapped["Showcase"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("session_id", "showcase_id"),)
