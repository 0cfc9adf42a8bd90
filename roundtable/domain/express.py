"""The express lane: a confirmed signup admitted in six plain statements under the lock.

Almost every confirmation is the plain case: a new address, a title the engine finds eligible,
an event that seats whoever comes first (no review of every signup or of no-shows, no room
balance). Under a burst of signups the event's lock is what everyone waits for, so what is done
while holding it decides how many leaders a minute get an answer. Here everything that can be
done before the lock is (``prepare``: the link's signup read, the address checked, the title
judged), and under it (``admit``) the event is locked and read, one statement reads where the
signup, the address and the seats stand, and four write the registration, its private link,
its message and the signup: Core statements, no ORM unit of work.

``admit`` writes nothing and returns None whenever anything else applies; the caller then
takes the full way (``registrations.admit``), which handles every case. Both ways give the
same rows (tests/test_express.py compares them column by column).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import BindParameter, Table, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import eligibility, events, lifecycle, registrations, seating, tokens
from roundtable.domain.addresses import address_key
from roundtable.domain.errors import DomainError
from roundtable.domain.models import (
    ApprovalMode,
    Event,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    SignupRequest,
    UTCDateTime,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox

S = RegistrationStatus
_REGISTRATION = cast(Table, Registration.__table__)
_SIGNUP = cast(Table, SignupRequest.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class Prepared:
    """A confirmation read and judged before the lock: the plain case, if nothing changes."""

    signup_id: int
    event_id: int
    minimum_level: Seniority
    email: str
    verdict: eligibility.Verdict
    details: dict[str, Any]  # the new registration's columns, but where it stands


_SIGNUP_AND_EVENT = (
    select(SignupRequest, Event.slug, Event.minimum_level)
    .join(Event, Event.id == SignupRequest.event_id)
    .where(SignupRequest.token_hash == bindparam("hash"))
)


def prepare(session: Session, *, token: str, slug: str, now: datetime) -> Prepared | None:
    """Read the link's signup and judge it, outside any lock; None when it is not the plain case.

    Only reads: a link that is unknown, of another event, used, expired or whose title is not
    plainly eligible is left to the full way, which says why.
    """
    if not token or len(token) > 100:
        return None
    row = session.execute(_SIGNUP_AND_EVENT, {"hash": tokens.hash_token(token)}).first()
    if row is None:
        return None
    signup, event_slug, minimum_level = row
    if event_slug != slug or signup.confirmed_at is not None or signup.expires_at <= now:
        return None
    verdict = eligibility.assess(signup.job_title, signup.seniority, minimum_level)
    if verdict.outcome != eligibility.Outcome.ELIGIBLE:
        return None
    try:
        email = registrations.normalise_email(signup.email)
    except DomainError:
        return None
    details = {  # as registrations.new_registration and fill_details write them
        "event_id": signup.event_id,
        "name": signup.name.strip(),
        "email": email,
        "email_key": address_key(email),
        "company": signup.company.strip(),
        "company_key": seating.company_key(email, signup.company),
        "job_title": signup.job_title.strip(),
        "seniority": signup.seniority,
        "discussion_topic": (signup.discussion_topic or "").strip() or None,
        "eligibility_outcome": verdict.outcome.value,
        "eligibility_reasons": registrations.stored_reasons(verdict),
        "manage_salt": tokens.new_salt(),
        "added_by_organizer": False,
        "over_capacity": False,
    }
    return Prepared(signup.id, signup.event_id, minimum_level, email, verdict, details)


_EVENT = (
    select(Event.status, Event.starts_at, Event.registration_deadline, Event.capacity,
           Event.approval_mode, Event.review_no_shows, Event.company_cap, Event.minimum_level,
           Event.sequence)
    .where(Event.id == bindparam("event_id"))
    .with_for_update()  # PostgreSQL: seating.lock_event's row lock; SQLite holds the writer's
)
_EVENT_ID: BindParameter[int] = bindparam("event_id")
_STANDING = select(
    select(func.count()).where(
        SignupRequest.id == bindparam("signup_id"), SignupRequest.confirmed_at.is_(None),
        SignupRequest.expires_at > bindparam("now", type_=UTCDateTime()),
    ).scalar_subquery().label("pending"),
    select(Registration.id).where(
        Registration.event_id == _EVENT_ID, Registration.email_key == bindparam("key"),
    ).limit(1).scalar_subquery().label("existing"),
    select(func.count()).where(
        Registration.event_id == _EVENT_ID, Registration.status.in_(lifecycle.TAKES_SEAT),
    ).scalar_subquery().label("taken"),
    select(func.max(Registration.queue_position)).where(
        Registration.event_id == _EVENT_ID,
    ).scalar_subquery().label("last_place"),
)
_INSERT = insert(_REGISTRATION).returning(_REGISTRATION.c.id)
_LINK = (update(_REGISTRATION).where(_REGISTRATION.c.id == bindparam("registration_id"))
         .values(manage_token_hash=bindparam("hash")))
_MESSAGE = insert(_OUTBOX)
_CONFIRMED = (update(_SIGNUP).where(_SIGNUP.c.id == bindparam("signup_id"))
              .values(confirmed_at=bindparam("now", type_=UTCDateTime()),
                      registration_id=bindparam("registration_id")))


@dataclass(frozen=True)
class Admitted:
    """Where the express lane placed the person."""

    registration_id: int
    status: RegistrationStatus


def admit(session: Session, prepared: Prepared, *, now: datetime, secret_key: str
          ) -> Admitted | None:
    """Lock the event and admit the plain case; None (nothing written) when it no longer is.

    Runs in the caller's write transaction (``database.write_transaction``), as
    ``seating.lock_event`` would: on SQLite as its writer, on PostgreSQL with the event's row
    locked until the transaction ends.
    """
    begin_write(session)
    connection = session.connection()
    event = connection.execute(_EVENT, {"event_id": prepared.event_id}).one()
    if (
        not events.takes_signups(event.status, event.starts_at, event.registration_deadline, now)
        or event.approval_mode != ApprovalMode.AUTO
        or event.review_no_shows
        or event.company_cap is not None
        or event.minimum_level != prepared.minimum_level
    ):
        return None
    standing = connection.execute(_STANDING, {
        "signup_id": prepared.signup_id, "now": now, "event_id": prepared.event_id,
        "key": prepared.details["email_key"],
    }).one()
    if not standing.pending or standing.existing is not None:
        return None
    seated = standing.taken < event.capacity
    status = S.CONFIRMED if seated else S.WAITLISTED
    calendar = lifecycle.calendar_method(None, status)
    revision = 1 if calendar is not None else 0
    registration_id = connection.execute(_INSERT, {
        **prepared.details,
        "status": status,
        "queue_position": None if seated else (standing.last_place or 0) + 1,
        "confirmed_at": now if seated else None,
        "created_at": now,
        "invite_revision": revision,
    }).scalar_one()
    link = tokens.derive(secret_key, registration_id, prepared.details["manage_salt"])
    connection.execute(_LINK, {"registration_id": registration_id,
                               "hash": tokens.hash_token(link)})
    payload: dict[str, Any] = {}
    if calendar is not None:  # as outbox.enqueue fixes the invitation's method and sequence
        payload.update(calendar=calendar, calendar_status=outbox.CALENDAR_STATUS[calendar],
                       sequence=event.sequence + revision)
    payload["status"] = status.value
    connection.execute(_MESSAGE, {
        "kind": status.value, "event_id": prepared.event_id,
        "registration_id": registration_id, "recipient": prepared.email, "payload": payload,
    })
    connection.execute(_CONFIRMED, {"signup_id": prepared.signup_id, "now": now,
                                    "registration_id": registration_id})
    return Admitted(registration_id, status)
