"""Transactions: SQLite's engine set-up, the write transaction, and telling errors apart.

Every change runs in one write transaction: ``write_transaction`` (used by the web layer's one
helper and by the CLI) begins it as a writer, commits when the block ends and rolls back on any
exception. The domain's operations only flush; the ones that change seats first call
``seating.lock_event``, which calls ``begin_write``.

Two kinds of database error are worth a "try again" answer rather than a failure: a lock not
granted in time (``is_lock_timeout``) and a database that cannot be reached at all
(``is_unavailable``: the server is down or restarting, the connection was lost, the SQLite file
cannot be opened). ``ping`` is the readiness probe's trivial query.
"""

from __future__ import annotations

import copy
import fcntl
import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Self, cast

from sqlalchemy import Insert, Select, Update, event, text
from sqlalchemy.engine import Dialect, Engine
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, scoped_session
from sqlalchemy.sql.compiler import SQLCompiler

logger = logging.getLogger(__name__)

# The channel a trigger on every table notifies on PostgreSQL when a change commits.
CHANGED = "roundtable_changed"
_CONNECTION_OK = 0  # libpq's CONNECTION_OK (psycopg.pq.ConnStatus.OK)

IMMEDIATE = "roundtable_sqlite_immediate"
# Each SQLite engine's busy timeout, in milliseconds (how long the writers' queue is tried).
_BUSY_TIMEOUTS: weakref.WeakKeyDictionary[Engine, int] = weakref.WeakKeyDictionary()
AnySession = Session | scoped_session[Session]


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Put a SQLite engine in WAL mode with a busy timeout and explicit transaction starts.

    pysqlite's own transaction handling begins lazily and cannot take the write lock up front;
    emitting BEGIN ourselves lets a write transaction start with BEGIN IMMEDIATE, so its reads
    and writes see one state and concurrent writers queue on the busy timeout.
    """

    _BUSY_TIMEOUTS[engine] = int(busy_timeout_ms)

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
def write_transaction(session: AnySession) -> Iterator[None]:
    """Run the block in one write transaction: commit at its end, roll back on any exception.

    On PostgreSQL every lock the transaction waits for (the event row above all) is waited for
    at most LOCK_TIMEOUT_MS (the connection's ``lock_timeout``, see ``config``); then the block
    fails with an error ``is_lock_timeout`` knows. On SQLite the writers of every process
    queue first on a file lock beside the database (``_writers_queue``).
    """
    with _writers_queue(session.get_bind().engine):
        try:
            begin_write(session)
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise


@dataclass(frozen=True)
class Reuse:
    """When rows read before may answer again: for rows decided by the database and ``key``.

    ``valid`` is asked with the kept rows each time they would answer (for rows that also
    depend on the clock: it says whether the time since they were read has changed them).
    """

    key: Hashable
    valid: Callable[[list[tuple[Any, ...]]], bool] | None = None


class Prepared:
    """A select compiled once per database, run straight on the driver.

    For the public pages' one-statement reads: SQLAlchemy's per-execution work (the statement's
    cache key, its parameters, a Connection and its events) costs several times the query
    itself. Here the statement is compiled once per dialect; a call binds the values (through
    their types) and returns the rows as tuples: each column as the driver gives it, except the
    ``typed`` ones, which go through their type's result processing. A driver error is raised
    as SQLAlchemy's (``DBAPIError``), the connection invalidated when it was lost, so callers and
    ``is_unavailable`` tell failures apart as for any other statement.

    On PostgreSQL and on a SQLite file it runs on this process's and thread's own reading
    connection (``_Reader``), and rows read with a ``Reuse`` answer again for as long as the
    database has not changed: SQLite's ``data_version`` tells when any other connection, in any
    process, has committed; on PostgreSQL a notification does. Elsewhere (SQLite in memory) the
    statement runs on a connection borrowed from the engine's pool.
    """

    def __init__(self, statement: Select[*tuple[Any, ...]] | Insert | Update, *,
                 typed: Iterable[str] = ()) -> None:
        self.statement = statement
        self.names = list(statement.exported_columns.keys())
        self.index = {name: i for i, name in enumerate(self.names)}
        self._typed = tuple(typed)
        self._made: weakref.WeakKeyDictionary[Dialect, _Made] = weakref.WeakKeyDictionary()

    def _for(self, dialect: Dialect) -> _Made:
        made = self._made.get(dialect)
        if made is None:
            compiled = self.statement.compile(dialect=_numbered(dialect))
            if "POSTCOMPILE" in compiled.string:
                raise RuntimeError("Prepared takes statements without expanding parameters")
            columns = self.statement.exported_columns
            made = self._made[dialect] = _Made(
                sql=compiled.string,
                compiled=compiled,
                binds={name: bind.type.dialect_impl(dialect).bind_processor(dialect)
                       for name, bind in compiled.binds.items()},
                results=tuple(
                    (self.index[name], processor) for name in self._typed
                    if (processor := columns[name].type.dialect_impl(dialect)
                        .result_processor(dialect, None))
                ),
            )
        return made

    def rows(self, engine: Engine, values: dict[str, Any], *, reuse: Reuse | None = None
             ) -> list[tuple[Any, ...]]:
        """Run the statement with ``values``; return its rows (kept ones, when ``reuse`` lets)."""
        dialect = engine.dialect
        made = self._for(dialect)
        if not _Reader.serves(engine):
            return self._processed(made, self._run(engine, made, values))
        params: Any = None
        retried = False
        while True:
            reader = _Reader.of(engine)
            try:
                memo = reader.memo(engine)  # forgets everything once the database has changed
                key = (id(self), reuse.key) if reuse is not None else None
                found = memo.get(key) if key is not None else None
                if found is not None and (reuse is None or reuse.valid is None
                                          or reuse.valid(found)):
                    return found
                if params is None:
                    params = _params(made, values)
                found = self._processed(made, reader.run(engine, made.sql, params))
            except DBAPIError as error:
                # A read may be tried again: once, on a new connection, when the old one was
                # found lost (the server restarted since it was opened).
                if retried or not error.connection_invalidated:
                    raise
                retried = True
                continue
            if key is not None:
                if len(memo) >= _MEMO_ENTRIES:
                    memo.clear()
                memo[key] = found
            return found

    def execute(self, writing: Writing, values: dict[str, Any], *, commit: bool = False
                ) -> list[tuple[Any, ...]]:
        """Run in ``writing``'s transaction (``own_write_transaction``); return its rows.

        For the few statements of a hot write path (``express``): Python-side column defaults
        are not applied, so ``values`` names every column the statement sets. ``commit`` ends
        the transaction with it (on PostgreSQL in the same round trip).
        """
        return writing.execute([(self, values)], commit=commit)[0]

    def bound(self, dialect: Dialect, values: dict[str, Any]) -> tuple[str, Any]:
        """Return the statement's SQL for ``dialect`` and ``values`` bound for its driver."""
        made = self._for(dialect)
        return made.sql, _params(made, values)

    def processed(self, dialect: Dialect, found: list[Any]) -> list[tuple[Any, ...]]:
        """Return raw rows of this statement as ``rows`` gives them (typed columns processed)."""
        return self._processed(self._for(dialect), found)

    def _run(self, engine: Engine, made: _Made, values: dict[str, Any]) -> list[Any]:
        """Run on a connection from the pool (SQLite in memory); return the raw rows."""
        dialect = engine.dialect
        params = _params(made, values)
        error_class = dialect.loaded_dbapi.Error
        try:
            pooled = engine.raw_connection()
        except error_class as error:
            raise _wrapped(dialect, made.sql, error, invalidated=True) from error
        try:
            try:
                cursor = pooled.cursor()
                try:
                    cursor.execute(made.sql, params)
                    found = cursor.fetchall()
                finally:
                    cursor.close()
            except error_class as error:
                lost = dialect.is_disconnect(error, pooled.dbapi_connection, None)
                pooled.invalidate(error)  # its state is unknown: the pool makes a new one
                raise _wrapped(dialect, made.sql, error, invalidated=lost) from error
        finally:
            pooled.close()
        return list(found)

    @staticmethod
    def _processed(made: _Made, found: list[Any]) -> list[tuple[Any, ...]]:
        if made.results:
            found = [list(row) for row in found]
            for index, processor in made.results:
                for row in found:
                    row[index] = processor(row[index])
        return [tuple(row) for row in found]


_MEMO_ENTRIES = 1024  # rows kept per reading connection (then all are forgotten at once)


def _numbered(dialect: Dialect) -> Dialect:
    """Return ``dialect`` as it compiles for the own connections: on PostgreSQL, parameters
    numbered as the server takes them ($1, $2: psycopg's ``RawCursor``), so the driver does
    not parse each statement's text again on every run (it keeps parsed only statements of
    at most 4 KiB and 50 parameters); elsewhere ``dialect`` itself."""
    if dialect.name != "postgresql":
        return dialect
    numbered: Dialect | None = getattr(dialect, "_roundtable_numbered", None)
    if numbered is None:
        numbered = copy.copy(dialect)
        numbered.paramstyle = "numeric_dollar"
        numbered.positional = True
        # Its own quoting, which no longer doubles a "%" (the driver does not parse the text).
        numbered.identifier_preparer = numbered.preparer(numbered)
        dialect._roundtable_numbered = numbered  # type: ignore[attr-defined]
    return numbered


def _params(made: _Made, values: dict[str, Any]) -> Any:
    """Return ``values`` bound for the driver: processed by their types, in the driver's style."""
    bound = made.compiled.construct_params(values) or {}
    processed = {name: processor(value) if (processor := made.binds.get(name)) else value
                 for name, value in bound.items()}
    positions = made.compiled.positiontup
    return (tuple(processed[name] for name in positions)
            if made.compiled.positional and positions is not None else processed)


class _Own:
    """A connection of this process and thread of its own, taken out of the engine's pool.

    It is the engine's own kind (its ``connect`` set-up: on SQLite WAL and the busy timeout, on
    PostgreSQL the lock timeout), never reset or pre-pinged: on a driver error it is forgotten
    (closed, which ends any transaction) and the next use opens another.
    """

    _local = threading.local()  # each kind has its own

    def __init__(self, engine: Engine) -> None:
        self._pooled = engine.raw_connection()
        self._pooled.detach()  # the pool forgets it: closing it closes the connection
        self.connection: Any = cast(Any, self._pooled.dbapi_connection)
        self.sqlite = engine.dialect.name == "sqlite"
        if not self.sqlite:
            self.connection.autocommit = True  # transactions are begun by hand
            # Statements come numbered ($1, $2: ``_numbered``) and go to the server as they are.
            self.connection.cursor_factory = engine.dialect.loaded_dbapi.RawCursor
        self.pid = os.getpid()
        self.closed = False
        _opened(engine).add(self)

    @staticmethod
    def serves(engine: Engine) -> bool:
        """Return True for a SQLite file or a PostgreSQL database (not SQLite in memory)."""
        name = engine.dialect.name
        return name == "postgresql" or (name == "sqlite" and _sqlite_file(engine) is not None)

    @classmethod
    def of(cls, engine: Engine) -> Self:
        """Return this thread's connection of this kind to ``engine``'s database."""
        made: weakref.WeakKeyDictionary[Engine, Self] | None = getattr(cls._local, "made", None)
        if made is None:
            made = cls._local.made = weakref.WeakKeyDictionary()
        own = made.get(engine)
        if own is None or own.pid != os.getpid() or own.closed:
            if own is not None:  # made before a fork: the parent's, never touched here
                _ABANDONED.append(own._pooled)
            error_class = engine.dialect.loaded_dbapi.Error
            try:
                own = made[engine] = cls(engine)
            except error_class as error:
                raise _wrapped(engine.dialect, "connect", error, invalidated=True) from error
        return own

    def run(self, engine: Engine, sql: str, params: Any) -> list[Any]:
        """Run one statement and return its rows; on a driver error, forget this connection
        and raise the error as SQLAlchemy's."""
        try:
            cursor = self.connection.cursor()
            try:
                cursor.execute(sql, params)
                return cast(list[Any], cursor.fetchall()) if cursor.description else []
            finally:
                cursor.close()
        except engine.dialect.loaded_dbapi.Error as error:
            lost = engine.dialect.is_disconnect(error, self.connection, None)
            self.forget(engine)  # its state is unknown: the next use opens another
            raise _wrapped(engine.dialect, sql, error, invalidated=lost) from error
        except BaseException:
            self.forget(engine)  # interrupted (a worker's timeout): its state is unknown too
            raise

    def run_all(self, engine: Engine, statements: list[tuple[str, Any]]) -> list[list[Any]]:
        """Run statements in order and return the rows of each: on PostgreSQL in one round trip
        (a pipeline), on SQLite one after another. Errors as ``run``'s."""
        if self.sqlite:
            return [self.run(engine, sql, params) for sql, params in statements]
        sql = statements[0][0]
        try:
            cursors = []
            with self.connection.pipeline():
                for sql, params in statements:
                    cursor = self.connection.cursor()
                    cursor.execute(sql, params)
                    cursors.append(cursor)
            found = [cast(list[Any], c.fetchall()) if c.description else [] for c in cursors]
            for cursor in cursors:
                cursor.close()
            return found
        except engine.dialect.loaded_dbapi.Error as error:
            lost = engine.dialect.is_disconnect(error, self.connection, None)
            self.forget(engine)
            raise _wrapped(engine.dialect, sql, error, invalidated=lost) from error
        except BaseException:
            # Interrupted within the pipeline: BEGIN and a lock may have run; closing the
            # connection ends that transaction, where a ROLLBACK would not be sent.
            self.forget(engine)
            raise

    def forget(self, engine: Engine) -> None:
        """Close the connection; the next use opens another."""
        made = getattr(self._local, "made", {})
        if made.get(engine) is self:
            del made[engine]
        self.close(engine)

    def close(self, engine: Engine) -> None:
        """Close the connection (from any thread); its thread's next use opens another."""
        self.closed = True
        try:
            self._pooled.close()
        except engine.dialect.loaded_dbapi.Error:
            pass


# The own connections opened to each engine: ``engine.dispose()`` closes them with its pool.
_OPENED: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[_Own]] = weakref.WeakKeyDictionary()


def _opened(engine: Engine) -> weakref.WeakSet[_Own]:
    opened = _OPENED.get(engine)
    if opened is None:
        opened = _OPENED[engine] = weakref.WeakSet()
        event.listen(engine, "engine_disposed", _close_opened)
    return opened


@event.listens_for(Engine, "commit")
def _forget_kept(conn: Any) -> None:
    """A connection of this process commits: on PostgreSQL this process's readers of that
    database forget their kept rows now (other processes learn it from the notification)."""
    engine = conn.engine
    if engine.dialect.name == "postgresql":
        _forget_kept_of(engine)


def _forget_kept_of(engine: Engine) -> None:
    for other, opened in list(_OPENED.items()):
        if other is engine or other.url == engine.url:
            for own in list(opened):
                if isinstance(own, _Reader):
                    own.kept = {}


def _close_opened(engine: Engine) -> None:
    """Close the own connections this process opened to ``engine`` (not a parent's, after a
    fork: closing would end them for the parent too)."""
    for own in list(_OPENED.get(engine, ())):
        if own.pid == os.getpid():
            own.close(engine)


class _Reader(_Own):
    """The reading connection, and the rows it kept since the database last changed.

    It only ever reads, each statement on its own (outside a transaction on SQLite, in
    autocommit on PostgreSQL), so it reads the latest committed state; a read that finds it
    lost is tried again once on a new one (``Prepared.rows``).

    Kept rows are forgotten, all at once, when another connection (of this process or any
    other) has committed a change:
    - on a SQLite file its ``PRAGMA data_version`` changes exactly then;
    - on PostgreSQL the connection listens on ``CHANGED``, which a trigger on every table
      notifies (migration e6a1c3d5f7b9). A notification is delivered once its transaction has
      committed; each use first takes in, without waiting, what the server has sent. A row is
      never kept from before a notification was taken in, and a connection found lost keeps
      nothing (its replacement starts empty, listening before it reads).
    """

    _local = threading.local()

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self.version: object = None
        self.kept: dict[Hashable, list[tuple[Any, ...]]] = {}
        if not self.sqlite:
            # Its few statements are prepared by the driver (after a few runs) and each is an
            # index lookup whatever its values: planned once (again after ANALYZE), not per run.
            self.run(engine, "SET plan_cache_mode = force_generic_plan", ())
            # A notification taken in during a read (the driver hands it here) forgets the
            # rows kept so far and those of that read: they go to the dict it replaced.
            self.connection.add_notify_handler(self._changed)
            self.run(engine, f"LISTEN {CHANGED}", ())

    def _changed(self, _notification: object = None) -> None:
        self.kept = {}

    def memo(self, engine: Engine) -> dict[Hashable, list[tuple[Any, ...]]]:
        """Return the rows kept since the database last changed (forgetting them if it has)."""
        if self.sqlite:
            version = self.run(engine, "PRAGMA data_version", ())[0][0]
            if version != self.version:
                self.kept = {}
                self.version = version
            return self.kept
        server = self.connection.pgconn
        try:
            server.consume_input()  # what has arrived, without waiting
            if server.status != _CONNECTION_OK:
                raise engine.dialect.loaded_dbapi.OperationalError("the connection was lost")
        except engine.dialect.loaded_dbapi.Error as error:
            self.forget(engine)
            raise _wrapped(engine.dialect, f"LISTEN {CHANGED}", error, invalidated=True
                           ) from error
        while server.notifies() is not None:
            self.kept = {}
        return self.kept


class _Writer(_Own):
    """The writing connection of ``own_write_transaction`` (never the reader: a SQLite
    connection's own commits do not move its data_version)."""

    _local = threading.local()


class Writing:
    """A write transaction on this thread's writing connection (``own_write_transaction``).

    Its BEGIN goes with its first statements, and its COMMIT may go with its last: on
    PostgreSQL in the same round trip.
    """

    def __init__(self, engine: Engine, begin: str) -> None:
        self.engine = engine
        self._writer = _Writer.of(engine)
        self._begin: str | None = begin  # not sent yet
        self.ended = False

    @property
    def begun(self) -> bool:
        return self._begin is None

    def execute(self, statements: list[tuple[Prepared, dict[str, Any]]], *, commit: bool = False
                ) -> list[list[tuple[Any, ...]]]:
        """Run ``statements`` in order (one round trip on PostgreSQL); return each one's rows.

        The first ones sent also begin the transaction; a connection found lost then (the
        server restarted since it was opened) is replaced and they are sent once more. With
        ``commit`` the transaction ends with them: a connection lost after the server ran the
        COMMIT makes the second sending find that done (the express lane's write statement
        then writes nothing, and the full way shows the earlier outcome).
        """
        dialect = self.engine.dialect
        batch = [prepared.bound(dialect, values) for prepared, values in statements]
        sent: list[tuple[str, Any]] = [] if self._begin is None else [(self._begin, ())]
        first = bool(sent)
        sent += batch + ([("COMMIT", ())] if commit else [])
        found = self._send(sent, again=first)
        self._begin = None
        self.ended = self.ended or commit
        if commit and not self._writer.sqlite:
            _forget_kept_of(self.engine)  # as for a Session's commit (``_forget_kept``)
        rows = found[1:] if first else found
        return [prepared.processed(dialect, raw)
                for (prepared, _), raw in zip(statements, rows, strict=False)]

    def before(self, statements: list[tuple[Prepared, dict[str, Any]]]
               ) -> list[list[tuple[Any, ...]]]:
        """Run ``statements`` before the transaction begins, outside it (on PostgreSQL in
        autocommit, in one round trip); return each one's rows. A connection found lost is
        replaced and they are sent once more, as ``execute``'s first ones are."""
        if self.begun:
            raise RuntimeError("the transaction has begun")
        dialect = self.engine.dialect
        found = self._send([prepared.bound(dialect, values) for prepared, values in statements],
                           again=True)
        return [prepared.processed(dialect, raw)
                for (prepared, _), raw in zip(statements, found, strict=True)]

    def _send(self, sent: list[tuple[str, Any]], *, again: bool) -> list[list[Any]]:
        retried = False
        while True:
            try:
                return self._writer.run_all(self.engine, sent)
            except DBAPIError as error:
                if not again or retried or not error.connection_invalidated:
                    raise
                retried = True
                self._writer = _Writer.of(self.engine)

    def end(self, how: str) -> None:
        """COMMIT or ROLLBACK, if the transaction was begun and has not ended."""
        if self.begun and not self.ended:
            self.ended = True
            self._writer.run(self.engine, how, ())
            if how == "COMMIT" and not self._writer.sqlite:
                _forget_kept_of(self.engine)


@contextmanager
def own_write_transaction(engine: Engine) -> Iterator[Writing]:
    """Run the block in a write transaction on this thread's own writing connection.

    For the express lane: no Session, no pool checkout or pre-ping, and on PostgreSQL its BEGIN
    and COMMIT travel with its first and last statements. As ``write_transaction``: on SQLite
    the writers' queue, then BEGIN IMMEDIATE; on PostgreSQL the connection's lock timeout bounds
    every wait. Commits when the block ends (if it has not), rolls back on any exception.
    """
    # The express lane's write statement must see what committed before its lock was granted.
    begin = ("BEGIN IMMEDIATE" if engine.dialect.name == "sqlite"
             else "BEGIN ISOLATION LEVEL READ COMMITTED")
    with _writers_queue(engine):
        writing = Writing(engine, begin)
        try:
            yield writing
            writing.end("COMMIT")
        except BaseException:
            try:
                writing.end("ROLLBACK")
            except DBAPIError:
                pass  # it was forgotten: closing it ended the transaction
            raise


_ABANDONED: list[Any] = []  # readers' connections inherited over a fork: kept open, unused


def _sqlite_file(engine: Engine) -> str | None:
    """Return the path of ``engine``'s SQLite database file (None: in memory or a URI)."""
    path = engine.url.database
    if not path or path == ":memory:" or path.startswith("file:"):
        return None
    return path


@dataclass(frozen=True)
class _Made:
    """A statement as compiled for one dialect, with its bind and result processors."""

    sql: str
    compiled: SQLCompiler
    binds: dict[str, Callable[[Any], Any] | None]
    results: tuple[tuple[int, Callable[[Any], Any]], ...]


def _wrapped(dialect: Dialect, sql: str, error: Exception, *, invalidated: bool) -> DBAPIError:
    """Return the driver's ``error`` as SQLAlchemy raises it (its parameters hidden)."""
    return cast(DBAPIError, DBAPIError.instance(
        sql, None, error, dialect.loaded_dbapi.Error, hide_parameters=True,
        connection_invalidated=invalidated, dialect=dialect))


_QUEUE_POLL_S = (0.00005, 0.001)  # the first wait for the queue's lock, and the longest


@contextmanager
def _writers_queue(bind: Engine) -> Iterator[None]:
    """On SQLite, hold a file lock beside the database while the write transaction runs.

    SQLite makes a writer that finds the database locked sleep, in steps that grow to 25 ms and
    more, so under a burst of signups the lock sits free while writers sleep. Writers that
    queue on this lock first try it every 50 µs to 1 ms and find it as soon as it is free. It
    only orders writers: BEGIN IMMEDIATE still guards the seats, and a writer that cannot take
    it within the busy timeout (or a writer that does not queue: the domain's own callers)
    goes on to SQLite's own waiting.
    """
    path = _sqlite_file(bind) if bind.dialect.name == "sqlite" else None
    if path is None:
        yield
        return
    patience = _busy_timeout_s(bind)
    try:
        handle = os.open(f"{path}-writers.lock", os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # the database's folder is gone or read-only: SQLite's error will say so
        yield
        return
    try:
        deadline = time.monotonic() + patience
        pause = _QUEUE_POLL_S[0]
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break  # SQLite's own busy timeout decides from here
                time.sleep(pause)
                pause = min(pause * 2, _QUEUE_POLL_S[1])
        yield
    finally:
        os.close(handle)  # releases the lock


def _busy_timeout_s(engine: Engine) -> float:
    """Return the SQLite busy timeout of ``engine``'s connections, in seconds."""
    return _BUSY_TIMEOUTS.get(engine, 30_000) / 1000


def is_lock_timeout(error: BaseException) -> bool:
    """Return True when ``error`` says a lock was not granted in time (retrying may work)."""
    if not isinstance(error, OperationalError):
        return False
    if getattr(error.orig, "sqlstate", None) == "55P03":  # PostgreSQL: lock_not_available
        return True
    return "database is locked" in str(error.orig)  # SQLite: the busy timeout ran out


# PostgreSQL SQLSTATEs that say the server went away or is not taking connections: class 08
# (connection exception), too_many_connections, admin_shutdown, crash_shutdown,
# cannot_connect_now (starting or stopping).
_GONE_SQLSTATES = frozenset({"53300", "57P01", "57P02", "57P03"})
# SQLite: the file cannot be opened (moved, its folder gone or unreadable) or read (I/O error).
_GONE_SQLITE_ERRORS = ("SQLITE_CANTOPEN", "SQLITE_IOERR")
_NOT_PSYCOPG = object()


def is_unavailable(error: BaseException) -> bool:
    """Return True when ``error`` says the database cannot be reached (retrying later may work).

    SQLAlchemy marks an error that broke an open connection (``connection_invalidated``); a
    connection that could not be made at all is told by the driver's error: psycopg gives no
    SQLSTATE when no server answered, or a connection-class one; sqlite3 names the failure.
    """
    if not isinstance(error, DBAPIError):
        return False
    if error.connection_invalidated:
        return True
    state = getattr(error.orig, "sqlstate", _NOT_PSYCOPG)
    if state is _NOT_PSYCOPG:
        return str(getattr(error.orig, "sqlite_errorname", "")).startswith(_GONE_SQLITE_ERRORS)
    if state is None:
        return isinstance(error, OperationalError)
    return str(state).startswith("08") or state in _GONE_SQLSTATES


def ping(session: AnySession) -> str | None:
    """Run a trivial query; return None when the database answers, else a short reason.

    The reason names the kind of failure only (never the driver's message, which may carry a
    host or user name); the session is left with no transaction either way.
    """
    try:
        session.execute(text("SELECT 1"))
    except DBAPIError as error:
        roll_back_quietly(session)
        reason = "database unavailable" if is_unavailable(error) else "database error"
        logger.warning("readiness check failed: %s (%s)", reason, error_code(error))
        return reason
    roll_back_quietly(session)
    return None


def error_code(error: DBAPIError) -> str:
    """Return the driver's code for ``error`` (SQLSTATE or SQLite's name), fit for a log line."""
    orig = error.orig
    code = getattr(orig, "sqlstate", None) or getattr(orig, "sqlite_errorname", None)
    return str(code) if code else type(orig).__name__


def roll_back_quietly(session: AnySession) -> None:
    """End the session's transaction; a connection that is already gone has nothing to undo."""
    try:
        session.rollback()
    except DBAPIError:
        pass


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
