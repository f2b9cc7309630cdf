"""``make load``: the production shape under a realistic audience, for a bounded time.

PostgreSQL (a scratch database, default ``agora_load``, dropped and built again with
``flask bench-data --sessions 2000``), a Redis server of its own on a free loopback port,
gunicorn with 2 workers and ``preload_app``, and locust headless on loopback playing
``bench/locustfile.py``. Reports requests per second, p50/p95/p99 and failures per
endpoint, worker restarts (must be 0) and each worker's memory at the end; writes
``bench/results/<date>-load.json`` and ``.md``; exits 1 on a failure or a restart.

    .venv/bin/python bench/load.py                     # 2,000 sessions, 90 s, 40 users
    .venv/bin/python bench/load.py --run-time 30 --users 20
"""

import argparse
import csv
import json
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from databases import ROOT, build, environment, fresh_postgres, postgres_answers

RESULTS = ROOT / "bench" / "results"
DEFAULT_URL = "postgresql://postgres@127.0.0.1:5432/agora_load"
ORGANISER = "organiser@load.bench.agora"
PASSWORD = "agora-bench-2026"
PUBLIC = (
    "programme (grid)",
    "programme (list)",
    "/sessions/<id>",
    "/speakers/<id>",
    "/editions/<slug>",
    "schedule.json",
    "/showcases?q=",
    "calendar.ics (poll)",
)
P99_TARGET_MS = 250
HEALTH = "/healthz"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for_workers(
    port: int, process: subprocess.Popen, log: Path, count: int, seconds: float = 60
) -> None:
    """Wait until gunicorn has booted ``count`` workers and the health check answers."""
    deadline = time.monotonic() + seconds
    while True:
        if process.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"gunicorn's {count} workers are not up after {seconds:.0f} s")
        if log.read_text().count("Booting worker with pid") >= count:
            try:
                # Asked as the TLS-terminating proxy asks (production redirects plain HTTP).
                asked = urllib.request.Request(
                    f"http://127.0.0.1:{port}{HEALTH}", headers={"X-Forwarded-Proto": "https"}
                )
                with urllib.request.urlopen(asked, timeout=5):
                    return
            except OSError:
                pass
        time.sleep(0.2)


def access_log(keep: Path | None) -> list[str]:
    """With ``--keep``, gunicorn logs each request with its worker and duration (µs)."""
    if keep is None:
        return []
    return ["--access-logfile", "-", "--access-logformat", "%(t)s %(p)s %(s)s %(D)s %(r)s"]


def wait_for_port(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{process.args[0]} stopped (exit {process.returncode})")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"nothing answers on port {port} after {seconds:.0f} s")


def plan(url: str, sessions: int, attendees: int, folder: Path) -> Path:
    """Write what the audience needs; give attendees feed tokens; add the organiser."""
    script = f"""
import json, secrets, sys
from sqlalchemy import func, select
from app import create_app
from app.auth.services import create_admin
from app.benchdata import ATTENDEE_PASSWORD, bench_slug
from app.extensions import db
from app.models import AgendaEntry, ConferenceSession, Edition, SessionSpeaker, User
app = create_app()
with app.app_context():
    slug = bench_slug({sessions})
    edition = db.session.scalar(select(Edition).where(Edition.slug == slug))
    sessions = list(db.session.scalars(select(ConferenceSession.id).where(
        ConferenceSession.edition_id == edition.id).order_by(ConferenceSession.id)))
    speakers = list(db.session.scalars(select(SessionSpeaker.speaker_id).where(
        SessionSpeaker.session_id.in_(sessions)).distinct().order_by(SessionSpeaker.speaker_id)))
    users = list(db.session.scalars(select(User).where(
        User.id.in_(select(AgendaEntry.user_id))).order_by(User.id).limit({attendees})))
    for user in users:
        user.calendar_token = secrets.token_urlsafe(32)
    create_admin(email="{ORGANISER}", display_name="Load organiser", password="{PASSWORD}")
    db.session.commit()
    json.dump({{
        "slug": slug, "day": edition.start_date.isoformat(), "sessions": sessions,
        "speakers": speakers, "organiser": "{ORGANISER}", "password": ATTENDEE_PASSWORD,
        "attendees": [{{"email": u.email, "token": u.calendar_token}} for u in users],
    }}, sys.stdout)
"""
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=environment(url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit("preparing the load plan failed")
    path = folder / "plan.json"
    path.write_text(done.stdout)
    return path


def worker_memory(master_pid: int) -> list[dict]:
    import psutil

    master = psutil.Process(master_pid)
    return [
        {"pid": child.pid, "rss_mib": round(child.memory_info().rss / 2**20, 1)}
        for child in master.children()
    ]


def read_stats(path: Path) -> list[dict]:
    rows = []
    with path.open() as stats:
        for row in csv.DictReader(stats):
            rows.append(
                {
                    "endpoint": row["Name"] if row["Type"] != "POST" else row["Name"],
                    "method": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": round(float(row["Requests/s"]), 2),
                    "p50_ms": _number(row["50%"]),
                    "p95_ms": _number(row["95%"]),
                    "p99_ms": _number(row["99%"]),
                    "max_ms": round(float(row["Max Response Time"]), 1),
                }
            )
    return rows


def _number(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def markdown(report: dict) -> str:
    lines = [
        f"# Load, {report['date']}",
        "",
        f"{report['shape']}; {report['users']} users for {report['run_time_s']} s.",
        "",
        "| endpoint | requests | req/s | p50 ms | p95 ms | p99 ms | failures |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["endpoints"]:
        lines.append(
            f"| {row['endpoint']} | {row['requests']:,} | {row['rps']:.1f} | {row['p50_ms']:.0f} "
            f"| {row['p95_ms']:.0f} | {row['p99_ms']:.0f} | {row['failures']} |"
        )
    memory = ", ".join(f"{w['rss_mib']:.0f} MiB" for w in report["workers"])
    lines += [
        "",
        f"Worker restarts: {report['worker_restarts']}. Workers' memory at the end: {memory}.",
        f"Public pages' worst p99: {report['public_worst_p99_ms']:.0f} ms "
        f"(target ≤ {P99_TARGET_MS} ms).",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=DEFAULT_URL, help="a scratch database")
    parser.add_argument("--sessions", type=int, default=2000)
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--spawn-rate", type=float, default=10)
    parser.add_argument("--run-time", type=int, default=90, help="seconds")
    parser.add_argument("--label", default="", help="added to the result files' name")
    parser.add_argument("--out", type=Path, default=RESULTS)
    parser.add_argument(
        "--keep",
        type=Path,
        help="a folder for locust's CSV files (per second too) and gunicorn's log",
    )
    args = parser.parse_args()
    why = postgres_answers(args.postgres)
    if why:
        raise SystemExit(f"make load needs PostgreSQL at {args.postgres}: {why}")
    redis_server = shutil.which("redis-server")
    if not redis_server:
        raise SystemExit("make load needs redis-server (Debian: apt-get install redis-server)")

    url = fresh_postgres(args.postgres)
    print(f"Building {args.sessions} sessions into {url} ...", flush=True)
    build(url, args.sessions)
    processes: list[subprocess.Popen] = []
    with tempfile.TemporaryDirectory(prefix="agora-load-") as folder:
        folder = Path(folder)
        plan_path = plan(url, args.sessions, attendees=50, folder=folder)
        try:
            redis_port = free_port()
            redis = subprocess.Popen(
                [
                    redis_server,
                    "--port",
                    str(redis_port),
                    "--bind",
                    "127.0.0.1",
                    "--save",
                    "",
                    "--appendonly",
                    "no",
                ],
                stdout=subprocess.DEVNULL,
            )
            processes.append(redis)
            wait_for_port(redis_port, redis)
            port = free_port()
            server_env = environment(
                url,
                AGORA_ENV="production",
                SECRET_KEY=secrets.token_hex(32),
                REDIS_URL=f"redis://127.0.0.1:{redis_port}/0",
                AGORA_BASE_URL=f"https://127.0.0.1:{port}",
            )
            log = (folder / "gunicorn.log").open("w")
            gunicorn = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--workers",
                    "2",
                    "--preload",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--error-logfile",
                    "-",
                    *access_log(args.keep),
                    "wsgi:app",
                ],
                cwd=ROOT,
                env=server_env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
            processes.append(gunicorn)
            wait_for_port(port, gunicorn)
            # The master listens before it warms up and forks: the audience starts once
            # both workers answer, as behind a load balancer that checks their health.
            wait_for_workers(port, gunicorn, folder / "gunicorn.log", count=2)
            print(f"gunicorn on 127.0.0.1:{port}; locust for {args.run_time} s ...", flush=True)
            locust = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "locust",
                    "-f",
                    str(ROOT / "bench" / "locustfile.py"),
                    "--headless",
                    "--users",
                    str(args.users),
                    "--spawn-rate",
                    str(args.spawn_rate),
                    "--run-time",
                    f"{args.run_time}s",
                    "--stop-timeout",
                    "10",
                    "--host",
                    f"http://127.0.0.1:{port}",
                    "--csv",
                    str(folder / "load"),
                    "--csv-full-history",
                    "--only-summary",
                    "--loglevel",
                    "WARNING",
                ],
                cwd=ROOT,
                env={**environment(url), "AGORA_LOAD_PLAN": str(plan_path)},
                capture_output=True,
                text=True,
                timeout=args.run_time + 120,
            )
            workers = worker_memory(gunicorn.pid)
            stats = read_stats(folder / "load_stats.csv")
        finally:
            for process in reversed(processes):
                process.terminate()
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
        booted = (folder / "gunicorn.log").read_text().count("Booting worker with pid")
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            for kept in (*folder.glob("load_*.csv"), folder / "gunicorn.log"):
                shutil.copy(kept, args.keep / kept.name)
    endpoints = [row for row in stats if row["endpoint"] != "Aggregated"]
    total = next(row for row in stats if row["endpoint"] == "Aggregated")
    public = [row for row in endpoints if row["endpoint"] in PUBLIC and row["requests"]]
    now = datetime.now(UTC)
    report = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "shape": f"PostgreSQL, Redis, gunicorn 2 workers (preload), {args.sessions} sessions",
        "users": args.users,
        "run_time_s": args.run_time,
        "endpoints": endpoints + [total],
        "worker_restarts": booted - 2,
        "workers": workers,
        "public_worst_p99_ms": max((row["p99_ms"] or 0) for row in public) if public else 0,
        "locust_exit": locust.returncode,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = now.strftime("%Y-%m-%d") + "-load"
    if args.label:
        stem = f"{stem}-{args.label}"
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (args.out / f"{stem}.md").write_text(table)
    print(table)
    problems = []
    if total["failures"]:
        problems.append(f"{total['failures']} failed requests")
    if report["worker_restarts"]:
        problems.append(f"{report['worker_restarts']} worker restarts")
    if problems:
        sys.stderr.write(locust.stderr[-3000:])
        raise SystemExit("FAILED: " + ", ".join(problems))


if __name__ == "__main__":
    main()
