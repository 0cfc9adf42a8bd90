"""Kept calendar files answered ahead of Flask's request handling.

An event's ``.ics`` is fetched by every leader who adds the roundtable to a calendar, and the
feed by every calendar subscribed to it; once made, each is kept per revision
(``web/pagecache.py``). What is left per request is mostly Flask's own work: the request
context, routing, the hooks and building the response. This WSGI layer, right around Flask,
answers a plain GET of a kept calendar itself, after the same checks:

- only ``GET /events/<slug>.ics`` or ``GET /calendar.ics``, with no query, no
  ``If-None-Match`` (Flask answers the conditional ones) and the app mounted at the root;
- the Host must be one of ``TRUSTED_HOSTS`` (Flask answers 400 otherwise);
- no application-wide, default or meta rate limit is configured (Flask-Limiter would count or
  refuse the request);
- the events are read as the view reads them (``listings.by_slug`` or ``all_upcoming``: kept
  rows, or one query), and only a body already kept under the same key is sent, with the
  view's headers, byte for byte.

Anything else, an unknown or draft event, a database error or a calendar not made yet, goes to
Flask unchanged. The security headers are added by the layer outside this one, as for every
response (tests/test_kept.py compares both ways' answers).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from flask import Flask
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import SecurityError
from werkzeug.wsgi import get_host

from roundtable.domain import listings
from roundtable.domain.errors import NotFound
from roundtable.domain.models import utcnow
from roundtable.web import pagecache, public

if TYPE_CHECKING:
    from collections.abc import Iterable

    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_EVENT_ICS = re.compile(r"/events/([a-z0-9]+(?:-[a-z0-9]+)*)\.ics")
# Settings under which Flask does more for this request than the layer would.
_FLASK_DOES_MORE = ("SERVER_NAME", "RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION",
                    "RATELIMIT_META")


class KeptCalendars:
    """WSGI layer: answer a plain GET of a kept event calendar; pass anything else to ``app``."""

    def __init__(self, flask: Flask, app: WSGIApplication) -> None:
        self.flask = flask
        self.app = app
        self._engine: Engine | None = None

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse
                 ) -> Iterable[bytes]:
        answer = self.kept(environ)
        if answer is None:
            return self.app(environ, start_response)
        headers, data = answer
        start_response("200 OK", headers)
        return [data]

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from roundtable.extensions import db

            with self.flask.app_context():
                self._engine = db.engine
        return self._engine

    def kept(self, environ: WSGIEnvironment) -> tuple[list[tuple[str, str]], bytes] | None:
        """Return the headers and body of the kept calendar ``environ`` asks for, or None."""
        if (environ.get("REQUEST_METHOD") != "GET" or environ.get("QUERY_STRING")
                or environ.get("SCRIPT_NAME") or "HTTP_IF_NONE_MATCH" in environ):
            return None
        path = environ.get("PATH_INFO", "")
        found = _EVENT_ICS.fullmatch(path)
        config = self.flask.config
        if (found is None and path != public.FEED_PATH) or any(
                config.get(name) for name in _FLASK_DOES_MORE):
            return None
        try:
            get_host(environ, config["TRUSTED_HOSTS"])
        except SecurityError:
            return None
        try:  # as public.download_event and public.subscribe_feed read them
            if found is None:
                shown = listings.all_upcoming(self.engine, utcnow())
                name, filename, last_change = "feed.ics", public.FEED_FILE, None
            else:
                one = listings.by_slug(self.engine, found[1], utcnow(), figures=False)
                shown, name, filename = [one], "event.ics", f"{found[1]}.ics"
                last_change = one.last_change
        except (NotFound, DBAPIError):
            return None
        key = public.calendar_key(name, config["BASE_URL"].rstrip("/"), shown)
        return pagecache.kept(pagecache.bodies_of(self.flask), key, public.CALENDAR_TYPE,
                              headers=public.calendar_headers(filename),
                              last_modified=last_change)
