"""The Alembic migrations build exactly the schema the models describe, on both databases, and
upgrade a database that holds data: one revision at a time, rows written at every step, the app
serving them all at head; an upgrade that fails leaves the old revision in place."""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import downgrade, upgrade
from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.exc import IntegrityError

from roundtable import create_app, resource_dir
from roundtable.extensions import db

from conftest import DATABASE, base_config, miscounted_seats
from migration_seeds import ORGANIZER_PASSWORD, SEEDS, Walk, token_hash

MIGRATIONS = resource_dir("migrations")


def _fresh_url(database_template: str, tmp_path: Path) -> str:
    if DATABASE == "sqlite":
        return f"sqlite:///{tmp_path / 'migrations.sqlite'}"
    return database_template.rsplit("/", 1)[0] + "/roundtable_migrations"


@pytest.fixture
def empty_database(database_template: str, tmp_path: Path) -> Iterator[str]:
    """Yield the URL of a database with nothing in it, private to this test."""
    if DATABASE == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    server = database_template.rsplit("/", 1)[0]
    name = f"roundtable_walk_{uuid.uuid4().hex[:12]}"
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield f"{server}/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def make_walk_app(empty_database: str, tmp_path: Path) -> Iterator[Callable[[], Flask]]:
    """Return a callable that builds an app on the empty database, its mail kept as files."""
    apps: list[Flask] = []

    def build() -> Flask:
        app = create_app(base_config(empty_database, INSTANCE_PATH=str(tmp_path / "instance")))
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def in_a_month() -> datetime:
    """Return a start time a month ahead, so the walk's events are upcoming when served."""
    return (datetime.now(UTC) + timedelta(days=30)).replace(second=0, microsecond=0)


def revisions() -> list[str]:
    """Return the revisions from the first to the head; the history must be one line."""
    script = ScriptDirectory(str(MIGRATIONS))
    assert len(script.get_heads()) == 1, "the migration history must have a single head"
    return [rev.revision for rev in reversed(list(script.walk_revisions()))]


def current_revision(engine: Engine) -> str | None:
    """Return the revision the database is at."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def row_counts(engine: Engine) -> dict[str, int]:
    """Return the number of rows of every table but Alembic's."""
    with engine.connect() as conn:
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in tables}


def walk_up(engine: Engine, walk: Walk, until: str | None = None) -> list[str]:
    """Upgrade one revision at a time from base, writing each revision's rows; return them."""
    done = []
    for revision in revisions():
        upgrade(revision=revision)
        assert current_revision(engine) == revision
        before = row_counts(engine)
        with engine.begin() as conn:
            SEEDS[revision](conn, walk)
        after = row_counts(engine)
        unseeded = [t for t in after if after[t] <= before.get(t, 0)]
        assert unseeded == [], f"the seed of {revision} writes no row into {unseeded}"
        done.append(revision)
        if revision == until:
            break
    return done


def test_models_and_migrations_agree(database_template: str, tmp_path: Path) -> None:
    app = create_app(base_config(_fresh_url(database_template, tmp_path)))
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert diff == []
        downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        upgrade()
        db.engine.dispose()


def test_every_revision_has_a_seed() -> None:
    """A new revision must say what rows its schema holds, so the walk can upgrade them."""
    assert list(SEEDS) == revisions(), (
        "tests/migration_seeds.py needs one seed per revision, oldest first"
    )


def test_an_upgrade_walk_keeps_every_row_in_service(make_walk_app: Callable[[], Flask]) -> None:
    """Rows written at every revision are served at head: pages, lists, exports, links, mail."""
    app = make_walk_app()
    walk = Walk(starts_at=in_a_month())
    with app.app_context():
        assert walk_up(db.engine, walk) == revisions()
        with db.engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), db.metadata) == []
            # Rows written before the counter existed and after: each event counts its seats.
            assert miscounted_seats(conn) == []
    client = app.test_client()

    for slug, title in walk.titles.items():
        page = client.get(f"/events/{slug}")
        assert page.status_code == 200, slug
        assert title in page.get_data(as_text=True)

    for person in walk.people:
        if person.token is not None:  # the link mailed then still opens
            page = client.get(f"/r/{person.token}")
            assert page.status_code == 200, person
            assert person.name in page.get_data(as_text=True)

    _assert_mailed_links_open(app, client, walk)  # Ada's too, stored before any link existed

    _sign_in(client, walk.organizer_email)
    for slug, event_id in walk.events.items():
        listing = client.get(f"/organizer/events/{event_id}/attendees")
        assert listing.status_code == 200, slug
        export = client.post(f"/organizer/events/{event_id}/attendees.csv")
        assert export.status_code == 200, slug
        for person in walk.people:
            if person.event_slug == slug and not person.erased:
                assert person.name in listing.get_data(as_text=True)
                assert person.email in export.get_data(as_text=True)
        assert client.get(f"/organizer/events/{event_id}/audit").status_code == 200

    with app.app_context():
        with db.engine.connect() as conn:
            stored = {
                row.id: row
                for row in conn.execute(text(
                    "SELECT id, manage_salt, manage_token_hash, invite_revision FROM registration"
                ))
            }
            ada, barbara = walk.person("Ada Lovelace"), walk.person("Barbara Liskov")
            # Each calendar message counted one up: the next one carries a higher SEQUENCE.
            assert stored[ada.registration_id].invite_revision == 1
            assert stored[barbara.registration_id].invite_revision == 1
            assert barbara.token is not None
            assert stored[barbara.registration_id].manage_token_hash == token_hash(barbara.token)
            for person in walk.people:
                if person.erased:  # an erased registration has no link, before and after
                    assert stored[person.registration_id].manage_salt is None
                    assert stored[person.registration_id].manage_token_hash is None


def test_an_upgrade_the_old_chain_stopped_still_issues_the_links(
    make_walk_app: Callable[[], Flask],
) -> None:
    """The old chain left SQLite at 5d162091493b, links not issued: 0cf47d4a2cee issues them."""
    app = make_walk_app()
    walk = Walk(starts_at=in_a_month())
    with app.app_context():
        walk_up(db.engine, walk, until="6c0f61de0979")
        upgrade(revision="5d162091493b")
        with db.engine.begin() as conn:  # what the old 5d162091493b left: the column, no links
            conn.execute(text(
                "UPDATE registration SET manage_salt = NULL, manage_token_hash = NULL"
            ))
        upgrade()
    _assert_mailed_links_open(app, app.test_client(), walk)


def _assert_mailed_links_open(app: Flask, client: FlaskClient, walk: Walk) -> None:
    """Check that the private link mailed to each person who asks for it opens their page."""
    links = _links_by_mail(app, client, walk)
    for person in walk.people:
        if person.erased:
            continue
        page = client.get(f"/r/{links[person.email]}")
        assert page.status_code == 200, person
        assert person.name in page.get_data(as_text=True)


def _links_by_mail(app: Flask, client: FlaskClient, walk: Walk) -> dict[str, str]:
    """Ask for every person's private link, deliver all mail due, return the tokens mailed.

    Every message still waiting from earlier revisions must be delivered too, none dropped.
    """
    for person in walk.people:
        if not person.erased:
            assert client.post("/r/lost", data={"email": person.email}).status_code == 303
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["send-mail"])
        db.session.remove()
        assert result.exit_code == 0, result.output
        with db.engine.connect() as conn:
            unsent = conn.execute(text(
                "SELECT kind, recipient, status, last_error FROM outbox_message"
                " WHERE status != 'sent'"
            )).all()
    assert unsent == [], result.output
    links: dict[str, str] = {}
    for eml in (Path(app.instance_path) / "mail").glob("*.eml"):
        message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
        if not str(message["Subject"]).startswith("Your private link"):
            continue
        body = message.get_body(preferencelist=("plain",))
        found = re.search(r"/r/([A-Za-z0-9_-]+)", body.get_content())
        assert found, body.get_content()
        links[str(message["To"])] = found.group(1)
    return links


def _sign_in(client: FlaskClient, address: str) -> None:
    response = client.post("/organizer/login",
                           data={"email": address, "password": ORGANIZER_PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]


FAILING_REVISION = '''\
"""a revision that fails after schema and data changes"""
from alembic import op
import sqlalchemy as sa

revision = "fa11ed000000"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("doomed", sa.Column("id", sa.Integer(), primary_key=True))
    rebuild = "always" if op.get_bind().dialect.name == "sqlite" else "auto"
    with op.batch_alter_table("registration", recreate=rebuild) as batch_op:
        batch_op.add_column(sa.Column("doomed", sa.Integer(), nullable=True))
    op.execute("UPDATE registration SET doomed = 1")
    op.execute("UPDATE event SET title = 'half-migrated'")
    op.execute("{failing_step}")


def downgrade():
    pass
'''


def snapshot(engine: Engine) -> dict[str, Any]:
    """Return the revision, the schema and every row of the database, to compare."""
    with engine.connect() as conn:
        inspector = inspect(conn)
        tables = sorted(t for t in inspector.get_table_names() if t != "alembic_version")
        return {
            "revision": MigrationContext.configure(conn).get_current_revision(),
            "columns": {t: [(c["name"], str(c["type"]), c["nullable"])
                            for c in inspector.get_columns(t)] for t in tables},
            "indexes": {t: sorted(i["name"] or "" for i in inspector.get_indexes(t))
                        for t in tables},
            "foreign_keys": {t: sorted(f["name"] or "" for f in inspector.get_foreign_keys(t))
                             for t in tables},
            "rows": {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY id"))]
                     for t in tables},
        }


FAILING_STEPS = {
    # A data step meets a row it cannot handle: the erased registration has no email.
    "bad row": "UPDATE registration SET status = NULL WHERE email IS NULL",
    # A reference to no row: PostgreSQL refuses it at once, SQLite (foreign keys off while it
    # upgrades) when env.py checks them before the commit.
    "broken reference": "UPDATE registration SET event_id = 999999",
}


@pytest.mark.parametrize("failing_step", list(FAILING_STEPS.values()), ids=list(FAILING_STEPS))
def test_a_failed_upgrade_leaves_the_old_revision(
    make_walk_app: Callable[[], Flask], tmp_path: Path, failing_step: str
) -> None:
    """An upgrade over several revisions that fails in the last one changes nothing at all."""
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory)
    head = revisions()[-1]
    (directory / "versions" / "fa11ed000000_fails.py").write_text(
        FAILING_REVISION.format(head=head, failing_step=failing_step)
    )
    start = revisions()[1]  # written at two revisions; every later one runs in the failed upgrade
    app = make_walk_app()
    with app.app_context():
        walk = Walk(starts_at=datetime(2027, 3, 1, 17, tzinfo=UTC))
        walk_up(db.engine, walk, until=start)
        before = snapshot(db.engine)
        assert before["revision"] == start

        with pytest.raises((IntegrityError, SystemExit)):  # Flask-Migrate exits on RuntimeError
            upgrade(directory=str(directory))
        assert snapshot(db.engine) == before

        upgrade()  # the real chain still goes on from the old revision
        assert current_revision(db.engine) == head
