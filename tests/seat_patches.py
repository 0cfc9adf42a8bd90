"""Test-only patches of the seat lock, applied from the tests, never from production code.

The concurrency tests' control runs must oversell: that proves the checks can fail. They take
the lock away (no BEGIN IMMEDIATE on SQLite, where every statement then commits on its own, and
no queue of writers; no ``FOR UPDATE`` on PostgreSQL) and widen the race with a pause between
counting the seats and writing. The guarded runs may widen the race too, with the lock in place.
"""

from __future__ import annotations

import contextlib
import functools
import time
from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy import bindparam, func, select
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from roundtable import create_app as _create_app
from roundtable import database
from roundtable.domain import express, seating
from roundtable.domain.errors import NotFound
from roundtable.domain.models import Event
from roundtable.extensions import db


def create_app(*, locks: bool = True, delay_ms: int = 0, **config: Any) -> Flask:
    """Build the app (settings from ROUNDTABLE_* and ``config``), then apply the patches.

    Gunicorn calls it in each worker: ``'seat_patches:create_app(locks=False, delay_ms=60)'``.
    """
    app = _create_app(config or None)
    apply(app, locks=locks, delay_ms=delay_ms)
    return app


def apply(app: Flask, *, locks: bool, delay_ms: int) -> None:
    """Widen the race by ``delay_ms``; without ``locks``, take the seat lock away."""
    if delay_ms and not getattr(seating.taken_counts, "widened", False):
        seating.taken_counts = _slowed(seating.taken_counts, delay_ms / 1000)
        express.read_under_lock = _slowed(express.read_under_lock, delay_ms / 1000)
        # PostgreSQL decides in the write statement, under the lock: the pause goes in there.
        express.DECIDED = express.decided_write(
            express.DECISION.where(func.pg_sleep(delay_ms / 1000).is_not(None)))
    if locks:
        return
    seating.lock_event = _unlocked_event
    express._EVENT = _EXPRESS_EVENT_UNLOCKED
    express.LOCK = _EXPRESS_LOCK_UNLOCKED
    express.own_write_transaction = _unlocked_own_transaction
    database.begin_write = _no_write_lock
    database._writers_queue = _no_queue  # it would order the writers as the lock does
    with app.app_context():
        if db.engine.dialect.name == "sqlite" and sa_event.contains(
            db.engine, "begin", database.begin_sqlite
        ):
            sa_event.remove(db.engine, "begin", database.begin_sqlite)


def _slowed(counts: Any, pause: float) -> Any:
    @functools.wraps(counts)
    def slowed(*args: Any, **kwargs: Any) -> Any:
        result = counts(*args, **kwargs)
        time.sleep(pause)  # between the seat check and the write
        return result

    slowed.widened = True  # type: ignore[attr-defined]
    return slowed


def _unlocked_event(
    session: Session, *, event_id: int | None = None, slug: str | None = None
) -> Event:
    where = Event.id == event_id if event_id is not None else Event.slug == slug
    found = session.scalar(select(Event).where(where).execution_options(populate_existing=True))
    if found is None:
        raise NotFound("There is no roundtable at this address.")
    return found


# The express lane's event read without its lock (no FOR UPDATE): SQLite's, PostgreSQL's.
_EXPRESS_EVENT_UNLOCKED = database.Prepared(express.EVENT_QUERY, typed=express.EVENT_TYPED)
_EXPRESS_LOCK_UNLOCKED = database.Prepared(
    select(Event.id).where(Event.id == bindparam("event_id")))


@contextlib.contextmanager
def _unlocked_own_transaction(engine: Any) -> Iterator[database.Writing]:
    """The express lane's transaction without its lock: every statement commits on its own."""
    writing = database.Writing(engine, begin="SELECT 1")  # in place of BEGIN: no transaction
    writing.ended = True  # so nothing to commit
    yield writing


def _no_write_lock(session: Any) -> None:
    return None


@contextlib.contextmanager
def _no_queue(session: Any) -> Iterator[None]:
    yield
