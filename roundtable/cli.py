"""The ``roundtable`` console script: Flask's commands plus the project's own, as thin wrappers."""

from __future__ import annotations

import contextlib
import io
import logging
import re
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext
from sqlalchemy import select

from roundtable import backup, database
from roundtable.domain import (
    accounts,
    demo,
    events,
    registrations,
    reports,
    schedule,
    signups,
)
from roundtable.domain.errors import DomainError, NotFound
from roundtable.domain.models import Organizer, utcnow
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

logger = logging.getLogger(__name__)


@contextlib.contextmanager
def writing() -> Iterator[None]:
    """Run the block in one write transaction (the CLI's twin of the web layer's helper)."""
    with database.write_transaction(db.session()):
        yield


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Add the demo roundtable (idempotent)."""
    with writing():
        event, created = demo.ensure_demo_event(db.session(), utcnow())
    state = "added" if created else "already present"
    click.echo(f"Demo roundtable {state}: /events/{event.slug}")
    if not db.session.scalar(select(Organizer.id).limit(1)):
        click.echo("No organizer account yet: create one with "
                   "`roundtable create-organizer EMAIL`, then sign in at /organizer/.")


@click.command("export")
@click.argument("slug")
@with_appcontext
def export_command(slug: str) -> None:
    """Write the registrations of the event SLUG as CSV to standard output."""
    try:
        event = events.by_slug(db.session(), slug, include_drafts=True)
    except NotFound:
        click.echo(f"No event with the slug {slug!r}.", err=True)
        sys.exit(1)
    buffer = io.StringIO()
    reports.write_csv(db.session(), event, buffer)
    click.echo(buffer.getvalue(), nl=False)


@click.command("send-mail")
@click.option("--watch", is_flag=True, help="Keep delivering; poll every --interval seconds.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@with_appcontext
def send_mail_command(watch: bool, interval: float) -> None:
    """Do what falls due (reminders, "Still coming?", deadlines, offers), then deliver the mail.

    Once, or continuously with --watch.
    """
    send = transports.transport()
    while True:
        try:
            done = run_schedule()
            if done:
                click.echo(f"{done.asked} asked, {done.reminded} reminded, "
                           f"{done.released} released, {done.lapsed} offers lapsed")
            counts = outbox.deliver_due(
                db.session(),
                utcnow,
                lambda message: compose.compose(db.session(), message, utcnow()),
                send,
                outbox.DeliveryPolicy(),
            )
        except Exception:  # a database hiccup must not stop a watching worker
            if not watch:
                raise
            logger.exception("mail delivery round failed; trying again")
            time.sleep(interval)
            continue
        if not watch or any(counts.values()):
            click.echo(", ".join(f"{n} {state}" for state, n in counts.items()))
        if not watch:
            return
        time.sleep(interval)


def run_schedule() -> schedule.Round:
    """Do what falls due now at every upcoming event, one transaction per event."""
    done = schedule.Round()
    with writing():
        due = schedule.due_events(db.session(), utcnow())
    for event_id in due:
        with writing():
            done.add(schedule.run_event(db.session(), event_id, utcnow()))
    return done


def parse_age(text: str) -> timedelta:
    """Return the age given as NUMBER followed by d (days) or w (weeks), e.g. 90d."""
    match = re.fullmatch(r"\s*(\d+)\s*([dw])\s*", text)
    if not match:
        raise click.BadParameter("give a number of days or weeks, e.g. 90d or 12w")
    n, unit = int(match.group(1)), match.group(2)
    return timedelta(days=n) if unit == "d" else timedelta(weeks=n)


@click.command("purge")
@click.option("--older-than", "older_than", required=True, help="e.g. 90d or 12w")
@with_appcontext
def purge_command(older_than: str) -> None:
    """Erase the personal data of events that ended longer ago than --older-than."""
    cutoff = utcnow() - parse_age(older_than)
    with writing():
        addresses = registrations.purge(db.session(), now=utcnow(), ended_before=cutoff)
        expired = signups.purge_expired(db.session(), now=utcnow())
    transports.forget(addresses)
    click.echo(f"Erased the personal data of {len(addresses)} registrations of events ended "
               f"before {cutoff:%Y-%m-%d}, and {expired} signups never confirmed.")


@click.command("create-organizer")
@click.argument("email")
@click.option("--name", default="", help="The organizer's name, shown in the audit log.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
@with_appcontext
def create_organizer_command(email: str, name: str, password_stdin: bool) -> None:
    """Create an organizer account for EMAIL (the password is prompted for, or read from stdin)."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        with writing():
            organizer = accounts.create_organizer(
                db.session(), actor=None, now=utcnow(), email=email, password=password, name=name
            )
    except DomainError as exc:
        click.echo(exc.message, err=True)
        sys.exit(1)
    click.echo(f"Organizer account created for {organizer.email}.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write a consistent copy of the database to the new file PATH while the app runs.

    SQLite: the online backup API; PostgreSQL: pg_dump in its custom format.
    """
    try:
        done = backup.back_up(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backup.BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(done)


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(path: Path) -> None:
    """Replace the SQLite database with the backup PATH (refused while the database is open)."""
    db.session.remove()  # this process's own pooled connections must not count as a user
    db.engine.dispose()
    try:
        done = backup.restore(current_app.config["SQLALCHEMY_DATABASE_URI"], path)
    except backup.BackupError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    click.echo(done)


commands = [
    seed_demo_command,
    export_command,
    send_mail_command,
    purge_command,
    create_organizer_command,
    backup_command,
    restore_command,
]


def _create_app() -> Flask:
    from roundtable import create_app

    return create_app()


cli = FlaskGroup(
    create_app=_create_app,
    help="Roundtable: event registration for leadership roundtables.",
)


def main() -> None:
    """Run the ``roundtable`` command."""
    cli.main(prog_name="roundtable")
