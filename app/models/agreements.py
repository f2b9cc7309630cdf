"""Partner agreements: parties and signatories, history, documents and commitments."""

import enum
from datetime import date
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, CreatedMixin, TimestampMixin, calendar_uid_factory, enum_type


class AgreementKind(enum.Enum):
    MOU = "mou"
    CONVENTION = "convention"
    PROTOCOL = "protocol"
    TWINNING = "twinning"
    PPP = "ppp"
    SPONSORSHIP = "sponsorship"
    PATRONAGE = "patronage"


class AgreementStatus(enum.Enum):
    DRAFT = "draft"
    NEGOTIATION = "negotiation"
    SIGNED = "signed"
    ACTIVE = "active"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class Agreement(TimestampMixin, Base):
    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_type(AgreementKind, "kind"))
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[AgreementStatus] = mapped_column(
        enum_type(AgreementStatus, "status"), default=AgreementStatus.DRAFT, index=True
    )
    sponsorship_tier: Mapped[str | None] = mapped_column(sa.String(40))
    edition_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("editions.id", ondelete="SET NULL"), index=True
    )
    signing_session_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("conference_sessions.id", ondelete="SET NULL")
    )
    renews_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="SET NULL")
    )
    timezone: Mapped[str] = mapped_column(sa.String(64), default="UTC")
    effective_date: Mapped[date | None]
    expiry_date: Mapped[date | None]
    is_public: Mapped[bool] = mapped_column(default=False)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ical_uid: Mapped[str] = mapped_column(
        sa.String(255), unique=True, default=calendar_uid_factory("agreement")
    )

    edition: Mapped["Edition | None"] = relationship()  # noqa: F821
    signing_session: Mapped["ConferenceSession | None"] = relationship()  # noqa: F821
    renews: Mapped["Agreement | None"] = relationship(remote_side=[id])
    owner: Mapped["User | None"] = relationship()  # noqa: F821
    parties: Mapped[list["AgreementParty"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementParty.id"
    )
    transitions: Mapped[list["AgreementTransition"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="AgreementTransition.id"
    )
    documents: Mapped[list["AgreementDocument"]] = relationship(
        back_populates="agreement",
        cascade="all, delete-orphan",
        order_by="AgreementDocument.version",
    )
    commitments: Mapped[list["Commitment"]] = relationship(
        back_populates="agreement", cascade="all, delete-orphan", order_by="Commitment.due_date"
    )
    working_groups: Mapped[list["Thinklab"]] = relationship(  # noqa: F821
        back_populates="agreement"
    )

    __table_args__ = (
        sa.CheckConstraint(
            "expiry_date IS NULL OR effective_date IS NULL OR expiry_date > effective_date",
            name="expires_after_effect",
        ),
    )

    def __repr__(self) -> str:
        return f"<Agreement {self.id} {self.kind.value} {self.status.value}>"


class AgreementParty(Base):
    """An organisation bound by an agreement, with the person who signs for it."""

    __tablename__ = "agreement_parties"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="RESTRICT"), index=True
    )
    role: Mapped[str] = mapped_column(sa.String(120), default="")
    signatory_name: Mapped[str] = mapped_column(sa.String(200), default="")
    signatory_title: Mapped[str] = mapped_column(sa.String(200), default="")
    signed_on: Mapped[date | None]

    agreement: Mapped[Agreement] = relationship(back_populates="parties")
    organisation: Mapped["Organisation"] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("agreement_id", "organisation_id"),)


class AgreementTransition(CreatedMixin, Base):
    __tablename__ = "agreement_transitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    from_status: Mapped[AgreementStatus | None] = mapped_column(
        enum_type(AgreementStatus, "from_status")
    )
    to_status: Mapped[AgreementStatus] = mapped_column(enum_type(AgreementStatus, "to_status"))
    note: Mapped[str] = mapped_column(sa.Text, default="")

    agreement: Mapped[Agreement] = relationship(back_populates="transitions")
    actor: Mapped["User | None"] = relationship()  # noqa: F821


class AgreementDocument(CreatedMixin, Base):
    """One version of an agreement's text (PDF); one may be the signed copy."""

    __tablename__ = "agreement_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(sa.ForeignKey("agreements.id", ondelete="CASCADE"))
    version: Mapped[int]
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(sa.String(64))
    storage_key: Mapped[str] = mapped_column(sa.String(80), unique=True)
    is_signed_copy: Mapped[bool] = mapped_column(default=False)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    agreement: Mapped[Agreement] = relationship(back_populates="documents")

    __table_args__ = (
        sa.UniqueConstraint("agreement_id", "version"),
        sa.CheckConstraint("version > 0", name="version_positive"),
    )


class Commitment(TimestampMixin, Base):
    """What a party promised: a target value by a due date, followed by progress updates."""

    __tablename__ = "commitments"

    id: Mapped[int] = mapped_column(primary_key=True)
    agreement_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agreements.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agreement_parties.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(sa.String(300))
    owner: Mapped[str] = mapped_column(sa.String(200), default="")
    start_date: Mapped[date | None]
    due_date: Mapped[date]
    target_value: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    unit: Mapped[str] = mapped_column(sa.String(60), default="")

    agreement: Mapped[Agreement] = relationship(back_populates="commitments")
    party: Mapped[AgreementParty | None] = relationship()
    progress: Mapped[list["CommitmentProgress"]] = relationship(
        back_populates="commitment",
        cascade="all, delete-orphan",
        order_by="(CommitmentProgress.recorded_on, CommitmentProgress.id)",
    )

    __table_args__ = (sa.CheckConstraint("target_value > 0", name="target_positive"),)


class CommitmentProgress(CreatedMixin, Base):
    __tablename__ = "commitment_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    commitment_id: Mapped[int] = mapped_column(
        sa.ForeignKey("commitments.id", ondelete="CASCADE"), index=True
    )
    recorded_on: Mapped[date]
    value: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )

    commitment: Mapped[Commitment] = relationship(back_populates="progress")

    __table_args__ = (sa.CheckConstraint("value >= 0", name="value_not_negative"),)
