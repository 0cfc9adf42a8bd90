"""Private manage-link tokens: derived with the server's secret, stored only as a hash.

A token is HMAC-SHA256(secret key, registration id + a random 128-bit salt), URL-safe encoded
(256 bits). The database keeps the salt and SHA-256(token), never the token: a copy of the
database alone opens no registration, and every later message can carry the same link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets


def new_salt() -> str:
    """Return a fresh random salt of 128 bits."""
    return secrets.token_hex(16)


def derive(secret_key: str, row_id: int, salt: str, *, purpose: str = "manage") -> str:
    """Return the token of a row: a registration's manage link, or another ``purpose``'s."""
    digest = hmac.new(
        secret_key.encode(), f"{purpose}:{row_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()
