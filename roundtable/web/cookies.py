"""Signed cookies and tokens: Flask's session cookie and Flask-WTF's CSRF token, made cheaply.

A request without any cookie gets an empty session at once, the Cookie header not parsed.

Flask builds the session's serializer afresh for every request, cookie or not (and
itsdangerous, to tell text from bytes, serialises an empty dict each time), and Flask-WTF does
the same for every CSRF token: a few dozen microseconds of every first visit to a page with a
form. A serializer holds nothing of a request, so one per set of keys serves them all. Signing
derives a key from the secret at every signature; the derived key is kept per secret. A payload
too small to shrink (a visitor's CSRF token) is not given to zlib, and a session of plain text
values is written as JSON directly, as Flask's tagged serializer writes such a session. Cookies
and tokens read the same either way (tests/test_sessions.py reads them with Flask's and
Flask-WTF's own code).
"""

from __future__ import annotations

import json
import secrets
from functools import lru_cache
from typing import Any, cast

from flask import Flask, Request, current_app, g, session
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.sessions import session_json_serializer as session_json
from itsdangerous import Serializer, Signer, TimestampSigner, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode, want_bytes


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions whose serializer is made once per secret key (and fallbacks)."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        """Open the request's session; with no Cookie header at all, an empty one (no cookie
        parsing: calendar clients and first visits send none)."""
        if "HTTP_COOKIE" not in request.environ and self.get_signing_serializer(app) is not None:
            return self.session_class()
        return super().open_session(app, request)

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the serializer for the app's current keys, made the first time they are used."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made.get(keys)
        if made is None:
            flask_made = super().get_signing_serializer(app)
            made = self._made[keys] = None if flask_made is None else _Compact(
                flask_made.secret_keys, salt=flask_made.salt, serializer=flask_made.serializer,
                signer_kwargs=flask_made.signer_kwargs)
        return made


class _KeptKeySigner(TimestampSigner):
    """itsdangerous' timestamp signer, its derived key computed once per secret and salt."""

    def derive_key(self, secret_key: str | bytes | None = None) -> bytes:
        secret = self.secret_keys[-1] if secret_key is None else want_bytes(secret_key)
        return _derived(secret, self.salt, self.key_derivation, self.digest_method)


@lru_cache(maxsize=16)
def _derived(secret: bytes, salt: bytes, derivation: str, digest: Any) -> bytes:
    return Signer(secret, salt=salt, key_derivation=derivation,
                  digest_method=digest).derive_key()


class _Compact(URLSafeTimedSerializer):
    """An URL-safe timed serializer whose payload, when too small to shrink, is not given to
    zlib, and which signs with a kept derived key."""

    default_signer = _KeptKeySigner

    def dump_payload(self, obj: Any) -> bytes:
        raw = self._plain(obj)
        if raw is None:
            raw = Serializer.dump_payload(self, obj)
        if len(raw) > _WORTH_COMPRESSING:
            return super().dump_payload(obj)
        return base64_encode(raw)

    def _plain(self, obj: Any) -> bytes | None:
        """Return a session of plain text values as Flask's tagged serializer writes it (JSON,
        compact, keys sorted, ASCII); None for anything else, which that serializer writes."""
        if self.serializer is not session_json or not isinstance(obj, dict) or not all(
                type(key) is str and type(value) is str for key, value in obj.items()):
            return None
        return json.dumps(obj, separators=(",", ":"), sort_keys=True,
                          ensure_ascii=True).encode()


_WORTH_COMPRESSING = 200  # bytes of JSON


@lru_cache(maxsize=16)
def _token_serializer(secret: str | bytes) -> _Compact:
    return _Compact(secret, salt=_CSRF_SALT)


_CSRF_SALT = "wtf-csrf-token"  # Flask-WTF's (flask_wtf.csrf.generate_csrf and validate_csrf)


def csrf_token() -> str:
    """Return this session's CSRF token, as Flask-WTF's ``generate_csrf`` makes it.

    The same token (``validate_csrf`` reads it): the session's random value signed with a
    timestamp, kept in ``g`` for the rest of the request. Made with a serializer kept per key.
    """
    config = current_app.config
    field = config["WTF_CSRF_FIELD_NAME"]
    token = g.get(field)
    if token is None:
        secret = config.get("WTF_CSRF_SECRET_KEY", current_app.secret_key)
        if secret is None:
            raise RuntimeError("A secret key is required to use CSRF.")
        raw = session.get(field)
        if not isinstance(raw, str):
            raw = session[field] = secrets.token_hex(20)  # 40 hex digits, as Flask-WTF's
        token = _token_serializer(secret).dumps(raw)
        setattr(g, field, token)
    return cast(str, token)
