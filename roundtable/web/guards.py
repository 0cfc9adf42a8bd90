"""Checks every request passes before a view sees it: what no form of the site can take, and
the CSRF token (checked here, so a form whose token merely expired comes back as it was typed).
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, request
from flask_wtf.csrf import CSRFError, validate_csrf
from werkzeug.routing import IntegerConverter
from wtforms import ValidationError

from roundtable.extensions import csrf

# The largest id a URL may name: PostgreSQL's integer, so both databases answer alike (404).
MAX_ID = 2**31 - 1
# Long enough that only a token's signature and session are checked, not its age.
_ANY_AGE = 100 * 365 * 86_400


class IdConverter(IntegerConverter):
    """``<int:...>`` in every route: ids from 1 to MAX_ID; anything else matches no route."""

    def __init__(self, map: object, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("min", 1)
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # type: ignore[arg-type]


def register(app: Flask) -> None:
    """Install the id converter (before any route is added) and the request checks."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(check_request)


def check_request() -> None:
    """Run both checks (one hook: Flask's per-hook work is paid once)."""
    refuse_malformed()
    check_csrf()


def refuse_malformed() -> None:
    """Answer 400 (or 415) for what no form or page of the site can take."""
    query = request.query_string  # a NUL in an argument arrives as %00 (or the byte itself)
    if "\x00" in request.path or ((b"%00" in query or b"\x00" in query) and any(
            "\x00" in k + v for k, v in request.args.items(multi=True))):
        abort(400, "The address contains a NUL character.")
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    if request.is_json:
        abort(415, "This site takes forms, not JSON.")
    # Werkzeug keys a multipart part without a name as None; Flask-WTF and WTForms expect text.
    if any(not isinstance(key, str) for key in (*request.form.keys(), *request.files.keys())):
        abort(400, "A part of the form has no name.")


def check_csrf() -> None:
    """Refuse a change without this session's CSRF token; let an expired one through, marked.

    A token this session was given that is only older than WTF_CSRF_TIME_LIMIT lets the view
    run with ``g.form_expired`` set: the form fails its own token check and is shown again with
    what was typed, and ``writing()`` refuses to change anything in such a request.
    """
    config = current_app.config
    if not config["WTF_CSRF_ENABLED"] or request.method not in config["WTF_CSRF_METHODS"]:
        return
    if request.endpoint is None:
        return
    try:
        csrf.protect()
    except CSRFError:
        if not _own_expired_token():
            raise
        g.form_expired = True


def _own_expired_token() -> bool:
    """Return True when the request's token was issued to this session and has only expired."""
    config = current_app.config
    token = request.form.get(config["WTF_CSRF_FIELD_NAME"])
    if not token:
        return False
    try:
        validate_csrf(token)
    except ValidationError as exc:
        if str(exc) != "The CSRF token has expired.":
            return False
    else:
        return False  # a valid token: the refusal had another reason (the referrer on HTTPS)
    try:
        validate_csrf(token, time_limit=_ANY_AGE)
    except ValidationError:
        return False
    return True
