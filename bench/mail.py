"""Benchmark of outbox delivery: messages per second to an SMTP server on loopback.

Queues N messages (text and HTML, like Agora's mails; every tenth with an iTIP
attachment) in a fresh SQLite file, starts aiosmtpd on 127.0.0.1 and times
``send_due`` with one worker, then with two workers at once (threads, each its own
connection), and checks that every message arrived exactly once.

    .venv/bin/python bench/mail.py                   # 1,000 messages
    .venv/bin/python bench/mail.py --messages 5000 --batch 100
    .venv/bin/python bench/mail.py --postgres postgresql://postgres@127.0.0.1:5432/agora_bench

With ``--postgres`` the given database is used instead of SQLite; **its schema is
dropped and re-created**: point it at a scratch database only.
"""

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ICS = b"BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


class Handler:
    def __init__(self) -> None:
        self.subjects: Counter = Counter()
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\r\n"):
            if line.startswith(b"Subject: "):
                with self.lock:
                    self.subjects[line[9:].decode()] += 1
                break
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_app(url: str, port: int, batch: int):
    from app import create_app
    from config import TestingConfig

    config = type(
        "BenchConfig",
        (TestingConfig,),
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": port,
            "MAIL_SUPPRESS_SEND": False,
            "MAIL_TIMEOUT": 10,
            "OUTBOX_BATCH_SIZE": batch,
        },
    )
    app = create_app(config)
    from app.extensions import db, mail

    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            from sqlalchemy import text

            with db.engine.begin() as connection:
                connection.execute(text("DROP SCHEMA public CASCADE"))
                connection.execute(text("CREATE SCHEMA public"))
        db.create_all()
    app.extensions["mail"] = mail.init_mail({**app.config, "MAIL_SUPPRESS_SEND": False})
    return app


def fill(app, n: int, run: str) -> None:
    from app.extensions import db
    from app.notifications.services import Attachment, queue_email

    with app.app_context():
        for index in range(n):
            queue_email(
                kind="bench.notice",
                recipient=f"person{index}@example.org",
                recipient_name=f"Person {index}",
                subject=f"{run} {index}",
                body_text=f"Hello {index},\n\nYour session moved.\n",
                body_html=f"<p>Hello {index},</p><p>Your session moved.</p>",
                attachments=(
                    [Attachment("invite.ics", "text/calendar; method=REQUEST", ICS)]
                    if index % 10 == 0
                    else None
                ),
            )
        db.session.commit()


def drain(app, workers: int) -> tuple[float, int]:
    from app.extensions import db
    from app.notifications.services import worker

    sent = []
    barrier = threading.Barrier(workers)

    def run(name: str) -> None:
        with app.app_context():
            barrier.wait()
            sent.append(worker.send_due(worker_id=name)["sent"])
            db.session.remove()

    threads = [threading.Thread(target=run, args=(f"w{i}",)) for i in range(workers)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, sum(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--postgres", default="", help="a scratch PostgreSQL URL (optional)")
    args = parser.parse_args()

    from aiosmtpd.controller import Controller

    handler = Handler()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            url = args.postgres or f"sqlite:///{Path(folder) / 'bench.sqlite3'}"
            if url.startswith("postgresql://"):
                url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
            app = build_app(url, port, args.batch)
            database = "PostgreSQL" if "postgresql" in url else "SQLite"
            print(f"{database}, {args.messages} messages, batches of {args.batch}")
            print("| workers | messages | seconds | messages/s | each once |")
            print("| ------: | -------: | ------: | ---------: | :-------: |")
            for workers in (1, 2):
                run = f"run{workers}"
                fill(app, args.messages, run)
                seconds, sent = drain(app, workers)
                got = {s: c for s, c in handler.subjects.items() if s.startswith(run + " ")}
                once = len(got) == args.messages and set(got.values()) == {1}
                print(
                    f"| {workers} | {sent} | {seconds:.2f} | {sent / seconds:,.0f} | "
                    f"{'yes' if once else 'NO'} |"
                )
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
