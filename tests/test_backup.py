"""Backups while the app writes, restores that refuse a database in use, and pg_dump's format."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import make_url

from roundtable import create_app
from roundtable.domain.models import (
    Event,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from conftest import SECRET, base_config
from servers import gunicorn_server, python_path
from storm import SignupStorm

pytestmark = pytest.mark.slow

CAPACITY = 20


def _settings(database_url: str) -> dict[str, str]:
    return {"DATABASE_URL": database_url, "SECRET_KEY": SECRET, "WTF_CSRF_ENABLED": "false",
            "RATELIMIT_ENABLED": "false"}


def _fill(event_id: int, rows: int) -> None:
    """Store many registrations at once, so that a backup takes a while to copy."""
    db.session.execute(insert(Registration), [
        {"event_id": event_id, "name": f"Past {n}", "email": f"past{n}@example.com",
         "company": "Past", "company_key": "example.com", "job_title": "Director",
         "status": RegistrationStatus.CANCELLED, "discussion_topic": "t" * 2000,
         "eligibility_reasons": []}
        for n in range(rows)
    ])
    db.session.commit()


def _check_consistent(path: Path, event_id: int) -> Counter[str]:
    """Check one database file inside out; return its registrations' emails."""
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        rows = conn.execute(
            "SELECT id, email, status, queue_position FROM registration WHERE event_id = ?",
            (event_id,),
        ).fetchall()
        capacity = conn.execute("SELECT capacity FROM event WHERE id = ?", (event_id,)).fetchone()
        mails = Counter(registration_id for (registration_id,) in conn.execute(
            "SELECT registration_id FROM outbox_message WHERE event_id = ?", (event_id,)))
    statuses = Counter(status for _, _, status, _ in rows)
    assert set(statuses) <= {"confirmed", "waitlisted"}
    assert statuses["confirmed"] == min(capacity[0], len(rows))  # full before anyone waits
    queue = sorted(position for _, _, status, position in rows if status == "waitlisted")
    assert queue == list(range(1, len(queue) + 1))
    assert mails == Counter({registration_id: 1 for registration_id, *_ in rows})  # each mailed
    return Counter(email for _, email, _, _ in rows)


def test_sqlite_backup_under_write_load_holds_every_signup_committed_before_it(
    sqlite_database, database_url, app, runner, make_event, tmp_path
) -> None:
    past_id = make_event(slug="past-roundtable").id
    _fill(past_id, 6000)  # about 14 MB
    event = make_event(capacity=CAPACITY)
    event_id, slug = event.id, event.slug
    backup = tmp_path / "backups" / "roundtable-backup.sqlite"
    backup.parent.mkdir()
    with gunicorn_server(_settings(database_url), workers=2) as base:
        storm = SignupStorm(base, slug)
        answered = storm.wait_for(40)
        before = {a.email for a in answered if a.status == 303}
        started = time.monotonic()
        result = runner.invoke(args=["backup", str(backup)])
        ended = time.monotonic()
        storm.wait_for(20)
        # While the servers have the database open, a restore into it is refused.
        refused = runner.invoke(args=["restore", str(backup)])
        done = storm.stop()
    assert result.exit_code == 0, result.output
    assert f"to {backup}" in result.output and "integrity check ok" in result.output
    assert refused.exit_code == 1 and "is in use" in refused.output
    assert Counter(a.status for a in done) == Counter({303: len(done)})
    during = [a for a in done if a.start < ended and a.end > started]
    assert during, "no signup was in flight while the backup ran"
    assert backup.stat().st_mode & 0o077 == 0  # personal data: the owner's only

    fresh = tmp_path / "restored" / "roundtable.sqlite"
    fresh.parent.mkdir()
    restored_app = create_app(base_config(f"sqlite:///{fresh}"))
    with restored_app.app_context():  # the command runs in the current app's context
        restore = restored_app.test_cli_runner().invoke(args=["restore", str(backup)])
    assert restore.exit_code == 0, restore.output
    assert f"into the new database {fresh}" in restore.output

    in_backup = _check_consistent(fresh, event_id)
    in_live = _check_consistent(sqlite_database, event_id)
    assert before <= set(in_backup)
    assert set(in_backup) <= set(in_live)  # nothing in the copy that was not committed
    assert all(count == 1 for count in in_backup.values())
    assert len(in_live) == len(done)  # and the live database lost nothing either
    with sqlite3.connect(fresh) as conn:
        assert conn.execute("SELECT count(*) FROM registration WHERE event_id = ?",
                            (past_id,)).fetchone() == (6000,)
    with restored_app.app_context():  # the restored file serves
        assert restored_app.test_client().get(f"/events/{slug}").status_code == 200
        db.engine.dispose()


def _hold_open_in_another_process(path: Path) -> subprocess.Popen[str]:
    """Start a process that opens the database as the app does (WAL) and keeps it open."""
    script = (
        "import sqlite3, sys\n"
        "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "conn.execute('PRAGMA journal_mode = WAL')\n"
        "conn.execute('SELECT count(*) FROM event').fetchall()\n"
        "print('open', flush=True)\n"
        "sys.stdin.readline()\n"
    )
    holder = subprocess.Popen([sys.executable, "-c", script, str(path)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True, env=python_path())
    assert holder.stdout is not None and holder.stdout.readline() == "open\n"
    return holder


def _names() -> set[str]:
    db.session.rollback()
    return set(db.session.scalars(select(Registration.name)))


def test_restore_replaces_the_database_only_when_nothing_has_it_open(
    sqlite_database, app, runner, make_event, make_registration, tmp_path
) -> None:
    event = make_event()
    event_id = event.id
    make_registration(event, name="In the backup")
    backup = tmp_path / "backup.sqlite"
    assert runner.invoke(args=["backup", str(backup)]).exit_code == 0
    make_registration(event, name="After the backup")
    db.session.remove()  # the test's own connection is closed: only the holders below count

    other = sqlite3.connect(sqlite_database)  # another connection in this process
    other.execute("SELECT count(*) FROM event").fetchall()
    refused = runner.invoke(args=["restore", str(backup)])
    other.close()
    holder = _hold_open_in_another_process(sqlite_database)
    try:
        refused_too = runner.invoke(args=["restore", str(backup)])
    finally:
        holder.communicate("\n", timeout=10)
    for result in (refused, refused_too):
        assert result.exit_code == 1
        assert f"The database {sqlite_database} is in use" in result.output
        assert "Nothing was changed" in result.output
    assert _names() == {"In the backup", "After the backup"}
    assert not list(sqlite_database.parent.glob("*.before-restore-*"))
    db.session.remove()

    restored = runner.invoke(args=["restore", str(backup)])
    assert restored.exit_code == 0, restored.output
    assert _names() == {"In the backup"}
    (kept,) = sqlite_database.parent.glob("roundtable.sqlite.before-restore-*")
    assert f"kept as {kept}" in restored.output
    assert kept.stat().st_mode & 0o077 == 0
    with sqlite3.connect(kept) as conn:
        assert {name for (name,) in conn.execute("SELECT name FROM registration")} == {
            "In the backup", "After the backup"}
    # The app goes on writing to the restored file, in WAL mode again.
    make_registration(db.session.get(Event, event_id), name="After the restore")
    assert _names() == {"In the backup", "After the restore"}
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0
    assert db.session.execute(select(func.count()).select_from(Event)).scalar() == 1
    with sqlite3.connect(sqlite_database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_backup_and_restore_refuse_what_they_cannot_do_safely(sqlite_database, runner,
                                                              tmp_path) -> None:
    taken = tmp_path / "taken.sqlite"
    taken.write_text("an older backup")
    result = runner.invoke(args=["backup", str(taken)])
    assert result.exit_code == 1 and "already exists" in result.output
    assert taken.read_text() == "an older backup"
    nowhere = runner.invoke(args=["backup", str(tmp_path / "missing" / "b.sqlite")])
    assert nowhere.exit_code == 1 and "no folder" in nowhere.output

    assert runner.invoke(args=["restore", str(taken)]).exit_code == 1
    assert "not a SQLite database" in runner.invoke(args=["restore", str(taken)]).output
    missing = runner.invoke(args=["restore", str(tmp_path / "none.sqlite")])
    assert missing.exit_code == 1 and "There is no backup file" in missing.output
    plain = tmp_path / "plain.sqlite"
    with contextlib.closing(sqlite3.connect(plain)) as conn:
        conn.execute("CREATE TABLE t (n)")
    other = runner.invoke(args=["restore", str(plain)])
    assert other.exit_code == 1 and "not a Roundtable database" in other.output
    assert not list(tmp_path.glob(".*.partial"))


def test_pg_dump_gets_the_password_in_its_environment_not_on_its_command_line() -> None:
    from roundtable.backup import libpq_conninfo

    url = make_url("postgresql+psycopg://rt:s%40cret@db.internal:6432/roundtable?sslmode=require")
    assert libpq_conninfo(url) == (
        "postgresql://rt@db.internal:6432/roundtable?sslmode=require", "s@cret")
    assert libpq_conninfo(make_url("postgresql+psycopg://rt@/roundtable")) == (
        "postgresql://rt@/roundtable", None)


def test_postgresql_backup_is_a_pg_dump_that_pg_restore_reads(
    postgres, database_url, runner, make_event, make_registration, tmp_path
) -> None:
    make_registration(make_event(), name="Dumped")
    dump = tmp_path / "roundtable.dump"
    result = runner.invoke(args=["backup", str(dump)])
    assert result.exit_code == 0, result.output
    assert "with pg_dump" in result.output and "custom format" in result.output
    assert dump.read_bytes().startswith(b"PGDMP")  # the custom format's signature
    assert dump.stat().st_mode & 0o077 == 0

    listing = subprocess.run([postgres.bindir / "pg_restore", "--list", dump],
                             capture_output=True, text=True, check=True).stdout
    assert "TABLE DATA public registration" in listing

    # It restores, into a database of its own.
    target = make_url(database_url).set(database="roundtable_restore_check")
    admin = f"host=127.0.0.1 port={postgres.port} user=roundtable dbname=postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute("DROP DATABASE IF EXISTS roundtable_restore_check")
        conn.execute("CREATE DATABASE roundtable_restore_check")
    try:
        subprocess.run(
            [postgres.bindir / "pg_restore", "--no-owner", "--dbname",
             target.set(drivername="postgresql").render_as_string(hide_password=False), dump],
            capture_output=True, text=True, check=True,
        )
        with psycopg.connect(f"host=127.0.0.1 port={postgres.port} user=roundtable "
                             "dbname=roundtable_restore_check") as conn:
            names = [row[0] for row in conn.execute("SELECT name FROM registration")]
        assert names == ["Dumped"]
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS roundtable_restore_check")

    refused = runner.invoke(args=["restore", str(dump)])
    assert refused.exit_code == 1
    assert "restored with pg_restore" in refused.output
