"""Helpers the organizer console tests share (the fixtures are in conftest.py)."""

from __future__ import annotations

import re

from sqlalchemy import select

from roundtable.domain.models import AuditEntry, OutboxMessage
from roundtable.extensions import db

from conftest import ORGANIZER_EMAIL, ORGANIZER_PASSWORD

EMAIL = ORGANIZER_EMAIL
PASSWORD = ORGANIZER_PASSWORD


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
