"""What the public pages show of events, read so that a page can be kept until its event changes.

Each public page is decided by a few values read in one query: the event's stored columns (its
*revision*: any change of the event, by any process, changes them) and the stamp of its seat
figures, the latest change of its registrations. Every change of a registration sets its
``updated_at`` (rows are only ever deleted with their event) and seat changes are serialised by
``seating.lock_event``, so the stamp moves whenever a figure can; the (event_id, updated_at)
index finds it in one step, where counting takes as long as there are registrations. The events
themselves are loaded, and their figures counted, only when a page must be made afresh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Integer, Row, ScalarSelect, bindparam, func, null, select
from sqlalchemy.orm import Session

from roundtable.domain import events
from roundtable.domain.errors import NotFound
from roundtable.domain.models import Event, EventStatus, Registration, RegistrationStatus

LISTING_PAGE = 10  # events per page of the listing: its cost stays flat however many there are


def _latest_change() -> ScalarSelect[datetime]:
    """Select an event's latest registration change: the stamp of its seat figures."""
    return (
        select(func.max(Registration.updated_at))
        .where(Registration.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


# Statements built once; the values are bound per call. A row is every column of the event,
# then the stamp.
_ROWS = select(*Event.__table__.c, _latest_change())
_BY_SLUG = _ROWS.where(Event.slug == bindparam("slug"))
_BARE_BY_SLUG = select(*Event.__table__.c, null()).where(Event.slug == bindparam("slug"))
# Published events that have not ended, soonest first. An event lasts at most events.LONGEST,
# so none that started before ``now - LONGEST`` is still on: that bound lets the (status,
# starts_at) index skip every past event.
_UPCOMING = (
    _ROWS.where(
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at > bindparam("started_after"),
        Event.ends_at > bindparam("now"),
    )
    .order_by(Event.starts_at, Event.id)
)
_UPCOMING_BARE = _UPCOMING.with_only_columns(*Event.__table__.c, null())
_PAGE = _UPCOMING.offset(bindparam("skip", type_=Integer)).limit(bindparam("take", type_=Integer))


def _seats(status: RegistrationStatus) -> ScalarSelect[int]:
    """Count an event's registrations in ``status`` (the (event_id, status) index answers)."""
    return (
        select(func.count())
        .where(Registration.event_id == Event.id, Registration.status == status)
        .correlate(Event)
        .scalar_subquery()
    )


_WITH_FIGURES = select(
    Event, _seats(RegistrationStatus.CONFIRMED), _seats(RegistrationStatus.WAITLISTED)
).where(Event.id.in_(bindparam("ids", expanding=True)))


@dataclass(frozen=True)
class Shown:
    """What decides an event's public page: its revision, its seat figures' stamp, open or past."""

    event_id: int
    revision: tuple[object, ...]
    last_change: datetime  # when the event itself last changed
    stamp: datetime | None  # when its registrations last changed (None: it has none)
    is_past: bool
    is_open: bool


def _shown(rows: Sequence[Row[Any]], now: datetime) -> list[Shown]:
    """Return what decides the page of each row (the event's columns, then the stamp)."""
    return [
        Shown(
            event_id=row.id,
            revision=tuple(row[:-1]),
            last_change=row.updated_at,
            stamp=row[-1],
            is_past=events.has_ended(row.ends_at, now),
            is_open=events.takes_signups(row.status, row.starts_at, row.registration_deadline,
                                         now),
        )
        for row in rows
    ]


def by_slug(session: Session, slug: str, now: datetime, *, figures: bool = True) -> Shown:
    """Return what decides the page of the published or cancelled event at ``slug``, one query.

    Without ``figures`` the stamp of the seat figures is left out (None). Raise NotFound for an
    unknown slug or a draft.
    """
    statement = _BY_SLUG if figures else _BARE_BY_SLUG
    row = session.execute(statement, {"slug": slug}).one_or_none()
    if row is None or row.status == EventStatus.DRAFT:
        raise NotFound("There is no roundtable at this address.")
    return _shown([row], now)[0]


def _upcoming_values(now: datetime) -> dict[str, datetime]:
    return {"now": now, "started_after": now - events.LONGEST}


def upcoming(session: Session, now: datetime, page: int = 1) -> tuple[list[Shown], bool]:
    """Return one page of upcoming events (what decides each), and whether more follow.

    One query, whatever the number of events and registrations.
    """
    rows = session.execute(_PAGE, {**_upcoming_values(now), "skip": (page - 1) * LISTING_PAGE,
                                   "take": LISTING_PAGE + 1}).all()
    return _shown(rows[:LISTING_PAGE], now), len(rows) > LISTING_PAGE


def all_upcoming(session: Session, now: datetime) -> list[Shown]:
    """Return every upcoming event (the calendar feed), without seat figures."""
    rows = session.execute(_UPCOMING_BARE, _upcoming_values(now)).all()
    return _shown(rows, now)


def loaded(session: Session, shown: Sequence[Shown]) -> list[events.Listing]:
    """Return the events of ``shown``, in order, with their seat figures, in one query.

    For a page made afresh: the figures are counted here, as the stamp read with ``shown``
    says they stand (a change since has moved the stamp, so the next request makes it again).
    """
    if not shown:
        return []
    rows = session.execute(_WITH_FIGURES, {"ids": [s.event_id for s in shown]})
    found = {event.id: events.Listing(event, confirmed, waiting)
             for event, confirmed, waiting in rows}
    return [found[s.event_id] for s in shown]


def page_context(session: Session, shown: Shown) -> dict[str, object]:
    """Return what the event's page template is given, the event loaded."""
    listing = loaded(session, [shown])[0]
    return {
        "listing": listing,
        "is_past": shown.is_past,
        "is_open": shown.is_open,
        "closes": events.closing_time(listing.event),
    }


def last_change(shown: Sequence[Shown]) -> datetime:
    """Return when the latest of the ``shown`` events changed (the epoch for none)."""
    return max((s.last_change for s in shown), default=datetime(1970, 1, 1, tzinfo=UTC))
