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
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.models import Event, OutboxMessage, OutboxStatus, Registration
from roundtable.sqlite import begin_write

logger = logging.getLogger(__name__)

CALENDAR_STATUS = {"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED", "PUBLISH": "TENTATIVE"}


class PermanentFailure(Exception):
    """The mail server refused the message for good (e.g. an unknown recipient)."""


class Undeliverable(Exception):
    """The message can no longer be composed (its registration was erased)."""


@dataclass(frozen=True)
class DeliveryPolicy:
    """How often and how patiently a message is retried."""

    max_attempts: int = 8
    backoff: timedelta = timedelta(seconds=30)
    lease: timedelta = timedelta(minutes=5)

    def next_attempt(self, now: datetime, attempts: int) -> datetime:
        """Return when to try again after ``attempts`` failed attempts."""
        return now + self.backoff * (2 ** max(attempts - 1, 0))


def enqueue(
    session: Session,
    kind: str,
    registration: Registration,
    *,
    calendar: str | None = None,
    **payload: Any,
) -> OutboxMessage:
    """Record a message of ``kind`` to a registrant, to be delivered after commit.

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
    message = OutboxMessage(
        kind=kind,
        event_id=registration.event_id,
        registration_id=registration.id,
        recipient=registration.email,
        payload=payload,
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
    """Deliver due messages one by one; return how many were sent, retried, failed, dropped."""
    counts = {"sent": 0, "retried": 0, "failed": 0, "dropped": 0}
    for _ in range(limit):
        message = claim_next(session, now(), policy)
        if message is None:
            session.rollback()
            break
        try:
            email = compose(message)
        except Undeliverable as exc:
            _finish(message, OutboxStatus.DROPPED, now(), str(exc))
            session.commit()
            counts["dropped"] += 1
            continue
        session.commit()  # the lease is taken: send outside any transaction
        try:
            send(email)
        except PermanentFailure as exc:
            begin_write(session)
            _finish(message, OutboxStatus.FAILED, now(), str(exc))
            counts["failed"] += 1
        except Exception as exc:  # noqa: BLE001 - any transport error is retried
            begin_write(session)
            logger.warning(
                "mail %s attempt %s failed: %s", message.id, message.attempts, type(exc).__name__
            )
            message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if message.attempts >= policy.max_attempts:
                _finish(message, OutboxStatus.FAILED, now(), message.last_error)
                counts["failed"] += 1
            else:
                message.next_attempt_at = policy.next_attempt(now(), message.attempts)
                counts["retried"] += 1
        else:
            begin_write(session)
            _finish(message, OutboxStatus.SENT, now(), None)
            counts["sent"] += 1
        session.commit()
    return counts


def _finish(message: OutboxMessage, status: OutboxStatus, now: datetime, error: str | None) -> None:
    message.status = status
    if error is not None:
        message.last_error = error[:2000]
    if status == OutboxStatus.SENT:
        message.sent_at = now
