"""Command-line tools: ``flask --app wsgi <command>``."""

import time
from datetime import UTC, datetime, timedelta

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext
from flask_babel import force_locale

from app.access import access_table
from app.agreements.emails import send_reminders
from app.api import services as api_services
from app.auth import services
from app.backup import backup_command, restore_command
from app.benchdata import BenchDataError, build_bench_edition
from app.demo import ACCOUNTS, DEMO_PASSWORD, load_demo
from app.errors import DomainError
from app.extensions import db
from app.models import TokenScope, User
from app.notifications.services import count_due, mail_server_configured, run_worker, send_due
from app.scheduling import refresh_all_instants
from app.search.services import reindex as reindex_search
from app.thinklabs.emails import queue_digests


def register_cli(app: Flask) -> None:
    app.cli.add_command(tz_refresh)
    app.cli.add_command(access_table_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(bench_data_command)
    app.cli.add_command(outbox)
    app.cli.add_command(create_admin)
    app.cli.add_command(agreements_cli)
    app.cli.add_command(thinklabs_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(webhooks_cli)
    app.cli.add_command(api_token)
    app.cli.add_command(search_cli)


@click.command("tz-refresh")
@with_appcontext
def tz_refresh():
    """Derive every stored UTC instant again from its wall-clock time and zone."""
    report = refresh_all_instants()
    db.session.commit()
    changed = sum(report.changed.values())
    for name, count in sorted(report.changed.items()):
        click.echo(f"{name}: {count} changed")
    click.echo(f"{changed} rows had instants that the current time-zone data moves.")
    if report.unplaceable:
        click.echo("These wall times no longer exist in their zone; choose other times:", err=True)
        for line in report.unplaceable:
            click.echo(f"  {line}", err=True)
        raise SystemExit(1)


@click.command("access-table")
@with_appcontext
def access_table_command():
    """Print who may reach every route."""
    for path, methods, endpoint, audience in access_table(current_app):
        click.echo(f"{audience:<10} {methods:<10} {path}  ({endpoint})")


@click.command("create-admin")
@click.option("--email", prompt=True, help="The administrator's email address.")
@click.option("--name", "display_name", default=None, help="Display name (new accounts).")
@click.option("--password", default=None, help="Prompted, hidden, when not given.")
@with_appcontext
def create_admin(email, display_name, password):
    """Create a confirmed administrator, or promote the account that uses EMAIL."""
    if password is None and services.find_user_by_email(email) is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        # Outside a request there is no browser language to pick: speak English.
        with force_locale("en"):
            user, created = services.create_admin(
                email=email, display_name=display_name, password=password
            )
    except DomainError as error:
        db.session.rollback()
        raise click.ClickException(error.message) from error
    db.session.commit()
    verb = "Created" if created else "Promoted"
    click.echo(f"{verb} administrator {user.email} (id {user.id}).")


@click.command("demo")
@click.option("--force", is_flag=True, help="Load even into a production configuration.")
@with_appcontext
def demo_command(force: bool):
    """Load the demo data (the real cases of DESIGN.md); running it twice changes nothing."""
    if current_app.config["ENV_NAME"] == "production" and not force:
        raise click.ClickException(
            "This is a production configuration: demo accounts have a public password. "
            "Use --force if you really mean it."
        )
    created = load_demo()
    reindex_search()
    db.session.commit()
    if created:
        for name, count in sorted(created.items()):
            click.echo(f"{name}: {count} created")
        click.echo(f"{sum(created.values())} rows created.")
    else:
        click.echo("The demo data was already complete: nothing created.")
    click.echo(f"Demo accounts (password {DEMO_PASSWORD}):")
    for email, name, *_ in ACCOUNTS:
        click.echo(f"  {email}  ({name})")


search_cli = AppGroup("search", help="The search index.")


@search_cli.command("reindex")
def search_reindex():
    """Build the search index again from the data (sessions, speakers, showcases...)."""
    counts = reindex_search()
    db.session.commit()
    for kind, count in counts.items():
        click.echo(f"{kind.value}: {count}")
    click.echo(f"{sum(counts.values())} entries indexed.")


@click.command("bench-data")
@click.option("--sessions", type=click.IntRange(min=1), required=True, help="Number of sessions.")
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the dataset.")
@with_appcontext
def bench_data_command(sessions: int, seed: int):
    """Build a large published edition for benchmarks (never in production)."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException(
            "This is a production configuration: benchmark data adds thousands of "
            "accounts with a public password. Use a development database."
        )
    try:
        result = build_bench_edition(sessions, seed)
    except BenchDataError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    if result.created:
        for name, count in sorted(result.created.items()):
            click.echo(f"{name}: {count} created")
    else:
        click.echo(
            f"Edition {result.slug} already exists with {sessions} sessions: nothing created."
        )
    click.echo(result.address)


outbox = AppGroup("outbox", help="Deliver the emails waiting in the outbox.")

# Above this many due messages ``outbox send`` shows a progress bar.
OUTBOX_PROGRESS_THRESHOLD = 20


def _echo_outbox_counts(counts: dict) -> None:
    click.echo(
        f"{counts['sent']} sent, {counts['retried']} to retry later, {counts['failed']} failed."
    )
    if counts["held"]:
        click.echo(
            f"{counts['held']} messages stay pending: MAIL_SERVER is not set and PRINT_MAIL is off."
        )


@outbox.command("send")
@click.option("--limit", type=click.IntRange(min=1), help="Send at most this many messages.")
def outbox_send(limit):
    """Deliver every message due now, then exit."""
    due = count_due()
    if limit is not None:
        due = min(due, limit)
    if due > OUTBOX_PROGRESS_THRESHOLD and mail_server_configured():
        with click.progressbar(length=due, label="Sending") as bar:
            counts = send_due(limit=limit, progress=bar.update)
    else:
        counts = send_due(limit=limit)
    _echo_outbox_counts(counts)


@outbox.command("worker")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=5.0,
    show_default=True,
    help="Seconds to wait between rounds.",
)
@click.option("--once", is_flag=True, help="Deliver what is due once, then exit.")
def outbox_worker(interval, once):
    """Deliver due messages in a loop until SIGTERM or Ctrl-C."""
    counts = run_worker(poll_interval=interval, stop_after=1 if once else None)
    _echo_outbox_counts(counts)


agreements_cli = AppGroup("agreements", help="Follow partner agreements.")


@agreements_cli.command("remind")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), help="Run as of this day.")
def agreements_remind(today):
    """Queue the day's reminders: commitments due or late, agreements ending soon (daily)."""
    with force_locale("en"):
        counts = send_reminders(today.date() if today else None)
    db.session.commit()
    click.echo(
        f"{counts['due']} due-date reminders, {counts['late']} late reminders, "
        f"{counts['expiring']} expiry reminders queued."
    )


thinklabs_cli = AppGroup("thinklabs", help="Run thinklabs.")


@thinklabs_cli.command("digest")
@click.option(
    "--day",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day whose contributions to send (default: yesterday, UTC).",
)
def thinklabs_digest(day):
    """Queue one daily digest per member who asked for it; a second run sends nothing twice."""
    target = day.date() if day else datetime.now(UTC).date() - timedelta(days=1)
    count = queue_digests(target)
    db.session.commit()
    click.echo(f"{count} digests queued for {target.isoformat()}.")


webhooks_cli = AppGroup("webhooks", help="Deliver the webhook events waiting to be sent.")


@webhooks_cli.command("deliver")
@click.option("--limit", type=click.IntRange(min=1), default=200, show_default=True)
@click.option("--loop", is_flag=True, help="Keep delivering, every --interval seconds.")
@click.option("--interval", type=click.FloatRange(min=0.1), default=5.0, show_default=True)
def webhooks_deliver(limit, loop, interval):
    """Post the deliveries that are due (signed), retrying failures later with backoff."""
    while True:
        counts = api_services.deliver_due(limit=limit)
        click.echo(
            f"{counts['sent']} sent, {counts['retry']} to retry later, {counts['failed']} failed."
        )
        if not loop:
            return
        time.sleep(interval)


@click.command("api-token")
@click.argument("email")
@click.option("--name", default="command line", show_default=True)
@click.option(
    "--scope", type=click.Choice([s.value for s in TokenScope]), default="read", show_default=True
)
@click.option("--days", type=click.IntRange(1, 366), default=30, show_default=True)
def api_token(email, name, scope, days):
    """Make a personal API token for the account EMAIL and print its secret (shown once)."""
    user = db.session.scalar(db.select(User).where(db.func.lower(User.email) == email.lower()))
    if user is None:
        raise click.ClickException(f"No account uses {email}.")
    try:
        _token, secret = api_services.create_token(
            user, name=name, scope=TokenScope(scope), expires_in_days=days
        )
    except DomainError as error:
        raise click.ClickException(error.message) from error
    db.session.commit()
    click.echo(secret)
