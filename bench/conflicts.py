"""Benchmark of the whole-edition conflict check on the shared benchmark dataset.

Loads the dataset of ``make_dataset.py --talks N`` (rooms, tracks, speakers, talks) into
a fresh database as one edition with one venue, then times ``edition_conflicts``.

    .venv/bin/python bench/conflicts.py --talks 100 --talks 500 --talks 2000
    .venv/bin/python bench/conflicts.py --talks 2000 --postgres postgresql://postgres@127.0.0.1:5432/agora_bench

SQLite runs in a temporary file; PostgreSQL runs when ``--postgres`` is given or the
default address answers (its schema is dropped and created again: use a scratch database).
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

DATASET_SCRIPT = ROOT.parent / "shared" / "bench" / "make_dataset.py"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/agora_bench"


def make_dataset(talks: int, folder: Path) -> dict:
    out = folder / f"dataset-{talks}.json"
    subprocess.run(
        [sys.executable, str(DATASET_SCRIPT), "--talks", str(talks), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    return json.loads(out.read_text())


def load(data: dict):
    """Add the dataset as one edition; return it."""
    from app.extensions import db
    from app.models import (
        ConferenceSession,
        Edition,
        EditionFormat,
        Room,
        Series,
        SessionKind,
        SessionSpeaker,
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
    )
    venue = Venue(edition=edition, name="Venue", town="Bench town")
    rooms = {
        r["id"]: Room(venue=venue, name=r["name"], capacity=r["capacity"]) for r in data["rooms"]
    }
    tracks = {
        t["id"]: Track(edition=edition, name=t["name"], colour=t["color"], position=t["position"])
        for t in data["tracks"]
    }
    speakers = {s["id"]: Speaker(name=s["name"], email=s["email"]) for s in data["speakers"]}
    kinds = [SessionKind.TALK, SessionKind.KEYNOTE, SessionKind.TALK, SessionKind.WORKSHOP]
    db.session.add_all([series, edition, venue, *rooms.values(), *tracks.values()])
    db.session.add_all(speakers.values())
    for talk in data["talks"]:
        session_ = ConferenceSession(
            edition=edition,
            kind=kinds[(talk["submission_type"] - 1) % len(kinds)],
            title=talk["title"],
            abstract=talk["abstract"],
            track=tracks.get(talk["track"]),
            room=rooms[talk["room"]],
            venue=venue,
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
    return edition


def run(url: str, sizes: list[int], repeat: int, folder: Path) -> list[tuple]:
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db
    from app.program.queries import edition_conflicts
    from config import TestingConfig, _database_url

    class BenchConfig(TestingConfig):
        SQLALCHEMY_DATABASE_URI = _database_url(url)

    app = create_app(BenchConfig)
    rows = []
    for size in sizes:
        with app.app_context():
            if db.engine.dialect.name == "postgresql":
                with db.engine.begin() as connection:
                    connection.execute(text("DROP SCHEMA public CASCADE"))
                    connection.execute(text("CREATE SCHEMA public"))
            else:
                db.drop_all()
            db.create_all()
            data = make_dataset(size, folder)
            edition = load(data)
            timings = []
            for _ in range(repeat):
                db.session.expire_all()
                started = time.perf_counter()
                found = edition_conflicts(edition)
                timings.append(time.perf_counter() - started)
            rows.append(
                (db.engine.dialect.name, size, len(found), min(timings), statistics.median(timings))
            )
            db.session.remove()
            db.engine.dispose()
    return rows


def postgres_answers(url: str) -> bool:
    from sqlalchemy import create_engine, text

    from config import _database_url

    engine = create_engine(_database_url(url), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception as error:
        print(f"PostgreSQL not reachable at {url}: {str(error).splitlines()[0]}")
        return False
    finally:
        engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--talks", type=int, action="append", help="dataset size (repeatable)")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="'' to skip PostgreSQL")
    args = parser.parse_args()
    sizes = args.talks or [100, 500, 2000]
    results = []
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        results += run(f"sqlite:///{folder / 'bench.sqlite3'}", sizes, args.repeat, folder)
        if args.postgres and postgres_answers(args.postgres):
            results += run(args.postgres, sizes, args.repeat, folder)
    print(f"{'database':<11}{'sessions':>9}{'conflicts':>10}{'best ms':>10}{'median ms':>11}")
    for dialect, size, count, best, median in results:
        print(f"{dialect:<11}{size:>9}{count:>10}{best * 1000:>10.1f}{median * 1000:>11.1f}")


if __name__ == "__main__":
    main()
