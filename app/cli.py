"""Command-line tools: ``flask --app wsgi <command>``."""

import click
from flask import Flask
from flask.cli import AppGroup, with_appcontext

from app.extensions import db


def register_cli(app: Flask) -> None:
    app.cli.add_command(tz_refresh)
    app.cli.add_command(access_table_command)


@click.command("tz-refresh")
@with_appcontext
def tz_refresh():
    """Derive every stored UTC instant again from its wall-clock time and zone."""
    from app.scheduling import refresh_all_instants

    counts = refresh_all_instants()
    db.session.commit()
    changed = sum(counts.values())
    for name, count in sorted(counts.items()):
        click.echo(f"{name}: {count} changed")
    click.echo(f"{changed} rows had instants that the current time-zone data moves.")


@click.command("access-table")
@with_appcontext
def access_table_command():
    """Print who may reach every route."""
    from flask import current_app

    from app.access import access_table

    for path, methods, endpoint, audience in access_table(current_app):
        click.echo(f"{audience:<10} {methods:<10} {path}  ({endpoint})")


outbox = AppGroup("outbox", help="Deliver the emails waiting in the outbox.")
