"""The express lane: a confirmed signup admitted in a few plain statements, the lock held briefly.

Almost every confirmation is the plain case: a new address, a title the engine finds eligible,
an event that seats whoever comes first (no review of every signup or of no-shows, no room
balance). Under a burst of signups the event's lock is what everyone waits for, so how long it is
held decides how many leaders a minute get an answer. The statements are compiled once and run
on the thread's own writing connection (``database.own_write_transaction``), no Session or ORM
unit of work.

- SQLite (``admit``): the writers' queue and BEGIN IMMEDIATE, then the link's event (with its
  seats taken: a counter the database keeps, ``Event.seats_taken``), the signup, whether its
  address is registered already and the end of the waiting list; the title is judged
  (``eligibility.assess``) and the registration, its private link, its message and the signup
  are written.
- PostgreSQL (``plan``, then ``settle``): one round trip before the transaction reads the same,
  with the new registration's id (so its private link is known before it is written); the title
  is judged and the rows of both outcomes, a seat and a waiting place, are worked out. A second
  round trip sends BEGIN, the event's row lock, one write statement and COMMIT together. The
  write statement starts once the lock is granted, so it sees every earlier confirmation: it
  decides in SQL a seat (``seats_taken < capacity``) or the next place on the waiting list, and
  writes nothing if the event, the link or the address changed since they were read. The lock
  is held for the server's work only, never while the app waits for its turn on a CPU.

Both write nothing and return None whenever anything else applies; the caller then takes the
full way (``registrations.admit``), which handles every case. Both ways give the same rows
(tests/test_express.py compares them column by column).
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
    Select,
    Table,
    bindparam,
    case,
    exists,
    func,
    insert,
    null,
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
_EVENT_TABLE = cast(Table, Event.__table__)


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
    is known before its INSERT."""

    inherit_cache = True
    type = Integer()


@compiles(_NextId, "postgresql")
def _next_id_postgresql(element: _NextId, compiler: SQLCompiler, **kw: Any) -> str:
    return "nextval(pg_get_serial_sequence('registration', 'id'))"


# The link's signup, and whether its address is registered at its event already.
_STANDING = (
    SignupRequest.id, SignupRequest.event_id, SignupRequest.name, SignupRequest.email,
    SignupRequest.email_key, SignupRequest.company, SignupRequest.job_title,
    SignupRequest.seniority, SignupRequest.discussion_topic, SignupRequest.confirmed_at,
    SignupRequest.expires_at,
    select(Registration.id).where(
        Registration.event_id == SignupRequest.event_id,
        Registration.email_key == SignupRequest.email_key,
    ).limit(1).correlate(SignupRequest).scalar_subquery().label("existing"),
)
_STANDING_INDEX = {name: i for i, name in enumerate(select(*_STANDING).selected_columns.keys())}
# SQLite, read under the lock: the signup, where its address stands and the waiting list's end.
_SIGNUP_STANDING = Prepared(select(
    *_STANDING,
    select(func.max(Registration.queue_position)).where(
        Registration.event_id == SignupRequest.event_id,
    ).correlate(SignupRequest).scalar_subquery().label("last_place"),
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

def read_under_lock(writing: Writing, token_hash: str
                    ) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """SQLite: lock the link's event as ``seating.lock_event`` does, then read under the lock;
    None for a link no signup has.

    Returns the event (its seats taken last) and the signup, with where things stand: the
    address's registration at the event if any and the last place on the waiting list.
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
    token_hash = tokens.hash_token(token)
    with own_write_transaction(engine) as writing:
        if engine.dialect.name == "postgresql":
            planned = plan(writing, token_hash, slug=slug, now=now, secret_key=secret_key)
            return None if planned is None else settle(writing, planned)
        return admit(writing, token_hash, slug=slug, now=now, secret_key=secret_key)


def _plain(event: tuple[Any, ...], signup: tuple[Any, ...], *, slug: str, now: datetime
           ) -> eligibility.Verdict | None:
    """Return the title's verdict when the case is plain, else None.

    ``event``: slug, status, starts_at, registration_deadline, approval_mode, review_no_shows,
    company_cap, minimum_level; ``signup``: as ``_details`` reads it, then confirmed_at,
    expires_at and the address's registration at the event (if any).
    """
    (event_slug, status, starts_at, deadline, approval_mode, review_no_shows, company_cap,
     minimum_level) = event
    (_id, _event_id, _name, email, email_key, _company, job_title, seniority, _topic,
     confirmed_at, expires_at, existing) = signup[:12]
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
    return verdict if verdict.outcome == eligibility.Outcome.ELIGIBLE else None


@dataclass(frozen=True)
class _Rows:
    """The rows of one placing: the registration, its message, the signup's confirmation."""

    registration: dict[str, Any]
    message: dict[str, Any]
    confirmed: dict[str, Any]


def _placed(details: dict[str, Any], placed: RegistrationStatus, *, registration_id: int | None,
            manage_token_hash: str | None, place: int | None, sequence: int, now: datetime,
            written: datetime) -> _Rows:
    """Return the rows that place the person as ``placed`` (a seat, or the waiting list's
    ``place``), as the full way writes them."""
    seated = placed == S.CONFIRMED
    calendar = lifecycle.calendar_method(None, placed)
    revision = 1 if calendar is not None else 0
    registration = {
        **details,
        "id": registration_id,
        "manage_token_hash": manage_token_hash,
        "status": placed,
        "queue_position": None if seated else place,
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
        "kind": placed.value, "event_id": details["event_id"],
        "registration_id": registration_id, "recipient": details["email"], "payload": payload,
        "status": OutboxStatus.PENDING, "attempts": 0, "next_attempt_at": written,
        "created_at": written,
    }
    return _Rows(registration, message, {"confirmed_at": now, "registration_id": registration_id})


def admit(writing: Writing, token_hash: str, *, slug: str, now: datetime, secret_key: str
          ) -> Admitted | None:
    """SQLite: lock the link's event and admit the plain case in ``writing``; None (nothing
    written) when it is not one: a link unknown, of another event, used or expired, a title not
    plainly eligible, an event that reviews, balances the room or takes no signups, an address
    seen before."""
    read = read_under_lock(writing, token_hash)
    if read is None:
        return None
    event, signup = read
    (event_slug, status, starts_at, deadline, capacity, approval_mode, review_no_shows,
     company_cap, minimum_level, sequence, taken) = event
    verdict = _plain((event_slug, status, starts_at, deadline, approval_mode, review_no_shows,
                      company_cap, minimum_level), signup, slug=slug, now=now)
    if verdict is None:
        return None
    details = _details(signup, verdict)
    placed = S.CONFIRMED if taken < capacity else S.WAITLISTED
    last_place = signup[12]
    rows = _placed(details, placed, registration_id=None, manage_token_hash=None,
                   place=(last_place or 0) + 1, sequence=sequence, now=now, written=utcnow())
    # The id once the row is in, then its private link
    ((registration_id,),) = _INSERT.execute(writing, rows.registration)
    link = tokens.derive(secret_key, registration_id, details["manage_salt"])
    _LINK.execute(writing, {"registration_id": registration_id,
                            "updated_at": rows.registration["updated_at"],
                            "manage_token_hash": tokens.hash_token(link)})
    _MESSAGE.execute(writing, {**rows.message, "registration_id": registration_id})
    _CONFIRMED.execute(writing, {**rows.confirmed, "registration_id": registration_id,
                                 "signup_id": signup[0]})
    return Admitted(registration_id, placed)


# PostgreSQL. Everything the write needs is read and worked out before the event is locked, and
# the lock, the write and the COMMIT go in one round trip, so the lock is held for the server's
# work only: the write statement decides, in SQL and under the lock, a seat or the waiting list
# and writes nothing unless the case is still as it was read.

# What the registration copies from the signup, and when its link expires.
_SIGNUP_COPIED = ("name", "email", "email_key", "company", "job_title", "seniority",
                  "discussion_topic", "expires_at")
_GUARDED = ("slug", "status", "starts_at", "registration_deadline", "approval_mode",
            "review_no_shows", "company_cap", "minimum_level", "sequence")
# The link's signup and its event as they stand, whether its address is registered already,
# and the new registration's id (its private link is known before it is written).
_BEFORE = Prepared(
    select(*_STANDING, _NextId().label("next_id"), *[_EVENT_TABLE.c[name] for name in _GUARDED])
    .join_from(SignupRequest, Event, Event.id == SignupRequest.event_id)
    .where(SignupRequest.token_hash == _HASH),
    typed=("seniority", "confirmed_at", "expires_at", "status", "starts_at",
           "registration_deadline", "approval_mode", "minimum_level"),
)
_EVENT_ID: BindParameter[int] = bindparam("event_id", type_=Integer())
LOCK = Prepared(select(_EVENT_TABLE.c.id).where(_EVENT_TABLE.c.id == _EVENT_ID)
                .with_for_update())
# Under the lock: a seat if one is free, else the next place on the waiting list; no row at
# all if the event changed, the link was used or the address registered since they were read.
DECISION = select(
    (_EVENT_TABLE.c.seats_taken < _EVENT_TABLE.c.capacity).label("seated"),
    select(func.coalesce(func.max(_REGISTRATION.c.queue_position), 0) + 1)
    .where(_REGISTRATION.c.event_id == _EVENT_ID).scalar_subquery().label("place"),
).where(
    _EVENT_TABLE.c.id == _EVENT_ID,
    *[_EVENT_TABLE.c[name].is_not_distinct_from(
        bindparam("was_" + name, type_=_EVENT_TABLE.c[name].type)) for name in _GUARDED],
    exists().where(_SIGNUP.c.id == bindparam("s_id"), _SIGNUP.c.event_id == _EVENT_ID,
                   _SIGNUP.c.confirmed_at.is_(None), _SIGNUP.c.registration_id.is_(None),
                   # A second signup of the address rewrites the waiting one (signups.request)
                   *[_SIGNUP.c[name].is_not_distinct_from(
                       bindparam("was_s_" + name, type_=_SIGNUP.c[name].type))
                     for name in _SIGNUP_COPIED]),
    ~exists().where(_REGISTRATION.c.event_id == _EVENT_ID,
                    _REGISTRATION.c.email_key == bindparam("r_email_key")),
)
_CHOSEN = ("status", "confirmed_at", "invite_revision")  # a seat's or a waiting place's


def decided_write(decision: Select[Any]) -> Prepared:
    """Return the write statement of ``decision`` (``DECISION``): the registration (seated or
    waiting), its message and the signup confirmed, or nothing when it has no row. Its rows:
    the new registration's status."""
    decided = decision.cte("decision")
    seated = decided.c.seated

    def chosen(table: Table, name: str, prefix: str) -> ColumnElement[Any]:
        kind = table.c[name].type
        return case((seated, bindparam(f"{prefix}seated_{name}", type_=kind)),
                    else_=bindparam(f"{prefix}waiting_{name}", type_=kind))

    given = [name for name in (*_DETAILS, *_PLACE) if name not in (*_CHOSEN, "queue_position")]
    registration = insert(_REGISTRATION).from_select(
        [*given, *_CHOSEN, "queue_position"],
        select(*_setting(_REGISTRATION, given, "r_").values(),
               *[chosen(_REGISTRATION, name, "r_") for name in _CHOSEN],
               case((seated, null()), else_=decided.c.place)),
    ).returning(_REGISTRATION.c.status).cte("new_registration")
    message = insert(_OUTBOX).from_select(
        list(_MESSAGE_COLUMNS),
        select(*[chosen(_OUTBOX, name, "m_") if name in ("kind", "payload")
                 else bindparam("m_" + name, type_=_OUTBOX.c[name].type)
                 for name in _MESSAGE_COLUMNS]).select_from(decided),
    ).cte("message")
    confirmed = (update(_SIGNUP)
                 .where(_SIGNUP.c.id == bindparam("s_id"), exists(select(seated)))
                 .values(_setting(_SIGNUP, _SIGNUP_COLUMNS, "s_")).cte("confirmed"))
    return Prepared(select(registration.c.status).add_cte(message).add_cte(confirmed),
                    typed=("status",))


DECIDED = decided_write(DECISION)


@dataclass(frozen=True)
class Plan:
    """PostgreSQL: what a plain confirmation writes, worked out before the event is locked."""

    registration_id: int
    values: dict[str, Any]


def plan(writing: Writing, token_hash: str, *, slug: str, now: datetime, secret_key: str
         ) -> Plan | None:
    """PostgreSQL: read the link's signup and event, before the transaction begins; return the
    write of the plain case (seated or waiting, whichever the lock finds), or None."""
    (found,) = writing.before([(_BEFORE, {"hash": token_hash})])
    if not found:
        return None
    row = found[0]
    signup, next_id, event = row[:12], row[12], row[13:]
    (event_slug, status, starts_at, deadline, approval_mode, review_no_shows, company_cap,
     minimum_level, sequence) = event
    verdict = _plain((event_slug, status, starts_at, deadline, approval_mode, review_no_shows,
                      company_cap, minimum_level), signup, slug=slug, now=now)
    if verdict is None:
        return None
    details = _details(signup, verdict)
    written = utcnow()
    link = tokens.hash_token(tokens.derive(secret_key, next_id, details["manage_salt"]))
    seat, wait = (_placed(details, placed, registration_id=next_id, manage_token_hash=link,
                          place=None, sequence=sequence, now=now, written=written)
                  for placed in (S.CONFIRMED, S.WAITLISTED))  # the place: decided in SQL
    values: dict[str, Any] = {
        "event_id": signup[1], "s_id": signup[0],
        **{f"was_{name}": value for name, value in zip(_GUARDED, event, strict=True)},
        **{f"was_s_{name}": signup[_STANDING_INDEX[name]] for name in _SIGNUP_COPIED},
        **{f"r_{name}": value for name, value in seat.registration.items()
           if name not in _CHOSEN},
        **{f"r_seated_{name}": seat.registration[name] for name in _CHOSEN},
        **{f"r_waiting_{name}": wait.registration[name] for name in _CHOSEN},
        **{f"m_{name}": value for name, value in seat.message.items()},
        **{f"m_{kind}_{name}": rows.message[name] for kind, rows in
           (("seated", seat), ("waiting", wait)) for name in ("kind", "payload")},
        **{f"s_{name}": value for name, value in seat.confirmed.items()},
    }
    return Plan(next_id, values)


def settle(writing: Writing, planned: Plan) -> Admitted | None:
    """PostgreSQL: lock the event, write ``planned`` if the case is still plain, and commit, in
    one round trip; None (nothing written) when it is not."""
    _locked, written = writing.execute([(LOCK, {"event_id": planned.values["event_id"]}),
                                        (DECIDED, planned.values)], commit=True)
    if not written:
        return None
    return Admitted(planned.registration_id, written[0][0])
