"""The attendee list as CSV rows, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.domain import seating
from roundtable.domain.models import Event, Registration

COLUMNS = [
    "name",
    "email",
    "company",
    "job_title",
    "seniority",
    "status",
    "registered_at",
    "waitlist_position",
    "eligibility",
    "checked_in_at",
    "added_by_organizer",
    "discussion_topic",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Return ``value`` as text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def rows(session: Session, event: Event) -> Iterator[list[str]]:
    """Yield the header and one row per registration, oldest first."""
    positions = seating.waitlist_positions(session, event.id)
    yield COLUMNS
    registrations = session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Registration.created_at, Registration.id)
    )
    for r in registrations:
        yield [
            neutralise(v)
            for v in (
                r.name,
                r.email,
                r.company,
                r.job_title,
                r.seniority.value if r.seniority else "",
                r.status.value,
                r.created_at.isoformat(timespec="seconds"),
                positions.get(r.id, ""),
                r.eligibility_outcome or "",
                r.checked_in_at.isoformat(timespec="seconds") if r.checked_in_at else "",
                "yes" if r.added_by_organizer else "no",
                r.discussion_topic,
            )
        ]


def write_csv(session: Session, event: Event, out: IO[str]) -> None:
    """Write the event's registrations to ``out`` as CSV."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows(session, event))
