"""Transactions: SQLite's engine set-up, the write transaction, and telling a lock timeout.

Every change runs in one write transaction: ``write_transaction`` (used by the web layer's one
helper and by the CLI) begins it as a writer, commits when the block ends and rolls back on any
exception. The domain's operations only flush; the ones that change seats first call
``seating.lock_event``, which calls ``begin_write``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, scoped_session

IMMEDIATE = "roundtable_sqlite_immediate"
AnySession = Session | scoped_session[Session]


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Put a SQLite engine in WAL mode with a busy timeout and explicit transaction starts.

    pysqlite's own transaction handling begins lazily and cannot take the write lock up front;
    emitting BEGIN ourselves lets a write transaction start with BEGIN IMMEDIATE, so its reads
    and writes see one state and concurrent writers queue on the busy timeout.
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    event.listen(engine, "begin", begin_sqlite)


def begin_sqlite(conn: Any) -> None:
    """Begin a SQLite transaction: as a writer (IMMEDIATE) when ``begin_write`` asked for it."""
    immediate = conn.get_execution_options().get(IMMEDIATE, False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: AnySession) -> None:
    """Make the session's transaction a writer's from its start (SQLite: BEGIN IMMEDIATE).

    The contract: call it before the transaction writes anything. A transaction that has only
    read so far is rolled back (its loaded objects expire and load again) and begun anew as a
    writer; one that has already written cannot be upgraded safely, which is a programming error
    (RuntimeError). Calling it again inside a writer's transaction changes nothing. On
    PostgreSQL it does nothing: row locks (``FOR UPDATE``) serialise writers there.
    """
    if session.get_bind().dialect.name != "sqlite":
        return
    if isinstance(session, scoped_session):
        session = session()
    if session.in_transaction():
        if session.connection().get_execution_options().get(IMMEDIATE):
            return
        if session.new or session.dirty or session.deleted or session.info.get(_WROTE):
            raise RuntimeError("a SQLite write transaction must start with begin_write")
        session.rollback()  # it only read: begin again, this time holding the write lock
    session.connection(execution_options={IMMEDIATE: True})


@contextmanager
def write_transaction(session: AnySession, *, lock_timeout_ms: int) -> Iterator[None]:
    """Run the block in one write transaction: commit at its end, roll back on any exception.

    On PostgreSQL every lock the transaction waits for (the event row above all) is waited for
    at most ``lock_timeout_ms``; then the block fails with an error ``is_lock_timeout`` knows.
    """
    try:
        begin_write(session)
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text(f"SET LOCAL lock_timeout = {int(lock_timeout_ms)}"))
        yield
        session.commit()
    except BaseException:
        session.rollback()
        raise


def is_lock_timeout(error: BaseException) -> bool:
    """Return True when ``error`` says a lock was not granted in time (retrying may work)."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL: lock_not_available
        return True
    return "database is locked" in str(error.orig)  # SQLite: the busy timeout ran out


_WROTE = "roundtable_wrote"


@event.listens_for(Session, "after_flush")
def _mark_written(session: Session, _context: object) -> None:
    session.info[_WROTE] = True


@event.listens_for(Session, "do_orm_execute")
def _mark_bulk_written(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_transaction_end")
def _clear_written(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_WROTE, None)
