"""The session cookie: Flask's signed cookie, its signing serializer made once per key.

Flask builds the serializer afresh for every request, cookie or not (and itsdangerous, to tell
text from bytes, serialises an empty dict each time): a few dozen microseconds of every page.
The serializer holds nothing of a request, so one per set of keys serves them all.
"""

from __future__ import annotations

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SessionCookies(SecureCookieSessionInterface):
    """Signed-cookie sessions whose serializer is made once per secret key (and fallbacks)."""

    def __init__(self) -> None:
        self._made: dict[tuple[object, ...], URLSafeTimedSerializer | None] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Return the serializer for the app's current keys, made the first time they are used."""
        keys = (app.secret_key, *(app.config["SECRET_KEY_FALLBACKS"] or ()))
        made = self._made.get(keys)
        if made is None:
            made = self._made[keys] = super().get_signing_serializer(app)
        return made
