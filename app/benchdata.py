"""A large published edition for benchmarks, built from the shared benchmark dataset.

``flask bench-data --sessions N`` loads ``make_dataset.py --talks N`` (rooms, tracks,
speakers, talks and their schedule) as one published edition of one venue, and adds
what the dataset does not describe, drawn from a generator seeded by ``--seed``:
organisations, showcases in every state with their history, ten registered attendees
per session who starred some sessions, and a thinklab that meets every week.

Rows are written with bulk inserts, so thousands of sessions and tens of thousands of
registrations take seconds. The same N and seed give the same data; a second run finds
the edition and creates nothing.
"""

import importlib.util
import logging
import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import ModuleType

from sqlalchemy import func, insert, select

from app.auth.services import hash_password
from app.extensions import db
from app.models import (
    AgendaEntry,
    ConferenceSession,
    Edition,
    EditionFormat,
    EditionStatus,
    InvitationStatus,
    MeetingMode,
    MemberRole,
    Organisation,
    OrganisationKind,
    Registration,
    Room,
    Series,
    SessionKind,
    SessionShowcase,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseKind,
    ShowcaseStatus,
    ShowcaseTransition,
    Speaker,
    SpeakerRole,
    StakeholderCategory,
    Thinklab,
    ThinklabMember,
    Track,
    User,
    Venue,
)
from app.timezones import local_to_utc

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parent.parent
DATASET_SCRIPT = ROOT.parent / "shared" / "bench" / "make_dataset.py"
DEFAULT_SEED = 42
ATTENDEES_PER_SESSION = 10
PAST = datetime(2026, 1, 1, tzinfo=UTC)
# Every attendee's password: the accounts exist to load pages, never in production.
ATTENDEE_PASSWORD = "agora-bench-2026"
# The dataset's submission types, as session kinds; a lightning talk presents a showcase.
KINDS = {
    "Talk": SessionKind.TALK,
    "Long Talk": SessionKind.TALK,
    "Lightning Talk": SessionKind.SHOWCASE_SLOT,
    "Workshop": SessionKind.WORKSHOP,
}
# The path of statuses that leads a showcase to each state (the last is its state).
SHOWCASE_PATHS = {
    ShowcaseStatus.DRAFT: (),
    ShowcaseStatus.SUBMITTED: (ShowcaseStatus.SUBMITTED,),
    ShowcaseStatus.UNDER_REVIEW: (ShowcaseStatus.SUBMITTED, ShowcaseStatus.UNDER_REVIEW),
    ShowcaseStatus.ACCEPTED: (
        ShowcaseStatus.SUBMITTED,
        ShowcaseStatus.UNDER_REVIEW,
        ShowcaseStatus.ACCEPTED,
    ),
    ShowcaseStatus.WAITLISTED: (
        ShowcaseStatus.SUBMITTED,
        ShowcaseStatus.UNDER_REVIEW,
        ShowcaseStatus.WAITLISTED,
    ),
    ShowcaseStatus.REJECTED: (
        ShowcaseStatus.SUBMITTED,
        ShowcaseStatus.UNDER_REVIEW,
        ShowcaseStatus.REJECTED,
    ),
    ShowcaseStatus.WITHDRAWN: (ShowcaseStatus.SUBMITTED, ShowcaseStatus.WITHDRAWN),
}
ORGANISATION_KINDS = (
    OrganisationKind.STARTUP,
    OrganisationKind.COMPANY,
    OrganisationKind.INNOVATOR,
    OrganisationKind.CITY,
    OrganisationKind.UNIVERSITY,
    OrganisationKind.RESEARCH_LAB,
)
THINKLAB_CATEGORIES = (
    StakeholderCategory.PUBLIC_INSTITUTION,
    StakeholderCategory.CITY,
    StakeholderCategory.PRIVATE_COMPANY,
    StakeholderCategory.STARTUP,
    StakeholderCategory.RESEARCH_LAB,
    StakeholderCategory.UNIVERSITY,
)


class BenchDataError(Exception):
    """The benchmark edition cannot be built (no dataset, or a different one in the way)."""


@dataclass
class BenchResult:
    """What ``build_bench_edition`` did: the edition's slug and the rows it created."""

    slug: str
    created: dict[str, int] = field(default_factory=dict)

    @property
    def address(self) -> str:
        return f"/editions/{self.slug}"


def load_dataset_module(script: Path | None = None) -> ModuleType:
    """Import the shared dataset generator (by default the one beside the project).

    :raises BenchDataError: if the script is not there.
    """
    script = script or DATASET_SCRIPT
    if not script.is_file():
        raise BenchDataError(
            f"The benchmark dataset generator is missing: {script} "
            "(the shared/ folder must sit beside the project)."
        )
    spec = importlib.util.spec_from_file_location("agora_bench_make_dataset", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench_slug(sessions: int, seed: int = DEFAULT_SEED) -> str:
    """Return the slug of the benchmark edition with ``sessions`` sessions."""
    return f"bench{sessions}" if seed == DEFAULT_SEED else f"bench{sessions}-seed{seed}"


def build_bench_edition(sessions: int, seed: int = DEFAULT_SEED) -> BenchResult:
    """Add the benchmark edition of ``sessions`` sessions, or find it already there.

    Flushes and does not commit: the caller owns the transaction.

    :param sessions: the number of sessions (the dataset's talks).
    :param seed: the seed of the dataset and of everything added to it.
    :raises BenchDataError: if the dataset generator is missing, or an edition with the
        same slug exists with another number of sessions.
    """
    if sessions < 1:
        raise BenchDataError("The benchmark edition needs at least one session.")
    slug = bench_slug(sessions, seed)
    existing = db.session.scalar(select(Edition).where(Edition.slug == slug))
    if existing is not None:
        count = db.session.scalar(
            select(func.count(ConferenceSession.id)).where(
                ConferenceSession.edition_id == existing.id
            )
        )
        if count != sessions:
            raise BenchDataError(
                f"Edition {slug} already exists with {count} sessions, not {sessions}: "
                "delete it or use another database."
            )
        return BenchResult(slug=slug)
    data = load_dataset_module().build(sessions, seed)
    data["event"]["slug"] = slug
    return BenchResult(slug=slug, created=_Builder(data, random.Random(f"agora-{slug}")).run())


class _Builder:
    """One build: the dataset, a seeded generator, and the ids of the rows written."""

    def __init__(self, data: dict, rng: random.Random):
        self.data = data
        self.rng = rng
        self.event = data["event"]
        self.zone = self.event["timezone"]
        self.slug = self.event["slug"]
        self.first_day = date.fromisoformat(self.event["date_from"])
        self.created: dict[str, int] = {}
        # A fixed instant, so two builds write the same timestamps. It lies in the past:
        # the feeds' data versions take the latest change, and a row stamped in the
        # future would hide every real edit made before that date.
        self.now = min(
            datetime.combine(self.first_day - timedelta(days=30), datetime.min.time(), UTC),
            PAST,
        )

    def run(self) -> dict[str, int]:
        self._edition()
        self._organisations_and_submitters()
        self._showcases()
        self._speakers()
        self._sessions()
        self._attendees()
        self._thinklab()
        return self.created

    def _insert(self, model, rows: list[dict], *, ids: bool = True) -> list[int]:
        """Insert ``rows`` in bulk; return their ids in the rows' order when ``ids``."""
        self.created[model.__tablename__] = self.created.get(model.__tablename__, 0) + len(rows)
        if not rows:
            return []
        if not ids:
            # Without RETURNING the driver sends the rows as one executemany.
            db.session.execute(insert(model), rows)
            return []
        return list(
            db.session.scalars(
                insert(model).returning(model.id, sort_by_parameter_order=True), rows
            )
        )

    def _edition(self) -> None:
        event = self.event
        series = Series(slug=f"{self.slug}-series", name=event["name"])
        last_day = date.fromisoformat(event["date_to"])
        edition = Edition(
            series=series,
            slug=self.slug,
            number=1,
            year=self.first_day.year,
            title=event["name"],
            theme="Benchmark edition",
            format=EditionFormat.CONFERENCE,
            timezone=self.zone,
            start_date=self.first_day,
            end_date=last_day,
            status=EditionStatus.PUBLISHED,
            published_at=self.now,
            programme_published_at=self.now + timedelta(days=7),
        )
        venue = Venue(edition=edition, name=f"{event['name']} venue", town="Berlin")
        db.session.add_all([series, edition, venue])
        db.session.flush()
        self.edition_id, self.venue_id = edition.id, venue.id
        self.created.update(series=1, editions=1, venues=1)
        self.room_ids = dict(
            zip(
                (room["id"] for room in self.data["rooms"]),
                self._insert(
                    Room,
                    [
                        {"venue_id": venue.id, "name": room["name"], "capacity": room["capacity"]}
                        for room in self.data["rooms"]
                    ],
                ),
                strict=True,
            )
        )
        self.track_ids = dict(
            zip(
                (track["id"] for track in self.data["tracks"]),
                self._insert(
                    Track,
                    [
                        {
                            "edition_id": edition.id,
                            "name": track["name"],
                            "colour": track["color"],
                            "position": track["position"],
                        }
                        for track in self.data["tracks"]
                    ],
                ),
                strict=True,
            )
        )

    def _organisations_and_submitters(self) -> None:
        count = max(2 * len(THINKLAB_CATEGORIES), len(self.data["talks"]) // 10)
        self.organisation_ids = self._insert(
            Organisation,
            [
                {
                    "name": f"{self.slug} organisation {number:05d}",
                    "kind": ORGANISATION_KINDS[number % len(ORGANISATION_KINDS)],
                    "country": "DE",
                    "city": "Berlin",
                }
                for number in range(1, count + 1)
            ],
        )
        self.password_hash = hash_password(ATTENDEE_PASSWORD)
        self.submitter_ids = self._insert(
            User,
            [
                {
                    "email": f"submitter{number:05d}@{self.slug}.bench.agora",
                    "password_hash": self.password_hash,
                    "display_name": f"Submitter {number}",
                    "locale": "en",
                    "organisation_id": organisation_id,
                    "email_confirmed_at": self.now,
                }
                for number, organisation_id in enumerate(self.organisation_ids, start=1)
            ],
        )

    def _showcases(self) -> None:
        """Showcases in every state, round the states in turn, each with its history."""
        states = list(SHOWCASE_PATHS)
        count = max(len(states), len(self.data["talks"]) // 4)
        track_ids = list(self.track_ids.values())
        kinds = list(ShowcaseKind)
        rows, statuses = [], []
        for number in range(count):
            status = states[number % len(states)]
            owner = number % len(self.organisation_ids)
            submitted = status is not ShowcaseStatus.DRAFT
            decided = status in (
                ShowcaseStatus.ACCEPTED,
                ShowcaseStatus.WAITLISTED,
                ShowcaseStatus.REJECTED,
            )
            statuses.append(status)
            rows.append(
                {
                    "edition_id": self.edition_id,
                    "organisation_id": self.organisation_ids[owner],
                    "submitted_by_id": self.submitter_ids[owner],
                    "track_id": self.rng.choice(track_ids),
                    "title": f"Showcase {number + 1}: {self._words(3)}",
                    "summary": self._words(30),
                    "kind": self.rng.choice(kinds),
                    "status": status,
                    "submitted_at": self.now - timedelta(days=20) if submitted else None,
                    "decided_at": self.now if decided else None,
                    "decision_released_at": self.now + timedelta(days=7) if decided else None,
                    "created_at": self.now - timedelta(days=25),
                    "updated_at": self.now,
                }
            )
        ids = self._insert(Showcase, rows)
        transitions = []
        for showcase_id, status, row in zip(ids, statuses, rows, strict=True):
            previous = ShowcaseStatus.DRAFT
            for step, to_status in enumerate(SHOWCASE_PATHS[status]):
                transitions.append(
                    {
                        "showcase_id": showcase_id,
                        "actor_id": row["submitted_by_id"],
                        "from_status": previous,
                        "to_status": to_status,
                        "note": "",
                        "created_at": self.now - timedelta(days=20 - 5 * step),
                    }
                )
                previous = to_status
        self._insert(ShowcaseTransition, transitions, ids=False)
        self.accepted_showcase_ids = [
            showcase_id
            for showcase_id, status in zip(ids, statuses, strict=True)
            if status is ShowcaseStatus.ACCEPTED
        ]

    def _speakers(self) -> None:
        categories = list(StakeholderCategory)
        speakers = self.data["speakers"]
        self.speaker_ids = dict(
            zip(
                (speaker["id"] for speaker in speakers),
                self._insert(
                    Speaker,
                    [
                        {
                            "name": speaker["name"],
                            "email": speaker["email"].replace("example.org", "bench.agora"),
                            "bio": speaker["biography"],
                            "organisation_id": (
                                self.rng.choice(self.organisation_ids)
                                if self.rng.random() < 0.6
                                else None
                            ),
                            "category": self.rng.choice(categories),
                            "created_at": self.now,
                        }
                        for speaker in speakers
                    ],
                ),
                strict=True,
            )
        )

    def _sessions(self) -> None:
        kinds = {
            kind["id"]: KINDS.get(kind["name"], SessionKind.TALK)
            for kind in self.data["submission_types"]
        }
        rows, talks = [], []
        for talk in self.data["talks"]:
            starts_local = datetime.fromisoformat(talk["start"])
            ends_local = datetime.fromisoformat(talk["end"])
            draw = self.rng.random()
            status = (
                SessionStatus.CANCELLED
                if draw < 0.03
                else SessionStatus.TENTATIVE
                if draw < 0.1
                else SessionStatus.CONFIRMED
            )
            kind = kinds[talk["submission_type"]]
            if kind is SessionKind.TALK and len(talk["speakers"]) == 3:
                kind = SessionKind.PANEL
            rows.append(
                {
                    "edition_id": self.edition_id,
                    "kind": kind,
                    "title": talk["title"],
                    "abstract": talk["abstract"],
                    "track_id": self.track_ids.get(talk["track"]),
                    "venue_id": None,
                    "room_id": self.room_ids[talk["room"]],
                    "status": status,
                    "timezone": self.zone,
                    "starts_local": starts_local,
                    "ends_local": ends_local,
                    "starts_at": local_to_utc(starts_local, self.zone),
                    "ends_at": local_to_utc(ends_local, self.zone),
                    "created_at": self.now,
                    "updated_at": self.now,
                }
            )
            talks.append((talk, kind))
        self.session_ids = self._insert(ConferenceSession, rows)
        speakers, showcases = [], []
        showcase_turn = 0
        for session_id, (talk, kind) in zip(self.session_ids, talks, strict=True):
            for position, speaker_id in enumerate(talk["speakers"]):
                role = SpeakerRole.SPEAKER
                if kind is SessionKind.PANEL:
                    role = SpeakerRole.MODERATOR if position == 0 else SpeakerRole.PANELLIST
                speakers.append(
                    {
                        "session_id": session_id,
                        "speaker_id": self.speaker_ids[speaker_id],
                        "role": role,
                        "position": position,
                        "invitation": InvitationStatus.CONFIRMED,
                        "responded_at": self.now,
                    }
                )
            if kind is SessionKind.SHOWCASE_SLOT and self.accepted_showcase_ids:
                showcase_id = self.accepted_showcase_ids[
                    showcase_turn % len(self.accepted_showcase_ids)
                ]
                showcase_turn += 1
                showcases.append(
                    {"session_id": session_id, "showcase_id": showcase_id, "position": 0}
                )
        self._insert(SessionSpeaker, speakers, ids=False)
        self._insert(SessionShowcase, showcases, ids=False)

    def _attendees(self) -> None:
        """Ten registered attendees per session, each with two to six starred sessions."""
        count = ATTENDEES_PER_SESSION * len(self.session_ids)
        user_ids = self._insert(
            User,
            [
                {
                    "email": f"attendee{number:06d}@{self.slug}.bench.agora",
                    "password_hash": self.password_hash,
                    "display_name": f"Attendee {number}",
                    "locale": "fr" if number % 3 == 0 else "en",
                    "email_confirmed_at": self.now,
                    "created_at": self.now,
                }
                for number in range(1, count + 1)
            ],
        )
        self._insert(
            Registration,
            [
                {"user_id": user_id, "edition_id": self.edition_id, "created_at": self.now}
                for user_id in user_ids
            ],
            ids=False,
        )
        stars = self.rng.choices(range(2, 7), k=len(user_ids))
        self._insert(
            AgendaEntry,
            [
                {"user_id": user_id, "session_id": session_id, "created_at": self.now}
                for user_id, number in zip(user_ids, stars, strict=True)
                for session_id in sorted(
                    self.rng.sample(self.session_ids, min(number, len(self.session_ids)))
                )
            ],
            ids=False,
        )

    def _thinklab(self) -> None:
        first_meeting = datetime.combine(
            self.first_day + timedelta(days=7), datetime.min.time()
        ).replace(hour=14)
        thinklab = Thinklab(
            slug=f"{self.slug}-thinklab",
            name=f"{self.event['name']} thinklab",
            description="A standing group that meets every week after the conference.",
            edition_id=self.edition_id,
            timezone=self.zone,
            first_meeting_local=first_meeting,
            meeting_minutes=90,
            rrule="FREQ=WEEKLY;BYDAY=MO;COUNT=26",
            meeting_mode=MeetingMode.ONLINE,
            online_url=f"https://meet.bench.agora/{self.slug}",
        )
        thinklab.refresh_instants()
        for number, category in enumerate(THINKLAB_CATEGORIES * 2):
            thinklab.members.append(
                ThinklabMember(
                    user_id=self.submitter_ids[number],
                    name=f"Member {number + 1}",
                    organisation_id=self.organisation_ids[number],
                    category=category,
                    role=MemberRole.CHAIR if number == 0 else MemberRole.MEMBER,
                )
            )
        db.session.add(thinklab)
        db.session.flush()
        self.created["thinklabs"] = 1
        self.created["thinklab_members"] = len(thinklab.members)

    def _words(self, count: int) -> str:
        words = self.rng.choices(WORDS, k=count)
        return " ".join(words).capitalize()


WORDS = (
    "mobility energy water waste housing transport governance data sensors citizens "
    "platform district lighting parking health education tourism budget participation "
    "network open resilient green digital services mapping twin metro coastal urban"
).split()
