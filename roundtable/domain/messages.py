"""An organizer's message to the room: who receives it, and sending it once through the outbox.

The audiences are chosen by the lifecycle's predicates, so "the waiting list" means here what it
means everywhere. A send is idempotent on (event, audience, subject, text) for ``REPEAT_WINDOW``:
a double click, a resubmitted form or a second tab sends nothing the second time, because the
event's lock serialises the sends and the second one finds the first one's messages.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.domain import audit, lifecycle, seating, text
from roundtable.domain.errors import DomainError, InvalidTransition
from roundtable.domain.events import is_past
from roundtable.domain.models import Event, OutboxMessage, Registration
from roundtable.notify import outbox

KIND = "organizer_message"
SUBJECT_MAX = 150
TEXT_MAX = 5000
# Long enough for a double click, a slow answer and the browser's "resend the form?"; short
# enough that a deliberate second send of the same words later is not refused.
REPEAT_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class Audience:
    """Who a message goes to: a name for the form, the words for people, the rule."""

    label: str
    phrase: str
    includes: Callable[[Registration], bool]


AUDIENCES = {
    "seats": Audience("Seat holders", "the seat holders", lifecycle.holds_seat),
    "waiting": Audience("The waiting list", "the waiting list", lifecycle.is_waiting),
    "review": Audience("People awaiting review", "the people awaiting review",
                       lifecycle.in_review),
    "everyone": Audience("Everyone registered (seats, waiting list and review)",
                         "everyone registered", lifecycle.is_active),
}


class InvalidMessage(DomainError):
    """The message cannot be sent as written; ``field`` names the form field at fault."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NobodyToTell(DomainError):
    """The audience chosen has nobody in it."""


@dataclass(frozen=True)
class Draft:
    """What an organizer writes: to whom, the subject line and the text."""

    audience: str
    subject: str
    text: str

    def digest(self) -> str:
        """Return a fingerprint of the content, which repeated sends share."""
        content = json.dumps([self.audience, self.subject, self.text], ensure_ascii=False)
        return hashlib.sha256(content.encode()).hexdigest()


@dataclass(frozen=True)
class Sent:
    """The outcome of a send: how many people, and whether it had already gone."""

    count: int
    repeated: bool = False


def clean(draft: Draft) -> Draft:
    """Return the draft trimmed and checked; raise ``InvalidMessage`` naming the field at fault."""
    if draft.audience not in AUDIENCES:
        raise InvalidMessage("Please choose who should receive the message.", "audience")
    subject = draft.subject.strip()
    body = text.normalise_newlines(draft.text).strip()
    if not subject:
        raise InvalidMessage("Please write a subject.", "subject")
    problem = text.single_line_problem(subject)
    if problem:
        raise InvalidMessage(problem, "subject")
    if len(subject) > SUBJECT_MAX:
        raise InvalidMessage(f"Please keep the subject under {SUBJECT_MAX} characters.",
                             "subject")
    if not body or not text.has_visible(body):
        raise InvalidMessage("Please write the message.", "text")
    problem = text.multi_line_problem(body)
    if problem:
        raise InvalidMessage(problem, "text")
    if len(body) > TEXT_MAX:
        raise InvalidMessage(f"Please keep the message under {TEXT_MAX} characters.", "text")
    return Draft(draft.audience, subject, body)


def recipients(session: Session, event_id: int, audience: str) -> list[Registration]:
    """Return the registrations ``audience`` reaches (with an address), in signup order."""
    rule = AUDIENCES[audience].includes
    candidates = session.scalars(
        select(Registration)
        .where(Registration.event_id == event_id, Registration.status.in_(lifecycle.ACTIVE),
               Registration.email.is_not(None))
        .order_by(Registration.id)
    )
    return [registration for registration in candidates if rule(registration)]


def ensure_can_write(event: Event, now: datetime) -> None:
    """Refuse a message about a cancelled event or one that has taken place."""
    if lifecycle.event_cancelled(event):
        raise InvalidTransition("This roundtable is cancelled; its people were told already.")
    if is_past(event, now):
        raise InvalidTransition("This roundtable has already taken place; there is no one to "
                                "write to about it.")


def preview(session: Session, *, event: Event, now: datetime, draft: Draft) -> list[Registration]:
    """Check a draft and return who would receive it; raise if nobody or it cannot be sent."""
    ensure_can_write(event, now)
    draft = clean(draft)
    people = recipients(session, event.id, draft.audience)
    if not people:
        raise NobodyToTell(f"Nobody is in {AUDIENCES[draft.audience].phrase} right now, so "
                           "there is no one to send this to. Nothing was sent.")
    return people


def send_message(
    session: Session, *, actor: int, now: datetime, event_id: int, draft: Draft
) -> Sent:
    """Queue one message per person of the audience, once; log the send (not the text)."""
    event = seating.lock_event(session, event_id=event_id)
    draft = clean(draft)
    digest = draft.digest()
    earlier = _earlier_send(session, event_id, digest, now - REPEAT_WINDOW)
    if earlier:
        return Sent(earlier, repeated=True)
    people = preview(session, event=event, now=now, draft=draft)
    for registration in people:
        message = outbox.enqueue(session, KIND, registration, subject=draft.subject,
                                 text=draft.text, audience=draft.audience, digest=digest)
        message.created_at = now  # the repeat window is measured on the caller's clock
    session.flush()
    audit.record(session, actor, "event.messaged", now, event_id=event_id,
                 detail=f"to {AUDIENCES[draft.audience].phrase}; {len(people)} people")
    return Sent(len(people))


def _earlier_send(session: Session, event_id: int, digest: str, since: datetime) -> int:
    """Return how many messages with this content the event queued since ``since`` (0: none)."""
    payloads = session.scalars(
        select(OutboxMessage.payload).where(
            OutboxMessage.event_id == event_id,
            OutboxMessage.kind == KIND,
            OutboxMessage.created_at >= since,
        )
    )
    return sum(1 for payload in payloads if (payload or {}).get("digest") == digest)
