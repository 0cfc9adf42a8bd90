"""The audit log: who did what to which roundtable, and when, in the same transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain.models import AuditEntry, Organizer, Registration

ACTIONS = {
    "event.created": "Created the roundtable",
    "event.updated": "Edited the roundtable",
    "event.published": "Published the roundtable",
    "event.unpublished": "Unpublished the roundtable",
    "event.cancelled": "Cancelled the roundtable",
    "event.messaged": "Wrote to the attendees",
    "event.closed": "Closed the roundtable and recorded attendance",
    "attendance.imported": "Imported an attendance list",
    "registration.approved": "Approved",
    "registration.declined": "Declined",
    "registration.reinstated": "Reinstated for review",
    "registration.decision_undone": "Undid a review decision",
    "registration.details_changed": "Changed their title or level",
    "registration.cancelled": "Cancelled a registration",
    "registration.added": "Added by hand",
    "registration.moved_up": "Moved up the waiting list",
    "registration.moved_to_top": "Moved to the top of the waiting list",
    "registration.checked_in": "Checked in",
    "registration.check_in_undone": "Undid a check-in",
    "attendees.exported": "Downloaded the attendee list",
    "mail.retried": "Sent a failed message again",
    "organizer.created": "Organizer account created",
    "organizer.signed_in": "Signed in",
    "organizer.signed_out": "Signed out everywhere",
}


def record(
    session: Session,
    organizer_id: int | None,
    action: str,
    now: datetime,
    *,
    event_id: int | None = None,
    registration_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add one entry to the audit log, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        organizer_id=organizer_id,
        event_id=event_id,
        registration_id=registration_id,
        action=action,
        detail=detail[:2000],
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditLine:
    """An audit entry with the names a reader needs (the person's, when not erased)."""

    entry: AuditEntry
    organizer: str
    person: str | None

    @property
    def label(self) -> str:
        return ACTIONS.get(self.entry.action, self.entry.action)


def audit_log(session: Session, event_id: int, limit: int = 500) -> list[AuditLine]:
    """Return the event's audit entries, newest first, in one query."""
    rows = session.execute(
        select(AuditEntry, Organizer.name, Organizer.email, Registration.name)
        .outerjoin(Organizer, Organizer.id == AuditEntry.organizer_id)
        .outerjoin(Registration, Registration.id == AuditEntry.registration_id)
        .where(AuditEntry.event_id == event_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        AuditLine(entry, organizer_name or organizer_email or "a deleted account", person)
        for entry, organizer_name, organizer_email, person in rows
    ]


def record_export(session: Session, *, actor: int, now: datetime, event_id: int) -> None:
    """Note in the audit log that someone downloaded the event's personal data."""
    begin_write(session)
    record(session, actor, "attendees.exported", now, event_id=event_id)
