"""Helpers the web tests share (the fixtures are in conftest.py)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import func, select

from roundtable.domain.models import AuditEntry, Event, Organizer, OutboxMessage, Registration
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


# --- What is stored, for tests that check a refused request changed nothing ------------------


def world(make_event, make_registration) -> dict[str, Any]:
    """Store an event and a confirmed registration; return the ids URLs are built from."""
    event = make_event(title="Secret Summit")
    return {
        "event": event,
        "e": event.id,
        "slug": event.slug,
        "r": make_registration(event, name="Confidential Person").id,
    }


def counts() -> dict[str, int]:
    """Return the rows of every table, read afresh."""
    db.session.rollback()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Event, Registration, OutboxMessage, Organizer)}


def snapshot() -> list[tuple[Any, ...]]:
    """Return every stored text of events and registrations, read afresh."""
    db.session.rollback()
    rows: list[tuple[Any, ...]] = [
        (e.id, e.title, e.slug, e.host, e.summary, e.description, e.location, e.timezone,
         e.starts_at, e.ends_at, e.status)
        for e in db.session.scalars(select(Event).order_by(Event.id))]
    rows += [(r.id, r.name, r.email, r.company, r.job_title, r.status, r.discussion_topic)
             for r in db.session.scalars(select(Registration).order_by(Registration.id))]
    return rows
