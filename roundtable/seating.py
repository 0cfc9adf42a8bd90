"""Seat allocation, cancellation and waiting-list promotion: one transaction, no Flask imports."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from roundtable.models import Event, Registration, RegistrationStatus


def confirmed_counts(session: Session, event_ids: Iterable[int]) -> dict[int, int]:
    """Return the number of confirmed registrations per event, counted in SQL."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Registration.event_id, func.count())
        .where(
            Registration.event_id.in_(ids),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
        .group_by(Registration.event_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({event_id: n for event_id, n in rows})
    return counts


def seats_left(session: Session, event: Event) -> int:
    """Return how many seats are free at ``event`` now."""
    return max(event.capacity - confirmed_counts(session, [event.id])[event.id], 0)


def waitlist_positions(session: Session, event_id: int) -> dict[int, int]:
    """Return each waitlisted registration's 1-based position, first come first served."""
    ids = session.scalars(
        select(Registration.id)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
        )
        .order_by(Registration.queue_position, Registration.id)
    )
    return {rid: n for n, rid in enumerate(ids, start=1)}
