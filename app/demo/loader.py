"""The demo loader: looks objects up by natural key and creates only the missing ones."""

from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select

from app import audit
from app.auth.services import hash_password
from app.demo.accounts import ACCOUNTS, DEMO_PASSWORD, ORGANISATIONS
from app.extensions import db
from app.models import (
    Agreement,
    AgreementParty,
    AgreementTransition,
    Commitment,
    CommitmentProgress,
    ConferenceSession,
    Edition,
    EditionRole,
    EditionStatus,
    InvitationStatus,
    Organisation,
    Room,
    Series,
    SessionKind,
    SessionShowcase,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseTransition,
    Speaker,
    Thinklab,
    ThinklabMember,
    User,
    Venue,
)
from app.models.scheduling import LocalTimesMixin

# What the audit log shows of the demo: the organisers' work on editions, programmes,
# showcases and agreements.
AUDITED = (
    Edition,
    EditionRole,
    ConferenceSession,
    Showcase,
    ShowcaseTransition,
    Agreement,
    AgreementTransition,
    Commitment,
)
DEMO_ORGANISER = "organiser@demo.agora"


def utc(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Loader:
    """Looks objects up by natural key, creates the missing ones and counts them."""

    def __init__(self) -> None:
        self.created: Counter[str] = Counter()
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}

    def add(self, obj):
        db.session.add(obj)
        db.session.flush()
        self.created[type(obj).__name__] += 1
        if isinstance(obj, AUDITED):
            self._audit(obj)
        return obj

    def _audit(self, obj) -> None:
        """Log what the organisers of the real cases did, as the services would have."""
        actor_id = getattr(obj, "actor_id", None) or getattr(obj, "owner_id", None)
        actor = db.session.get(User, actor_id) if actor_id else None
        edition_id = getattr(obj, "edition_id", None)
        if isinstance(obj, ShowcaseTransition):
            edition_id = db.session.get(Showcase, obj.showcase_id).edition_id
        elif isinstance(obj, AgreementTransition | Commitment):
            edition_id = db.session.get(Agreement, obj.agreement_id).edition_id
        audit.record(
            f"{obj.__tablename__}.created",
            obj,
            actor=actor or self.users.get(DEMO_ORGANISER),
            edition_id=edition_id,
        )

    def get_or_create(self, model, defaults: dict | None = None, **lookup):
        """Return ``(object, created)`` for the row matching ``lookup``."""
        found = db.session.scalar(select(model).filter_by(**lookup).limit(1))
        if found is not None:
            return found, False
        obj = model(**lookup, **(defaults or {}))
        if isinstance(obj, LocalTimesMixin):
            obj.refresh_instants()
        return self.add(obj), True

    # -- people and organisations -------------------------------------------------

    def organisations(self) -> None:
        for name, kind, country, city in ORGANISATIONS:
            org, _ = self.get_or_create(
                Organisation, name=name, defaults={"kind": kind, "country": country, "city": city}
            )
            self.orgs[name] = org

    def accounts(self) -> None:
        for email, name, locale, org_name, is_admin, is_organiser in ACCOUNTS:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is None:
                user = self.add(
                    User(
                        email=email,
                        password_hash=hash_password(DEMO_PASSWORD),
                        display_name=name,
                        locale=locale,
                        organisation_id=self.orgs[org_name].id if org_name else None,
                        is_admin=is_admin,
                        is_organiser=is_organiser,
                        email_confirmed_at=utc(2026, 1, 5, 9),
                    )
                )
            self.users[email] = user

    def speaker(self, name: str, title: str, org_name: str | None, category, bio: str = ""):
        speaker, _ = self.get_or_create(
            Speaker,
            name=name,
            defaults={
                "title": title,
                "organisation_id": self.orgs[org_name].id if org_name else None,
                "category": category,
                "bio": bio,
            },
        )
        return speaker

    # -- editions -------------------------------------------------------------------

    def series(self, slug: str, name: str, description: str, org_name: str) -> Series:
        series, _ = self.get_or_create(
            Series,
            slug=slug,
            defaults={
                "name": name,
                "description": description,
                "organisation_id": self.orgs[org_name].id,
            },
        )
        return series

    def edition(self, series: Series, slug: str, **fields) -> Edition:
        fields.setdefault("status", EditionStatus.PUBLISHED)
        edition, _ = self.get_or_create(
            Edition, slug=slug, defaults={"series_id": series.id, **fields}
        )
        return edition

    def venue(self, edition: Edition, name: str, town: str, **fields) -> Venue:
        venue, _ = self.get_or_create(
            Venue,
            edition_id=edition.id,
            name=name,
            start_date=fields.pop("start_date", None),
            defaults={"town": town, **fields},
        )
        return venue

    def room(self, venue: Venue, name: str, capacity: int) -> Room:
        room, _ = self.get_or_create(
            Room, venue_id=venue.id, name=name, defaults={"capacity": capacity}
        )
        return room

    def session(
        self,
        edition: Edition,
        title: str,
        kind: SessionKind,
        starts: datetime,
        ends: datetime,
        *,
        speakers=(),
        showcases=(),
        **fields,
    ) -> ConferenceSession:
        """Find the edition's session called ``title`` or schedule it on the venue's clock."""
        found = db.session.scalar(
            select(ConferenceSession).filter_by(edition_id=edition.id, title=title).limit(1)
        )
        if found is None:
            fields.setdefault("status", SessionStatus.CONFIRMED)
            found = ConferenceSession(edition_id=edition.id, title=title, kind=kind, **fields)
            venue = fields.get("venue") or (fields["room"].venue if fields.get("room") else None)
            found.set_times(starts, ends, venue.zone if venue else edition.timezone)
            self.add(found)
        for position, (speaker, role) in enumerate(speakers):
            self.get_or_create(
                SessionSpeaker,
                session_id=found.id,
                speaker_id=speaker.id,
                defaults={
                    "role": role,
                    "position": position,
                    "invitation": InvitationStatus.CONFIRMED,
                    "responded_at": found.starts_at - timedelta(days=30),
                },
            )
        for position, showcase in enumerate(showcases):
            self.get_or_create(
                SessionShowcase,
                session_id=found.id,
                showcase_id=showcase.id,
                defaults={"position": position},
            )
        return found

    # -- agreements -----------------------------------------------------------------

    def agreement(self, title: str, history, parties, **fields) -> Agreement:
        """Find the agreement called ``title`` or create it with its parties and history.

        :param history: ``(when, status, note)`` steps from draft to the current status.
        :param parties: ``(organisation name, role, signatory, signatory title, signed on)``.
        """
        fields["status"] = history[-1][1]
        agreement, created = self.get_or_create(Agreement, title=title, defaults=fields)
        if created:
            previous = None
            for when, status, note in history:
                self.add(
                    AgreementTransition(
                        agreement_id=agreement.id,
                        actor_id=self.users["organiser@demo.agora"].id,
                        from_status=previous,
                        to_status=status,
                        note=note,
                        created_at=when,
                    )
                )
                previous = status
        for org_name, role, signatory, signatory_title, signed_on in parties:
            self.get_or_create(
                AgreementParty,
                agreement_id=agreement.id,
                organisation_id=self.orgs[org_name].id,
                defaults={
                    "role": role,
                    "signatory_name": signatory,
                    "signatory_title": signatory_title,
                    "signed_on": signed_on,
                },
            )
        return agreement

    def commitment(self, agreement: Agreement, title: str, progress, **fields) -> Commitment:
        """Find or create a commitment, with its progress as ``(recorded on, value, note)``."""
        commitment, created = self.get_or_create(
            Commitment, agreement_id=agreement.id, title=title, defaults=fields
        )
        if created:
            for recorded_on, value, note in progress:
                self.add(
                    CommitmentProgress(
                        commitment_id=commitment.id,
                        recorded_on=recorded_on,
                        value=Decimal(value),
                        note=note,
                        recorded_by_id=self.users["organiser@demo.agora"].id,
                        created_at=datetime.combine(recorded_on, datetime.min.time(), UTC)
                        + timedelta(hours=10),
                    )
                )
        return commitment

    # -- thinklabs ------------------------------------------------------------------

    def thinklab(self, slug: str, **fields) -> Thinklab:
        thinklab, _ = self.get_or_create(Thinklab, slug=slug, defaults=fields)
        return thinklab

    def member(self, thinklab: Thinklab, name: str, org_name: str | None, category, **fields):
        self.get_or_create(
            ThinklabMember,
            thinklab_id=thinklab.id,
            name=name,
            defaults={
                "organisation_id": self.orgs[org_name].id if org_name else None,
                "category": category,
                **fields,
            },
        )
