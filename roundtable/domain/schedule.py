"""What falls due before a roundtable, run by the mail worker on every round (no cron needed).

Timeline of one event (hours before the start, each an event setting):

    -72 h  "Still coming?" to seat holders (``reconfirm_hours``; 0: off)
    -48 h  the offer window opens: a freed seat is offered, not given (``offer_window_hours``)
    -24 h  the answer deadline (``reconfirm_deadline_hours``): unanswered seats are kept, or
           released at an event that says so (``release_unanswered``)
    -24 h  the reminder (``reminder_hours``; 0: off)
     -1 h  the join-link reminder (online events, when reminders are on)
      0    the start: nothing is sent or moved any more

``due_events`` lists the events worth a look; ``run_event`` does what is due for one, under the
event's seat lock, so several workers (and the signups of the moment) queue on it. Nothing is
pre-scheduled: what is due is computed from the event's current time, so it moves with the
event and does not exist for a cancelled registration or event. Each scheduled message has a
``dedup_key`` (kind, registration, and for reminders the event's calendar sequence) that the
database keeps unique, so a message is written at most once; the composer drops one that is no
longer true when its turn comes (``still_due``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.domain import lifecycle, seating
from roundtable.domain.models import (
    Event,
    EventFormat,
    EventStatus,
    OutboxMessage,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.notify import outbox

HOUR = timedelta(hours=1)
# "Still coming?" is not asked once less than this is left before the answer deadline.
ASK_MARGIN = timedelta(hours=6)
# The longest any setting reaches before the start (two weeks).
LONGEST = timedelta(hours=336)


@dataclass
class Round:
    """What one round did, by kind."""

    asked: int = 0
    reminded: int = 0
    released: int = 0
    lapsed: int = 0

    def add(self, other: Round) -> None:
        """Add another round's counts to these."""
        self.asked += other.asked
        self.reminded += other.reminded
        self.released += other.released
        self.lapsed += other.lapsed

    def __bool__(self) -> bool:
        return bool(self.asked or self.reminded or self.released or self.lapsed)


def reconfirm_asks_at(event: Event) -> datetime | None:
    """Return when seat holders are asked "Still coming?", or None when the event does not ask."""
    if not event.reconfirm_hours:
        return None
    return event.starts_at - timedelta(hours=event.reconfirm_hours)


def reconfirm_deadline(event: Event) -> datetime | None:
    """Return the last instant to answer "Still coming?", or None when the event does not ask."""
    if not event.reconfirm_hours:
        return None
    return event.starts_at - timedelta(hours=event.reconfirm_deadline_hours)


def answer_open(event: Event, now: datetime) -> bool:
    """Return True while a seat holder may still answer "Still coming?"."""
    deadline = reconfirm_deadline(event)
    return (deadline is not None and event.status == EventStatus.PUBLISHED
            and now < deadline)


def asking(event: Event, registration: Registration, now: datetime) -> bool:
    """Return True when the private page should ask this seat holder "Still coming?"."""
    asks_at = reconfirm_asks_at(event)
    return (lifecycle.holds_seat(registration) and registration.reconfirmation is None
            and asks_at is not None and (registration.reconfirm_asked_at is not None
                                         or asks_at <= now) and answer_open(event, now))


def reminder_at(event: Event) -> datetime | None:
    """Return when the day-before reminder falls due, or None when reminders are off."""
    if not event.reminder_hours:
        return None
    return event.starts_at - timedelta(hours=event.reminder_hours)


def _reminder_ends(event: Event) -> datetime:
    """Return when the day-before reminder stops making sense (online: the hour one takes over)."""
    return event.starts_at - HOUR if event.format == EventFormat.ONLINE else event.starts_at


def still_due(kind: str, event: Event, registration: Registration, sequence: int | None,
              now: datetime) -> bool:
    """Return True when a scheduled message of ``kind`` still makes sense to send now.

    A worker stopped for a day finds messages that are no longer true: a "tomorrow" reminder
    after the start, a question after its deadline, a reminder of an old time, a seat given up.
    """
    if event.status != EventStatus.PUBLISHED or event.closed_at is not None:
        return False
    if kind == "offered":
        return (lifecycle.is_offered(registration) and registration.offer_expires_at is not None
                and now < registration.offer_expires_at)
    if not lifecycle.holds_seat(registration):
        return False
    if kind == "reconfirm":
        deadline = reconfirm_deadline(event)
        return (deadline is not None and registration.reconfirmation is None
                and now < deadline)
    if sequence is not None and sequence != event.sequence:
        return False  # the time or place moved: the reminder for the new one is written anew
    if kind == "reminder":
        return now < _reminder_ends(event)
    if kind == "reminder_hour":
        return now < event.starts_at
    return True


def due_events(session: Session, now: datetime) -> list[int]:
    """Return the ids of published events with something that may fall due now."""
    return list(session.scalars(
        select(Event.id)
        .where(
            Event.status == EventStatus.PUBLISHED,
            Event.closed_at.is_(None),
            Event.ends_at > now,  # offers still open at the start lapse then
            Event.starts_at <= now + LONGEST,
        )
        .order_by(Event.starts_at, Event.id)
    ))


def run_event(session: Session, event_id: int, now: datetime) -> Round:
    """Do what is due for one event now: lapse offers, apply the deadline, ask, remind.

    Takes the event's seat lock; the caller commits. Doing it twice changes nothing more.
    """
    event = seating.lock_event(session, event_id=event_id)
    done = Round()
    if event.status != EventStatus.PUBLISHED or event.closed_at is not None:
        return done
    done.lapsed = len(seating.lapse_offers(session, event, now))
    if now >= event.starts_at:
        return done
    done.released = _apply_deadline(session, event, now)
    # Read once, after the deadline released any, and only if a question or reminder is due.
    holders = functools.cache(lambda: _seat_holders(session, event))
    done.asked = _ask(session, event, holders, now)
    done.reminded = _remind(session, event, holders, now)
    session.flush()
    return done


def _seat_holders(session: Session, event: Event) -> list[Registration]:
    return list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)
    ))


def _written(session: Session, keys: list[str]) -> set[str]:
    """Return which of ``keys`` already name a message in the outbox."""
    if not keys:
        return set()
    return {key for key in session.scalars(
        select(OutboxMessage.dedup_key).where(OutboxMessage.dedup_key.in_(keys))
    ) if key is not None}


def _ask(session: Session, event: Event, holders: Callable[[], list[Registration]],
         now: datetime) -> int:
    asks_at, deadline = reconfirm_asks_at(event), reconfirm_deadline(event)
    if asks_at is None or deadline is None or not asks_at <= now < deadline - ASK_MARGIN:
        return 0
    asked = 0
    for registration in holders():
        # Someone seated after the question went out has just said they are coming.
        seated = registration.confirmed_at
        if (registration.reconfirm_asked_at is not None or registration.reconfirmation
                is not None or (seated is not None and seated > asks_at)):
            continue
        registration.reconfirm_asked_at = now
        message = outbox.enqueue(session, "reconfirm", registration,
                                 deadline=deadline.isoformat())
        message.dedup_key = f"reconfirm:{registration.id}"
        asked += 1
    return asked


def _apply_deadline(session: Session, event: Event, now: datetime) -> int:
    deadline = reconfirm_deadline(event)
    if not event.release_unanswered or deadline is None or now < deadline:
        return 0
    unanswered = [r for r in _seat_holders(session, event)
                  if r.reconfirm_asked_at is not None and r.reconfirmation is None]
    for registration in unanswered:
        registration.reconfirmation = Reconfirmation.LAPSED
        registration.reconfirmed_at = now
        before = registration.status
        seating.release(session, event, registration, now)
        registration.late_cancellation = False  # not their cancellation: they did not answer
        outbox.enqueue(session, "seat_released", registration,
                       calendar=lifecycle.calendar_method(before, registration.status))
    return len(unanswered)


def _remind(session: Session, event: Event, holders: Callable[[], list[Registration]],
            now: datetime) -> int:
    kinds: list[str] = []
    at = reminder_at(event)
    if at is not None and at <= now < _reminder_ends(event):
        kinds.append("reminder")
    if (event.reminder_hours and event.format == EventFormat.ONLINE
            and event.starts_at - HOUR <= now < event.starts_at):
        kinds.append("reminder_hour")
    if not kinds:
        return 0
    wanted = {f"{kind}:{r.id}:{event.sequence}": (kind, r) for kind in kinds for r in holders()}
    written = _written(session, list(wanted))
    for key, (kind, registration) in wanted.items():
        if key in written:
            continue
        message = outbox.enqueue(session, kind, registration, revision=event.sequence)
        message.dedup_key = key
    return len(wanted) - len(written)
