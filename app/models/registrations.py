"""Attendees' registrations to editions, their tickets, and the sessions they star."""

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, TimestampMixin, UTCDateTime, enum_type


class RegistrationStatus(enum.Enum):
    REGISTERED = "registered"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


def new_ticket_code() -> str:
    """A ticket's secret code: unguessable, short enough for a QR code read at the door."""
    return secrets.token_urlsafe(16)


class Registration(TimestampMixin, Base):
    """A person's place at an edition (or on its waiting list), with the ticket that proves it."""

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "status"), default=RegistrationStatus.REGISTERED
    )
    full_name: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation_name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[str] = mapped_column(sa.String(120), default="")
    answers: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ticket_code: Mapped[str] = mapped_column(sa.String(64), unique=True, default=new_ticket_code)
    # The waiting list moves up in the order people joined it.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    user: Mapped["User"] = relationship(foreign_keys=[user_id])  # noqa: F821
    edition: Mapped["Edition"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("user_id", "edition_id"),)

    @property
    def name(self) -> str:
        return self.full_name or self.user.display_name

    def __repr__(self) -> str:
        return f"<Registration {self.user_id} at {self.edition_id}: {self.status.value}>"


class RegistrationSettings(Base):
    """How an edition takes registrations: open or not, until when, how many, what to ask."""

    __tablename__ = "registration_settings"

    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), primary_key=True
    )
    is_open: Mapped[bool] = mapped_column(default=True)
    capacity: Mapped[int | None]
    # On the edition's wall clock (the truth), and the instant derived from it.
    closes_local: Mapped[datetime | None] = mapped_column(sa.DateTime)
    closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    questions: Mapped[list] = mapped_column(sa.JSON, default=list)

    edition: Mapped["Edition"] = relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
    )


class BookingStatus(enum.Enum):
    BOOKED = "booked"
    WAITLISTED = "waitlisted"
    CANCELLED = "cancelled"


class SessionBooking(CreatedMixin, Base):
    """A registered attendee's seat at a session with a capacity, or their place in its queue."""

    __tablename__ = "session_bookings"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[BookingStatus] = mapped_column(
        enum_type(BookingStatus, "status"), default=BookingStatus.BOOKED
    )
    # The queue moves up in the order people joined it.
    waitlisted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Set when the seat went because the session was cancelled, not by its holder.
    is_released: Mapped[bool] = mapped_column(default=False)

    user: Mapped["User"] = relationship()  # noqa: F821
    session: Mapped["ConferenceSession"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("session_id", "user_id"),)

    def __repr__(self) -> str:
        return f"<SessionBooking {self.user_id} at {self.session_id}: {self.status.value}>"


class AgendaEntry(CreatedMixin, Base):
    """A session an attendee starred for their personal agenda."""

    __tablename__ = "agenda_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="CASCADE"), index=True
    )
    # The session's sequence when its owner last opened My agenda: a higher one now
    # means it moved or was cancelled since.
    seen_sequence: Mapped[int | None]

    user: Mapped["User"] = relationship()  # noqa: F821
    session: Mapped["ConferenceSession"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("user_id", "session_id"),)
