"""Rendered public pages and calendar files, kept in each process and keyed on their contents.

A key is made of every value the body is made from, as this request read it from the database:
the events' columns (``events.revision``) and, for pages, the seat figures and whether the event
is open. Any change of an event, in any process, changes what the next request reads and so the
key: a stale body is never served, and nothing depends on time or on telling other processes.
Each app keeps its own bounded cache; the least recently used entries fall out.

A body is stored with its ETag (a digest of the body), so a conditional GET that names it is
answered 304 without sending the body again.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, MutableMapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property, lru_cache
from threading import Lock
from typing import TypeVar

from flask import Flask, current_app, g, request, session
from werkzeug.http import http_date
from werkzeug.utils import get_content_type
from werkzeug.wrappers import Response

from roundtable.web.cookies import csrf_token

CAPACITY = 256  # bodies per app and process: a page is ~10 KiB, a feed of 1,000 events ~1 MiB
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
# What a cached page holds where its form's CSRF token goes (each session has its own token).
CSRF_SLOT = "__roundtable_csrf_slot__"
_SLOT = CSRF_SLOT.encode()


@dataclass(frozen=True)
class Body:
    """A rendered body and its strong ETag."""

    data: bytes
    etag: str

    @cached_property
    def parts(self) -> list[bytes]:
        """The body cut where the CSRF token goes (one part: it has no form)."""
        return self.data.split(_SLOT)


class Recent(MutableMapping[K, V]):
    """A mapping that keeps its ``capacity`` most recently used entries (safe across threads)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = Lock()

    def __getitem__(self, key: K) -> V:
        with self._lock:
            value = self._items[key]
            self._items.move_to_end(key)
            return value

    def __setitem__(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.capacity:
                self._items.popitem(last=False)

    def __delitem__(self, key: K) -> None:
        with self._lock:
            del self._items[key]

    def __iter__(self) -> Iterator[K]:
        return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)


def bodies_of(app: Flask) -> Recent[Hashable, Body]:
    """Return ``app``'s rendered bodies (one store per app and process)."""
    found: Recent[Hashable, Body] | None = app.extensions.get("roundtable_bodies")
    if found is None:
        found = app.extensions.setdefault("roundtable_bodies", Recent(CAPACITY))
    return found


def _bodies() -> Recent[Hashable, Body]:
    return bodies_of(current_app)


def _body(key: Hashable, make: Callable[[], bytes]) -> Body:
    """Return the body stored under ``key``, making and storing it when there is none."""
    store = _bodies()
    body = store.get(key)
    if body is None:
        data = make()
        body = store[key] = Body(data, hashlib.sha256(data).hexdigest()[:32])
    return body


def _shows_messages() -> bool:
    """Return True when the page would show flashed messages (then it is not cached)."""
    return bool(session.get("_flashes"))


def page(key: Hashable, render: Callable[[], str]) -> bytes:
    """Return the page for ``key`` with this session's CSRF token, rendering it when needed.

    The cached page holds a slot where the form's token goes; the token is put in per request.
    """
    if _shows_messages():
        return render().encode()

    def make() -> bytes:
        text = render()
        token = g.get(current_app.config["WTF_CSRF_FIELD_NAME"])  # set if a form was rendered
        return (text.replace(token, CSRF_SLOT) if token else text).encode()

    parts = _body(key, make).parts
    return csrf_token().encode().join(parts) if len(parts) > 1 else parts[0]


def conditional(key: Hashable, make: Callable[[], bytes], mimetype: str, *,
                headers: dict[str, str] | None = None, messages: bool = False,
                last_modified: datetime | None = None) -> Response:
    """Return the body for ``key`` with its ETag, or 304 when the request already holds it.

    ``messages`` says the page shows flashed messages: then, when there are some, it is made
    afresh and goes without an ETag. ``last_modified`` (decided by ``key``, like the body) is
    sent too.
    """
    if messages and _shows_messages():
        body = Body(make(), "")
    else:
        body = _body(key, make)
    sent = _headers(body, headers, last_modified)
    if not body.etag:
        return Response(body.data, mimetype=mimetype, headers=sent)
    # Only the ETag decides: a Last-Modified has a resolution of one second.
    if "HTTP_IF_NONE_MATCH" in request.environ and request.if_none_match.contains_weak(
            body.etag):
        sent.pop("Content-Disposition", None)
        return Response(status=304, headers=sent)
    return Response(body.data, mimetype=mimetype, headers=sent)


def _headers(body: Body, headers: dict[str, str] | None, last_modified: datetime | None
             ) -> dict[str, str]:
    sent = dict(headers or {})
    if last_modified is not None:
        sent["Last-Modified"] = _http_date(last_modified)
    if body.etag:
        sent["ETag"] = f'"{body.etag}"'
        sent["Cache-Control"] = "no-cache"  # keep it, but ask every time
    return sent


def kept(bodies: Recent[Hashable, Body], key: Hashable, mimetype: str, *,
         headers: dict[str, str] | None = None, last_modified: datetime | None = None
         ) -> tuple[list[tuple[str, str]], bytes] | None:
    """Return the headers and body ``conditional`` answers a plain GET with, if ``key``'s body
    is kept in ``bodies`` (for ``web/kept.py``, outside any request context); else None."""
    body = bodies.get(key)
    if body is None:
        return None
    sent = list(_headers(body, headers, last_modified).items())
    sent += [("Content-Type", get_content_type(mimetype, "utf-8")),
             ("Content-Length", str(len(body.data)))]
    return sent, body.data


@lru_cache(maxsize=CAPACITY)
def _http_date(moment: datetime) -> str:
    return http_date(moment)
