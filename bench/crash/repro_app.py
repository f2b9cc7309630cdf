"""Request a large programme's pages again and again through Agora's app, garbage collector on.

Under Python 3.11 this process dies of SIGSEGV (exit status -11 / 139) after some tens
of requests; under 3.12 and 3.13 every answer is 200. The database must have been
built by another process: this script builds it in two child processes
(``flask db upgrade``, then ``flask bench-data``) when the file does not exist yet.

    .venv/bin/python bench/crash/repro_app.py --database /tmp/bench.sqlite3
    /tmp/venv311/bin/python -X faulthandler bench/crash/repro_app.py --database /tmp/bench.sqlite3

Each round asks for the programme grid and list, a speaker's page, a session's page,
``calendar.ics``, ``schedule.xml`` and ``schedule.json``. The exit status is 0 when
every answer was 200, 1 when one was not, and the signal's (negative) number when the
interpreter crashed.
"""

import argparse
import gc
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def build_database(path: Path, sessions: int) -> None:
    """Create the schema and the benchmark edition in ``path``, in other processes."""
    environment = {
        **os.environ,
        "AGORA_ENV": "development",
        "DATABASE_URL": f"sqlite:///{path}",
        "FLASK_APP": "wsgi",
    }
    for arguments in (["db", "upgrade"], ["bench-data", "--sessions", str(sessions)]):
        subprocess.run(
            [sys.executable, "-m", "flask", *arguments],
            cwd=ROOT,
            env=environment,
            check=True,
            capture_output=True,
        )


def page_addresses(app, slug: str) -> list[str]:
    """The addresses of one round: programme views, a speaker, a session and the exports."""
    from sqlalchemy import select

    from app.extensions import db
    from app.models import ConferenceSession, Edition, SessionSpeaker

    with app.app_context():
        edition_id = db.session.scalar(select(Edition.id).where(Edition.slug == slug))
        session_id, speaker_id = db.session.execute(
            select(ConferenceSession.id, SessionSpeaker.speaker_id)
            .join(SessionSpeaker)
            .where(ConferenceSession.edition_id == edition_id)
            .order_by(ConferenceSession.starts_at, ConferenceSession.id)
            .limit(1)
        ).one()
        db.session.remove()
    return [
        f"/editions/{slug}/programme?view=grid",
        f"/editions/{slug}/programme?view=list",
        f"/speakers/{speaker_id}",
        f"/sessions/{session_id}",
        f"/editions/{slug}/calendar.ics",
        f"/editions/{slug}/schedule.xml",
        f"/editions/{slug}/schedule.json",
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="SQLite file")
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=20, help="rounds of seven requests")
    parser.add_argument(
        "--gc-threshold",
        help="generation thresholds, such as 100,2,2 (crashes sooner); default: Python's",
    )
    parser.add_argument("--quiet", action="store_true", help="print one line a round")
    args = parser.parse_args()

    database = args.database.resolve()
    if not database.exists():
        build_database(database, args.sessions)
    if args.gc_threshold:
        gc.set_threshold(*(int(value) for value in args.gc_threshold.split(",")))

    sys.path.insert(0, str(ROOT))
    from app import create_app
    from app.benchdata import bench_slug
    from config import DevelopmentConfig

    config = type(
        "ReproConfig",
        (DevelopmentConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}", "RATELIMIT_ENABLED": False},
    )
    app = create_app(config)
    # The programme kept per data version would spare every request after the first its
    # load and render; the crash needs both, so each programme request renders again.
    from app.program.routes import page_cache

    addresses = page_addresses(app, bench_slug(args.sessions))
    client = app.test_client()
    print(f"Python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}", flush=True)
    started = time.perf_counter()
    failures = 0
    total = args.rounds * len(addresses)
    for number in range(total):
        address = addresses[number % len(addresses)]
        page_cache.clear()
        response = client.get(address)
        if response.status_code != 200:
            failures += 1
        elapsed = time.perf_counter() - started
        if not args.quiet or response.status_code != 200:
            print(f"{number + 1:4} {response.status_code} {elapsed:6.1f}s {address}", flush=True)
        elif (number + 1) % len(addresses) == 0:
            print(f"{number + 1:4} requests answered, {elapsed:6.1f}s", flush=True)
    elapsed = time.perf_counter() - started
    print(f"{total} requests, {failures} not 200, {elapsed:.1f}s", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
