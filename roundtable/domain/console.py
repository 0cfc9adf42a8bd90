"""The organizer console's domain: review, manual entries, check-in, lists, figures, audit, logins.

Every function that changes something takes the session, only flushes, records who did it in the
audit log, and raises a named DomainError the view turns into a message; the request (or the
command) commits. Seat changes go through ``seating`` under ``seating.lock_event``.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, case, func, or_, select
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import events, registrations, seating
from roundtable.domain.errors import DomainError, InvalidTransition, NotFound
from roundtable.domain.models import (
    AuditEntry,
    Event,
    EventStatus,
    Organizer,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox

S = RegistrationStatus

# --- Audit log --------------------------------------------------------------------------------

ACTIONS = {
    "event.created": "Created the roundtable",
    "event.updated": "Edited the roundtable",
    "event.published": "Published the roundtable",
    "event.unpublished": "Unpublished the roundtable",
    "event.cancelled": "Cancelled the roundtable",
    "registration.approved": "Approved",
    "registration.declined": "Declined",
    "registration.cancelled": "Cancelled a registration",
    "registration.added": "Added by hand",
    "registration.moved_up": "Moved up the waiting list",
    "registration.checked_in": "Checked in",
    "registration.check_in_undone": "Undid a check-in",
    "attendees.exported": "Downloaded the attendee list",
    "mail.retried": "Sent a failed message again",
    "organizer.created": "Organizer account created",
    "organizer.signed_in": "Signed in",
}


def record(
    session: Session,
    organizer_id: int | None,
    action: str,
    now: datetime,
    *,
    event_id: int | None = None,
    registration_id: int | None = None,
    detail: str = "",
) -> AuditEntry:
    """Add one entry to the audit log, in the caller's transaction."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    entry = AuditEntry(
        organizer_id=organizer_id,
        event_id=event_id,
        registration_id=registration_id,
        action=action,
        detail=detail[:2000],
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


@dataclass(frozen=True)
class AuditLine:
    """An audit entry with the names a reader needs (the person's, when not erased)."""

    entry: AuditEntry
    organizer: str
    person: str | None

    @property
    def label(self) -> str:
        return ACTIONS.get(self.entry.action, self.entry.action)


def audit_log(session: Session, event_id: int, limit: int = 500) -> list[AuditLine]:
    """Return the event's audit entries, newest first, in one query."""
    rows = session.execute(
        select(AuditEntry, Organizer.name, Organizer.email, Registration.name)
        .outerjoin(Organizer, Organizer.id == AuditEntry.organizer_id)
        .outerjoin(Registration, Registration.id == AuditEntry.registration_id)
        .where(AuditEntry.event_id == event_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return [
        AuditLine(entry, organizer_name or organizer_email or "a deleted account", person)
        for entry, organizer_name, organizer_email, person in rows
    ]


# --- Review queue: approve or decline ---------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """A signup awaiting review, with its event and the seats that event has left."""

    registration: Registration
    event: Event
    seats_left: int


def review_queue(session: Session, now: datetime, limit: int = 200) -> list[ReviewItem]:
    """Return pending signups of events that are not cancelled or over, oldest first."""
    rows = session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == S.PENDING_REVIEW,
            Event.status != EventStatus.CANCELLED,
            Event.ends_at > now,
        )
        .order_by(Registration.created_at, Registration.id)
        .limit(limit)
    ).all()
    confirmed = seating.confirmed_counts(session, {event.id for _, event in rows})
    return [
        ReviewItem(registration, event, max(event.capacity - confirmed[event.id], 0))
        for registration, event in rows
    ]


def pending_count(session: Session, now: datetime) -> int:
    """Return how many signups await review across open events."""
    return session.scalar(
        select(func.count())
        .select_from(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(
            Registration.status == S.PENDING_REVIEW,
            Event.status != EventStatus.CANCELLED,
            Event.ends_at > now,
        )
    ) or 0


def _locked(
    session: Session, registration_id: int, options: seating.SeatingOptions
) -> tuple[Registration, Event]:
    """Return the registration and its event, holding the event's seat lock."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = seating.lock_event(session, options, event_id=registration.event_id)
    session.refresh(registration)
    return registration, event


def _ensure_not_cancelled(event: Event) -> None:
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("This roundtable is cancelled, so its seats no longer change.")


def approve(
    session: Session,
    registration_id: int,
    organizer_id: int,
    now: datetime,
    options: seating.SeatingOptions,
    note: str = "",
) -> RegistrationStatus:
    """Approve a pending signup: a seat if one is free, else the waiting list; tell them."""
    registration, event = _locked(session, registration_id, options)
    _ensure_not_cancelled(event)
    status = seating.approve(session, event, registration, now, options)
    outbox.enqueue(
        session,
        "approved",
        registration,
        # A seat: the invitation. The waiting list: the tentative hold from signup is withdrawn
        # (a later promotion sends an invitation with a higher SEQUENCE).
        calendar="REQUEST" if status == S.CONFIRMED else "CANCEL",
        note=note.strip(),
    )
    record(session, organizer_id, "registration.approved", now, event_id=event.id,
           registration_id=registration.id,
           detail="a seat" if status == S.CONFIRMED else "the waiting list")
    return status


def decline(
    session: Session,
    registration_id: int,
    organizer_id: int,
    now: datetime,
    options: seating.SeatingOptions,
    note: str = "",
) -> None:
    """Decline a pending signup, with an optional note; their tentative hold is withdrawn."""
    registration, event = _locked(session, registration_id, options)
    if registration.status != S.PENDING_REVIEW:
        raise InvalidTransition(
            "Only a signup awaiting review can be declined; to take away a seat or a place on "
            "the waiting list, cancel the registration instead."
        )
    seating.release(session, event, registration, now, S.DECLINED)
    registration.status_reason = "Declined by an organizer."
    outbox.enqueue(session, "declined", registration, calendar="CANCEL", note=note.strip())
    record(session, organizer_id, "registration.declined", now, event_id=event.id,
           registration_id=registration.id, detail=note.strip())


# --- Managing entries -------------------------------------------------------------------------


class AlreadyRegistered(DomainError):
    """The address already has a current registration for the event."""


def cancel_registration(
    session: Session,
    registration_id: int,
    organizer_id: int,
    now: datetime,
    options: seating.SeatingOptions,
    note: str = "",
) -> bool:
    """Cancel someone's registration as an organizer; the seat goes to the waiting list.

    Returns False when it was already cancelled or declined (nothing changes then).
    """
    changed = registrations.cancel(
        session, registration_id, now, options, by_organizer=True, note=note.strip()
    )
    if changed:
        registration = session.get(Registration, registration_id)
        assert registration is not None
        record(session, organizer_id, "registration.cancelled", now,
               event_id=registration.event_id, registration_id=registration_id,
               detail=note.strip())
    return changed


def add_by_hand(
    session: Session,
    event_id: int,
    applicant: registrations.Applicant,
    organizer_id: int,
    now: datetime,
    *,
    secret_key: str,
    options: seating.SeatingOptions,
    notify: bool = True,
) -> Registration:
    """Add a person as an organizer: no eligibility check, a seat or the waiting list.

    A cancelled or declined registration of the same address is taken up again; a current one
    is refused. With ``notify`` the person gets the usual confirmation or waiting-list mail.
    """
    email = registrations.normalise_email(applicant.email)
    event = seating.lock_event(session, options, event_id=event_id)
    _ensure_not_cancelled(event)
    registration = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email)
    )
    if registration is None:
        registration = registrations.new_registration(
            session, event, applicant, email, now, secret_key=secret_key, added_by_organizer=True
        )
    elif registration.status in (S.CANCELLED, S.DECLINED):
        registrations.fill_details(registration, applicant, email)
        registrations.record_verdict(registration, None)  # an organizer's choice, not the engine's
        registration.added_by_organizer = True
    else:
        raise AlreadyRegistered(
            f"{email} is already registered for this roundtable "
            f"({registration.status.value.replace('_', ' ')})."
        )
    status = seating.allocate(session, event, registration, now, options)
    if notify:
        outbox.enqueue(session, status.value, registration,
                       calendar=registrations.SIGNUP_CALENDAR.get(status))
    record(session, organizer_id, "registration.added", now, event_id=event.id,
           registration_id=registration.id,
           detail="a seat" if status == S.CONFIRMED else "the waiting list")
    return registration


def move_up(
    session: Session,
    registration_id: int,
    organizer_id: int,
    now: datetime,
    options: seating.SeatingOptions,
) -> int:
    """Swap a waiting registration with the one just ahead of it; return its new position."""
    registration, event = _locked(session, registration_id, options)
    if registration.status != S.WAITLISTED or registration.queue_position is None:
        raise InvalidTransition("Only someone on the waiting list can be moved up.")
    ahead = session.scalar(
        select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == S.WAITLISTED,
            Registration.queue_position < registration.queue_position,
        )
        .order_by(Registration.queue_position.desc())
        .limit(1)
    )
    if ahead is None or ahead.queue_position is None:
        raise InvalidTransition("This person is already first on the waiting list.")
    mine, theirs = registration.queue_position, ahead.queue_position
    # (event_id, queue_position) is unique and checked per statement: park one row on a value
    # no one holds (negative) while the other takes its place.
    registration.queue_position = -mine
    session.flush()
    ahead.queue_position = mine
    session.flush()
    registration.queue_position = theirs
    session.flush()
    position = seating.waitlist_position(session, registration) or 0
    record(session, organizer_id, "registration.moved_up", now, event_id=event.id,
           registration_id=registration.id, detail=f"to #{position}")
    return position


def check_in(
    session: Session,
    registration_id: int,
    organizer_id: int,
    now: datetime,
    *,
    undo: bool = False,
) -> bool:
    """Mark a confirmed attendee as arrived (or undo it); return False when nothing changed."""
    begin_write(session)
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    if undo:
        if registration.checked_in_at is None:
            return False
        registration.checked_in_at = None
        action = "registration.check_in_undone"
    else:
        if registration.status != S.CONFIRMED:
            raise InvalidTransition(
                "Only someone with a seat can be checked in. Add them by hand (or approve "
                "them) first."
            )
        if registration.checked_in_at is not None:
            return False
        registration.checked_in_at = now
        action = "registration.checked_in"
    record(session, organizer_id, action, now, event_id=registration.event_id,
           registration_id=registration.id)
    return True


def record_export(session: Session, event_id: int, organizer_id: int, now: datetime) -> None:
    """Note in the audit log that someone downloaded the event's personal data."""
    begin_write(session)
    record(session, organizer_id, "attendees.exported", now, event_id=event_id)


# --- Events, as organizer actions --------------------------------------------------------------


def create_event(
    session: Session, organizer_id: int, details: events.EventDetails, now: datetime
) -> Event:
    """Create a draft event (see ``events.create_event``) and log it."""
    event = events.create_event(session, details, now)
    record(session, organizer_id, "event.created", now, event_id=event.id, detail=event.slug)
    return event


def update_event(
    session: Session,
    organizer_id: int,
    event_id: int,
    details: events.EventDetails,
    now: datetime,
    options: seating.SeatingOptions,
) -> events.EventUpdate:
    """Edit an event (see ``events.update_event``) and log what changed."""
    update = events.update_event(session, event_id, details, now, options)
    detail = "; ".join(update.edited) or "nothing changed"
    if update.notified:
        detail += f"; {update.notified} people sent an update"
    if update.promoted:
        detail += f"; {update.promoted} promoted from the waiting list"
    record(session, organizer_id, "event.updated", now, event_id=event_id, detail=detail)
    return update


def set_published(
    session: Session, organizer_id: int, event_id: int, publish: bool, now: datetime,
    options: seating.SeatingOptions,
) -> Event:
    """Publish a draft, or take a published event back to draft, and log it."""
    if publish:
        event, action = events.publish_event(session, event_id, options), "event.published"
    else:
        event, action = events.unpublish_event(session, event_id, options), "event.unpublished"
    record(session, organizer_id, action, now, event_id=event_id)
    return event


def cancel_event(
    session: Session, organizer_id: int, event_id: int, now: datetime,
    options: seating.SeatingOptions, note: str = "",
) -> int:
    """Cancel an event, tell everyone registered, log it; return how many are told."""
    told = events.cancel_event(session, event_id, now, options, note)
    record(session, organizer_id, "event.cancelled", now, event_id=event_id,
           detail=f"{told} people told" + (f"; note: {note.strip()}" if note.strip() else ""))
    return told


# --- Lists ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventSummary:
    """An event with its registrations counted per status."""

    event: Event
    counts: Mapping[str, int]

    @property
    def seats_left(self) -> int:
        return max(self.event.capacity - self.counts.get(S.CONFIRMED.value, 0), 0)


def event_summaries(session: Session, now: datetime) -> list[EventSummary]:
    """Return every event (upcoming soonest first, then past ones latest first) with counts."""
    all_events = session.scalars(select(Event).order_by(Event.starts_at, Event.id)).all()
    counts = status_counts(session, [e.id for e in all_events])
    upcoming = [e for e in all_events if e.ends_at > now]
    past = [e for e in reversed(all_events) if e.ends_at <= now]
    return [EventSummary(e, counts[e.id]) for e in upcoming + past]


def status_counts(session: Session, event_ids: list[int]) -> dict[int, dict[str, int]]:
    """Return registrations per status per event, counted in SQL."""
    counts: dict[int, dict[str, int]] = {
        event_id: dict.fromkeys((s.value for s in S), 0) for event_id in event_ids
    }
    if not event_ids:
        return counts
    rows = session.execute(
        select(Registration.event_id, Registration.status, func.count())
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.event_id, Registration.status)
    )
    for event_id, status, n in rows:
        counts[event_id][status.value] = n
    return counts


_LEVEL_RANK = case(
    *((Registration.seniority == level, level.rank) for level in Seniority), else_=-1
)

SORTS: dict[str, ColumnElement[object]] = {
    "name": func.lower(Registration.name),
    "company": func.lower(Registration.company),
    "level": _LEVEL_RANK,
    "status": Registration.status,
    "registered": Registration.created_at,
    "position": Registration.queue_position,
    "checked_in": Registration.checked_in_at,
}
STATUS_FILTERS = ("all", *(s.value for s in S))


@dataclass(frozen=True)
class AttendeeQuery:
    """Which registrations an attendee list shows, and in what order."""

    status: str = "all"
    search: str = ""
    sort: str = "registered"
    descending: bool = False
    page: int = 1
    per_page: int = 50

    @classmethod
    def from_args(cls, args: Mapping[str, str], per_page: int = 50) -> AttendeeQuery:
        """Read a query from URL arguments, falling back to defaults for anything unknown."""
        status = args.get("status", "all")
        sort = args.get("sort", "")
        try:
            page = max(int(args.get("page", "1")), 1)
        except ValueError:
            page = 1
        if sort not in SORTS:
            sort = "position" if status == S.WAITLISTED.value else "registered"
        return cls(
            status=status if status in STATUS_FILTERS else "all",
            search=args.get("q", "").strip()[:200],
            sort=sort,
            descending=args.get("dir") == "desc",
            page=page,
            per_page=per_page,
        )


@dataclass(frozen=True)
class AttendeePage:
    """One page of an attendee list with counts per status (of the search, if any)."""

    rows: list[Registration]
    counts: dict[str, int]
    total: int
    page: int
    pages: int
    positions: dict[int, int]
    query: AttendeeQuery = field(default_factory=AttendeeQuery)


def _search(term: str) -> ColumnElement[bool]:
    return or_(
        Registration.name.icontains(term, autoescape=True),
        Registration.email.icontains(term, autoescape=True),
        Registration.company.icontains(term, autoescape=True),
    )


def attendee_page(session: Session, event_id: int, query: AttendeeQuery) -> AttendeePage:
    """Return one page of the event's registrations, filtered, searched and sorted in SQL."""
    where: list[ColumnElement[bool]] = [Registration.event_id == event_id]
    if query.search:
        where.append(_search(query.search))
    rows = session.execute(
        select(Registration.status, func.count()).where(*where).group_by(Registration.status)
    )
    counts = dict.fromkeys(STATUS_FILTERS, 0)
    for status, n in rows:
        counts[status.value] = n
    counts["all"] = sum(counts.values())
    total = counts[query.status]
    pages = max(math.ceil(total / query.per_page), 1)
    page = min(query.page, pages)
    if query.status != "all":
        where.append(Registration.status == S(query.status))
    column = SORTS[query.sort]
    order = column.desc() if query.descending else column.asc()
    registrations_ = session.scalars(
        select(Registration)
        .where(*where)
        .order_by(order.nulls_last(), Registration.id)
        .offset((page - 1) * query.per_page)
        .limit(query.per_page)
    ).all()
    positions = (
        seating.waitlist_positions(session, event_id) if counts[S.WAITLISTED.value] else {}
    )
    return AttendeePage(list(registrations_), counts, total, page, pages, positions, query)


@dataclass(frozen=True)
class DoorList:
    """Confirmed attendees for check-in at the door."""

    rows: list[Registration]
    confirmed: int
    checked_in: int


def door_list(session: Session, event_id: int, search: str = "") -> DoorList:
    """Return the confirmed attendees (matching ``search``) by name, with the arrival count."""
    where: list[ColumnElement[bool]] = [
        Registration.event_id == event_id,
        Registration.status == S.CONFIRMED,
    ]
    confirmed, checked_in = session.execute(
        select(func.count(), func.count(Registration.checked_in_at)).where(*where)
    ).one()
    if search.strip():
        where.append(_search(search.strip()[:200]))
    rows = session.scalars(
        select(Registration).where(*where).order_by(func.lower(Registration.name), Registration.id)
    ).all()
    return DoorList(list(rows), confirmed, checked_in)


# --- Dashboard --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """The figures an event's dashboard draws."""

    counts: dict[str, int]
    checked_in: int
    seats_over_time: list[tuple[datetime, int]]
    levels: list[tuple[str, dict[str, int]]]
    companies: list[tuple[str, int]]
    company_total: int


ACTIVE = (S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW)


def dashboard(session: Session, event: Event, now: datetime, top: int = 10) -> Dashboard:
    """Return seat fill over time (in the event's zone), seniority mix, companies represented."""
    counts = status_counts(session, [event.id])[event.id]
    checked_in = session.scalar(
        select(func.count()).where(
            Registration.event_id == event.id, Registration.checked_in_at.is_not(None),
            Registration.status == S.CONFIRMED,  # the same count as the door list
        )
    ) or 0
    companies = _companies(session, event.id)
    return Dashboard(
        counts=counts,
        checked_in=checked_in,
        seats_over_time=_seats_over_time(session, event, now),
        levels=_levels(session, event.id),
        companies=companies[:top],
        company_total=len(companies),
    )


def _seats_over_time(session: Session, event: Event, now: datetime) -> list[tuple[datetime, int]]:
    """Return (instant, seats taken) steps: +1 when a seat is given, -1 when it is given up."""
    rows = session.execute(
        select(
            Registration.confirmed_at,
            Registration.status,
            Registration.cancelled_at,
            Registration.updated_at,
        ).where(Registration.event_id == event.id, Registration.confirmed_at.is_not(None))
    )
    steps: Counter[datetime] = Counter()
    for confirmed_at, status, cancelled_at, updated_at in rows:
        steps[confirmed_at] += 1
        if status != S.CONFIRMED:
            steps[cancelled_at or updated_at] -= 1
    tz = ZoneInfo(event.timezone)
    points: list[tuple[datetime, int]] = []
    taken = 0
    for instant in sorted(steps):
        taken += steps[instant]
        points.append((instant.astimezone(tz), taken))
    if points:
        last = max(min(now, event.ends_at), max(steps))
        points.append((last.astimezone(tz), taken))
    return points


def _levels(session: Session, event_id: int) -> list[tuple[str, dict[str, int]]]:
    rows = session.execute(
        select(Registration.seniority, Registration.status, func.count())
        .where(Registration.event_id == event_id, Registration.status.in_(ACTIVE))
        .group_by(Registration.seniority, Registration.status)
    )
    by_level: dict[Seniority | None, dict[str, int]] = {}
    for level, status, n in rows:
        by_level.setdefault(level, dict.fromkeys((s.value for s in ACTIVE), 0))[status.value] = n
    return [
        (level.label if level else "Not given", by_level[level])
        for level in [*reversed(Seniority), None]
        if level in by_level
    ]


def _companies(session: Session, event_id: int) -> list[tuple[str, int]]:
    rows = session.execute(
        select(func.min(Registration.company), func.count())
        .where(
            Registration.event_id == event_id,
            Registration.status == S.CONFIRMED,
            Registration.company_key.is_not(None),
        )
        .group_by(Registration.company_key)
        .order_by(func.count().desc(), func.min(Registration.company))
    )
    return [(name or "Unnamed", n) for name, n in rows]


# --- Organizer accounts -----------------------------------------------------------------------

# argon2-cffi's defaults: argon2id, t=3, m=64 MiB, p=4 (RFC 9106's second recommendation, above
# OWASP's minimums).
_hasher = PasswordHasher()
# A hash of no one's password with the same parameters, verified when the email is unknown so a
# failed login takes as long whether or not the account exists.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$m4gxJwJy2AeHzgm8LzCcWg$aXUwzksL35Aj/0FJYNBavXIYSu3q5CqcirzL9XGNLGE"
)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024


class AccountError(DomainError):
    """An organizer account cannot be created as asked."""

    status_code = 400


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _hasher.check_needs_rehash(_DUMMY_HASH):  # the library's defaults moved on
        _DUMMY_HASH = _hasher.hash("roundtable: no account has this password")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``; refuse one too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password may have at most {MAX_PASSWORD} characters.")
    return _hasher.hash(password)


def create_organizer(
    session: Session, email: str, password: str, now: datetime, name: str = ""
) -> Organizer:
    """Add an organizer account with an argon2id password hash."""
    address = registrations.normalise_email(email)
    password_hash = hash_password(password)
    begin_write(session)
    if session.scalar(select(Organizer.id).where(Organizer.email == address)) is not None:
        raise AccountError(f"There is already an organizer account for {address}.")
    organizer = Organizer(email=address, name=name.strip(), password_hash=password_hash,
                          created_at=now)
    session.add(organizer)
    session.flush()
    record(session, organizer.id, "organizer.created", now)
    return organizer


def authenticate(session: Session, email: str, password: str, now: datetime) -> Organizer | None:
    """Return the organizer whose email and password these are, else None.

    An unknown email costs the same password check as a wrong password, and both return None.
    The slow check only reads; the write lock is taken afterwards, for a successful login.
    """
    try:
        address = registrations.normalise_email(email)
    except registrations.InvalidEmail:
        address = ""
    organizer = (
        session.scalar(select(Organizer).where(Organizer.email == address)) if address else None
    )
    try:
        _hasher.verify(organizer.password_hash if organizer else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if organizer is None:
        return None
    organizer_id = organizer.id
    new_hash = (
        _hasher.hash(password) if _hasher.check_needs_rehash(organizer.password_hash) else None
    )
    begin_write(session)
    organizer = session.get(Organizer, organizer_id)
    if organizer is None:  # deleted meanwhile
        return None
    if new_hash:
        organizer.password_hash = new_hash
    organizer.last_login_at = now
    record(session, organizer.id, "organizer.signed_in", now)
    return organizer


def get_organizer(session: Session, organizer_id: str) -> Organizer | None:
    """Return the organizer with the id Flask-Login keeps, or None."""
    try:
        return session.get(Organizer, int(organizer_id))
    except (TypeError, ValueError):
        return None


# --- Mail delivery ----------------------------------------------------------------------------


def retry_mail(session: Session, message_id: int, organizer_id: int, now: datetime) -> None:
    """Queue a failed message again and log it."""
    message = outbox.retry(session, message_id, now)
    record(session, organizer_id, "mail.retried", now, event_id=message.event_id,
           registration_id=message.registration_id, detail=message.kind)
