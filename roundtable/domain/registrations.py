"""Signing up for a roundtable: eligibility, duplicates, and the seat or queue it leads to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import eligibility, seating, tokens
from roundtable.domain.errors import DomainError, NotFound, RegistrationClosed
from roundtable.domain.events import is_open_for_registration
from roundtable.domain.models import (
    ApprovalMode,
    AuditEntry,
    Event,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox


class InvalidEmail(DomainError):
    """The email address is not one we can write to."""

    status_code = 400


# The calendar part each signup outcome carries: an invitation only with a seat, a tentative
# "hold the date" while an organizer reviews, nothing otherwise.
SIGNUP_CALENDAR = {
    RegistrationStatus.CONFIRMED: "REQUEST",
    RegistrationStatus.PENDING_REVIEW: "PUBLISH",
}


@dataclass(frozen=True)
class Applicant:
    """What a person enters in the signup form."""

    name: str
    email: str
    company: str
    job_title: str
    seniority: Seniority
    discussion_topic: str = ""


@dataclass(frozen=True)
class SignupResult:
    """The registration a signup made, or the existing one for a repeated address."""

    registration: Registration
    duplicate: bool = False


def normalise_email(raw: str) -> str:
    """Return the address in the one form stored and compared: normalised, lower case."""
    try:
        info = validate_email(raw.strip(), check_deliverability=False)
    except EmailNotValidError as exc:
        raise InvalidEmail(f"That email address does not look right: {exc}") from exc
    return info.normalized.lower()


def closed_reason(event: Event, now: datetime) -> str | None:
    """Return why ``event`` takes no registrations now, or None when it does."""
    if is_open_for_registration(event, now):
        return None
    if event.status == EventStatus.CANCELLED:
        return "This roundtable has been cancelled, so it takes no registrations."
    return "Registration has closed: this roundtable has already started."


def register(
    session: Session,
    slug: str,
    applicant: Applicant,
    now: datetime,
    *,
    secret_key: str,
    options: seating.SeatingOptions,
) -> SignupResult:
    """Register ``applicant`` for the event ``slug`` and record the message that tells them.

    Raises RegistrationClosed when the event takes no registrations and InvalidEmail for an
    address that cannot be used. A repeated address gets its existing registration re-sent.
    """
    email = normalise_email(applicant.email)
    event = seating.lock_event(session, options, slug=slug)
    if event.status == EventStatus.DRAFT:
        raise NotFound("There is no roundtable at this address.")
    reason = closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    existing = session.scalar(
        select(Registration).where(Registration.event_id == event.id, Registration.email == email)
    )
    if existing is not None and existing.status != RegistrationStatus.CANCELLED:
        outbox.enqueue(
            session,
            "already_registered",
            existing,
            calendar="REQUEST" if existing.status == RegistrationStatus.CONFIRMED else None,
        )
        return SignupResult(existing, duplicate=True)

    verdict = eligibility.assess(applicant.job_title, applicant.seniority, event.minimum_level)
    if existing is not None:  # they cancelled earlier and sign up again: the same row, anew
        registration = existing
        fill_details(registration, applicant, email)
        record_verdict(registration, verdict)
        registration.created_at = now
    else:
        registration = new_registration(
            session, event, applicant, email, now, secret_key=secret_key, verdict=verdict
        )
    _place(session, event, registration, verdict, now, options)
    outbox.enqueue(
        session,
        registration.status.value,
        registration,
        calendar=SIGNUP_CALENDAR.get(registration.status),
    )
    return SignupResult(registration)


def _place(
    session: Session,
    event: Event,
    registration: Registration,
    verdict: eligibility.Verdict,
    now: datetime,
    options: seating.SeatingOptions,
) -> None:
    """Decide a signup: declined, to review, or a seat or the waiting list (under the lock)."""
    if verdict.outcome == eligibility.Outcome.INELIGIBLE:
        registration.status = RegistrationStatus.DECLINED
        registration.status_reason = "The roundtable is for Director+ leaders."
    elif (
        verdict.outcome == eligibility.Outcome.REVIEW
        or event.approval_mode == ApprovalMode.REVIEW_ALL
    ):
        registration.status = RegistrationStatus.PENDING_REVIEW
    else:
        seating.allocate(session, event, registration, now, options)
    session.flush()


def record_verdict(registration: Registration, verdict: eligibility.Verdict | None) -> None:
    """Keep the engine's outcome and reasons on the registration (None: added by hand)."""
    registration.eligibility_outcome = verdict.outcome.value if verdict else None
    registration.eligibility_reasons = list(verdict.reasons) if verdict else []


def new_registration(
    session: Session,
    event: Event,
    applicant: Applicant,
    email: str,
    now: datetime,
    *,
    secret_key: str,
    verdict: eligibility.Verdict | None = None,
    added_by_organizer: bool = False,
) -> Registration:
    """Add a registration awaiting review, with its manage-link salt and token hash, and flush.

    ``email`` is the normalised address. Seating is the caller's: it holds ``lock_event``.
    """
    registration = Registration(
        event_id=event.id,
        manage_salt=tokens.new_salt(),
        status=RegistrationStatus.PENDING_REVIEW,
        added_by_organizer=added_by_organizer,
        created_at=now,
    )
    fill_details(registration, applicant, email)
    record_verdict(registration, verdict)
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:  # the same address raced past the check without the lock
        raise RegistrationClosed(
            "This address is already registered for this roundtable."
        ) from None
    registration.manage_token_hash = tokens.hash_token(
        tokens.derive(secret_key, registration.id, registration.manage_salt)
    )
    return registration


def fill_details(registration: Registration, applicant: Applicant, email: str) -> None:
    """Write an applicant's details into a registration: a new one, or one taken up again."""
    registration.name = applicant.name.strip()
    registration.email = email
    registration.company = applicant.company.strip()
    registration.company_key = seating.company_key(email, applicant.company)
    registration.job_title = applicant.job_title.strip()
    registration.seniority = applicant.seniority
    registration.discussion_topic = applicant.discussion_topic.strip() or None
    registration.cancelled_at = None
    registration.confirmed_at = None
    registration.checked_in_at = None
    registration.status_reason = None


def manage_token(secret_key: str, registration: Registration) -> str:
    """Return the private manage-link token of ``registration``."""
    if registration.manage_salt is None:
        raise ValueError("an erased registration has no manage link")
    return tokens.derive(secret_key, registration.id, registration.manage_salt)


def by_token(session: Session, token: str) -> Registration | None:
    """Return the registration whose manage token is ``token``, or None."""
    if not token or len(token) > 100:
        return None
    return session.scalar(
        select(Registration).where(Registration.manage_token_hash == tokens.hash_token(token))
    )


# The calendar part a cancellation carries: only people whose calendar holds the event.
HOLDS_CALENDAR = (RegistrationStatus.CONFIRMED, RegistrationStatus.PENDING_REVIEW)


class EventEnded(DomainError):
    """The event is over: its registrations can no longer change."""


def ensure_changeable(event: Event, now: datetime) -> None:
    """Refuse changes to registrations of an event that has ended."""
    if event.ends_at <= now:
        raise EventEnded("This roundtable has ended, so its registrations can no longer change.")


def cancel(
    session: Session,
    registration_id: int,
    now: datetime,
    options: seating.SeatingOptions,
    *,
    by_organizer: bool = False,
    note: str = "",
) -> bool:
    """Cancel a registration, free its seat for the waiting list, and tell the person.

    Returns False when it was already cancelled or declined (cancelling twice is harmless).
    """
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = seating.lock_event(session, options, event_id=registration.event_id)
    session.refresh(registration)
    if not by_organizer:
        ensure_changeable(event, now)
    if registration.status in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
        return False
    held = registration.status in HOLDS_CALENDAR
    seating.release(session, event, registration, now)
    outbox.enqueue(
        session,
        "cancelled",
        registration,
        calendar="CANCEL" if held else None,
        by_organizer=by_organizer,
        note=note,
    )
    return True


@dataclass(frozen=True)
class DetailChanges:
    """What a registrant may change from their private link."""

    name: str
    company: str
    job_title: str
    seniority: Seniority
    discussion_topic: str = ""


def reassessment_needed(registration: Registration, changes: DetailChanges) -> bool:
    """Return True when the change touches what eligibility reads (title or level)."""
    return (
        changes.job_title.strip() != (registration.job_title or "")
        or changes.seniority != registration.seniority
    )


def update_details(
    session: Session,
    registration_id: int,
    changes: DetailChanges,
    now: datetime,
    options: seating.SeatingOptions,
) -> RegistrationStatus:
    """Apply a registrant's changes; a new title or level re-runs eligibility.

    A title that now needs review gives up any seat and waits for an organizer; one that no
    longer qualifies is declined. The seat goes to the waiting list at once. Returns the status.
    """
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = seating.lock_event(session, options, event_id=registration.event_id)
    session.refresh(registration)
    ensure_changeable(event, now)
    if registration.status == RegistrationStatus.CANCELLED:
        raise registration_cancelled()
    reassess = reassessment_needed(registration, changes)
    old_company_key = registration.company_key
    registration.name = changes.name.strip()
    registration.company = changes.company.strip()
    registration.company_key = seating.company_key(registration.email, changes.company)
    registration.discussion_topic = changes.discussion_topic.strip() or None
    registration.job_title = changes.job_title.strip()
    registration.seniority = changes.seniority
    if not reassess:
        if registration.company_key != old_company_key and event.company_cap is not None:
            seating.promote(session, event, now)  # the room balance may let someone in now
        return registration.status
    verdict = eligibility.assess(changes.job_title, changes.seniority, event.minimum_level)
    record_verdict(registration, verdict)
    before = registration.status
    if verdict.outcome == eligibility.Outcome.INELIGIBLE:
        if before != RegistrationStatus.DECLINED:
            seating.release(session, event, registration, now, RegistrationStatus.DECLINED)
            registration.status_reason = "The roundtable is for Director+ leaders."
    elif verdict.outcome == eligibility.Outcome.REVIEW or before in (
        RegistrationStatus.DECLINED,
        RegistrationStatus.PENDING_REVIEW,
    ):
        if before == RegistrationStatus.CONFIRMED:
            seating.release(session, event, registration, now, RegistrationStatus.PENDING_REVIEW)
        registration.status = RegistrationStatus.PENDING_REVIEW
        registration.queue_position = None
    session.flush()
    if registration.status != before:
        calendar = {
            RegistrationStatus.PENDING_REVIEW: "PUBLISH",
            RegistrationStatus.DECLINED: "CANCEL" if before in HOLDS_CALENDAR else None,
        }.get(registration.status)
        outbox.enqueue(session, registration.status.value, registration, calendar=calendar)
    if registration.company_key != old_company_key and event.company_cap is not None:
        seating.promote(session, event, now)
    return registration.status


def registration_cancelled() -> DomainError:
    """Return the error for a change to a cancelled registration."""
    return DomainError("This registration is cancelled, so it cannot be changed.")


def erase(
    session: Session, registration_id: int, now: datetime, options: seating.SeatingOptions
) -> None:
    """Remove a registration's personal data at once, freeing any seat as a cancel does.

    What stays is an anonymous row (status, level, timestamps) for the organizer's figures.
    Messages still waiting in the outbox for this person are deleted with the data.
    """
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = seating.lock_event(session, options, event_id=registration.event_id)
    session.refresh(registration)
    if registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED):
        seating.release(session, event, registration, now)
    _strip_personal_data(session, registration, now)


def _strip_personal_data(session: Session, registration: Registration, now: datetime) -> None:
    session.execute(delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
    # Organizer notes about the person may name them: keep who did what and when, not the note.
    session.execute(
        update(AuditEntry).where(AuditEntry.registration_id == registration.id).values(detail="")
    )
    registration.name = None
    registration.email = None
    registration.company = None
    registration.company_key = None
    registration.job_title = None
    registration.discussion_topic = None
    registration.eligibility_reasons = []
    registration.status_reason = None
    registration.manage_token_hash = None
    registration.manage_salt = None
    registration.erased_at = now
    session.flush()


def purge(session: Session, ended_before: datetime) -> int:
    """Erase the personal data of every registration of events that ended before a date."""
    begin_write(session)
    rows = session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at < ended_before, Registration.erased_at.is_(None))
    ).all()
    for registration in rows:
        _strip_personal_data(session, registration, ended_before)
    return len(rows)


def send_links(session: Session, email: str, now: datetime) -> int:
    """Email the private link of every current registration of ``email``; return how many."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return 0
    begin_write(session)
    rows = session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.email == address, Event.ends_at > now)
    ).all()
    for registration in rows:
        outbox.enqueue(session, "manage_link", registration)
    return len(rows)
