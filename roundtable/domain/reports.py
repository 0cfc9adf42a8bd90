"""What organizers read: the review queue, event and attendee lists, the door list, the
dashboard's figures and the CSV export. Queries only: counts in SQL, a fixed number per page."""

from __future__ import annotations

import csv
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, SQLColumnExpression, case, func, or_, select
from sqlalchemy.orm import Session

from roundtable.domain import attendance, lifecycle, seating
from roundtable.domain.attendance import Figures, History
from roundtable.domain.models import (
    AuditEntry,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.registrations import DECISIONS, UNDO_WINDOW, read_reasons
from roundtable.domain.seniority import Seniority

S = RegistrationStatus


# --- Review queue --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewItem:
    """A signup awaiting review, with its event and the seats that event has left."""

    registration: Registration
    event: Event
    seats_left: int
    history: list[AuditEntry] = field(default_factory=list)
    elsewhere: list[tuple[Registration, Event]] = field(default_factory=list)
    # Came, did not come, cancelled late: at other roundtables, by the person's address.
    record: History = field(default_factory=History)

    @property
    def reasons(self) -> list[str]:
        """Return why the engine sent it to review, in sentences."""
        return read_reasons(self.registration.eligibility_reasons)[0]

    @property
    def rules(self) -> tuple[str, ...]:
        """Return the ids of the policy rules that decided (none for rows kept before them)."""
        return read_reasons(self.registration.eligibility_reasons)[1]


# What a review card lists of the person's history: changes of title or level, and decisions.
HISTORY_ACTIONS = (
    "registration.details_changed",
    "registration.approved",
    "registration.declined",
    "registration.reinstated",
    "registration.decision_undone",
)


@dataclass(frozen=True)
class RecentDecision:
    """An organizer's approval or decline that may still be undone."""

    entry: AuditEntry
    registration: Registration
    event: Event


def review_queue(
    session: Session, now: datetime, *, event_id: int | None = None, newest_first: bool = False,
    limit: int = 200,
) -> list[ReviewItem]:
    """Return pending signups of open events (or of one), longest waiting first by default."""
    where = [
        Registration.status == S.PENDING_REVIEW,
        Event.status != EventStatus.CANCELLED,
        Event.ends_at > now,
    ]
    if event_id is not None:
        where.append(Event.id == event_id)
    waited = Registration.created_at.desc() if newest_first else Registration.created_at.asc()
    rows = session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(*where)
        .order_by(waited, Registration.id)
        .limit(limit)
    ).all()
    confirmed = seating.taken_counts(session, {event.id for _, event in rows})
    ids = [registration.id for registration, _ in rows]
    history: dict[int, list[AuditEntry]] = {i: [] for i in ids}
    for entry in session.scalars(
        select(AuditEntry)
        .where(AuditEntry.registration_id.in_(ids), AuditEntry.action.in_(HISTORY_ACTIONS))
        .order_by(AuditEntry.created_at, AuditEntry.id)
    ):
        history[entry.registration_id or 0].append(entry)
    keys = {registration.email_key for registration, _ in rows if registration.email_key}
    elsewhere: dict[str, list[tuple[Registration, Event]]] = {k: [] for k in keys}
    for other, other_event in session.execute(
        select(Registration, Event)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.email_key.in_(keys), Registration.id.not_in(ids))
        .order_by(Event.starts_at.desc(), Registration.id)
    ):
        elsewhere[other.email_key or ""].append((other, other_event))
    records = attendance.histories(session, keys, now)
    return [
        ReviewItem(
            registration, event, max(event.capacity - confirmed[event.id], 0),
            history[registration.id],
            [(o, e) for o, e in elsewhere.get(registration.email_key or "", [])
             if e.id != event.id],
            records.get(registration.email_key or "", History()),
        )
        for registration, event in rows
    ]


def recent_decisions(session: Session, actor: int, now: datetime) -> list[RecentDecision]:
    """Return ``actor``'s approvals and declines that may still be undone, newest first.

    One query: each registration's latest audited change since the window opened, kept when it
    is this organizer's decision (the rule ``registrations.undoable_decision`` applies).
    """
    since = now - UNDO_WINDOW
    rows = session.execute(
        select(AuditEntry, Registration, Event)
        .join(Registration, Registration.id == AuditEntry.registration_id)
        .join(Event, Event.id == Registration.event_id)
        .where(
            AuditEntry.registration_id.in_(
                select(AuditEntry.registration_id).where(
                    AuditEntry.organizer_id == actor,
                    AuditEntry.action.in_(DECISIONS),
                    AuditEntry.created_at >= since,
                )
            ),
            AuditEntry.created_at >= since,
        )
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    )
    seen: set[int] = set()
    decisions = []
    for entry, registration, event in rows:
        if registration.id in seen:
            continue
        seen.add(registration.id)
        if entry.action in DECISIONS and entry.organizer_id == actor:
            decisions.append(RecentDecision(entry, registration, event))
    return decisions


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


# --- Lists ----------------------------------------------------------------------------------------


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


SORTS: dict[str, SQLColumnExpression[object]] = {
    "name": func.lower(Registration.name),
    "company": func.lower(Registration.company),
    "level": _LEVEL_RANK,
    "status": Registration.status,
    "registered": Registration.created_at,
    "position": Registration.queue_position,
    "checked_in": Registration.checked_in_at,
}


STATUS_FILTERS = ("all", *(s.value for s in S))
# The attendee list's tabs: 'All', then every state by its short name.
STATUS_TABS = {"all": "All", **{s.value: lifecycle.short_label(s) for s in S}}


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
    # Each listed person's record at other roundtables, by normalised address.
    histories: dict[str, History] = field(default_factory=dict)


def _search(term: str) -> ColumnElement[bool]:
    return or_(
        Registration.name.icontains(term, autoescape=True),
        Registration.email.icontains(term, autoescape=True),
        Registration.company.icontains(term, autoescape=True),
    )


def attendee_page(session: Session, event_id: int, query: AttendeeQuery,
                  now: datetime | None = None) -> AttendeePage:
    """Return one page of the event's registrations, filtered, searched and sorted in SQL.

    Given ``now``, each person's history at other roundtables comes along (one query more).
    """
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
    histories = {} if now is None else attendance.histories(
        session, (r.email_key for r in registrations_), now, exclude_event=event_id)
    return AttendeePage(list(registrations_), counts, total, page, pages, positions, query,
                        histories)


@dataclass(frozen=True)
class DoorList:
    """Confirmed attendees for check-in at the door."""

    rows: list[Registration]
    confirmed: int
    checked_in: int
    histories: dict[str, History] = field(default_factory=dict)


def door_list(session: Session, event_id: int, search: str = "",
              now: datetime | None = None) -> DoorList:
    """Return the confirmed attendees (matching ``search``) by name, with the arrival count.

    Given ``now``, each person's history at other roundtables comes along (one query more).
    """
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
    histories = {} if now is None else attendance.histories(
        session, (r.email_key for r in rows), now, exclude_event=event_id)
    return DoorList(list(rows), confirmed, checked_in, histories)


# --- Dashboard ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Dashboard:
    """The figures an event's dashboard draws."""

    counts: dict[str, int]
    checked_in: int
    seats_over_time: list[tuple[datetime, int]]
    levels: list[tuple[str, dict[str, int]]]
    companies: list[tuple[str, int]]
    company_total: int
    # Reconfirmation, refilled seats and attendance (no empty chairs).
    chairs: Figures | None = None


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
        chairs=attendance.figures(session, event),
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
        if confirmed_at is None:  # never: the query leaves out None
            continue
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
        .where(Registration.event_id == event_id, Registration.status.in_(lifecycle.ACTIVE))
        .group_by(Registration.seniority, Registration.status)
    )
    by_level: dict[Seniority | None, dict[str, int]] = {}
    for level, status, n in rows:
        empty = dict.fromkeys((s.value for s in lifecycle.ACTIVE), 0)
        by_level.setdefault(level, empty)[status.value] = n
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


# --- CSV export -----------------------------------------------------------------------------------

COLUMNS = [
    "name",
    "email",
    "company",
    "job_title",
    "seniority",
    "status",
    "registered_at",
    "waitlist_position",
    "eligibility",
    "checked_in_at",
    "added_by_organizer",
    "discussion_topic",
    "still_coming",
    "attendance",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> str:
    """Return ``value`` as text a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _listed(query: AttendeeQuery | None, event_id: int) -> tuple[list[ColumnElement[bool]],
                                                                  list[Any]]:
    """Return the filter and order of an attendee list (None: everyone, oldest first)."""
    where: list[ColumnElement[bool]] = [Registration.event_id == event_id]
    if query is None:
        return where, [Registration.created_at, Registration.id]
    if query.search:
        where.append(_search(query.search))
    if query.status != "all":
        where.append(Registration.status == S(query.status))
    column = SORTS[query.sort]
    order = column.desc() if query.descending else column.asc()
    return where, [order.nulls_last(), Registration.id]


def rows(session: Session, event: Event, query: AttendeeQuery | None = None,
         *, local_times: bool = False) -> Iterator[list[str]]:
    """Yield the header and one row per registration: all, oldest first, or what ``query`` lists.

    Times are UTC instants, or with ``local_times`` the same instants in the event's own zone
    (ISO 8601 with the offset, which spreadsheets read as local times).
    """
    positions = seating.waitlist_positions(session, event.id)
    zone = ZoneInfo(event.timezone) if local_times else None

    def when(instant: datetime | None) -> str:
        if instant is None:
            return ""
        return (instant.astimezone(zone) if zone else instant).isoformat(timespec="seconds")

    yield COLUMNS
    where, order = _listed(query, event.id)
    for r in session.scalars(select(Registration).where(*where).order_by(*order)):
        yield [
            neutralise(v)
            for v in (
                r.name,
                r.email,
                r.company,
                r.job_title,
                r.seniority.value if r.seniority else "",
                r.status.value,
                when(r.created_at),
                positions.get(r.id, ""),
                r.eligibility_outcome or "",
                when(r.checked_in_at),
                "yes" if r.added_by_organizer else "no",
                r.discussion_topic,
                r.reconfirmation.value if r.reconfirmation else "",
                r.attendance.value if r.attendance else "",
            )
        ]


def write_csv(session: Session, event: Event, out: IO[str], query: AttendeeQuery | None = None,
              *, local_times: bool = False) -> None:
    """Write the event's registrations to ``out`` as CSV (see ``rows``)."""
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(rows(session, event, query, local_times=local_times))
