"""Shared fixtures and helpers of the organizer console tests (this module has no tests).

Modules use them with ``from test_organizer_support import ...`` and re-export the fixtures by
assignment, which is how pytest finds fixtures defined elsewhere.
"""

from __future__ import annotations

import functools
import re

import pytest
from flask import g
from flask.testing import FlaskClient
from sqlalchemy import select

from roundtable.domain import accounts
from roundtable.domain.models import AuditEntry, Organizer, OutboxMessage
from roundtable.extensions import db

from conftest import NOW

EMAIL = "olive@organizers.example"
PASSWORD = "correct horse battery staple"


def fresh_globals_per_request(app) -> None:
    """Give every request of ``app`` an empty ``g``, as in production.

    The test app context outlives requests, and ``g`` belongs to it: Flask-Login caches the user
    there and Flask-WTF the CSRF token, so a second client would see the first one's user, and a
    token cached before a login would outlive the session it belonged to.
    """

    @app.before_request
    def forget_request_globals() -> None:
        for name in ("_login_user", "csrf_token"):
            g.pop(name, None)


@pytest.fixture(autouse=True)
def fresh_login_per_request(app) -> None:
    """Apply ``fresh_globals_per_request`` to the test's app."""
    fresh_globals_per_request(app)


@functools.cache
def password_hash() -> str:
    """Hash the test password once per run (argon2id at production cost is slow on purpose)."""
    return accounts.hash_password(PASSWORD)


@pytest.fixture
def organizer(app) -> Organizer:
    """Store an organizer account whose password is PASSWORD."""
    account = Organizer(email=EMAIL, name="Olive Organizer", password_hash=password_hash(),
                        created_at=NOW)
    db.session.add(account)
    db.session.commit()
    return account


@pytest.fixture
def console_client(client: FlaskClient, organizer: Organizer) -> FlaskClient:
    """Return the test client signed in through the real login form."""
    response = client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    return client


def page(response) -> str:
    """Return a response's body as text (and check it was a success)."""
    assert response.status_code == 200, (response.status_code, response.get_data(as_text=True))
    return response.get_data(as_text=True)


def text(html: str) -> str:
    """Return an HTML page's text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def outbox_rows() -> list[tuple[str, int | None, str | None, int | None]]:
    """Return (kind, registration id, calendar method, sequence) of every outbox message."""
    db.session.rollback()
    return [
        (m.kind, m.registration_id, (m.payload or {}).get("calendar"),
         (m.payload or {}).get("sequence"))
        for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
    ]


def audit_rows() -> list[tuple[str, int | None, int | None, int | None]]:
    """Return (action, organizer id, event id, registration id) of every audit entry."""
    db.session.rollback()
    return [
        (e.action, e.organizer_id, e.event_id, e.registration_id)
        for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    ]
