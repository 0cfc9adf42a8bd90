"""The express lane: a confirmed signup admitted in a few plain statements under the lock.

Almost every confirmation is the plain case: a new address, a title the engine finds eligible,
an event that seats whoever comes first (no review of every signup or of no-shows, no room
balance). Under a burst of signups the event's lock is what everyone waits for, so what is done
while holding it decides how many leaders a minute get an answer. Here everything that can be
done before the lock is (``prepare``: the link's signup read, the address checked, the title
judged), and under it (``admit``) the event is locked and read with its seats taken (a counter
the database keeps: ``Event.seats_taken``), one statement reads where the signup, the address
and the waiting list stand (and, on PostgreSQL, the new registration's id, so its private link
is known before it is written), and the registration, its message and the signup
are written (on PostgreSQL in one statement; on SQLite in three, and one for the private link).
The statements are compiled once and run on the thread's own writing connection
(``database.own_write_transaction``), no Session or ORM unit of work; on PostgreSQL BEGIN goes
with the lock and the reads, COMMIT with the writes: two round trips under the lock.

``admit`` writes nothing and returns None whenever anything else applies; the caller then
takes the full way (``registrations.admit``), which handles every case. Both ways give the
same rows (tests/test_express.py compares them column by column).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Table,
    bindparam,
    func,
    insert,
    literal_column,
    select,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler

from roundtable.database import Prepared, Writing, own_write_transaction
from roundtable.domain import eligibility, events, lifecycle, registrations, seating, tokens
from roundtable.domain.addresses import address_key
from roundtable.domain.models import (
    ApprovalMode,
    Event,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    SignupRequest,
    UTCDateTime,
    utcnow,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox

S = RegistrationStatus
_REGISTRATION = cast(Table, Registration.__table__)
_SIGNUP = cast(Table, SignupRequest.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)


@dataclass(frozen=True)
class Ready:
    """A confirmation read and judged before the lock: the plain case, if nothing changes."""

    signup_id: int
    event_id: int
    minimum_level: Seniority
    email: str
    verdict: eligibility.Verdict
    details: dict[str, Any]  # the new registration's columns, but where it stands


_SIGNUP_AND_EVENT = Prepared(
    select(SignupRequest.id, SignupRequest.event_id, SignupRequest.name, SignupRequest.email,
           SignupRequest.company, SignupRequest.job_title, SignupRequest.seniority,
           SignupRequest.discussion_topic, SignupRequest.confirmed_at, SignupRequest.expires_at,
           Event.slug, Event.minimum_level)
    .join(Event, Event.id == SignupRequest.event_id)
    .where(SignupRequest.token_hash == bindparam("hash")),
    typed=("seniority", "confirmed_at", "expires_at", "minimum_level"),
)


def prepare(session: Session, *, token: str, slug: str, now: datetime) -> Ready | None:
    """Read the link's signup and judge it, outside any lock; None when it is not the plain case.

    Only reads, outside any transaction: a link that is unknown, of another event, used,
    expired or whose title is not plainly eligible is left to the full way, which says why.
    """
    if not token or len(token) > 100:
        return None
    rows = _SIGNUP_AND_EVENT.rows(session.get_bind().engine, {"hash": tokens.hash_token(token)})
    if not rows:
        return None
    (signup_id, event_id, name, email, company, job_title, seniority, topic, confirmed_at,
     expires_at, event_slug, minimum_level) = rows[0]
    if event_slug != slug or confirmed_at is not None or expires_at <= now:
        return None
    verdict = eligibility.assess(job_title, seniority, minimum_level)
    if verdict.outcome != eligibility.Outcome.ELIGIBLE:
        return None
    # The address was normalised when the signup was recorded (signups.request), as the full
    # way's registrations.admit normalises it again (normalising is idempotent).
    details = {  # as registrations.new_registration and fill_details write them
        "event_id": event_id,
        "name": name.strip(),
        "email": email,
        "email_key": address_key(email),
        "company": company.strip(),
        "company_key": seating.company_key(email, company),
        "job_title": job_title.strip(),
        "seniority": seniority,
        "discussion_topic": (topic or "").strip() or None,
        "eligibility_outcome": verdict.outcome.value,
        "eligibility_reasons": registrations.stored_reasons(verdict),
        "manage_salt": tokens.new_salt(),
        "added_by_organizer": False,
        "over_capacity": False,
        "late_cancellation": False,
    }
    return Ready(signup_id, event_id, minimum_level, email, verdict, details)


def _setting(table: Table, names: Iterable[str], prefix: str = ""
             ) -> dict[str, BindParameter[Any]]:
    """Return a statement's values: one parameter per column named (after ``prefix``), typed
    as the column."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


# Run straight on the transaction's connection (database.Prepared.execute): every value is given,
# the columns' Python-side defaults too (for what the ORM would have filled in).
_EVENT = Prepared(
    select(Event.status, Event.starts_at, Event.registration_deadline, Event.capacity,
           Event.approval_mode, Event.review_no_shows, Event.company_cap, Event.minimum_level,
           Event.sequence, Event.seats_taken)
    .where(Event.id == bindparam("event_id"))
    .with_for_update(),  # PostgreSQL: seating.lock_event's row lock; SQLite holds the writer's
    typed=("status", "starts_at", "registration_deadline", "approval_mode", "minimum_level"),
)
_EVENT_ID: BindParameter[int] = bindparam("event_id")


class _NextId(ColumnElement[int]):
    """PostgreSQL: the id the next registration takes, from its sequence, so its private link
    is known before its INSERT. SQLite: NULL (the INSERT picks the id; one UPDATE more there
    costs no round trip)."""

    inherit_cache = True
    type = Integer()


@compiles(_NextId)
def _next_id_sqlite(element: _NextId, compiler: SQLCompiler, **kw: Any) -> str:
    return "NULL"


@compiles(_NextId, "postgresql")
def _next_id_postgresql(element: _NextId, compiler: SQLCompiler, **kw: Any) -> str:
    return "nextval(pg_get_serial_sequence('registration', 'id'))"


_STANDING = Prepared(select(
    select(func.count()).where(
        SignupRequest.id == bindparam("signup_id"), SignupRequest.confirmed_at.is_(None),
        SignupRequest.expires_at > bindparam("now", type_=UTCDateTime()),
    ).scalar_subquery().label("pending"),
    select(Registration.id).where(
        Registration.event_id == _EVENT_ID, Registration.email_key == bindparam("key"),
    ).limit(1).scalar_subquery().label("existing"),
    select(func.max(Registration.queue_position)).where(
        Registration.event_id == _EVENT_ID,
    ).scalar_subquery().label("last_place"),
    _NextId().label("next_id"),
))
_PLACE = ("id", "manage_token_hash", "status", "queue_position", "confirmed_at", "created_at",
          "updated_at", "invite_revision")
_DETAILS = ("event_id", "name", "email", "email_key", "company", "company_key", "job_title",
            "seniority", "discussion_topic", "eligibility_outcome", "eligibility_reasons",
            "manage_salt", "added_by_organizer", "over_capacity", "late_cancellation")
_INSERT = Prepared(insert(_REGISTRATION).values(_setting(_REGISTRATION, (*_DETAILS, *_PLACE)))
                   .returning(_REGISTRATION.c.id))
_LINK = Prepared(update(_REGISTRATION).where(_REGISTRATION.c.id == bindparam("registration_id"))
                 .values(_setting(_REGISTRATION, ("manage_token_hash", "updated_at"))))
_MESSAGE_COLUMNS = ("kind", "event_id", "registration_id", "recipient", "payload", "status",
                    "attempts", "next_attempt_at", "created_at")
_MESSAGE = Prepared(insert(_OUTBOX).values(_setting(_OUTBOX, _MESSAGE_COLUMNS)))
_SIGNUP_COLUMNS = ("confirmed_at", "registration_id")
_CONFIRMED = Prepared(update(_SIGNUP).where(_SIGNUP.c.id == bindparam("signup_id"))
                      .values(_setting(_SIGNUP, _SIGNUP_COLUMNS)))
# PostgreSQL, where the id is known first: the three writes in one statement (one round trip).
_ALL_THREE = Prepared(
    select(literal_column("1"))
    .add_cte(insert(_REGISTRATION).values(_setting(_REGISTRATION, (*_DETAILS, *_PLACE), "r_"))
             .cte("new_registration"))
    .add_cte(insert(_OUTBOX).values(_setting(_OUTBOX, _MESSAGE_COLUMNS, "m_")).cte("message"))
    .add_cte(update(_SIGNUP).where(_SIGNUP.c.id == bindparam("s_id"))
             .values(_setting(_SIGNUP, _SIGNUP_COLUMNS, "s_")).cte("confirmed"))
)


def read_under_lock(writing: Writing, prepared: Ready, now: datetime
                    ) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """Lock the event as ``seating.lock_event`` does, then read under the lock (one round trip
    on PostgreSQL, with the transaction's BEGIN).

    Returns what admitting reads of the event (its seats taken last), and where things stand:
    whether the signup still waits, the address's registration if any, the last place on the
    waiting list and (PostgreSQL) the new registration's id.
    """
    event, standing = writing.execute([
        (_EVENT, {"event_id": prepared.event_id}),
        (_STANDING, {"signup_id": prepared.signup_id, "now": now,
                     "event_id": prepared.event_id, "key": prepared.details["email_key"]}),
    ])
    return event[0], standing[0]


@dataclass(frozen=True)
class Admitted:
    """Where the express lane placed the person."""

    registration_id: int
    status: RegistrationStatus


def confirm(engine: Engine, prepared: Ready, *, now: datetime, secret_key: str
            ) -> Admitted | None:
    """Admit the plain case in a write transaction of its own; None when it no longer is.

    The transaction is ``database.own_write_transaction``'s: on SQLite the writers' queue and
    BEGIN IMMEDIATE, on PostgreSQL the event's row locked until it commits. When the case is not
    plain (any more), nothing is written and the caller takes the full way.
    """
    with own_write_transaction(engine) as writing:
        return admit(writing, prepared, now=now, secret_key=secret_key)


def admit(writing: Writing, prepared: Ready, *, now: datetime, secret_key: str
          ) -> Admitted | None:
    """Lock the event and admit the plain case in ``writing``; None (nothing written) when it
    no longer is."""
    event, standing = read_under_lock(writing, prepared, now)
    (status, starts_at, deadline, capacity, approval_mode, review_no_shows, company_cap,
     minimum_level, sequence, taken) = event
    if (
        not events.takes_signups(status, starts_at, deadline, now)
        or approval_mode != ApprovalMode.AUTO
        or review_no_shows
        or company_cap is not None
        or minimum_level != prepared.minimum_level
    ):
        return None
    pending, existing, last_place, next_id = standing
    if not pending or existing is not None:
        return None
    seated = taken < capacity
    placed = S.CONFIRMED if seated else S.WAITLISTED
    calendar = lifecycle.calendar_method(None, placed)
    revision = 1 if calendar is not None else 0
    written = utcnow()  # when the ORM would have flushed: the rows' updated_at
    salt = prepared.details["manage_salt"]
    registration = {
        **prepared.details,
        "id": next_id,
        "manage_token_hash": (None if next_id is None
                              else tokens.hash_token(tokens.derive(secret_key, next_id, salt))),
        "status": placed,
        "queue_position": None if seated else (last_place or 0) + 1,
        "confirmed_at": now if seated else None,
        "created_at": now,
        "updated_at": written,
        "invite_revision": revision,
    }
    payload: dict[str, Any] = {}
    if calendar is not None:  # as outbox.enqueue fixes the invitation's method and sequence
        payload.update(calendar=calendar, calendar_status=outbox.CALENDAR_STATUS[calendar],
                       sequence=sequence + revision)
    payload["status"] = placed.value
    message = {
        "kind": placed.value, "event_id": prepared.event_id, "registration_id": next_id,
        "recipient": prepared.email, "payload": payload, "status": OutboxStatus.PENDING,
        "attempts": 0, "next_attempt_at": written, "created_at": written,
    }
    confirmed = {"confirmed_at": now, "registration_id": next_id}
    if next_id is not None:  # PostgreSQL: with the COMMIT, one round trip
        _ALL_THREE.execute(writing, commit=True, values={
            **{f"r_{name}": value for name, value in registration.items()},
            **{f"m_{name}": value for name, value in message.items()},
            **{f"s_{name}": value for name, value in confirmed.items()},
            "s_id": prepared.signup_id,
        })
        registration_id = next_id
    else:  # SQLite: the id once the row is in, then its private link
        ((registration_id,),) = _INSERT.execute(writing, registration)
        link = tokens.derive(secret_key, registration_id, salt)
        _LINK.execute(writing, {"registration_id": registration_id, "updated_at": written,
                                "manage_token_hash": tokens.hash_token(link)})
        _MESSAGE.execute(writing, {**message, "registration_id": registration_id})
        _CONFIRMED.execute(writing, {**confirmed, "registration_id": registration_id,
                                     "signup_id": prepared.signup_id})
    return Admitted(registration_id, placed)
