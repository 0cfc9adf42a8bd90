"""Backups of the database, and restores of SQLite backups: `roundtable backup` and `restore`.

SQLite is copied with its online backup API in one step: the copy is one read transaction, so
it is the database as it stood when the copy began, while the app goes on writing (in WAL mode
readers do not block writers). PostgreSQL is dumped with ``pg_dump`` in its custom format, and
restored with ``pg_restore``, which this module does not wrap.

A restore replaces a SQLite database only when nothing else has it open. Roundtable puts the
file in WAL mode, and in WAL mode every open connection holds a shared lock on the database
until it closes, whether or not it is in a transaction; leaving WAL mode needs the exclusive
lock. So the restore asks SQLite to leave WAL mode, holding the lock from then on (exclusive
locking mode): if any app server, mail worker or shell still has the file open, SQLite answers
"database is locked" within ``wait_s`` and the restore is refused, having changed nothing. With
the lock held, the database as it was is saved beside it, then the backup is copied in through
the same backup API, in one transaction.
"""

from __future__ import annotations

import glob
import os
import secrets
import shutil
import sqlite3

# pg_dump runs from an argument list of our own, with no shell.
import subprocess  # nosec B404
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import URL, make_url


class BackupError(RuntimeError):
    """A backup or restore could not be made; the message says why and what to do."""


class DatabaseInUse(BackupError):
    """The database to restore into is open in another connection."""


def back_up(database_uri: str, target: Path) -> str:
    """Write a consistent copy of the database to the new file ``target``; say what was done."""
    url = make_url(database_uri)
    if target.exists():
        raise BackupError(f"{target} already exists: choose a new file name for the backup.")
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to write the backup into.")
    if url.get_backend_name() == "sqlite":
        return _back_up_sqlite(sqlite_path(url), target)
    if url.get_backend_name() == "postgresql":
        return _dump_postgresql(url, target)
    raise BackupError(f"Cannot back up a {url.get_backend_name()} database.")


def restore(database_uri: str, source: Path, *, wait_s: float = 2.0) -> str:
    """Replace the SQLite database at ``database_uri`` with the backup ``source``; say so.

    Refused (DatabaseInUse) while another connection has the database open; the database as
    it was is kept beside it as ``<name>.before-restore-<UTC time>``.
    """
    url = make_url(database_uri)
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            "PostgreSQL databases are restored with pg_restore, not with this command. Stop the "
            "app servers and the mail worker, then run e.g. `pg_restore --clean --if-exists "
            "--no-owner --dbname=postgresql://USER@HOST/DB BACKUP`."
        )
    target = sqlite_path(url)
    with _opened_backup(source) as backup:
        if not target.exists():
            return _restore_into_new_file(backup, source, target)
        return _restore_over(backup, source, target, wait_s)


def sqlite_path(url: URL) -> Path:
    """Return the file of a SQLite URL (an in-memory database has none)."""
    if not url.database or url.database == ":memory:" or url.database.startswith("file::memory:"):
        raise BackupError("The database is in memory: there is no file to back up or restore.")
    return Path(url.database)


# --- SQLite ------------------------------------------------------------------------------------


def _back_up_sqlite(database: Path, target: Path) -> str:
    if not database.is_file():
        raise BackupError(f"There is no SQLite database at {database}.")
    partial = _partial_file(target)
    try:
        source = _connect(database, "rw")
        try:
            copy = sqlite3.connect(partial, isolation_level=None)
            try:
                source.backup(copy)  # one step: one read transaction, one consistent state
                copy.execute("PRAGMA journal_mode = DELETE")  # one self-contained file
                check = _integrity(copy)
            finally:
                copy.close()
        finally:
            source.close()
        if check != "ok":
            raise BackupError(f"The copy of {database} failed its integrity check: {check}")
        _publish(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return (f"Backed up the SQLite database {database} to {target} "
            f"({target.stat().st_size} bytes, integrity check ok).")


@contextmanager
def _opened_backup(source: Path) -> Iterator[sqlite3.Connection]:
    """Open a backup read-only, once it has proved a sound Roundtable database."""
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}.")
    try:
        connection = _connect(source, "ro")
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Cannot open {source} ({exc}).") from exc
    try:
        try:
            check = _integrity(connection)
            tables = {row[0] for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise BackupError(f"{source} is not a SQLite database ({exc}).") from exc
        if check != "ok":
            raise BackupError(f"{source} failed its integrity check: {check}")
        if "alembic_version" not in tables:
            raise BackupError(f"{source} is not a Roundtable database (no alembic_version).")
        yield connection
    finally:
        connection.close()


def _restore_into_new_file(backup: sqlite3.Connection, source: Path, target: Path) -> str:
    if not target.parent.is_dir():
        raise BackupError(f"There is no folder {target.parent} to restore into.")
    partial = _partial_file(target)
    try:
        copy = sqlite3.connect(partial, isolation_level=None)
        try:
            backup.backup(copy)
        finally:
            copy.close()
        _publish(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return f"Restored {source} into the new database {target}."


def _restore_over(backup: sqlite3.Connection, source: Path, target: Path, wait_s: float) -> str:
    try:
        live = _connect(target, "rw", wait_s)
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Cannot open {target} to restore into it ({exc}).") from exc
    try:
        _take_sole_access(live, target)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        kept = target.with_name(f"{target.name}.before-restore-{stamp}")
        _private_file(kept)
        saved = sqlite3.connect(kept, isolation_level=None)
        try:
            live.backup(saved)
        finally:
            saved.close()
        _sync(kept)
        backup.backup(live)  # in one journalled transaction: all of it or none
        check = live.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        live.close()
    return (f"Restored {source} into {target} (quick check {check}); the database as it was "
            f"is kept as {kept}.")


def _take_sole_access(live: sqlite3.Connection, target: Path) -> None:
    """Hold the database's exclusive lock until ``live`` closes, or refuse: it is in use."""
    try:
        live.execute("PRAGMA locking_mode = EXCLUSIVE")
        mode = live.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
        live.execute("BEGIN EXCLUSIVE")
        live.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if getattr(exc, "sqlite_errorname", "") not in ("SQLITE_BUSY", "SQLITE_LOCKED"):
            raise BackupError(f"Cannot restore into {target} ({exc}).") from exc
        mode = "locked"
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"Cannot restore into {target} ({exc}).") from exc
    if mode != "delete":
        raise DatabaseInUse(
            f"The database {target} is in use (another process has it open): stop the app "
            "servers and the mail worker, then run restore again. Nothing was changed."
        )


def _connect(path: Path, mode: str, wait_s: float = 30.0) -> sqlite3.Connection:
    """Open an existing SQLite file without creating one (``mode`` ro or rw)."""
    uri = f"{path.resolve().as_uri()}?mode={mode}"
    return sqlite3.connect(uri, uri=True, timeout=wait_s, isolation_level=None)


def _integrity(connection: sqlite3.Connection) -> str:
    rows = connection.execute("PRAGMA integrity_check").fetchall()
    return "; ".join(str(row[0]) for row in rows[:5])


# --- PostgreSQL --------------------------------------------------------------------------------


def _dump_postgresql(url: URL, target: Path) -> str:
    pg_dump = find_pg_tool("pg_dump")
    conninfo, password = libpq_conninfo(url)
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = password
    partial = _partial_file(target)
    try:
        result = subprocess.run(  # nosec B603
            [pg_dump, "--format=custom", "--no-password", f"--file={partial}",
             f"--dbname={conninfo}"],
            env=env, capture_output=True, text=True, check=False,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed ({pg_dump}): {result.stderr.strip()[-2000:]}")
        _publish(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    where = f"{url.database} on {url.host or 'localhost'}:{url.port or 5432}"
    return (f"Backed up the PostgreSQL database {where} with pg_dump ({pg_dump}, custom "
            f"format) to {target} ({target.stat().st_size} bytes). Restore it with pg_restore.")


def libpq_conninfo(url: URL) -> tuple[str, str | None]:
    """Return the libpq URI of a SQLAlchemy PostgreSQL URL without its password, and the password.

    The password is for PGPASSWORD: a command line is readable by every user of the host.
    """
    bare = URL.create(
        "postgresql", username=url.username, host=url.host, port=url.port,
        database=url.database, query=url.query,
    )
    return bare.render_as_string(hide_password=False), url.password


def find_pg_tool(name: str) -> str:
    """Return the PostgreSQL client program ``name``: on PATH, else Debian's newest."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda p: int(p.split("/")[-3]) if p.split("/")[-3].isdigit() else 0,
    )
    if candidates:
        return candidates[-1]
    raise BackupError(f"{name} was not found on PATH or in /usr/lib/postgresql/*/bin: install "
                      "the PostgreSQL client (Debian: postgresql-client).")


# --- Files -------------------------------------------------------------------------------------


def _private_file(path: Path) -> None:
    """Create ``path`` empty and readable by its owner only: backups hold personal data."""
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def _partial_file(target: Path) -> Path:
    """Return a new private file beside ``target`` to write into before it takes its name."""
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    _private_file(partial)
    return partial


def _publish(partial: Path, target: Path) -> None:
    """Flush ``partial`` to disk and give it the name ``target``, which must still be free."""
    _sync(partial)
    try:
        os.link(partial, target)
    except FileExistsError as exc:
        raise BackupError(f"{target} appeared meanwhile: nothing was overwritten.") from exc


def _sync(path: Path) -> None:
    """Flush ``path`` to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
