"""The web layer's one transaction boundary: views change things only inside ``writing()``.

``writing()`` opens the write transaction (BEGIN IMMEDIATE on SQLite, a lock timeout on
PostgreSQL), commits when the block ends, and rolls back on a DomainError or any other
exception, which then goes on to its handler: a DomainError becomes a message, a lock that was
not granted in time a "busy, try again" page (503 with Retry-After). No view calls commit().
The one other way a request changes things is the confirmation's express lane
(``domain/express.py``), which commits in ``database.own_write_transaction`` and writes nothing
unless the case is plain; every other case then goes through ``writing()``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from flask import abort, g

from roundtable import database
from roundtable.extensions import db

P = ParamSpec("P")
R = TypeVar("R")


@contextmanager
def writing() -> Iterator[None]:
    """Run the block in one write transaction: commit at its end, roll back on any error.

    A request whose form had expired (``g.form_expired``, see ``guards.check_csrf``) changes
    nothing, whatever the view does.
    """
    if g.get("form_expired"):
        abort(400, "This form had expired, so nothing was changed. Please send it again.")
    with database.write_transaction(db.session()):
        yield


def transactional(view: Callable[P, R]) -> Callable[P, R]:
    """Run the whole view in ``writing()``: its changes commit once it has returned."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with writing():
            return view(*args, **kwargs)

    return wrapper
