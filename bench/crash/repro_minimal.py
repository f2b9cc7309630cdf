"""The smallest known reproduction: load a large programme and render it, in a loop.

No HTTP, no test client, no request routing: one app and request context per loop,
``programme_sessions`` (the ORM load with its eager loads), the programme template,
then ``db.session.remove()``. The garbage collector runs on its own, with low
thresholds so that it runs often and the crash comes within a few loads. Under Python
3.11 the process dies of SIGSEGV, in the middle of a load, also with SQLAlchemy's and
MarkupSafe's compiled extensions absent (see README.md); under 3.12 and 3.13 it ends
normally.

    python3.11 -X faulthandler bench/crash/repro_minimal.py --database /tmp/bench.sqlite3

The database must already hold ``flask bench-data --sessions 2000``, built by another
process (``repro_app.py`` builds one when the file is missing).
"""

import argparse
import gc
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", type=Path, required=True, help="SQLite file")
    parser.add_argument("--slug", default="bench2000")
    parser.add_argument("--loads", type=int, default=40)
    parser.add_argument("--gc-threshold", default="100,2,2")
    parser.add_argument(
        "--no-render", action="store_true", help="load only (does not crash in 60 loads)"
    )
    parser.add_argument("--pure-markupsafe", action="store_true", help="block markupsafe._speedups")
    args = parser.parse_args()
    if args.pure_markupsafe:
        sys.modules["markupsafe._speedups"] = None
    gc.set_threshold(*(int(value) for value in args.gc_threshold.split(",")))

    sys.path.insert(0, str(ROOT))
    from flask import render_template
    from flask_login import current_user

    from app import create_app
    from app.extensions import db
    from app.program import services
    from app.program.routes import zone_groups
    from config import DevelopmentConfig

    config = type(
        "ReproConfig",
        (DevelopmentConfig,),
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{args.database.resolve()}"},
    )
    app = create_app(config)
    print(f"Python {sys.version.split()[0]}, gc thresholds {gc.get_threshold()}", flush=True)
    started = time.perf_counter()
    for number in range(args.loads):
        with app.test_request_context(f"/editions/{args.slug}/programme"):
            edition = services.edition_by_slug(args.slug)
            sessions = services.programme_sessions(edition)
            size = len(sessions)
            if not args.no_render:
                options = services.filter_options(edition)
                parsed = services.parse_programme_query({}, options)
                size = len(
                    render_template(
                        "program/programme.html",
                        edition=edition,
                        options=options,
                        parsed=parsed,
                        filters=parsed.filters,
                        zone=parsed.zone,
                        sessions=sessions,
                        grid=services.build_grid(sessions) if number % 2 == 0 else None,
                        days=services.group_by_day(sessions) if number % 2 else None,
                        programme_url=lambda **changes: "#",
                        zone_groups=zone_groups(),
                        starred=services.starred_session_ids(current_user, edition),
                    )
                )
            del sessions
            db.session.remove()
        elapsed = time.perf_counter() - started
        print(f"{number + 1:3} {size:9} {elapsed:6.1f}s", flush=True)
    print(f"{args.loads} loads, no crash", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
