"""Accounts, their site roles and their roles in single editions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, CreatedMixin, UTCDateTime, enum_type


class EditionRoleKind(enum.Enum):
    ORGANISER = "organiser"
    REVIEWER = "reviewer"


class User(UserMixin, CreatedMixin, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    display_name: Mapped[str] = mapped_column(sa.String(120))
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    timezone: Mapped[str | None] = mapped_column(sa.String(64))
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"), index=True
    )
    is_admin: Mapped[bool] = mapped_column(default=False)
    is_organiser: Mapped[bool] = mapped_column(default=False)
    is_disabled: Mapped[bool] = mapped_column(default=False)
    email_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    calendar_token: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    organisation: Mapped["Organisation | None"] = relationship(  # noqa: F821
        back_populates="delegates"
    )
    edition_roles: Mapped[list["EditionRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    @validates("email")
    def _normalise_email(self, key: str, value: str) -> str:
        return value.strip().lower()

    @property
    def is_active(self) -> bool:
        return not self.is_disabled

    @property
    def is_email_confirmed(self) -> bool:
        return self.email_confirmed_at is not None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class EditionRole(CreatedMixin, Base):
    """A person's role in one edition (organiser of it, reviewer for it)."""

    __tablename__ = "edition_roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    edition_id: Mapped[int] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    role: Mapped[EditionRoleKind] = mapped_column(enum_type(EditionRoleKind, "role"))

    user: Mapped[User] = relationship(back_populates="edition_roles")
    edition: Mapped["Edition"] = relationship(back_populates="roles")  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("user_id", "edition_id", "role"),)
