"""Benchmark of an edition's calendar feed and schedule exports on the shared dataset.

Loads ``make_dataset.py --talks N`` (rooms, tracks, speakers, talks) into a fresh SQLite
database (a temporary file) as one published edition with one venue, then requests
``calendar.ics``, ``schedule.xml`` and ``schedule.json`` through the test client and
reports the time of a cold build (empty feed cache), of a cached answer, of a 304, and
the number of SQL statements of the cold build.

    .venv/bin/python bench/feeds.py                    # 100, 500 and 2000 talks
    .venv/bin/python bench/feeds.py --talks 2000 --repeat 5
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATASET_SCRIPTS = (ROOT.parent / "shared" / "bench" / "make_dataset.py",)
KINDS = {"Talk": "talk", "Long Talk": "talk", "Lightning Talk": "talk", "Workshop": "workshop"}
EXPORTS = ("calendar.ics", "schedule.xml", "schedule.json")


def make_dataset(talks: int, folder: Path) -> dict:
    script = next((path for path in DATASET_SCRIPTS if path.is_file()), None)
    if script is None:
        sys.exit("make_dataset.py not found: shared/ must sit beside the project")
    out = folder / f"dataset-{talks}.json"
    subprocess.run(
        [sys.executable, str(script), "--talks", str(talks), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return json.loads(out.read_text())


def load(data: dict) -> str:
    from app.extensions import db
    from app.models import (
        ConferenceSession,
        Edition,
        EditionFormat,
        EditionStatus,
        Room,
        Series,
        SessionKind,
        SessionSpeaker,
        SessionStatus,
        Speaker,
        Track,
        Venue,
    )

    event = data["event"]
    series = Series(slug=f"{event['slug']}-series", name=event["name"])
    edition = Edition(
        series=series,
        slug=event["slug"],
        number=1,
        year=int(event["date_from"][:4]),
        title=event["name"],
        format=EditionFormat.CONFERENCE,
        timezone=event["timezone"],
        start_date=date.fromisoformat(event["date_from"]),
        end_date=date.fromisoformat(event["date_to"]),
        status=EditionStatus.PUBLISHED,
    )
    venue = Venue(edition=edition, name="Venue", town="Town")
    rooms = {
        r["id"]: Room(venue=venue, name=r["name"], capacity=r["capacity"]) for r in data["rooms"]
    }
    tracks = {
        t["id"]: Track(edition=edition, name=t["name"], colour=t["color"], position=t["position"])
        for t in data["tracks"]
    }
    kinds = {t["id"]: SessionKind(KINDS.get(t["name"], "talk")) for t in data["submission_types"]}
    speakers = {s["id"]: Speaker(name=s["name"], bio=s["biography"]) for s in data["speakers"]}
    db.session.add_all([series, edition, venue, *rooms.values(), *tracks.values()])
    db.session.add_all(speakers.values())
    for talk in data["talks"]:
        if not talk.get("start"):
            continue
        session_ = ConferenceSession(
            edition=edition,
            kind=kinds[talk["submission_type"]],
            title=talk["title"],
            abstract=talk["abstract"],
            track=tracks.get(talk["track"]),
            room=rooms[talk["room"]],
            status=SessionStatus.CONFIRMED,
        )
        session_.set_times(
            datetime.fromisoformat(talk["start"]),
            datetime.fromisoformat(talk["end"]),
            event["timezone"],
        )
        for position, speaker_id in enumerate(talk["speakers"]):
            session_.speakers.append(
                SessionSpeaker(speaker=speakers[speaker_id], position=position)
            )
        db.session.add(session_)
    db.session.commit()
    return edition.slug


def measure(app, slug: str, export: str, repeat: int) -> dict:
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from app.calendars.services import feed_cache

    client = app.test_client()
    url = f"/editions/{slug}/{export}"
    statements = []

    def count(*_args):
        statements.append(1)

    cold = []
    for _ in range(repeat):
        feed_cache.clear()
        statements.clear()
        event.listen(Engine, "before_cursor_execute", count)
        started = time.perf_counter()
        response = client.get(url)
        cold.append((time.perf_counter() - started) * 1000)
        event.remove(Engine, "before_cursor_execute", count)
        assert response.status_code == 200, (url, response.status_code)
    queries = len(statements)
    size = len(response.data)
    etag = response.headers["ETag"]
    started = time.perf_counter()
    client.get(url)
    cached = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    not_modified = client.get(url, headers={"If-None-Match": etag})
    assert not_modified.status_code == 304
    conditional = (time.perf_counter() - started) * 1000
    return {
        "export": export,
        "queries": queries,
        "kb": size / 1024,
        "cold_best": min(cold),
        "cold_median": statistics.median(cold),
        "cached": cached,
        "not_modified": conditional,
    }


def run(talks: int, repeat: int, folder: Path) -> list[dict]:
    from app import create_app
    from app.extensions import db
    from config import TestingConfig

    data = make_dataset(talks, folder)

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"sqlite:///{folder / f'feeds-{talks}.sqlite3'}"

    app = create_app(BenchConfig)
    with app.app_context():
        db.create_all()
        slug = load(data)
        sessions = len([t for t in data["talks"] if t.get("start")])
    return [{"sessions": sessions, **measure(app, slug, e, repeat)} for e in EXPORTS]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, action="append")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = args.talks or [100, 500, 2000]
    print(
        "| sessions | export        | SQL statements |    KiB | cold best ms | cold median ms "
        "| cached ms | 304 ms |"
    )
    print(
        "| -------: | ------------- | -------------: | -----: | -----------: | -------------: "
        "| --------: | -----: |"
    )
    with tempfile.TemporaryDirectory() as folder:
        for talks in sizes:
            for row in run(talks, args.repeat, Path(folder)):
                print(
                    f"| {row['sessions']:8,} | {row['export']:13} | {row['queries']:14} "
                    f"| {row['kb']:6.0f} | {row['cold_best']:12.1f} | {row['cold_median']:14.1f} "
                    f"| {row['cached']:9.1f} | {row['not_modified']:6.1f} |"
                )


if __name__ == "__main__":
    main()
