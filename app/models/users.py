"""Accounts, their site roles and their roles in single editions."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from app.models.base import Base, CreatedMixin, UTCDateTime, enum_type, utcnow


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
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation: Mapped["Organisation | None"] = relationship(  # noqa: F821
        back_populates="delegates"
    )
    edition_roles: Mapped[list["EditionRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    __table_args__ = (sa.CheckConstraint("email = lower(email)", name="email_lowercase"),)

    # The secret of the signed-in session this object was loaded for (not a column): it is
    # what Flask-Login keeps in the session and the remember-me cookie, so ending the
    # session's row ends both.
    session_token = None
    session_id = None

    def get_id(self) -> str | None:
        return self.session_token

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


class UserSession(Base):
    """One signed-in browser or device of an account, until it logs out or is ended.

    Only a digest of the session's secret is kept: the secret itself lives in the
    browser's session and remember-me cookies.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(sa.String(64), unique=True)
    is_remembered: Mapped[bool] = mapped_column(default=False)
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
