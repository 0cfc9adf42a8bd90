"""What the public pages show of events, read so that a page can be kept until its event changes.

Each public page is decided by a few values read in one query: the event's stored columns (its
*revision*: any change of the event, by any process, changes them) and the stamp of its seat
figures, the latest change of its registrations. Every change of a registration sets its
``updated_at`` (rows are only ever deleted with their event) and seat changes are serialised by
``seating.lock_event``, so the stamp moves whenever a figure can; the (event_id, updated_at)
index finds it in one step, where counting takes as long as there are registrations. The events
themselves are loaded, and their figures counted, only when a page must be made afresh.

What decides a page is read in one statement outside any transaction, straight on the driver
(``database.Prepared``); a page made afresh is made from a session that reads after it, so a
body is never older than its key. On SQLite those rows are kept until the database changes
(its ``data_version``, in any process); what depends on the clock is decided from them at each
request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, NamedTuple

from sqlalchemy import (
    ColumnElement,
    Integer,
    ScalarSelect,
    bindparam,
    func,
    null,
    select,
    type_coerce,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import NullType

from roundtable.database import Prepared, Reuse
from roundtable.domain import events
from roundtable.domain.errors import NotFound
from roundtable.domain.models import (
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
    UTCDateTime,
)

LISTING_PAGE = 10  # events per page of the listing: its cost stays flat however many there are


def _latest_change() -> ScalarSelect[datetime]:
    """Select an event's latest registration change: the stamp of its seat figures."""
    return (
        select(func.max(Registration.updated_at))
        .where(Registration.event_id == Event.id)
        .correlate(Event)
        .scalar_subquery()
    )


# Statements built once; the values are bound per call. They run on the session's connection
# and return rows, not ORM objects: the event's columns as stored (untyped: the revision only
# needs to differ when they do), then as times the ones the clock is compared with (when it
# last changed, starts, ends and stops taking signups), and the stamp of its seat figures.
# Only the listing and the feed bind the time (which events are upcoming); whether an event
# has ended or takes signups is decided from its row at each request (``_shown``), so a row
# read once serves until the database changes (``database.Reuse``).
_NOW = bindparam("now", type_=UTCDateTime())
# The seats taken are left out: the stamp follows the seat figures, and a calendar need not
# be made again when they move.
_STORED = [column for column in Event.__table__.c if column.name != "seats_taken"]
_COLUMNS: tuple[ColumnElement[Any], ...] = (
    *(type_coerce(column, NullType()).label(column.name) for column in _STORED),
    Event.updated_at.label("last_change"),
    Event.starts_at.label("starts"),
    Event.ends_at.label("ends"),
    Event.registration_deadline.label("deadline"),
)
_ROWS = select(*_COLUMNS, _latest_change().label("stamp"))
_BARE = select(*_COLUMNS, null().label("stamp"))
_BY_SLUG = _ROWS.where(Event.slug == bindparam("slug"))
_BARE_BY_SLUG = _BARE.where(Event.slug == bindparam("slug"))
# Published events that have not ended, soonest first. An event lasts at most events.LONGEST,
# so none that started before ``now - LONGEST`` is still on: that bound lets the (status,
# starts_at) index skip every past event.
_ON = (
    Event.status == EventStatus.PUBLISHED,
    Event.starts_at > bindparam("started_after", type_=UTCDateTime()),
    Event.ends_at > _NOW,
)
_UPCOMING_BARE = _BARE.where(*_ON).order_by(Event.starts_at, Event.id)
_PAGE = (
    _ROWS.where(*_ON)
    .order_by(Event.starts_at, Event.id)
    .offset(bindparam("skip", type_=Integer))
    .limit(bindparam("take", type_=Integer))
)
_REVISION = slice(0, len(_STORED))
# Run straight on the driver (database.Prepared): the columns come as stored, but the times.
_TYPED = ("last_change", "starts", "ends", "deadline")
_READ_BY_SLUG = Prepared(_BY_SLUG, typed=_TYPED)
_READ_BARE_BY_SLUG = Prepared(_BARE_BY_SLUG, typed=_TYPED)
_READ_PAGE = Prepared(_PAGE, typed=_TYPED)
_READ_UPCOMING_BARE = Prepared(_UPCOMING_BARE, typed=_TYPED)
_AT = _READ_PAGE.index  # the same columns in each: where each is in a row
_ID, _LAST_CHANGE, _STAMP, _STARTS, _ENDS, _DEADLINE, _STATUS = (
    _AT[name] for name in ("id", "last_change", "stamp", "starts", "ends", "deadline", "status"))
_PUBLISHED = EventStatus.PUBLISHED.value


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


class Shown(NamedTuple):
    """What decides an event's public page: its revision, its seat figures' stamp, open or past."""

    event_id: int
    revision: tuple[object, ...]  # every column as stored
    last_change: datetime  # when the event itself last changed
    stamp: object  # when its registrations last changed, as stored (None: it has none)
    is_past: bool
    is_open: bool


def _shown(rows: Sequence[tuple[Any, ...]], now: datetime) -> list[Shown]:
    """Return what decides the page of each row at ``now``.

    Whether it has ended and whether it takes signups are events.is_past and
    events.takes_signups, from the row's stored times.
    """
    return [
        Shown(row[_ID], row[_REVISION], row[_LAST_CHANGE], row[_STAMP], row[_ENDS] <= now,
              row[_STATUS] == _PUBLISHED and now < (row[_DEADLINE] or row[_STARTS]))
        for row in rows
    ]


def by_slug(engine: Engine, slug: str, now: datetime, *, figures: bool = True) -> Shown:
    """Return what decides the page of the published or cancelled event at ``slug``, one query.

    Without ``figures`` the stamp of the seat figures is left out (None). Raise NotFound for an
    unknown slug or a draft.
    """
    read = _READ_BY_SLUG if figures else _READ_BARE_BY_SLUG
    rows = read.rows(engine, {"slug": slug}, reuse=Reuse(slug))
    if not rows or rows[0][_STATUS] == EventStatus.DRAFT.value:
        raise NotFound("There is no roundtable at this address.")
    return _shown(rows, now)[0]


def _upcoming_values(now: datetime) -> dict[str, datetime]:
    return {"now": now, "started_after": now - events.LONGEST}


def _none_ended(now: datetime) -> Callable[[list[tuple[Any, ...]]], bool]:
    """Return whether upcoming events read before ``now`` are all still on at ``now``.

    Then they are still the upcoming ones: an event that was not has ended since, or never was
    published, and only a change of the database (which forgets the rows) can add one.
    """
    return lambda rows: all(row[_ENDS] > now for row in rows)


def upcoming(engine: Engine, now: datetime, page: int = 1) -> tuple[list[Shown], bool]:
    """Return one page of upcoming events (what decides each), and whether more follow.

    One query, whatever the number of events and registrations.
    """
    rows = _READ_PAGE.rows(engine, {
        **_upcoming_values(now), "skip": (page - 1) * LISTING_PAGE, "take": LISTING_PAGE + 1,
    }, reuse=Reuse(page, _none_ended(now)))
    return _shown(rows[:LISTING_PAGE], now), len(rows) > LISTING_PAGE


def all_upcoming(engine: Engine, now: datetime) -> list[Shown]:
    """Return every upcoming event (the calendar feed), without seat figures."""
    rows = _READ_UPCOMING_BARE.rows(engine, _upcoming_values(now),
                                    reuse=Reuse("all", _none_ended(now)))
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
