"""Extension singletons, created unbound and bound to an app in ``register_extensions``."""

from __future__ import annotations

from typing import Any

from flask_bootstrap import Bootstrap5
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import event
from sqlalchemy.engine import Engine

from roundtable.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
csrf = CSRFProtect()
login_manager = LoginManager()
limiter = Limiter(key_func=get_remote_address)
bootstrap = Bootstrap5()

IMMEDIATE = "roundtable_sqlite_immediate"


def configure_sqlite(engine: Engine, busy_timeout_ms: int) -> None:
    """Put a SQLite engine in WAL mode with a busy timeout and explicit transaction starts.

    pysqlite's own transaction handling begins lazily and cannot take the write lock up front;
    emitting BEGIN ourselves lets a seat allocation start with BEGIN IMMEDIATE (see seating.py).
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
        immediate = conn.get_execution_options().get(IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
