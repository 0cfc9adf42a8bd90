"""Who came: attendance, closing an event, importing a video tool's list, a person's history.

History is read from the registrations themselves (by the normalised address, across events),
so erasing or purging a registration removes its part of the history with it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from roundtable.domain import audit, lifecycle, seating
from roundtable.domain.addresses import address_key
from roundtable.domain.errors import DomainError, InvalidTransition
from roundtable.domain.models import (
    Attendance,
    Event,
    EventStatus,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.notify import outbox

# A person with this many no-shows in the last YEAR goes to review at events that ask for it.
NO_SHOWS_FOR_REVIEW = 2
YEAR = timedelta(days=365)
# Header names a video tool's attendance export uses for the address column.
EMAIL_HEADERS = ("email", "e-mail", "email address", "user email", "attendee email",
                 "participant email", "e-mail address", "mail")


class InvalidAttendanceFile(DomainError):
    """An attendance file that cannot be read; nothing was changed."""

    status_code = 400


@dataclass(frozen=True)
class History:
    """A person's record across roundtables."""

    attended: int = 0
    no_shows: int = 0
    late_cancellations: int = 0
    recent_no_shows: int = 0  # in the twelve months before now

    def __bool__(self) -> bool:
        return bool(self.attended or self.no_shows or self.late_cancellations)

    @property
    def summary(self) -> str:
        """Describe the history in a few words, e.g. '3 attended, 1 no-show'."""
        parts = []
        if self.attended:
            parts.append(f"{self.attended} attended")
        if self.no_shows:
            parts.append(f"{self.no_shows} no-show" + ("s" if self.no_shows > 1 else ""))
        if self.late_cancellations:
            parts.append(f"{self.late_cancellations} late cancellation"
                         + ("s" if self.late_cancellations > 1 else ""))
        return ", ".join(parts) or "first roundtable"


def histories(session: Session, keys: Iterable[str | None], now: datetime,
              exclude_event: int | None = None) -> dict[str, History]:
    """Return the history of each normalised address in ``keys``, in one query.

    ``exclude_event`` leaves out the event being looked at (its outcome is not history yet).
    """
    wanted = sorted({key for key in keys if key})
    if not wanted:
        return {}
    attended = func.sum(case((Registration.attendance == Attendance.ATTENDED, 1), else_=0))
    no_show = func.sum(case((Registration.attendance == Attendance.NO_SHOW, 1), else_=0))
    late = func.sum(case((Registration.late_cancellation.is_(True), 1), else_=0))
    recent = func.sum(case((and_(Registration.attendance == Attendance.NO_SHOW,
                                 Event.starts_at >= now - YEAR), 1), else_=0))
    query = (
        select(Registration.email_key, attended, no_show, late, recent)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.email_key.in_(wanted), Registration.erased_at.is_(None))
        .group_by(Registration.email_key)
    )
    if exclude_event is not None:
        query = query.where(Registration.event_id != exclude_event)
    return {key: History(int(a or 0), int(n or 0), int(lc or 0), int(r or 0))
            for key, a, n, lc, r in session.execute(query) if key is not None}


def history_of(session: Session, email: str | None, now: datetime,
               exclude_event: int | None = None) -> History:
    """Return one address's history."""
    key = address_key(email) if email else None
    return histories(session, [key], now, exclude_event).get(key or "", History())


def needs_review_for_no_shows(session: Session, event: Event, email: str, now: datetime) -> bool:
    """Return True when the event sends people who often did not come to review, and this one did
    not come twice or more in the last twelve months."""
    if not event.review_no_shows:
        return False
    return history_of(session, email, now, exclude_event=event.id).recent_no_shows \
        >= NO_SHOWS_FOR_REVIEW


def can_close(event: Event, now: datetime) -> bool:
    """Return True when an organizer may close the event (it has started, it is not closed)."""
    return event.status == EventStatus.PUBLISHED and event.closed_at is None \
        and now >= event.starts_at


@dataclass(frozen=True)
class Closing:
    """What closing an event recorded."""

    attended: int
    no_shows: int


def close_event(session: Session, *, actor: int, now: datetime, event_id: int,
                note: str = "") -> Closing:
    """Record attendance for good: seat holders not marked become no-shows; send follow-ups.

    Attendees get a thank-you with the organizer's ``note``, no-shows a "sorry we missed you"
    naming the next published roundtable, if there is one.
    """
    event = seating.lock_event(session, event_id=event_id)
    if event.closed_at is not None:
        raise InvalidTransition("This roundtable is already closed; its attendance is recorded.")
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Only a published roundtable that took place can be closed.")
    if now < event.starts_at:
        raise InvalidTransition("A roundtable can be closed once it has started, not before.")
    holders = list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id,
               Registration.status == RegistrationStatus.CONFIRMED)
        .order_by(Registration.id)
    ))
    following = _next_event(session, event, now)
    attended = 0
    for registration in holders:
        if registration.checked_in_at is not None:
            registration.attendance = Attendance.ATTENDED
            attended += 1
            outbox.enqueue(session, "thank_you", registration, note=note.strip())
        else:
            registration.attendance = Attendance.NO_SHOW
            outbox.enqueue(session, "missed_you", registration,
                           next_slug=following.slug if following else None)
    event.closed_at = now
    event.closing_note = note.strip() or None
    session.flush()
    closing = Closing(attended, len(holders) - attended)
    audit.record(session, actor, "event.closed", now, event_id=event.id,
                 detail=f"{closing.attended} attended, {closing.no_shows} no-shows")
    return closing


def _next_event(session: Session, event: Event, now: datetime) -> Event | None:
    return session.scalar(
        select(Event)
        .where(Event.status == EventStatus.PUBLISHED, Event.id != event.id,
               Event.starts_at > now)
        .order_by(Event.starts_at, Event.id)
        .limit(1)
    )


def mark(registration: Registration, event: Event, came: bool, now: datetime) -> None:
    """Record whether a seat holder came: at the door, from a list, or after closing."""
    registration.checked_in_at = (registration.checked_in_at or now) if came else None
    if event.closed_at is not None:
        registration.attendance = Attendance.ATTENDED if came else Attendance.NO_SHOW


@dataclass
class ImportResult:
    """What an attendance import found."""

    marked: int = 0
    already: int = 0
    not_registered: list[str] = field(default_factory=list)
    without_address: int = 0


def import_attendance(session: Session, *, actor: int, now: datetime, event_id: int,
                      data: bytes) -> ImportResult:
    """Mark as attended every seat holder whose address is in the file's email column.

    The file is a CSV as video tools export it (a header row with an email column, perhaps after
    a few summary lines). A file that cannot be read changes nothing.
    """
    addresses, without = _addresses(data)
    event = seating.lock_event(session, event_id=event_id)
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("Attendance can be recorded for a published roundtable only.")
    holders = {r.email_key: r for r in session.scalars(
        select(Registration).where(Registration.event_id == event.id,
                                   Registration.status == RegistrationStatus.CONFIRMED))}
    result = ImportResult(without_address=without)
    seen: set[str] = set()
    for address in addresses:
        key = address_key(address)
        if key in seen:
            continue
        seen.add(key)
        registration = holders.get(key)
        if registration is None:
            result.not_registered.append(address)
        elif registration.checked_in_at is not None:
            result.already += 1
        else:
            mark(registration, event, True, now)
            result.marked += 1
    session.flush()
    audit.record(session, actor, "attendance.imported", now, event_id=event.id,
                 detail=f"{result.marked} marked present, {result.already} already, "
                        f"{len(result.not_registered)} not registered")
    return result


def _addresses(data: bytes) -> tuple[list[str], int]:
    """Return the addresses of a CSV's email column and how many rows had none."""
    if not data.strip():
        raise InvalidAttendanceFile("The file is empty. Export the attendance list as CSV and "
                                    "choose that file.")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            content = data.decode("utf-16")
        except UnicodeDecodeError:
            raise InvalidAttendanceFile(
                "The file is not text (CSV in UTF-8 or UTF-16); nothing was changed."
            ) from None
    if "\x00" in content:
        raise InvalidAttendanceFile("The file is not a CSV text file; nothing was changed.")
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            content[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = list(csv.reader(io.StringIO(content), dialect))
    for n, row in enumerate(rows):
        names = [cell.strip().strip('"').lower() for cell in row]
        column = next((i for i, name in enumerate(names) if name in EMAIL_HEADERS), None)
        if column is None:
            column = next((i for i, name in enumerate(names) if "email" in name
                           or "e-mail" in name), None)
        if column is not None:
            found, without = [], 0
            for data_row in rows[n + 1:]:
                cell = data_row[column].strip() if column < len(data_row) else ""
                if "@" in cell:
                    found.append(cell)
                elif any(c.strip() for c in data_row):
                    without += 1
            return found, without
    raise InvalidAttendanceFile(
        "No email column found: the file needs a header row with a column named “Email” (or "
        "“User Email”, “Attendee Email”). Nothing was changed."
    )


@dataclass(frozen=True)
class Figures:
    """The no-empty-chairs figures of one event, for its dashboard."""

    asked: int
    reconfirmed: int
    released: int
    lapsed: int
    unanswered: int
    late_cancellations: int
    refilled: int
    attended: int
    no_shows: int
    offers_open: int

    @property
    def reconfirm_rate(self) -> float | None:
        """Return the share of those asked who answered yes, or None before anyone was asked."""
        return self.reconfirmed / self.asked if self.asked else None

    @property
    def seats_released(self) -> int:
        """Return the seats given back in the last days: released, lapsed or cancelled late."""
        return self.released + self.lapsed + self.late_cancellations

    @property
    def no_show_rate(self) -> float | None:
        """Return the share of seat holders who did not come, once the event is closed."""
        total = self.attended + self.no_shows
        return self.no_shows / total if total else None


def figures(session: Session, event: Event) -> Figures:
    """Return the event's reconfirmation, refill and attendance figures, in one query."""
    def count(*where: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((and_(*where), 1), else_=0)), 0)

    window = event.starts_at - max(seating.LATE_CANCELLATION,
                                   timedelta(hours=event.reconfirm_hours or 0))
    row = session.execute(select(
        count(Registration.reconfirm_asked_at.is_not(None)),
        count(Registration.reconfirmation == Reconfirmation.YES),
        count(Registration.reconfirmation == Reconfirmation.RELEASED),
        count(Registration.reconfirmation == Reconfirmation.LAPSED),
        count(Registration.reconfirm_asked_at.is_not(None), Registration.reconfirmation.is_(None),
              Registration.status == RegistrationStatus.CONFIRMED),
        count(Registration.late_cancellation.is_(True), Registration.reconfirmation.is_(None)),
        count(Registration.promoted_at >= window,
              Registration.status.in_(lifecycle.TAKES_SEAT)),
        count(Registration.attendance == Attendance.ATTENDED),
        count(Registration.attendance == Attendance.NO_SHOW),
        count(Registration.status == RegistrationStatus.OFFERED),
    ).where(Registration.event_id == event.id)).one()
    asked, reconfirmed, released, lapsed, unanswered, late, refilled, attended, no_shows, \
        offers_open = (int(n) for n in row)
    return Figures(asked, reconfirmed, released, lapsed, unanswered, late,
                   min(refilled, released + lapsed + late), attended, no_shows, offers_open)
