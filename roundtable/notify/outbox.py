"""The transactional outbox: messages are recorded with the change that causes them.

``enqueue`` only adds a row to the caller's session, so a rolled-back change sends nothing and a
committed one is never lost. ``deliver_due`` runs after commit (the ``send-mail`` command): it
claims one due message at a time in a short transaction (``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, so several senders never take the same row), leases it by moving its next attempt
into the future, sends it outside any transaction, then records the result. Failures are retried
with exponential backoff up to a maximum number of attempts; the last error is kept.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import audit
from roundtable.domain.errors import InvalidTransition, NotFound
from roundtable.domain.models import (
    Event,
    OutboxMessage,
    OutboxStatus,
    Registration,
    SignupRequest,
)

logger = logging.getLogger(__name__)

CALENDAR_STATUS = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED", "PUBLISH": "TENTATIVE"}


class PermanentFailure(Exception):
    """The mail server refused the message for good (e.g. an unknown recipient)."""


class Undeliverable(Exception):
    """The message can no longer be composed (its registration was erased)."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often and how patiently a message is retried."""

    max_attempts: int = 20
    backoff: timedelta = timedelta(seconds=30)
    max_backoff: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=10)

    def next_attempt(self, now: datetime, attempts: int) -> datetime:
        """Return when to try again after ``attempts`` failed attempts (30 s doubling, 1 h cap)."""
        wait = self.backoff * (1 << min(max(attempts - 1, 0), 20))
        return now + min(wait, self.max_backoff)


def enqueue(
    session: Session,
    kind: str,
    registration: Registration,
    *,
    calendar: str | None = None,
    **payload: Any,
) -> OutboxMessage:
    """Record a message of ``kind`` to a registrant, to be delivered after commit.

    The registration's state at this moment goes with it (``status``), so the mail tells the
    outcome of this change even if the registration moves on before it is sent.

    ``calendar`` names the iTIP method of the invitation it carries (REQUEST, CANCEL, PUBLISH);
    its SEQUENCE is fixed now, so later messages always carry a higher one.
    """
    if calendar is not None:
        event = session.get(Event, registration.event_id)
        assert event is not None
        registration.invite_revision = (registration.invite_revision or 0) + 1
        payload.update(
            calendar=calendar,
            calendar_status=CALENDAR_STATUS[calendar],
            sequence=event.sequence + registration.invite_revision,
        )
    payload.setdefault("status", registration.status.value)
    message = OutboxMessage(
        kind=kind,
        event_id=registration.event_id,
        registration_id=registration.id,
        recipient=registration.email,
        payload=payload,
    )
    session.add(message)
    return message


def enqueue_signup(session: Session, signup: SignupRequest) -> OutboxMessage:
    """Record the mail that asks a signup's address to confirm, delivered after commit."""
    message = OutboxMessage(
        kind="confirm_signup",
        event_id=signup.event_id,
        registration_id=None,
        recipient=signup.email,
        payload={"signup_id": signup.id},
    )
    session.add(message)
    return message


def claim_next(session: Session, now: datetime, policy: DeliveryPolicy) -> OutboxMessage | None:
    """Lease the next due message to this sender; the caller commits at once."""
    begin_write(session)
    query = (
        select(OutboxMessage)
        .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
        .limit(1)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    message = session.scalar(query)
    if message is not None:
        message.attempts += 1
        message.next_attempt_at = now + policy.lease
    return message


def deliver_due(
    session: Session,
    now: Callable[[], datetime],
    compose: Callable[[OutboxMessage], EmailMessage],
    send: Callable[[EmailMessage], None],
    policy: DeliveryPolicy,
    limit: int = 1000,
) -> dict[str, int]:
    """Deliver due messages one by one; return how many were sent, retried, failed, dropped.

    The worker owns its transactions (a short one per claim and per result); on an error that
    escapes (the database went away, say) the open one is rolled back before it is raised.
    """
    try:
        return _deliver_due(session, now, compose, send, policy, limit)
    except BaseException:
        session.rollback()
        raise


def _deliver_due(
    session: Session,
    now: Callable[[], datetime],
    compose: Callable[[OutboxMessage], EmailMessage],
    send: Callable[[EmailMessage], None],
    policy: DeliveryPolicy,
    limit: int,
) -> dict[str, int]:
    counts = {"sent": 0, "retried": 0, "failed": 0, "dropped": 0}
    for _ in range(limit):
        message = claim_next(session, now(), policy)
        if message is None:
            session.rollback()
            break
        claim = (message.id, message.attempts)
        session.commit()  # the lease is taken: compose and send outside the claim's transaction
        try:
            email = compose(message)
        except Undeliverable as exc:
            counts["dropped"] += _record(session, claim, OutboxStatus.DROPPED, now(), str(exc))
            continue
        except Exception as exc:  # noqa: BLE001 - a message that cannot be built is retried
            logger.exception("mail %s could not be composed", claim[0])
            counts[_retry_or_fail(session, claim, exc, now(), policy)] += 1
            continue
        session.rollback()  # composing only read
        try:
            send(email)
        except PermanentFailure as exc:
            counts["failed"] += _record(session, claim, OutboxStatus.FAILED, now(), str(exc))
        except Exception as exc:  # noqa: BLE001 - any transport error is retried
            logger.warning("mail %s attempt %s failed: %s", claim[0], claim[1], type(exc).__name__)
            counts[_retry_or_fail(session, claim, exc, now(), policy)] += 1
        else:
            counts["sent"] += _record(session, claim, OutboxStatus.SENT, now(), None)
    return counts


def _retry_or_fail(
    session: Session, claim: tuple[int, int], exc: Exception, now: datetime,
    policy: DeliveryPolicy,
) -> str:
    error = f"{type(exc).__name__}: {exc}"
    if claim[1] >= policy.max_attempts:
        _record(session, claim, OutboxStatus.FAILED, now, error)
        return "failed"
    _record(session, claim, OutboxStatus.PENDING, now, error,
            next_attempt_at=policy.next_attempt(now, claim[1]))
    return "retried"


def _record(
    session: Session,
    claim: tuple[int, int],
    status: OutboxStatus,
    now: datetime,
    error: str | None,
    next_attempt_at: datetime | None = None,
) -> int:
    """Write the result of one attempt, only if this sender still holds the message.

    The row may have been deleted meanwhile (the person erased their data) or, after a lease
    ran out, claimed again by another sender: then nothing is written. Returns rows written.
    """
    session.rollback()
    begin_write(session)
    values: dict[str, Any] = {"status": status}
    if error is not None:
        values["last_error"] = error[:2000]
    if status == OutboxStatus.SENT:
        values["sent_at"] = now
    if next_attempt_at is not None:
        values["next_attempt_at"] = next_attempt_at
    message_id, attempts = claim
    statement = (
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.attempts == attempts,
            OutboxMessage.status == OutboxStatus.PENDING,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    # Session.execute is typed to return a Result; an UPDATE without RETURNING gives a
    # CursorResult, which has the row count (the cast SQLAlchemy's typing notes advise).
    result = cast("CursorResult[Any]", session.execute(statement))
    session.commit()
    return int(result.rowcount or 0)


def for_event(
    session: Session, event_id: int, status: OutboxStatus | None = None, limit: int = 500
) -> list[OutboxMessage]:
    """Return an event's messages, newest first, optionally of one delivery status."""
    query = select(OutboxMessage).where(OutboxMessage.event_id == event_id)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    return list(session.scalars(query.order_by(OutboxMessage.id.desc()).limit(limit)))


def status_counts(session: Session, event_id: int) -> dict[OutboxStatus, int]:
    """Return how many of an event's messages are in each delivery status, counted in SQL."""
    rows = session.execute(
        select(OutboxMessage.status, func.count())
        .where(OutboxMessage.event_id == event_id)
        .group_by(OutboxMessage.status)
    )
    counts = dict.fromkeys(OutboxStatus, 0)
    counts.update({status: n for status, n in rows})
    return counts


def retry(session: Session, *, actor: int, now: datetime, message_id: int) -> OutboxMessage:
    """Put a failed message back in the queue with a fresh set of attempts, and log it."""
    begin_write(session)
    message = session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("There is no such message.")
    if message.status != OutboxStatus.FAILED:
        raise InvalidTransition("Only a message whose delivery failed can be sent again.")
    newer = session.scalar(
        select(func.count()).where(
            OutboxMessage.registration_id == message.registration_id,
            OutboxMessage.id > message.id,
        )
    )
    if message.registration_id is None or newer:
        raise InvalidTransition(
            "This person has been sent a newer message since, so this one would be out of date."
        )
    message.status = OutboxStatus.PENDING
    message.attempts = 0
    message.next_attempt_at = now
    session.flush()
    audit.record(session, actor, "mail.retried", now, event_id=message.event_id,
                 registration_id=message.registration_id, detail=message.kind)
    return message
