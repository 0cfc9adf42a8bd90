"""Event queries and changes: listing, lookup, and (for organizers) editing and cancelling."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable import seating
from roundtable.errors import NotFound
from roundtable.models import Event, EventStatus


@dataclass(frozen=True)
class Listing:
    """An event with the seat figures a page shows beside it."""

    event: Event
    confirmed: int

    @property
    def seats_left(self) -> int:
        return max(self.event.capacity - self.confirmed, 0)


def upcoming(session: Session, now: datetime) -> list[Listing]:
    """Return published events that have not ended, soonest first, with their seat figures."""
    events = session.scalars(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
    ).all()
    counts = seating.confirmed_counts(session, [e.id for e in events])
    return [Listing(e, counts[e.id]) for e in events]


def by_slug(session: Session, slug: str, *, include_drafts: bool = False) -> Event:
    """Return the event with ``slug``; drafts only when asked for. Raise NotFound otherwise."""
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None or (event.status == EventStatus.DRAFT and not include_drafts):
        raise NotFound("There is no roundtable at this address.")
    return event


def listing(session: Session, event: Event) -> Listing:
    """Return ``event`` with its seat figures."""
    return Listing(event, seating.confirmed_counts(session, [event.id])[event.id])


def page_context(session: Session, event: Event, now: datetime) -> dict[str, object]:
    """Return what an event's public page shows: seat figures and whether it is past or open."""
    return {
        "listing": listing(session, event),
        "is_past": is_past(event, now),
        "is_open": is_open_for_registration(event, now),
    }


def is_past(event: Event, now: datetime) -> bool:
    """Return True once the event has ended."""
    return event.ends_at <= now


def is_open_for_registration(event: Event, now: datetime) -> bool:
    """Return True while the event is published and has not started."""
    return event.status == EventStatus.PUBLISHED and now < event.starts_at
