"""The express lane: a confirmed signup admitted in a few plain statements under the lock.

Almost every confirmation is the plain case: a new address, a title the engine finds eligible,
an event that seats whoever comes first (no review of every signup or of no-shows, no room
balance). Under a burst of signups the event's lock is what everyone waits for, so what is done
while holding it decides how many leaders a minute get an answer, and on PostgreSQL so does the
number of round trips. ``admit`` locks the link's event (found through the signup's token
hash) and reads it with its seats taken (a counter the database keeps:
``Event.seats_taken``); one statement then reads the signup, whether its address is registered
already, the end of the waiting list and, on PostgreSQL, the new registration's id (so its
private link is known before it is written). The title is judged
(``eligibility.assess``), and the registration, its message and the signup are written: on
PostgreSQL in one statement, on SQLite in three, and one for the private link. The statements
are compiled once and run on the thread's own writing connection
(``database.own_write_transaction``), no Session or ORM unit of work; on PostgreSQL BEGIN goes
with the lock and the reads, COMMIT with the writes: a confirmation is two round trips.

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
    utcnow,
)
from roundtable.notify import outbox

S = RegistrationStatus
_REGISTRATION = cast(Table, Registration.__table__)
_SIGNUP = cast(Table, SignupRequest.__table__)
_OUTBOX = cast(Table, OutboxMessage.__table__)


def _details(signup: tuple[Any, ...], verdict: eligibility.Verdict) -> dict[str, Any]:
    """Return the new registration's columns from the signup's row, but where it stands."""
    (_, event_id, name, email, _key, company, job_title, seniority, topic) = signup[:9]
    # The address was normalised when the signup was recorded (signups.request), as the full
    # way's registrations.admit normalises it again (normalising is idempotent).
    return {  # as registrations.new_registration and fill_details write them
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


def _setting(table: Table, names: Iterable[str], prefix: str = ""
             ) -> dict[str, BindParameter[Any]]:
    """Return a statement's values: one parameter per column named (after ``prefix``), typed
    as the column."""
    return {name: bindparam(prefix + name, type_=table.c[name].type) for name in names}


# Run straight on the transaction's connection (database.Prepared.execute): every value is given,
# the columns' Python-side defaults too (for what the ORM would have filled in).
_HASH: BindParameter[str] = bindparam("hash")
_SIGNUP_EVENT = (select(SignupRequest.event_id).where(SignupRequest.token_hash == _HASH)
                 .scalar_subquery())
# The link's event (seating.lock_event's row lock on PostgreSQL; SQLite holds the writer's).
EVENT_QUERY = select(
    Event.slug, Event.status, Event.starts_at, Event.registration_deadline, Event.capacity,
    Event.approval_mode, Event.review_no_shows, Event.company_cap, Event.minimum_level,
    Event.sequence, Event.seats_taken,
).where(Event.id == _SIGNUP_EVENT)
EVENT_TYPED = ("status", "starts_at", "registration_deadline", "approval_mode", "minimum_level")
_EVENT = Prepared(EVENT_QUERY.with_for_update(), typed=EVENT_TYPED)


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


# The link's signup, and where its address and the event's waiting list stand (read after the
# lock: its snapshot is taken once the lock is granted).
_SIGNUP_STANDING = Prepared(select(
    SignupRequest.id, SignupRequest.event_id, SignupRequest.name, SignupRequest.email,
    SignupRequest.email_key, SignupRequest.company, SignupRequest.job_title,
    SignupRequest.seniority, SignupRequest.discussion_topic, SignupRequest.confirmed_at,
    SignupRequest.expires_at,
    select(Registration.id).where(
        Registration.event_id == SignupRequest.event_id,
        Registration.email_key == SignupRequest.email_key,
    ).limit(1).correlate(SignupRequest).scalar_subquery().label("existing"),
    select(func.max(Registration.queue_position)).where(
        Registration.event_id == SignupRequest.event_id,
    ).correlate(SignupRequest).scalar_subquery().label("last_place"),
    _NextId().label("next_id"),
).where(SignupRequest.token_hash == _HASH),
    typed=("seniority", "confirmed_at", "expires_at"),
)
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


def read_under_lock(writing: Writing, token_hash: str
                    ) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """Lock the link's event as ``seating.lock_event`` does, then read under the lock (one round
    trip on PostgreSQL, with the transaction's BEGIN); None for a link no signup has.

    Returns the event (its seats taken last) and the signup, with where things stand: the
    address's registration at the event if any, the last place on the waiting list and
    (PostgreSQL) the new registration's id.
    """
    event, signup = writing.execute([
        (_EVENT, {"hash": token_hash}),
        (_SIGNUP_STANDING, {"hash": token_hash}),
    ])
    if not event or not signup:
        return None
    return event[0], signup[0]


@dataclass(frozen=True)
class Admitted:
    """Where the express lane placed the person."""

    registration_id: int
    status: RegistrationStatus


def confirm(engine: Engine, *, token: str, slug: str, now: datetime, secret_key: str
            ) -> Admitted | None:
    """Admit the plain case in a write transaction of its own; None when it is not one.

    The transaction is ``database.own_write_transaction``'s: on SQLite the writers' queue and
    BEGIN IMMEDIATE, on PostgreSQL the event's row locked until it commits. When the case is not
    plain, nothing is written and the caller takes the full way, which says why.
    """
    if not token or len(token) > 100:
        return None
    with own_write_transaction(engine) as writing:
        return admit(writing, tokens.hash_token(token), slug=slug, now=now,
                     secret_key=secret_key)


def admit(writing: Writing, token_hash: str, *, slug: str, now: datetime, secret_key: str
          ) -> Admitted | None:
    """Lock the link's event and admit the plain case in ``writing``; None (nothing written)
    when it is not one: a link unknown, of another event, used or expired, a title not plainly
    eligible, an event that reviews, balances the room or takes no signups, an address seen
    before."""
    read = read_under_lock(writing, token_hash)
    if read is None:
        return None
    event, signup = read
    (event_slug, status, starts_at, deadline, capacity, approval_mode, review_no_shows,
     company_cap, minimum_level, sequence, taken) = event
    (signup_id, event_id, _name, email, email_key, _company, job_title, seniority, _topic,
     confirmed_at, expires_at, existing, last_place, next_id) = signup
    if (
        event_slug != slug
        or confirmed_at is not None
        or expires_at <= now
        or existing is not None
        or email_key != address_key(email)  # the key the full way would look the address up by
        or not events.takes_signups(status, starts_at, deadline, now)
        or approval_mode != ApprovalMode.AUTO
        or review_no_shows
        or company_cap is not None
    ):
        return None
    verdict = eligibility.assess(job_title, seniority, minimum_level)
    if verdict.outcome != eligibility.Outcome.ELIGIBLE:
        return None
    details = _details(signup, verdict)
    seated = taken < capacity
    placed = S.CONFIRMED if seated else S.WAITLISTED
    calendar = lifecycle.calendar_method(None, placed)
    revision = 1 if calendar is not None else 0
    written = utcnow()  # when the ORM would have flushed: the rows' updated_at
    salt = details["manage_salt"]
    registration = {
        **details,
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
        "kind": placed.value, "event_id": event_id, "registration_id": next_id,
        "recipient": email, "payload": payload, "status": OutboxStatus.PENDING,
        "attempts": 0, "next_attempt_at": written, "created_at": written,
    }
    confirmed = {"confirmed_at": now, "registration_id": next_id}
    if next_id is not None:  # PostgreSQL: with the COMMIT, one round trip
        _ALL_THREE.execute(writing, commit=True, values={
            **{f"r_{name}": value for name, value in registration.items()},
            **{f"m_{name}": value for name, value in message.items()},
            **{f"s_{name}": value for name, value in confirmed.items()},
            "s_id": signup_id,
        })
        registration_id = next_id
    else:  # SQLite: the id once the row is in, then its private link
        ((registration_id,),) = _INSERT.execute(writing, registration)
        link = tokens.derive(secret_key, registration_id, salt)
        _LINK.execute(writing, {"registration_id": registration_id, "updated_at": written,
                                "manage_token_hash": tokens.hash_token(link)})
        _MESSAGE.execute(writing, {**message, "registration_id": registration_id})
        _CONFIRMED.execute(writing, {**confirmed, "registration_id": registration_id,
                                     "signup_id": signup_id})
    return Admitted(registration_id, placed)
