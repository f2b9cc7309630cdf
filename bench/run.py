"""``make bench``: the public pages, feeds and exports at 100, 500 and 2,000 sessions.

For every database (a fresh SQLite file; a scratch PostgreSQL database when one
answers) and every size, builds the benchmark edition with ``flask bench-data`` in
one process, then measures it in a fresh one (``bench/measure.py``): warm-up, then
repeated requests through the Flask test client; median and spread, SQL statements
per request, peak memory. Writes ``bench/results/<date>.json`` and ``<date>.md`` and
fails (exit 1) when a request's SQL statement count grows with the number of sessions.

    .venv/bin/python bench/run.py                      # 100, 500, 2000; SQLite and PostgreSQL
    .venv/bin/python bench/run.py --sizes 100 --sizes 2000 --databases sqlite
    .venv/bin/python bench/run.py --postgres postgresql://postgres@127.0.0.1:5432/agora_bench

The PostgreSQL database (default ``agora_bench``) is dropped and created again for each
size: give a scratch database whose name contains "bench".
"""

import argparse
import json
import platform
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from databases import DEFAULT_POSTGRES, ROOT, build, fresh_postgres, fresh_sqlite, postgres_answers

RESULTS = ROOT / "bench" / "results"
# Targets at 2,000 sessions, in milliseconds.
TARGETS = {
    "programme list, after a change": 150,
    "programme grid, after a change": 150,
    "programme list, warm": 20,
    "programme grid, warm": 20,
    "session page": 5,
    "edition feed, after a change": 250,
    "edition feed, cached": 5,
    "edition feed, 304": 3,
    "schedule.xml, after a change": 150,
    "schedule.json, after a change": 150,
}
# The first request after the start, against the same request in a warm process: the
# kept answer of the same address, or for a session page (the warm-up keeps one per
# edition, not 2,000) another session's page not kept yet.
FIRST_AGAINST = {
    "first: programme list": "programme list, warm",
    "first: programme grid": "programme grid, warm",
    "first: session page": "session page, not kept",
    "first: edition feed": "edition feed, cached",
}
FIRST_RATIO_TARGET = 2.0
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def measure(url: str, sessions: int, repeat: int, warmup: int) -> dict:
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "measure.py"),
            "--url",
            url,
            "--sessions",
            str(sessions),
            "--repeat",
            str(repeat),
            "--warmup",
            str(warmup),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"measuring {url} ({sessions} sessions) failed")
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth(runs: dict[str, dict[int, dict]]) -> list[str]:
    """Requests whose SQL statement count grows with the number of sessions."""
    found = []
    for database, by_size in runs.items():
        sizes = sorted(by_size)
        for name in by_size[sizes[0]]:
            counts = [by_size[size].get(name, {}).get("statements") for size in sizes]
            if None in counts:
                continue
            if any(later > earlier for earlier, later in zip(counts, counts[1:], strict=False)):
                pairs = ", ".join(f"{s}: {c}" for s, c in zip(sizes, counts, strict=True))
                found.append(f"{DATABASE_NAMES[database]}, {name}: {pairs}")
    return found


def verdicts(runs: dict[str, dict[int, dict]]) -> list[dict]:
    """Each target at the largest size, per database: the figure and whether it is met."""
    rows = []
    for database, by_size in runs.items():
        size = max(by_size)
        result = by_size[size]
        for name, target in TARGETS.items():
            median = result[name]["median_ms"]
            rows.append(
                {
                    "database": database,
                    "sessions": size,
                    "request": name,
                    "median_ms": median,
                    "target_ms": target,
                    "met": median <= target,
                }
            )
        for first, warm in FIRST_AGAINST.items():
            ratio = result[first]["median_ms"] / max(result[warm]["median_ms"], 0.01)
            rows.append(
                {
                    "database": database,
                    "sessions": size,
                    "request": f"{first} / {warm}",
                    "ratio": round(ratio, 1),
                    "target_ratio": FIRST_RATIO_TARGET,
                    "met": ratio <= FIRST_RATIO_TARGET,
                }
            )
    return rows


def _ms(value: float) -> str:
    return f"{value:,.1f}" if value < 100 else f"{value:,.0f}"


def markdown(report: dict) -> str:
    lines = [
        f"# Benchmark, {report['date']}",
        "",
        f"{report['machine']}; medians of {report['repeat']} requests after "
        f"{report['warmup']} warm-up requests, in-process (Flask test client); "
        "spread = fastest–slowest at the largest size; SQL = statements per request.",
    ]
    for database, by_size in report["runs"].items():
        sizes = sorted(by_size, key=int)
        largest = sizes[-1]
        lines += [
            "",
            f"## {DATABASE_NAMES[database]}",
            "",
            "| request | "
            + " | ".join(f"{int(s):,} ms" for s in sizes)
            + f" | spread at {int(largest):,} | SQL ("
            + " / ".join(f"{int(s):,}" for s in sizes)
            + ") |",
            "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: | ---: |",
        ]
        names = [name for name in by_size[largest] if not name.startswith("_")]
        for name in names:
            if name == "outbox delivery":
                continue
            cells = [_ms(by_size[s][name]["median_ms"]) for s in sizes]
            row = by_size[largest][name]
            spread = f"{_ms(row['min_ms'])}–{_ms(row['max_ms'])}" if row["runs"] > 1 else "—"
            counts = [by_size[s][name]["statements"] for s in sizes]
            sql = " / ".join("—" if count is None else str(count) for count in counts)
            lines.append(f"| {name} | " + " | ".join(cells) + f" | {spread} | {sql} |")
        mail = " | ".join(
            f"{by_size[s]['outbox delivery']['messages_per_second']:,.0f}" for s in sizes
        )
        memory = " | ".join(f"{by_size[s]['_process']['peak_memory_mib']:,.0f}" for s in sizes)
        lines.append(f"| outbox delivery, messages/s | {mail} | | |")
        lines.append(f"| peak memory of the process, MiB | {memory} | | |")
    lines += ["", "## Targets", "", "| database | request | figure | target | met |"]
    lines.append("| --- | --- | ---: | ---: | :---: |")
    for row in report["targets"]:
        if "ratio" in row:
            figure, target = f"{row['ratio']}×", f"≤ {row['target_ratio']}×"
        else:
            figure, target = f"{_ms(row['median_ms'])} ms", f"≤ {row['target_ms']} ms"
        lines.append(
            f"| {DATABASE_NAMES[row['database']]} | {row['request']} | {figure} | {target} "
            f"| {'yes' if row['met'] else 'no'} |"
        )
    if report["growth"]:
        lines += ["", "## SQL statements that grow with the number of sessions", ""]
        lines += [f"- {line}" for line in report["growth"]]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, action="append", help="sessions (repeatable)")
    parser.add_argument(
        "--databases", default="sqlite,postgresql", help="comma-separated: sqlite, postgresql"
    )
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="a scratch database")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--label", default="", help="added to the result files' name")
    parser.add_argument("--out", type=Path, default=RESULTS, help="folder of the results")
    args = parser.parse_args()
    sizes = sorted(args.sizes or [100, 500, 2000])
    databases = [name.strip() for name in args.databases.split(",") if name.strip()]
    if "postgresql" in databases:
        why = postgres_answers(args.postgres)
        if why:
            print(f"PostgreSQL does not answer at {args.postgres} ({why}): SQLite only.")
            databases.remove("postgresql")
    runs: dict[str, dict[int, dict]] = {}
    with tempfile.TemporaryDirectory(prefix="agora-bench-") as folder:
        for database in databases:
            for size in sizes:
                if database == "sqlite":
                    url = fresh_sqlite(Path(folder), size)
                else:
                    url = fresh_postgres(args.postgres)
                seconds = build(url, size)
                print(f"{DATABASE_NAMES[database]}, {size} sessions: built in {seconds:.0f} s")
                result = measure(url, size, args.repeat, args.warmup)
                result["_process"]["build_seconds"] = round(seconds, 1)
                runs.setdefault(database, {})[size] = result
    now = datetime.now(UTC)
    report = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"),
        "machine": f"Python {platform.python_version()}, {platform.machine()}, {_cpus()} CPUs",
        "repeat": args.repeat,
        "warmup": args.warmup,
        "sizes": sizes,
        "runs": runs,
        "targets": verdicts(runs),
        "growth": growth(runs),
    }
    args.out.mkdir(parents=True, exist_ok=True)
    stem = now.strftime("%Y-%m-%d")
    if args.label:
        stem = f"{stem}-{args.label}"
    (args.out / f"{stem}.json").write_text(json.dumps(report, indent=1) + "\n")
    table = markdown(report)
    (args.out / f"{stem}.md").write_text(table)
    print(table)
    print(f"Results: {args.out / (stem + '.json')} and {stem}.md")
    if report["growth"]:
        print("FAILED: SQL statements grow with the number of sessions:", file=sys.stderr)
        for line in report["growth"]:
            print(f"  {line}", file=sys.stderr)
        sys.exit(1)


def _cpus() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
