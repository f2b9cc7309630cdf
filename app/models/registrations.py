"""Attendees' registrations to editions and the sessions they star."""

import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, enum_type


class RegistrationStatus(enum.Enum):
    REGISTERED = "registered"
    CANCELLED = "cancelled"


class Registration(CreatedMixin, Base):
    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[RegistrationStatus] = mapped_column(
        enum_type(RegistrationStatus, "status"), default=RegistrationStatus.REGISTERED
    )

    user: Mapped["User"] = relationship()  # noqa: F821
    edition: Mapped["Edition"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("user_id", "edition_id"),)


class AgendaEntry(CreatedMixin, Base):
    """A session an attendee starred for their personal agenda."""

    __tablename__ = "agenda_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[int] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="CASCADE"), index=True
    )

    user: Mapped["User"] = relationship()  # noqa: F821
    session: Mapped["ConferenceSession"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("user_id", "session_id"),)
