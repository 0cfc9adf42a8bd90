"""SQLite engine set-up: WAL mode, a busy timeout, and transactions that can begin as writers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, scoped_session

IMMEDIATE = "roundtable_sqlite_immediate"


def configure_sqlite(engine: Engine, busy_timeout_ms: int, *, transactions: bool = True) -> None:
    """Put a SQLite engine in WAL mode with a busy timeout and explicit transaction starts.

    pysqlite's own transaction handling begins lazily and cannot take the write lock up front;
    emitting BEGIN ourselves lets a seat change start with BEGIN IMMEDIATE (see seating.py), so
    its reads and writes see one state and concurrent writers queue on the busy timeout.
    ``transactions=False`` (the test-only SEATING_LOCKS=false) leaves every statement in its own
    transaction: the unguarded behaviour the concurrency tests' control run must catch.
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

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        if not transactions:
            return
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session) -> None:
    """Make the session's transaction a writer's from its start (SQLite: BEGIN IMMEDIATE).

    A transaction that has only read so far is ended and begun again as a writer; one that has
    already written cannot be upgraded safely, which is a programming error.
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
