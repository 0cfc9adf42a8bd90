"""Seat allocation, cancellation and waiting-list promotion: one transaction, no Flask imports.

Every change that can give or free a seat starts with ``lock_event``, which serialises the
event's seat changes: ``SELECT ... FOR UPDATE`` on the event row on PostgreSQL (so several app
processes queue on the row), and a transaction begun with ``BEGIN IMMEDIATE`` on SQLite (so the
write lock is taken before the seat count is read). Counting and writing then happen inside that
lock, so the number of confirmed registrations never exceeds the capacity (plus the seats an
organizer gave over it on purpose, ``FullRoom.OVER_CAPACITY``), and every path that
frees a seat calls ``promote`` before the transaction ends, so no seat stays empty while someone
who fits is waiting.

In the final hours (``Event.offer_window_hours`` before the start) a freed seat is *offered*
instead of given: it is held for the next person waiting (status ``offered``, counted as taken)
until they accept it or ``offer_expires_at`` passes; a lapsed offer sends that person to the end of
the waiting list, never to be offered this event's seat again, and the seat passes on.
"""

from __future__ import annotations

import enum
import re
from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, scoped_session

from roundtable.database import begin_write
from roundtable.domain import lifecycle
from roundtable.domain.errors import CapacityBelowConfirmed, InvalidTransition, NotFound
from roundtable.domain.models import Event, EventStatus, Registration, RegistrationStatus
from roundtable.notify import outbox

S = RegistrationStatus

FREE_MAIL_DOMAINS = frozenset(
    """gmail.com googlemail.com outlook.com hotmail.com hotmail.co.uk live.com msn.com yahoo.com
    yahoo.co.uk ymail.com icloud.com me.com mac.com aol.com proton.me protonmail.com pm.me
    gmx.de gmx.net gmx.com web.de t-online.de mail.com zoho.com yandex.com yandex.ru
    fastmail.com hey.com orange.fr free.fr laposte.net wanadoo.fr libero.it qq.com 163.com
    naver.com""".split()
)
_COMPANY_SUFFIXES = re.compile(
    r"\b(inc|incorporated|llc|ltd|limited|plc|gmbh|ag|sa|sas|sarl|bv|nv|corp|corporation|co|"
    r"company|group|holdings?)\b\.?"
)


class FullRoom(enum.StrEnum):
    """What an organizer adding someone by hand wants when the room is full."""

    WAIT = "wait"  # the waiting list, as for anyone
    RAISE_CAPACITY = "raise_capacity"  # one more seat for everyone: the capacity goes up by one
    OVER_CAPACITY = "over_capacity"  # a seat for this person only, beyond the capacity


def company_key(email: str | None, company: str | None) -> str | None:
    """Return the key room balance groups by: the email domain, else the normalised company."""
    domain = (email or "").rpartition("@")[2].lower()
    if domain and domain not in FREE_MAIL_DOMAINS:
        return domain
    name = _COMPANY_SUFFIXES.sub(" ", (company or "").lower())
    name = re.sub(r"[^\w]+", " ", name).strip()
    return name or None


# The session's transaction and the events it has locked (a second lock_event finds them there).
_LOCKED = "roundtable_locked_events"
# lock_event's statements, built once: by (id or slug, FOR UPDATE).
_LOCK_QUERIES = {
    (by_id, for_update): (
        lambda q: q.with_for_update() if for_update else q
    )(
        select(Event)
        .where((Event.id if by_id else Event.slug) == bindparam("key"))
        .execution_options(populate_existing=True)
    )
    for by_id in (True, False)
    for for_update in (True, False)
}


def lock_event(
    session: Session, *, event_id: int | None = None, slug: str | None = None
) -> Event:
    """Load the event (by id or slug) and take the lock that serialises its seat changes.

    On SQLite the transaction becomes a writer's from its start (see ``begin_write``); on
    PostgreSQL the event row is locked ``FOR UPDATE`` until the transaction ends, waiting at most
    the transaction's ``lock_timeout`` (set by ``database.write_transaction``).
    """
    begin_write(session)
    if isinstance(session, scoped_session):
        session = session()
    session.connection()  # the transaction begins now (on PostgreSQL it would at the SELECT)
    transaction = session.get_transaction()
    held: tuple[object, list[Event]] | None = session.info.get(_LOCKED)
    if held is not None and held[0] is transaction:
        for event in held[1]:  # locked already in this transaction: it cannot have changed
            if event.id == event_id or (event_id is None and event.slug == slug):
                return event
    else:
        held = session.info[_LOCKED] = (transaction, [])
    by_id = event_id is not None
    query = _LOCK_QUERIES[by_id, session.get_bind().dialect.name == "postgresql"]
    found = session.scalar(query, {"key": event_id if by_id else slug})
    if found is None:
        raise NotFound("There is no roundtable at this address.")
    held[1].append(found)
    return found


def reread(session: Session, row: object) -> None:
    """Read ``row`` again now that ``lock_event`` holds the lock, if it was read before it.

    On PostgreSQL a row read before the event's row lock may have changed while this
    transaction waited for it. On SQLite the lock is the transaction's first step (a
    transaction that had only read begins again, its rows read afresh), so nothing can have.
    """
    if session.get_bind().dialect.name != "sqlite":
        session.refresh(row)


# Cancelling inside this many hours before the start counts as a late cancellation.
LATE_CANCELLATION = timedelta(hours=48)


def taken_counts(session: Session, event_ids: Iterable[int]) -> dict[int, int]:
    """Return the seats taken per event (confirmed, or held for an offer), counted in SQL."""
    ids = list(event_ids)
    if not ids:
        return {}
    rows = session.execute(
        select(Registration.event_id, func.count())
        .where(
            Registration.event_id.in_(ids),
            Registration.status.in_(lifecycle.TAKES_SEAT),
        )
        .group_by(Registration.event_id)
    )
    counts = dict.fromkeys(ids, 0)
    counts.update({event_id: n for event_id, n in rows})
    return counts


def over_capacity_seats(session: Session, event_id: int) -> int:
    """Return how many confirmed people hold a seat given over the capacity."""
    return session.scalar(
        select(func.count()).where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.over_capacity.is_(True),
        )
    ) or 0


def seats_left(session: Session, event: Event) -> int:
    """Return how many seats are free at ``event`` now."""
    return max(event.capacity - taken_counts(session, [event.id])[event.id], 0)


def _confirmed_by_company(session: Session, event_id: int) -> Counter[str]:
    rows = session.execute(
        select(Registration.company_key, func.count())
        .where(
            Registration.event_id == event_id,
            Registration.status.in_(lifecycle.TAKES_SEAT),
            Registration.company_key.is_not(None),
        )
        .group_by(Registration.company_key)
    )
    return Counter({key: n for key, n in rows if key is not None})  # the query leaves out None


def _next_queue_position(session: Session, event_id: int) -> int:
    top = session.scalar(
        select(func.max(Registration.queue_position)).where(Registration.event_id == event_id)
    )
    return (top or 0) + 1


def allocate(
    session: Session,
    event: Event,
    registration: Registration,
    now: datetime,
    how: FullRoom = FullRoom.WAIT,
) -> RegistrationStatus:
    """Give ``registration`` a free seat, else a place at the end of the waiting list.

    The caller holds ``lock_event``. A company at its cap (room balance) waits with a reason.
    In a full room, ``how`` (an organizer's choice) may instead raise the capacity to seat them,
    or seat them over the capacity; room balance still applies.
    """
    confirmed = taken_counts(session, [event.id])[event.id]
    key = registration.company_key
    over_cap = (
        event.company_cap is not None
        and key is not None
        and _confirmed_by_company(session, event.id)[key] >= event.company_cap
    )
    if confirmed < event.capacity and not over_cap:
        _confirm(registration, now)
    elif how == FullRoom.RAISE_CAPACITY and not over_cap:
        event.capacity += 1
        _confirm(registration, now)
    elif how == FullRoom.OVER_CAPACITY and not over_cap:
        _confirm(registration, now)
        registration.over_capacity = True
    else:
        registration.status = RegistrationStatus.WAITLISTED
        registration.queue_position = _next_queue_position(session, event.id)
        registration.status_reason = (
            f"Room balance: at most {event.company_cap} seats per company, and that many "
            "colleagues already have one."
            if over_cap and confirmed < event.capacity
            else None
        )
    session.flush()
    return registration.status


def _confirm(registration: Registration, now: datetime) -> None:
    registration.status = RegistrationStatus.CONFIRMED
    registration.over_capacity = False
    registration.confirmed_at = now
    registration.queue_position = None
    registration.status_reason = None
    registration.offer_expires_at = None


def in_offer_window(event: Event, now: datetime) -> bool:
    """Return True when a freed seat is offered rather than given (the final hours)."""
    window = timedelta(hours=event.offer_window_hours)
    return event.offer_window_hours > 0 and event.starts_at - window <= now < event.starts_at


def offer_expiry(event: Event, now: datetime) -> datetime:
    """Return until when an offer made now holds its seat: the time limit, never past the start."""
    return min(now + timedelta(hours=event.offer_hours), event.starts_at)


def promote(session: Session, event: Event, now: datetime) -> list[Registration]:
    """Seat (or, in the final window, offer a seat to) the earliest waiting people who fit.

    The caller holds ``lock_event``. Each person moved up gets a message in the outbox: their
    seat with the invitation, or the offer to accept. Nobody is promoted into a cancelled event
    or one that has already started, and nobody is offered this event's seat a second time.
    """
    session.flush()
    if event.status == EventStatus.CANCELLED or now >= event.starts_at:
        return []
    free = event.capacity - taken_counts(session, [event.id])[event.id]
    if free <= 0:
        return []
    offering = in_offer_window(event, now)
    by_company = _confirmed_by_company(session, event.id)
    query = select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.WAITLISTED,
    )
    if offering:  # an offer that lapsed is not made again
        query = query.where(Registration.offer_expires_at.is_(None))
    waiting = session.scalars(query.order_by(Registration.queue_position, Registration.id))
    promoted: list[Registration] = []
    for registration in waiting:
        if free == 0:
            break
        key = registration.company_key
        if event.company_cap is not None and key is not None:
            if by_company[key] >= event.company_cap:
                continue
            by_company[key] += 1
        if offering:
            registration.status = RegistrationStatus.OFFERED
            registration.queue_position = None
            registration.offer_expires_at = offer_expiry(event, now)
        else:
            _confirm(registration, now)
            registration.promoted_at = now
        promoted.append(registration)
        free -= 1
    session.flush()
    for registration in promoted:
        if lifecycle.is_offered(registration):
            outbox.enqueue(session, "offered", registration,
                           expires_at=_iso(registration.offer_expires_at))
        else:
            outbox.enqueue(
                session, "promoted", registration,
                calendar=lifecycle.calendar_method(S.WAITLISTED, S.CONFIRMED),
            )
    return promoted


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def accept_offer(session: Session, event: Event, registration: Registration,
                 now: datetime) -> None:
    """Give the person the seat held for them; refuse an offer that lapsed or is gone.

    The caller holds ``lock_event``.
    """
    if not lifecycle.is_offered(registration):
        raise InvalidTransition("There is no seat offered to you now, so nothing changed.")
    if registration.offer_expires_at is None or now >= registration.offer_expires_at:
        raise InvalidTransition(
            "This offer has lapsed, so the seat has gone to the next person waiting. You are "
            "still on the waiting list."
        )
    _confirm(registration, now)
    registration.promoted_at = now
    session.flush()


def lapse_offers(session: Session, event: Event, now: datetime) -> list[Registration]:
    """Send people whose offer ran out to the end of the waiting list; pass their seats on.

    The caller holds ``lock_event``. Returns the registrations whose offer lapsed.
    """
    lapsed = list(session.scalars(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.OFFERED,
            Registration.offer_expires_at <= now,
        )
        .order_by(Registration.offer_expires_at, Registration.id)
    ))
    for registration in lapsed:
        registration.status = RegistrationStatus.WAITLISTED
        registration.queue_position = _next_queue_position(session, event.id)
        registration.status_reason = (
            "The seat offered to you was not accepted in time, so it went to the next person. "
            "You are still on the waiting list."
        )
        session.flush()
        outbox.enqueue(session, "offer_lapsed", registration)
    if lapsed:
        promote(session, event, now)
    return lapsed


def release(
    session: Session,
    event: Event,
    registration: Registration,
    now: datetime,
    status: RegistrationStatus = RegistrationStatus.CANCELLED,
) -> list[Registration]:
    """Take ``registration`` out of the room (cancelled or declined) and promote the waiting list.

    Releasing an already cancelled or declined registration changes nothing. The caller holds
    ``lock_event``. Returns the promoted registrations.
    """
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
        return []
    if (lifecycle.holds_seat(registration) and status == RegistrationStatus.CANCELLED
            and now >= event.starts_at - LATE_CANCELLATION):
        registration.late_cancellation = True
    registration.status = status
    registration.offer_expires_at = None
    registration.queue_position = None
    if status == RegistrationStatus.CANCELLED:
        registration.cancelled_at = now
    session.flush()
    return promote(session, event, now)



def set_capacity(
    session: Session, event: Event, capacity: int, now: datetime
) -> list[Registration]:
    """Change the capacity; refuse one below the confirmed count; fill any new seats.

    Seats given over the capacity do not count against it: they are the room's on top.
    """
    confirmed = (taken_counts(session, [event.id])[event.id]
                 - over_capacity_seats(session, event.id))
    if capacity < confirmed:
        raise CapacityBelowConfirmed(
            f"{confirmed} people already have a seat, so the capacity cannot go below {confirmed}. "
            "Cancel registrations first if the room really is smaller."
        )
    if capacity < 1:
        raise CapacityBelowConfirmed("The capacity must be at least 1.")
    event.capacity = capacity
    return promote(session, event, now)


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


def waitlist_position(session: Session, registration: Registration) -> int | None:
    """Return the registration's current position on the waiting list, or None."""
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    ahead = session.scalar(
        select(func.count()).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITLISTED,
            Registration.queue_position < registration.queue_position,
        )
    )
    return (ahead or 0) + 1
