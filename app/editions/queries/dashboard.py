"""The figures of an edition's dashboard: showcases, sessions, speakers, agreements, people."""

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.editions.queries.charts import Chart, bar_chart
from app.editions.queries.editions import day_label
from app.extensions import db
from app.models import (
    Agreement,
    AgreementStatus,
    ConferenceSession,
    Edition,
    InvitationStatus,
    Registration,
    RegistrationStatus,
    SessionSpeaker,
    SessionStatus,
    Showcase,
    ShowcaseStatus,
)

LOOSE_COLOUR = "#6b7380"  # the bar of showcases without an axis
SESSIONS_COLOUR = "#1f3f7a"


@dataclass
class Dashboard:
    showcase_statuses: list[ShowcaseStatus]
    showcases_by_axis: list[tuple[str, dict, int]]
    session_statuses: list[SessionStatus]
    sessions_by_day: list[tuple[date, dict, int]]
    speakers_confirmed: int
    speakers_total: int
    agreements_by_status: list[tuple[AgreementStatus, int]]
    registrations_by_status: list[tuple[RegistrationStatus, int]]
    registrations: int
    charts: list[Chart]


def _showcases_by_axis(edition: Edition) -> list[tuple[str, dict, int]]:
    """Rows ``(axis name, counts by status, total)``, then one for showcases off any axis."""
    tracks = {track.id: track for track in edition.tracks}
    by_axis: dict = defaultdict(Counter)
    for track_id, status, count in db.session.execute(
        select(Showcase.track_id, Showcase.status, func.count())
        .where(Showcase.edition_id == edition.id)
        .group_by(Showcase.track_id, Showcase.status)
    ):
        by_axis[track_id][status] += count
    rows = [
        (track.name, dict(by_axis.get(track.id, {})), sum(by_axis.get(track.id, {}).values()))
        for track in edition.tracks
    ]
    loose = Counter()
    for key in set(by_axis) - set(tracks):
        loose.update(by_axis[key])
    if loose:
        rows.append((_("No axis"), dict(loose), sum(loose.values())))
    return rows


def _sessions_by_day(edition: Edition) -> list[tuple[date, dict, int]]:
    """Rows ``(local day, counts by status, total)`` in day order."""
    by_day: dict = defaultdict(Counter)
    for starts_local, status in db.session.execute(
        select(ConferenceSession.starts_local, ConferenceSession.status).where(
            ConferenceSession.edition_id == edition.id
        )
    ):
        by_day[starts_local.date()][status] += 1
    return [(day, dict(by_day[day]), sum(by_day[day].values())) for day in sorted(by_day)]


def _speakers(edition: Edition) -> tuple[int, int]:
    """Return how many distinct speakers confirmed, and how many there are in all."""
    speaker_counts = dict(
        db.session.execute(
            select(SessionSpeaker.invitation, func.count(func.distinct(SessionSpeaker.speaker_id)))
            .join(ConferenceSession, SessionSpeaker.session_id == ConferenceSession.id)
            .where(ConferenceSession.edition_id == edition.id)
            .group_by(SessionSpeaker.invitation)
        ).all()
    )
    speakers_total = db.session.scalar(
        select(func.count(func.distinct(SessionSpeaker.speaker_id)))
        .join(ConferenceSession, SessionSpeaker.session_id == ConferenceSession.id)
        .where(ConferenceSession.edition_id == edition.id)
    )
    return speaker_counts.get(InvitationStatus.CONFIRMED, 0), speakers_total or 0


def _count_by_status(model, edition: Edition) -> dict:
    return dict(
        db.session.execute(
            select(model.status, func.count())
            .where(model.edition_id == edition.id)
            .group_by(model.status)
        ).all()
    )


def dashboard(edition: Edition) -> Dashboard:
    """Count an edition's showcases, sessions, speakers, agreements and registrations."""
    axis_rows = _showcases_by_axis(edition)
    day_rows = _sessions_by_day(edition)
    speakers_confirmed, speakers_total = _speakers(edition)
    agreements = _count_by_status(Agreement, edition)
    registrations = _count_by_status(Registration, edition)
    charts = [
        bar_chart(
            _("Showcases by axis"),
            [
                (name, total, tracks_colour)
                for (name, _counts, total), tracks_colour in zip(
                    axis_rows,
                    [track.colour for track in edition.tracks] + [LOOSE_COLOUR],
                    strict=False,
                )
            ],
        ),
        bar_chart(
            _("Sessions by day"),
            [(day_label(day), total, SESSIONS_COLOUR) for day, _counts, total in day_rows],
        ),
    ]
    return Dashboard(
        showcase_statuses=list(ShowcaseStatus),
        showcases_by_axis=axis_rows,
        session_statuses=list(SessionStatus),
        sessions_by_day=day_rows,
        speakers_confirmed=speakers_confirmed,
        speakers_total=speakers_total,
        agreements_by_status=[(status, agreements.get(status, 0)) for status in AgreementStatus],
        registrations_by_status=[
            (status, registrations.get(status, 0)) for status in RegistrationStatus
        ],
        registrations=registrations.get(RegistrationStatus.REGISTERED, 0),
        charts=charts,
    )
