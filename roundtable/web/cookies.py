"""The session cookie: Flask's signed cookie, its signing serializer made once per key.

Flask builds the serializer afresh for every request, cookie or not (and itsdangerous, to tell
text from bytes, serialises an empty dict each time): a few dozen microseconds of every page.
The serializer holds nothing of a request, so one per set of keys serves them all. It also
skips trying to compress a small session (a visitor's CSRF token), which zlib cannot shrink;
a cookie is read the same way either way.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions whose serializer is made once per secret key (and fallbacks)."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

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


class _Compact(URLSafeTimedSerializer):
    """Flask's session serializer, but a payload too small to shrink is not given to zlib."""

    def dump_payload(self, obj: Any) -> bytes:
        raw = Serializer.dump_payload(self, obj)
        if len(raw) > _WORTH_COMPRESSING:
            return super().dump_payload(obj)
        return base64_encode(raw)


_WORTH_COMPRESSING = 200  # bytes of JSON
