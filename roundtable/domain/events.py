"""Events: listing and lookup for the public pages; creating, editing, publishing and
cancelling for organizers. Each change has the shape ``op(session, *, actor, now, ...)``: it
locks the event, flushes, and writes its audit entry and the messages it sends."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import audit, edit_words, lifecycle, seating, text, zones
from roundtable.domain.errors import DomainError, InvalidTransition, NotFound
from roundtable.domain.models import (
    ApprovalMode,
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox


@dataclass(frozen=True)
class Listing:
    """An event with the seat figures a page shows beside it."""

    event: Event
    confirmed: int
    waiting: int = 0

    @property
    def seats_left(self) -> int:
        return max(self.event.capacity - self.confirmed, 0)

    @property
    def full(self) -> bool:
        """Return True when every seat is taken, so a signup now joins the waiting list."""
        return self.seats_left == 0


def listings(session: Session, events: Sequence[Event]) -> list[Listing]:
    """Return ``events`` with their seat figures: seats taken and people waiting, one query."""
    counts = {e.id: {RegistrationStatus.CONFIRMED: 0, RegistrationStatus.WAITLISTED: 0}
              for e in events}
    if counts:
        rows = session.execute(
            select(Registration.event_id, Registration.status, func.count())
            .where(
                Registration.event_id.in_(counts),
                Registration.status.in_([*lifecycle.TAKES_SEAT, RegistrationStatus.WAITLISTED]),
            )
            .group_by(Registration.event_id, Registration.status)
        )
        for event_id, status, n in rows:  # a seat held for an offer is taken
            taken = RegistrationStatus.WAITLISTED if status == RegistrationStatus.WAITLISTED \
                else RegistrationStatus.CONFIRMED
            counts[event_id][taken] += n
    return [
        Listing(e, counts[e.id][RegistrationStatus.CONFIRMED],
                counts[e.id][RegistrationStatus.WAITLISTED])
        for e in events
    ]


def by_slug(session: Session, slug: str, *, include_drafts: bool = False) -> Event:
    """Return the event with ``slug``; drafts only when asked for. Raise NotFound otherwise."""
    event = session.scalar(select(Event).where(Event.slug == slug))
    if event is None or (event.status == EventStatus.DRAFT and not include_drafts):
        raise NotFound("There is no roundtable at this address.")
    return event


def listing(session: Session, event: Event) -> Listing:
    """Return ``event`` with its seat figures."""
    return listings(session, [event])[0]


def page_context(session: Session, event: Event, now: datetime) -> dict[str, object]:
    """Return what an event's public page shows: seat figures and whether it is past or open."""
    return {
        "listing": listing(session, event),
        "is_past": is_past(event, now),
        "is_open": is_open_for_registration(event, now),
        "closes": closing_time(event),
    }


def is_cancelled(event: Event) -> bool:
    """Return True when the event was cancelled."""
    return event.status == EventStatus.CANCELLED


def is_draft(event: Event) -> bool:
    """Return True while the event is a draft (not on the site)."""
    return event.status == EventStatus.DRAFT


def is_published(event: Event) -> bool:
    """Return True when the event is on the site."""
    return event.status == EventStatus.PUBLISHED


def is_past(event: Event, now: datetime) -> bool:
    """Return True once the event has ended."""
    return has_ended(event.ends_at, now)


def has_ended(ends_at: datetime, now: datetime) -> bool:
    """Return True once an event that ends at ``ends_at`` has ended."""
    return ends_at <= now


def registration_closes_at(event: Event) -> datetime:
    """Return the instant the event stops taking registrations: its deadline, else its start."""
    return event.registration_deadline or event.starts_at


def closing_time(event: Event) -> str:
    """Return when registration closes, in the event's zone, e.g. "Monday 30 November 2026,
    18:00 CET (Europe/Berlin)"."""
    local = registration_closes_at(event).astimezone(ZoneInfo(event.timezone))
    return (f"{local:%A} {local.day} {local:%B %Y}, {local:%H:%M} {local.tzname()} "
            f"({event.timezone})")


def deadline_passed(event: Event, now: datetime) -> bool:
    """Return True once the event's registration deadline (set before its start) has passed."""
    deadline = event.registration_deadline
    return deadline is not None and deadline <= now < event.starts_at


def is_open_for_registration(event: Event, now: datetime) -> bool:
    """Return True while the event is published and its registration has not closed."""
    return takes_signups(event.status, event.starts_at, event.registration_deadline, now)


def takes_signups(
    status: EventStatus, starts_at: datetime, deadline: datetime | None, now: datetime
) -> bool:
    """Return True while an event in ``status`` takes registrations (see the one above)."""
    return status == EventStatus.PUBLISHED and now < (deadline or starts_at)


def reviews_every_signup(event: Event) -> bool:
    """Return True when an organizer reviews every signup before it gets a seat."""
    return event.approval_mode == ApprovalMode.REVIEW_ALL


# --- Organizer changes: create, edit, publish, unpublish, cancel ------------------------------

SLUG_RX = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# A start is from now to five years ahead; a roundtable lasts at most a week. Dates outside the
# years below are refused before any conversion (year 1 or 9999 would overflow in some zones).
FURTHEST_AHEAD = timedelta(days=5 * 365 + 1)
LONGEST = timedelta(days=7)
MIN_YEAR, MAX_YEAR = 1900, 2200
SINGLE_LINE_FIELDS = ("title", "slug", "host", "summary", "location", "join_url", "timezone")

# The fields whose change moves the event in someone's calendar, by the name mail uses.
CALENDAR_FIELDS = {
    "starts_at": "start time",
    "ends_at": "end time",
    "timezone": "time zone",
    "format": "format",
    "location": "place",
    "join_url": "join link",
}


class InvalidEventDetails(DomainError):
    """An event's details break rules: ``errors`` lists each (form field, message), in form
    order; ``field`` and ``message`` are the first's."""

    status_code = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field
        self.errors: list[tuple[str | None, str]] = [(field, message)]

    @classmethod
    def of(cls, errors: Sequence[tuple[str | None, str]]) -> InvalidEventDetails:
        """Return the refusal carrying every one of ``errors`` (at least one)."""
        field, message = errors[0]
        refusal = cls(message, field)
        refusal.errors = list(errors)
        return refusal


@dataclass(frozen=True)
class EventDetails:
    """What an organizer enters for an event; start and end are wall times in ``timezone``."""

    title: str
    slug: str
    host: str
    format: EventFormat
    starts_local: datetime
    ends_local: datetime
    timezone: str
    capacity: int
    summary: str = ""
    description: str = ""
    location: str = ""
    join_url: str = ""
    company_cap: int | None = None
    deadline_local: datetime | None = None  # registration closes; None: at the start
    minimum_level: Seniority = Seniority.DIRECTOR
    approval_mode: ApprovalMode = ApprovalMode.AUTO
    confirm_email: bool = True
    contact_email: str = ""
    # No empty chairs, in hours before the start (0: that step is off); the model's defaults.
    reminder_hours: int = 24
    reconfirm_hours: int = 72
    reconfirm_deadline_hours: int = 24
    release_unanswered: bool = False
    offer_window_hours: int = 48
    offer_hours: int = 6
    review_no_shows: bool = False


@dataclass(frozen=True)
class EventUpdate:
    """What an edit changed: calendar fields by name, who was told, who got a freed seat."""

    changes: list[str]
    notified: int
    promoted: int
    edited: list[str] = field(default_factory=list)  # every changed field, in words

    @property
    def detail(self) -> str:
        """Describe the edit for the audit log."""
        detail = "; ".join(self.edited) or "nothing changed"
        if self.notified:
            detail += f"; {self.notified} people sent an update"
        if self.promoted:
            detail += f"; {self.promoted} promoted from the waiting list"
        return detail


def zone_names() -> tuple[str, ...]:
    """Return the time zones an event may use (canonical IANA names of places, and UTC)."""
    return zones.canonical_names()


def zone(name: str) -> ZoneInfo:
    """Return the zone ``name``; raise InvalidEventDetails, with likely zones, for anything else."""
    if not zones.is_canonical(name):
        raise InvalidEventDetails(zones.unknown_message(name), "timezone")
    return ZoneInfo(name)


def to_utc(local: datetime, tz: ZoneInfo, field: str) -> datetime:
    """Return the wall time ``local`` in ``tz`` as a UTC instant; refuse times that never occur."""
    if not MIN_YEAR <= local.year <= MAX_YEAR:  # beyond these, converting could overflow
        raise InvalidEventDetails(
            f"Please enter a date between the years {MIN_YEAR} and {MAX_YEAR}.", field
        )
    aware = local.replace(tzinfo=tz, fold=0)
    instant = aware.astimezone(UTC)
    if instant.astimezone(tz).replace(tzinfo=None) != local.replace(fold=0):
        raise InvalidEventDetails(
            f"{local:%Y-%m-%d %H:%M} does not exist in {tz.key}: the clocks skip that hour. "
            "Choose a time outside the change.",
            field,
        )
    return instant


def _wall(instant: datetime, timezone: str) -> datetime:
    """Return the wall time of ``instant`` in ``timezone``, to the minute, without zone."""
    return instant.astimezone(ZoneInfo(timezone)).replace(tzinfo=None, second=0, microsecond=0)


def details_of(event: Event) -> EventDetails:
    """Return an event's details as the edit form shows them (wall times in its zone)."""
    tz = ZoneInfo(event.timezone)
    return EventDetails(
        title=event.title,
        slug=event.slug,
        host=event.host,
        format=event.format,
        starts_local=event.starts_at.astimezone(tz).replace(tzinfo=None),
        ends_local=event.ends_at.astimezone(tz).replace(tzinfo=None),
        timezone=event.timezone,
        capacity=event.capacity,
        summary=event.summary,
        description=event.description,
        location=event.location or "",
        join_url=event.join_url or "",
        company_cap=event.company_cap,
        deadline_local=(event.registration_deadline.astimezone(tz).replace(tzinfo=None)
                        if event.registration_deadline else None),
        minimum_level=event.minimum_level,
        approval_mode=event.approval_mode,
        confirm_email=event.confirm_email,
        contact_email=event.contact_email or "",
        reminder_hours=event.reminder_hours,
        reconfirm_hours=event.reconfirm_hours,
        reconfirm_deadline_hours=event.reconfirm_deadline_hours,
        release_unanswered=event.release_unanswered,
        offer_window_hours=event.offer_window_hours,
        offer_hours=event.offer_hours,
        review_no_shows=event.review_no_shows,
    )


class _Problems:
    """The problems found in an organizer's entry, each with its form field, in form order."""

    def __init__(self) -> None:
        self.found: list[tuple[str | None, str]] = []

    def add(self, message: str, field: str | None) -> None:
        self.found.append((field, message))

    def collect(self, exc: InvalidEventDetails) -> None:
        self.found.extend(exc.errors)

    def raise_any(self) -> None:
        """Raise InvalidEventDetails carrying every problem found, if there is one."""
        if self.found:
            raise InvalidEventDetails.of(self.found)


def problems(details: EventDetails) -> list[tuple[str | None, str]]:
    """Return every (field, message) the event rules find in ``details`` (none: it is valid).

    The rules that need the database (a free address name) or the clock are left out.
    """
    found = _Problems()
    _checked(details, found)
    return found.found


def _checked(details: EventDetails, problems: _Problems) -> dict[str, Any]:
    """Return the column values of ``details`` that are valid; add each problem to ``problems``.

    Every field is checked, so the organizer sees every mistake at once; a value that depends on
    one at fault (the end on the zone, say) is checked only when that one is right.
    """
    values: dict[str, Any] = {}
    bad: set[str] = set()
    for name in SINGLE_LINE_FIELDS:
        problem = text.single_line_problem(getattr(details, name))
        if problem:
            problems.add(problem, name)
            bad.add(name)
    problem = text.multi_line_problem(details.description)
    if problem:
        problems.add(problem, "description")
    if "title" not in bad and not details.title.strip():
        problems.add("Please give the roundtable a title.", "title")
    if "host" not in bad and not details.host.strip():
        problems.add("Please name the host.", "host")
    slug = details.slug.strip()
    if "slug" not in bad and (len(slug) > 80 or not SLUG_RX.fullmatch(slug)):
        problems.add(
            "The address name may use lower-case letters, digits and single hyphens between "
            "them, e.g. ai-adoption-2026 (at most 80 characters).",
            "slug",
        )
    elif "slug" not in bad:
        values["slug"] = slug
    tz: ZoneInfo | None = None
    if "timezone" not in bad:
        try:
            tz = zone(details.timezone.strip())
        except InvalidEventDetails as exc:
            problems.collect(exc)
    if tz is not None:
        values["timezone"] = tz.key
        _checked_times(details, tz, problems, values)
    if details.capacity < 1:
        problems.add("The capacity must be at least 1.", "capacity")
    if details.company_cap is not None and details.company_cap < 1:
        problems.add(
            "Seats per company must be at least 1, or left empty for no limit.", "company_cap"
        )
    location = details.location.strip() or None
    join_url = details.join_url.strip() or None
    if details.format == EventFormat.IN_PERSON and not location and "location" not in bad:
        problems.add("An in-person roundtable needs a place.", "location")
    if join_url and "join_url" not in bad and not join_url.startswith(("https://", "http://")):
        problems.add("The join link must start with https://.", "join_url")
    contact = None
    try:
        contact = _contact(details.contact_email)
    except InvalidEventDetails as exc:
        problems.collect(exc)
    values.update({
        "title": details.title.strip(),
        "summary": details.summary.strip(),
        "description": text.normalise_newlines(details.description).strip(),
        "host": details.host.strip(),
        "format": details.format,
        "location": location,
        "join_url": join_url,
        "company_cap": details.company_cap,
        "minimum_level": details.minimum_level,
        "approval_mode": details.approval_mode,
        "confirm_email": details.confirm_email,
    })
    values["contact_email"] = contact
    _checked_chairs(details, problems, values)
    return values


# The no-empty-chairs settings: hours before the start, at most two weeks (what the mail worker
# looks ahead); an offer is held for at most three days.
MOST_HOURS = 336
MOST_OFFER_HOURS = 72
# The question goes at least this long before its deadline (the worker asks no later).
ASK_MARGIN_HOURS = 6


def _checked_chairs(details: EventDetails, problems: _Problems, values: dict[str, Any]) -> None:
    """Check the reminder, "Still coming?" and offer settings into ``values``."""
    def in_range(name: str, value: int, low: int, high: int, message: str, *,
                 off: bool = False) -> bool:
        """Keep ``value`` if it is in range (or 0, for a step that ``off`` may turn off)."""
        if not low <= value <= high and not (off and value == 0):
            problems.add(message, name)
            return False
        values[name] = value
        return True

    in_range("reminder_hours", details.reminder_hours, 1, MOST_HOURS,
             f"The reminder goes between 1 and {MOST_HOURS} hours (two weeks) before the "
             "start; or turn it off.", off=True)
    asks = in_range("reconfirm_hours", details.reconfirm_hours, 1, MOST_HOURS,
                    f"“Still coming?” is asked between 1 and {MOST_HOURS} hours (two weeks) "
                    "before the start; or turn it off.", off=True)
    deadline = in_range("reconfirm_deadline_hours", details.reconfirm_deadline_hours, 1,
                        MOST_HOURS, f"The answer deadline is between 1 and {MOST_HOURS} hours "
                        "before the start.")
    if (asks and deadline and details.reconfirm_hours
            and details.reconfirm_hours < details.reconfirm_deadline_hours + ASK_MARGIN_HOURS):
        problems.add(
            "The answer deadline must come after the question, with time to answer: ask at "
            f"least {ASK_MARGIN_HOURS} hours before the deadline (e.g. ask 72 hours before "
            "the start, deadline 24 hours before).",
            "reconfirm_deadline_hours",
        )
    in_range("offer_window_hours", details.offer_window_hours, 0, MOST_HOURS,
             f"The last-minute window is between 0 (off: a freed seat is always given at "
             f"once) and {MOST_HOURS} hours before the start.")
    in_range("offer_hours", details.offer_hours, 1, MOST_OFFER_HOURS,
             f"An offer is held between 1 and {MOST_OFFER_HOURS} hours.")
    values["release_unanswered"] = details.release_unanswered
    values["review_no_shows"] = details.review_no_shows


def _checked_times(
    details: EventDetails, tz: ZoneInfo, problems: _Problems, values: dict[str, Any]
) -> None:
    """Convert start, end and deadline to UTC into ``values``; add each problem found."""
    instants: dict[str, datetime | None] = {}
    for name, local in (("starts_local", details.starts_local),
                        ("ends_local", details.ends_local),
                        ("deadline_local", details.deadline_local)):
        try:
            instants[name] = None if local is None else to_utc(local, tz, name)
        except InvalidEventDetails as exc:
            problems.collect(exc)
    starts_at = instants.get("starts_local")
    ends_at = instants.get("ends_local")
    if "deadline_local" in instants:
        values["registration_deadline"] = instants["deadline_local"]
    if starts_at is None:
        return
    values["starts_at"] = starts_at
    deadline = instants.get("deadline_local")
    if deadline is not None and deadline >= starts_at:
        problems.add(
            "Registration must close before the start: please choose an earlier deadline, or "
            "leave it empty to take registrations until the start.",
            "deadline_local",
        )
    if ends_at is None:
        return
    values["ends_at"] = ends_at
    if ends_at <= starts_at:
        problems.add("The end must be after the start.", "ends_local")
    elif ends_at - starts_at > LONGEST:
        problems.add(
            f"A roundtable may last at most {LONGEST.days} days: please check the end.",
            "ends_local",
        )


def _contact(raw: str) -> str | None:
    """Return the host's contact address, checked and normalised, or None when empty."""
    if not raw.strip():
        return None
    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise InvalidEventDetails(
            f"The contact address does not look right: {exc}", "contact_email"
        ) from exc


def _start_problem(starts_at: datetime, now: datetime, past: str) -> str | None:
    """Return why a start is refused: in the past (``past``) or further ahead than allowed."""
    if starts_at <= now:
        return past
    if starts_at > now + FURTHEST_AHEAD:
        return "The start may be at most five years ahead: please check the year."
    return None


def _slug_taken(session: Session, slug: str, event_id: int | None = None) -> str | None:
    """Return the refusal for an address name another roundtable uses, else None."""
    query = select(Event.id).where(Event.slug == slug)
    if event_id is not None:
        query = query.where(Event.id != event_id)
    if session.scalar(query) is not None:
        return f"Another roundtable already uses the address name “{slug}”."
    return None


def create_event(
    session: Session, *, actor: int, now: datetime, details: EventDetails
) -> Event:
    """Add a draft event; refuse invalid details and a start in the past, all at once."""
    problems = _Problems()
    values = _checked(details, problems)
    if "starts_at" in values:
        past = _start_problem(values["starts_at"], now, "The start must be in the future.")
        if past:
            problems.add(past, "starts_local")
    begin_write(session)
    if "slug" in values:
        taken = _slug_taken(session, values["slug"])
        if taken:
            problems.add(taken, "slug")
    problems.raise_any()
    event = Event(
        **values,
        capacity=details.capacity,
        status=EventStatus.DRAFT,
        sequence=0,
        created_at=now,
        updated_at=now,
    )
    session.add(event)
    try:
        session.flush()
    except IntegrityError:  # another organizer took the slug a moment ago
        raise InvalidEventDetails(
            f"Another roundtable already uses the address name “{values['slug']}”.", "slug"
        ) from None
    audit.record(session, actor, "event.created", now, event_id=event.id, detail=event.slug)
    return event


def update_event(
    session: Session, *, actor: int, now: datetime, event_id: int, details: EventDetails
) -> EventUpdate:
    """Apply an organizer's edit; a moved time or place updates every confirmed attendee.

    A change of start, end, zone, format, place or join link raises the calendar sequence and
    sends an updated invitation. A new capacity follows ``seating.set_capacity``: never below
    the confirmed count, and new seats go to the waiting list at once.
    """
    event = seating.lock_event(session, event_id=event_id)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("This roundtable is cancelled, so it can no longer be changed.")
    problems = _Problems()
    values = _checked(details, problems)
    if values.get("slug", event.slug) != event.slug:
        taken = _slug_taken(session, values["slug"], event.id)
        if taken:
            problems.add(taken, "slug")
    if (is_published(event) and values["format"] == EventFormat.ONLINE
            and not values["join_url"]):
        problems.add("A published online roundtable needs its join link: unpublish it first "
                     "to remove the link.", "join_url")
    problems.raise_any()
    for name in ("starts_at", "ends_at", "registration_deadline"):
        # The form shows wall times to the minute: the same wall time in the same zone keeps the
        # stored instant (its seconds, and which of two repeated wall times it was at DST's end).
        stored = getattr(event, name)
        if (stored is not None and values[name] is not None
                and values["timezone"] == event.timezone
                and _wall(values[name], event.timezone) == _wall(stored, event.timezone)):
            values[name] = stored
    if values["starts_at"] != event.starts_at:
        moved = _start_problem(values["starts_at"], now, "A new start must be in the future.")
        if moved:
            raise InvalidEventDetails(moved, "starts_local")
    changes = [label for name, label in CALENDAR_FIELDS.items()
               if getattr(event, name) != values[name]]
    # What the calendar fields were, for the mail's "before → after" (times as UTC instants).
    before = {name: _plain(getattr(event, name)) for name in CALENDAR_FIELDS
              if getattr(event, name) != values[name]}
    edited = [edit_words.line(name, getattr(event, name), value, values["timezone"])
              for name, value in {**values, "capacity": details.capacity}.items()
              if getattr(event, name) != value]
    for name, value in values.items():
        setattr(event, name, value)
    if changes:
        event.sequence += 1
    promoted = seating.set_capacity(session, event, details.capacity, now)
    notified = 0
    if changes:
        skip = {r.id for r in promoted}  # their promotion mail already carries the new details
        held = _registrations(session, event.id, *lifecycle.IN_CALENDAR)
        for registration in held:
            if registration.id not in skip:
                # Seat holders get the updated invitation; pending applicants their tentative
                # hold moved to the new time (a REQUEST never goes to someone without a seat).
                status = registration.status
                outbox.enqueue(
                    session, "event_changed", registration,
                    calendar=lifecycle.calendar_method(status, status, refresh=True),
                    changes=changes, before=before,
                )
                notified += 1
    session.flush()
    update = EventUpdate(changes, notified, len(promoted), edited)
    audit.record(session, actor, "event.updated", now, event_id=event_id, detail=update.detail)
    return update


def _plain(value: object) -> object:
    """Return a column value as JSON can keep it (instants as ISO text, enums as values)."""
    if isinstance(value, datetime):
        return value.isoformat()
    return getattr(value, "value", value)


def _registrations(
    session: Session, event_id: int, *statuses: RegistrationStatus
) -> list[Registration]:
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.event_id == event_id, Registration.status.in_(statuses))
            .order_by(Registration.id)
        )
    )


def ensure_not_cancelled(event: Event) -> None:
    """Refuse seat changes at a cancelled event."""
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("This roundtable is cancelled, so its seats no longer change.")


def set_published(
    session: Session, *, actor: int, now: datetime, event_id: int, publish: bool
) -> Event:
    """Publish a draft (it shows on the site and takes registrations), or take it back."""
    event = seating.lock_event(session, event_id=event_id)
    if publish and event.status != EventStatus.DRAFT:
        raise InvalidTransition(
            "Only a draft can be published; this roundtable is "
            f"{'already published' if event.status == EventStatus.PUBLISHED else 'cancelled'}."
        )
    if not publish and event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Only a published roundtable can be unpublished.")
    if publish:
        missing = [(what, why) for needed, what, why in (
            (not event.contact_email, "the host's contact address",
             "replies to every mail go there, and calendars show it as the organizer"),
            (event.format == EventFormat.ONLINE and not event.join_url, "the join link",
             "confirmed attendees get it in their invitation"),
        ) if needed]
        if missing:
            raise InvalidTransition(
                f"Add {' and '.join(what for what, _ in missing)} first (Edit): "
                + "; ".join(f"{why}" if len(missing) == 1 else f"{what}: {why}"
                            for what, why in missing) + "."
            )
    event.status = EventStatus.PUBLISHED if publish else EventStatus.DRAFT
    session.flush()
    audit.record(session, actor, "event.published" if publish else "event.unpublished", now,
                 event_id=event_id)
    return event


def cancel_event(
    session: Session, *, actor: int, now: datetime, event_id: int, note: str = ""
) -> int:
    """Cancel the event and tell everyone registered; return how many are told.

    Confirmed and pending people hold the event in their calendar, so their message removes it
    (CANCEL); people on the waiting list get the news without a calendar part.
    """
    event = seating.lock_event(session, event_id=event_id)
    if event.status == EventStatus.CANCELLED:
        raise InvalidTransition("This roundtable is already cancelled.")
    if is_past(event, now):
        raise InvalidTransition("This roundtable has already taken place; it cannot be cancelled.")
    event.status = EventStatus.CANCELLED
    event.sequence += 1
    event.updated_at = now
    told = _registrations(session, event.id, *lifecycle.ACTIVE)
    for registration in told:
        outbox.enqueue(
            session,
            "event_cancelled",
            registration,
            calendar=lifecycle.calendar_method(registration.status, None),
            note=note.strip(),
        )
    session.flush()
    detail = f"{len(told)} people told" + (f"; note: {note.strip()}" if note.strip() else "")
    audit.record(session, actor, "event.cancelled", now, event_id=event_id, detail=detail)
    return len(told)
