"""A registration's operations: admission (signup and add-by-hand), review decisions, the
waiting-list order, check-in, the person's own changes, cancellation, erasure and purge.

Each operation has one shape, ``op(session, *, actor, now, ...)``: ``actor`` is the organizer's
id, or None when the person acts on their own registration. It takes the event's seat lock
(``seating.lock_event``) before it reads what it changes, only flushes, and records its audit
entry and its outbox messages in the same transaction; the caller's transaction helper commits.
Which states may follow which, and which calendar message a change sends, is ``lifecycle``'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import attendance, audit, eligibility, lifecycle, schedule, seating, tokens
from roundtable.domain.addresses import address_key
from roundtable.domain.errors import DomainError, InvalidTransition, NotFound, RegistrationClosed
from roundtable.domain.events import (
    closing_time,
    deadline_passed,
    ensure_not_cancelled,
    is_open_for_registration,
)
from roundtable.domain.models import (
    ApprovalMode,
    AuditEntry,
    Event,
    EventStatus,
    OutboxMessage,
    OutboxStatus,
    Reconfirmation,
    Registration,
    RegistrationStatus,
    SignupRequest,
)
from roundtable.domain.seniority import Seniority
from roundtable.notify import outbox

S = RegistrationStatus
DIRECTOR_PLUS = "The roundtable is for Director+ leaders."
NO_SHOW_REVIEW = ("Did not come to two or more roundtables in the last twelve months, so an "
                  "organizer decides.")


class InvalidEmail(DomainError):
    """The email address is not one we can write to."""

    status_code = 400


class AlreadyRegistered(DomainError):
    """The address already has a current registration for the event."""


class EventEnded(DomainError):
    """The event is over: its registrations can no longer change."""


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
class Admission:
    """The registration an admission made, or the existing one for a repeated address."""

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
    if deadline_passed(event, now):
        return f"Registration has closed: it closed on {closing_time(event)}."
    return "Registration has closed: this roundtable has already started."


ALREADY_REGISTERED_EVERY = timedelta(hours=1)


def find_by_address(session: Session, event_id: int, email: str) -> Registration | None:
    """Return the event's registration of the same person (by address key), if any."""
    return session.scalar(_BY_ADDRESS, {"event_id": event_id, "key": address_key(email)})


_BY_ADDRESS = (
    select(Registration)
    .where(Registration.event_id == bindparam("event_id"),
           Registration.email_key == bindparam("key"))
    .order_by(Registration.id)
    .limit(1)
)


def remind_registered(session: Session, registration: Registration, now: datetime) -> bool:
    """Send "you are already registered" unless one went out within the hour; say if it did."""
    recent = session.scalar(
        select(OutboxMessage.id).where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind == "already_registered",
            OutboxMessage.created_at > now - ALREADY_REGISTERED_EVERY,
        ).limit(1)
    )
    if recent is not None:
        return False
    message = outbox.enqueue(
        session, "already_registered", registration,
        calendar=lifecycle.calendar_method(registration.status, registration.status, refresh=True),
    )
    message.created_at = now
    return True


def admit(
    session: Session,
    *,
    actor: int | None,
    now: datetime,
    applicant: Applicant,
    secret_key: str,
    slug: str | None = None,
    event_id: int | None = None,
    notify: bool = True,
    when_full: seating.FullRoom = seating.FullRoom.WAIT,
) -> Admission:
    """Admit a person to the event (by ``slug`` or ``event_id``) and tell them where they stand.

    With no ``actor`` it is a leader's signup: the event must take registrations, eligibility
    decides (declined, review, or a seat or the waiting list), a cancelled registration of the
    same address is taken up anew and a current one is sent its status again (``duplicate``).
    With an organizer as ``actor`` it is an addition by hand: no eligibility check, a seat or
    the waiting list, a cancelled or declined registration taken up again, a current one refused
    (AlreadyRegistered); ``notify`` says whether the person is told, and ``when_full`` whether
    a full room sends them to the waiting list, raises the capacity by one or seats them over it.
    """
    email = normalise_email(applicant.email)
    event = seating.lock_event(session, event_id=event_id, slug=slug)
    by_hand = actor is not None
    if by_hand:
        ensure_not_cancelled(event)
    else:
        if event.status == EventStatus.DRAFT:
            raise NotFound("There is no roundtable at this address.")
        reason = closed_reason(event, now)
        if reason:
            raise RegistrationClosed(reason)
    existing = find_by_address(session, event.id, email)
    if existing is not None:
        retake = (
            lifecycle.can_take_up_again(existing) if by_hand
            else lifecycle.is_cancelled(existing)
        )
        if not retake and by_hand:
            raise AlreadyRegistered(
                f"{email} is already registered for this roundtable "
                f"({lifecycle.short_label(existing.status).lower()})."
            )
        if not retake:
            remind_registered(session, existing, now)
            return Admission(existing, duplicate=True)

    verdict = (
        None if by_hand
        else eligibility.assess(applicant.job_title, applicant.seniority, event.minimum_level)
    )
    before = existing.status if existing is not None else None
    if existing is not None:
        registration = existing
        fill_details(registration, applicant, email)
        # A new start: the old answer to "Still coming?" and any old offer are not this one's.
        registration.reconfirm_asked_at = registration.reconfirmed_at = None
        registration.reconfirmation = None
        registration.offer_expires_at = None
        record_verdict(registration, verdict)  # by hand: an organizer's choice, not the engine's
        if by_hand:
            registration.added_by_organizer = True
        else:
            registration.created_at = now
    else:
        registration = new_registration(
            event, applicant, email, now, verdict=verdict, added_by_organizer=by_hand
        )
    capacity = event.capacity
    _place(session, event, registration, verdict, now, when_full if by_hand else None)
    if existing is None:  # stored once placed: one INSERT with where it stands
        store_registration(session, registration, secret_key=secret_key)
    if notify:
        outbox.enqueue(
            session, registration.status.value, registration,
            calendar=lifecycle.calendar_method(before, registration.status),
        )
    if by_hand:
        audit.record(session, actor, "registration.added", now, event_id=event.id,
                     registration_id=registration.id,
                     detail=_placed(registration, capacity, event.capacity))
    return Admission(registration)


def _place(
    session: Session,
    event: Event,
    registration: Registration,
    verdict: eligibility.Verdict | None,
    now: datetime,
    when_full: seating.FullRoom | None = None,
) -> None:
    """Decide an admission under the lock: declined, to review, or a seat or the waiting list.

    No verdict (added by hand) goes straight to a seat or the waiting list, or, in a full room,
    to what the organizer chose (``when_full``).
    """
    if verdict is not None and verdict.outcome == eligibility.Outcome.INELIGIBLE:
        registration.status = S.DECLINED
        registration.status_reason = DIRECTOR_PLUS
    elif verdict is not None and (
        verdict.outcome == eligibility.Outcome.REVIEW
        or event.approval_mode == ApprovalMode.REVIEW_ALL
    ):
        registration.status = S.PENDING_REVIEW
    elif verdict is not None and attendance.needs_review_for_no_shows(
        session, event, registration.email or "", now
    ):
        registration.status = S.PENDING_REVIEW
        registration.status_reason = NO_SHOW_REVIEW
    else:
        seating.allocate(session, event, registration, now, when_full or seating.FullRoom.WAIT)
    session.flush()


def _placed(registration: Registration, capacity_before: int, capacity: int) -> str:
    """Describe where an addition by hand went, for the audit log."""
    if not lifecycle.holds_seat(registration):
        return "the waiting list"
    if registration.over_capacity:
        return f"a seat over the capacity of {capacity} (the room was full)"
    if capacity != capacity_before:
        return f"a seat; the room was full, so the capacity was raised from " \
               f"{capacity_before} to {capacity}"
    return "a seat"


# The stored reasons end with one line naming the policy rules that decided ("rules: I4 I7"), so
# the review card can show them without a new column; rows stored before it have no such line.
RULES_LINE = "rules: "


def stored_reasons(verdict: eligibility.Verdict) -> list[str]:
    """Return what a registration keeps of a verdict: its sentences, then its rule ids."""
    reasons = list(verdict.reasons)
    return [*reasons, RULES_LINE + " ".join(verdict.rules)] if verdict.rules else reasons


def read_reasons(stored: list[str] | None) -> tuple[list[str], tuple[str, ...]]:
    """Return the sentences and the rule ids of stored reasons (older rows: no rule ids)."""
    sentences = [r for r in stored or [] if not r.startswith(RULES_LINE)]
    lines = [r for r in stored or [] if r.startswith(RULES_LINE)]
    rules = tuple(lines[-1][len(RULES_LINE):].split()) if lines else ()
    return sentences, rules


def record_verdict(registration: Registration, verdict: eligibility.Verdict | None) -> None:
    """Keep the engine's outcome, reasons and rule ids on the registration (None: by hand)."""
    registration.eligibility_outcome = verdict.outcome.value if verdict else None
    registration.eligibility_reasons = stored_reasons(verdict) if verdict else []


def new_registration(
    event: Event,
    applicant: Applicant,
    email: str,
    now: datetime,
    *,
    verdict: eligibility.Verdict | None = None,
    added_by_organizer: bool = False,
) -> Registration:
    """Return a new registration awaiting review, with its manage-link salt, not yet stored.

    ``email`` is the normalised address. Seating is the caller's (it holds ``lock_event``),
    then ``store_registration``.
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
    return registration


def store_registration(session: Session, registration: Registration, *, secret_key: str) -> None:
    """Add a new registration, flush it, and keep the hash of its manage-link token."""
    session.add(registration)
    try:
        session.flush()
    except IntegrityError as exc:
        if "email" not in str(exc.orig):  # not the address's unique key: a bug, not a person
            raise
        # The same address raced past the check without the lock.
        raise RegistrationClosed(
            "This address is already registered for this roundtable."
        ) from None
    assert registration.manage_salt is not None
    registration.manage_token_hash = tokens.hash_token(
        tokens.derive(secret_key, registration.id, registration.manage_salt)
    )


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


def registration_of(session: Session, registration_id: int) -> Registration:
    """Return the registration with this id; raise NotFound when there is none."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    return registration


def ensure_changeable(event: Event, now: datetime) -> None:
    """Refuse changes to registrations of an event that has ended."""
    if event.ends_at <= now:
        raise EventEnded("This roundtable has ended, so its registrations can no longer change.")


def _locked(session: Session, registration_id: int) -> tuple[Registration, Event]:
    """Return the registration and its event, holding the event's seat lock."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = seating.lock_event(session, event_id=registration.event_id)
    session.refresh(registration)
    return registration, event


# --- Review decisions ------------------------------------------------------------------------


def approve(
    session: Session, *, actor: int, now: datetime, registration_id: int, note: str = ""
) -> RegistrationStatus:
    """Approve a pending (or declined) signup: a seat if one is free, else the waiting list;
    tell them."""
    registration, event = _locked(session, registration_id)
    ensure_not_cancelled(event)
    if not (lifecycle.can_approve(registration) or lifecycle.can_reconsider(registration)):
        raise InvalidTransition("Only a registration awaiting review can be approved.")
    before = registration.status
    registration.status_reason = None
    status = seating.allocate(session, event, registration, now)
    # A seat: the invitation. The waiting list: the tentative hold from signup is withdrawn (a
    # later promotion sends an invitation with a higher SEQUENCE).
    outbox.enqueue(session, "approved", registration,
                   calendar=lifecycle.calendar_method(before, status),
                   note=note.strip())
    audit.record(session, actor, "registration.approved", now, event_id=event.id,
                 registration_id=registration.id,
                 detail=_placed(registration, event.capacity, event.capacity))
    return status


def decline(
    session: Session, *, actor: int, now: datetime, registration_id: int, note: str = ""
) -> None:
    """Decline a pending signup, with an optional note; their tentative hold is withdrawn."""
    registration, event = _locked(session, registration_id)
    if not lifecycle.can_approve(registration):
        raise InvalidTransition(
            "Only a signup awaiting review can be declined; to take away a seat or a place on "
            "the waiting list, cancel the registration instead."
        )
    seating.release(session, event, registration, now, S.DECLINED)
    registration.status_reason = "Declined by an organizer."
    outbox.enqueue(session, "declined", registration,
                   calendar=lifecycle.calendar_method(S.PENDING_REVIEW, S.DECLINED),
                   note=note.strip())
    audit.record(session, actor, "registration.declined", now, event_id=event.id,
                 registration_id=registration.id, detail=note.strip())


UNDO_WINDOW = timedelta(minutes=5)
DECISIONS = ("registration.approved", "registration.declined")


class UndoExpired(DomainError):
    """The decision is older than the undo window, or no longer the last word."""


def reinstate(session: Session, *, actor: int, now: datetime, registration_id: int) -> None:
    """Put a declined request back in the review queue, silently (no mail, no calendar)."""
    registration, event = _locked(session, registration_id)
    ensure_not_cancelled(event)
    if not lifecycle.can_reconsider(registration):
        raise InvalidTransition("Only a declined request can be reinstated for review.")
    _back_to_review(registration)
    session.flush()
    audit.record(session, actor, "registration.reinstated", now, event_id=event.id,
                 registration_id=registration.id)


def _back_to_review(registration: Registration) -> None:
    registration.status = S.PENDING_REVIEW
    registration.status_reason = None
    registration.queue_position = None
    registration.confirmed_at = None
    registration.over_capacity = False


def undoable_decision(
    session: Session, registration_id: int, actor: int, now: datetime
) -> AuditEntry | None:
    """Return ``actor``'s approval or decline of the registration if it may still be undone.

    It must be the registration's last audited change and younger than ``UNDO_WINDOW``.
    """
    last = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.registration_id == registration_id)
        .order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
        .limit(1)
    )
    if last is None or last.action not in DECISIONS or last.organizer_id != actor:
        return None
    return last if now - last.created_at <= UNDO_WINDOW else None


def undo_decision(session: Session, *, actor: int, now: datetime, registration_id: int) -> None:
    """Undo this organizer's approval or decline of the last five minutes: back to review.

    An approval gives its seat or place back (the waiting list moves up in this transaction).
    A mail about the decision still unsent is withdrawn; one already sent is followed by the
    review mail, with the calendar message ``lifecycle`` names for the change.
    """
    registration, event = _locked(session, registration_id)
    decision = undoable_decision(session, registration.id, actor, now)
    expected = (
        (S.CONFIRMED, S.WAITLISTED) if decision and decision.action == DECISIONS[0]
        else (S.DECLINED,)
    )
    if decision is None or registration.status not in expected:
        raise UndoExpired(
            "This decision can no longer be undone: only your own approval or decline of the "
            f"last {UNDO_WINDOW.seconds // 60} minutes, with nothing changed since, can be."
        )
    before = registration.status
    kind = "approved" if decision.action == DECISIONS[0] else "declined"
    if lifecycle.holds_seat(registration) or lifecycle.is_waiting(registration):
        seating.release(session, event, registration, now, S.PENDING_REVIEW)
    _back_to_review(registration)
    session.flush()
    unsent = session.execute(
        delete(OutboxMessage).where(
            OutboxMessage.registration_id == registration.id,
            OutboxMessage.kind == kind,
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.created_at >= decision.created_at,
        )
    )
    if not getattr(unsent, "rowcount", 0):
        outbox.enqueue(session, "pending_review", registration,
                       calendar=lifecycle.calendar_method(before, S.PENDING_REVIEW))
    audit.record(session, actor, "registration.decision_undone", now, event_id=event.id,
                 registration_id=registration.id,
                 detail=f"{lifecycle.short_label(before)} → "
                        f"{lifecycle.short_label(S.PENDING_REVIEW)}")


# --- The waiting list and the door ------------------------------------------------------------


def move_up(session: Session, *, actor: int, now: datetime, registration_id: int) -> int:
    """Swap a waiting registration with the one just ahead of it; return its new position."""
    registration, event = _locked(session, registration_id)
    if not lifecycle.can_move_up(registration) or registration.queue_position is None:
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
    audit.record(session, actor, "registration.moved_up", now, event_id=event.id,
                 registration_id=registration.id, detail=f"to #{position}")
    return position


def move_to_top(session: Session, *, actor: int, now: datetime, registration_id: int) -> None:
    """Put a waiting registration first on the waiting list; the others keep their order."""
    registration, event = _locked(session, registration_id)
    if not lifecycle.can_move_up(registration):
        raise InvalidTransition("Only someone on the waiting list can be moved to the top.")
    waiting = list(session.scalars(
        select(Registration)
        .where(Registration.event_id == event.id, Registration.status == S.WAITLISTED)
        .order_by(Registration.queue_position, Registration.id)
    ))
    if waiting[0].id == registration.id:
        raise InvalidTransition("This person is already first on the waiting list.")
    order = [registration] + [r for r in waiting if r.id != registration.id]
    # (event_id, queue_position) is unique and checked per statement: park every place on a
    # value no one holds (negative), then number them again from 1.
    for n, row in enumerate(order, start=1):
        row.queue_position = -n
    session.flush()
    for n, row in enumerate(order, start=1):
        row.queue_position = n
    session.flush()
    audit.record(session, actor, "registration.moved_to_top", now, event_id=event.id,
                 registration_id=registration.id, detail="to #1")


def check_in(
    session: Session, *, actor: int, now: datetime, registration_id: int, undo: bool = False
) -> bool:
    """Mark a seat holder as arrived (or undo it); return False when nothing changed."""
    begin_write(session)
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise NotFound("There is no such registration.")
    event = session.get(Event, registration.event_id)
    assert event is not None
    if undo:
        if registration.checked_in_at is None:
            return False
        attendance.mark(registration, event, False, now)
        action = "registration.check_in_undone"
    else:
        if not lifecycle.can_check_in(registration):
            raise InvalidTransition(
                "Only someone with a seat can be checked in. Add them by hand (or approve "
                "them) first."
            )
        if registration.checked_in_at is not None:
            return False
        attendance.mark(registration, event, True, now)
        action = "registration.checked_in"
    audit.record(session, actor, action, now, event_id=registration.event_id,
                 registration_id=registration.id)
    return True


# --- Cancelling, changing, erasing -------------------------------------------------------------


def cancel(
    session: Session, *, actor: int | None, now: datetime, registration_id: int, note: str = ""
) -> bool:
    """Cancel a registration, free its seat for the waiting list, and tell the person.

    The person may cancel until the event ends; an organizer (``actor``) at any time. Returns
    False when it was already cancelled or declined (cancelling twice is harmless).
    """
    registration, event = _locked(session, registration_id)
    by_organizer = actor is not None
    if not by_organizer:
        ensure_changeable(event, now)
    if not lifecycle.can_cancel(registration):
        return False
    before = registration.status
    seating.release(session, event, registration, now)
    outbox.enqueue(session, "cancelled", registration,
                   calendar=lifecycle.calendar_method(before, S.CANCELLED),
                   by_organizer=by_organizer, note=note.strip())
    if actor is not None:
        audit.record(session, actor, "registration.cancelled", now, event_id=event.id,
                     registration_id=registration.id, detail=note.strip())
    return True


def reconfirm(session: Session, *, now: datetime, registration_id: int) -> bool:
    """Answer "Still coming?" with yes: the seat is kept. Returns False when already answered."""
    registration, event = _locked(session, registration_id)
    if registration.reconfirmation == Reconfirmation.YES and lifecycle.holds_seat(registration):
        return False
    if not lifecycle.holds_seat(registration):
        raise InvalidTransition(
            "You no longer hold a seat at this roundtable, so there is nothing to keep."
        )
    if not schedule.answer_open(event, now):
        raise InvalidTransition(
            "The time to answer has passed. Your seat is still yours: if you cannot come, "
            "please cancel so someone waiting can have it."
        )
    registration.reconfirmation = Reconfirmation.YES
    registration.reconfirmed_at = now
    session.flush()
    return True


def release_seat(session: Session, *, now: datetime, registration_id: int) -> bool:
    """Answer "Still coming?" with no: give the seat back to the waiting list at once.

    Returns False when the seat was already given back.
    """
    registration, event = _locked(session, registration_id)
    if registration.reconfirmation == Reconfirmation.RELEASED:
        return False
    if not lifecycle.holds_seat(registration):
        raise InvalidTransition("You hold no seat at this roundtable, so there is none to release.")
    if now >= event.starts_at:
        raise InvalidTransition(
            "The roundtable has already started, so the seat can no longer go to someone else."
        )
    seating.release(session, event, registration, now)
    registration.reconfirmation = Reconfirmation.RELEASED
    registration.reconfirmed_at = now
    outbox.enqueue(session, "cancelled", registration,
                   calendar=lifecycle.calendar_method(S.CONFIRMED, S.CANCELLED),
                   by_organizer=False, note="", released=True)
    return True


def accept_offer(session: Session, *, now: datetime, registration_id: int) -> bool:
    """Take the seat offered: confirmed, with the invitation. Returns False when already taken."""
    registration, event = _locked(session, registration_id)
    if lifecycle.holds_seat(registration):
        return False
    if event.status != EventStatus.PUBLISHED:
        raise InvalidTransition("This roundtable is not taking anyone now, so nothing changed.")
    seating.accept_offer(session, event, registration, now)
    outbox.enqueue(session, "promoted", registration,
                   calendar=lifecycle.calendar_method(S.OFFERED, S.CONFIRMED), accepted=True)
    return True


def decline_offer(session: Session, *, now: datetime, registration_id: int) -> bool:
    """Turn down a seat offered: the registration is cancelled and the seat passes on at once.

    Returns False when there was no offer to turn down.
    """
    registration, event = _locked(session, registration_id)
    if not lifecycle.is_offered(registration):
        if lifecycle.holds_seat(registration):
            raise InvalidTransition(
                "You accepted this seat already. If you cannot come after all, please cancel "
                "your registration below."
            )
        return False
    return cancel(session, actor=None, now=now, registration_id=registration_id)


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
    *,
    actor: int | None,
    now: datetime,
    registration_id: int,
    changes: DetailChanges,
) -> RegistrationStatus:
    """Apply a registrant's changes; a new title or level re-runs eligibility.

    A title that now needs review gives up any seat and waits for an organizer; one that no
    longer qualifies is declined. The seat goes to the waiting list at once. Returns the status.
    """
    registration, event = _locked(session, registration_id)
    ensure_changeable(event, now)
    if not lifecycle.can_edit(registration):
        raise InvalidTransition("This registration is cancelled, so it cannot be changed.")
    reassess = reassessment_needed(registration, changes)
    old_company_key = registration.company_key
    old_title, old_level = registration.job_title or "", registration.seniority
    old_outcome = registration.eligibility_outcome
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
    audit.record(session, actor, "registration.details_changed", now, event_id=event.id,
                 registration_id=registration.id,
                 detail=_changes_detail(old_title, old_level, old_outcome, registration, verdict))
    record_verdict(registration, verdict)
    before = registration.status
    after = _status_after_edit(before, verdict)
    if after != before and registration.status in lifecycle.TAKES_SEAT or (
        after == S.DECLINED and before != S.DECLINED
    ):
        seating.release(session, event, registration, now, after)
    registration.status = after
    if after == S.DECLINED and before != S.DECLINED:
        registration.status_reason = DIRECTOR_PLUS
    if after == S.PENDING_REVIEW:
        registration.queue_position = None
    session.flush()
    if registration.status != before:
        # The mail says plainly what the edit did, above all when it cost a seat or a place.
        outbox.enqueue(session, f"{registration.status.value}_after_edit", registration,
                       calendar=lifecycle.calendar_method(before, registration.status),
                       previous_status=before.value)
    if registration.company_key != old_company_key and event.company_cap is not None:
        seating.promote(session, event, now)
    return registration.status


def _changes_detail(
    old_title: str,
    old_level: Seniority | None,
    old_outcome: str | None,
    registration: Registration,
    verdict: eligibility.Verdict,
) -> str:
    """Describe a title or level change for the audit log: each part before → after."""
    def level(value: Seniority | None) -> str:
        return value.label if value is not None else "not given"

    parts = []
    if old_title != (registration.job_title or ""):
        parts.append(f"job title: {old_title or '(none)'} → {registration.job_title or '(none)'}")
    if old_level != registration.seniority:
        parts.append(f"level: {level(old_level)} → {level(registration.seniority)}")
    parts.append(f"engine: {old_outcome or 'none'} → {verdict.outcome.value}")
    return "; ".join(parts)


def _status_after_edit(before: RegistrationStatus, verdict: eligibility.Verdict
                       ) -> RegistrationStatus:
    """Return the state a new title or level leads to (the one rule both preview and save use)."""
    if verdict.outcome == eligibility.Outcome.INELIGIBLE:
        return S.DECLINED
    if verdict.outcome == eligibility.Outcome.REVIEW or before in (S.DECLINED, S.PENDING_REVIEW):
        return S.PENDING_REVIEW
    return before


def preview_details(
    registration: Registration, event: Event, changes: DetailChanges
) -> RegistrationStatus:
    """Return the state saving ``changes`` would leave the registration in; change nothing."""
    if not reassessment_needed(registration, changes):
        return registration.status
    verdict = eligibility.assess(changes.job_title, changes.seniority, event.minimum_level)
    return _status_after_edit(registration.status, verdict)


def erase(session: Session, *, actor: int | None, now: datetime, registration_id: int) -> None:
    """Remove a registration's personal data at once, freeing any seat as a cancel does.

    What stays is an anonymous row (status, level, timestamps) for the organizer's figures.
    Messages still waiting in the outbox for this person are deleted with the data.
    """
    registration, event = _locked(session, registration_id)
    if lifecycle.is_active(registration):
        seating.release(session, event, registration, now)
    _strip_personal_data(session, registration, now)


def _strip_personal_data(session: Session, registration: Registration, now: datetime) -> None:
    session.execute(delete(OutboxMessage).where(OutboxMessage.registration_id == registration.id))
    if registration.email_key is not None:  # the signups that led here hold the same data
        session.execute(delete(SignupRequest).where(
            SignupRequest.event_id == registration.event_id,
            SignupRequest.email_key == registration.email_key,
        ))
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


def purge(session: Session, *, now: datetime, ended_before: datetime) -> list[str]:
    """Erase the personal data of every registration of events that ended before a date.

    Returns the erased registrations' addresses, one per registration, so the caller can remove
    copies of their mail kept outside the database.
    """
    begin_write(session)
    rows = session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Event.ends_at < ended_before, Registration.erased_at.is_(None))
    ).all()
    addresses = [registration.email or "" for registration in rows]
    for registration in rows:
        _strip_personal_data(session, registration, now)
    return addresses


def send_links(session: Session, *, now: datetime, email: str) -> int:
    """Email the private link of every current registration of ``email``; return how many."""
    try:
        address = normalise_email(email)
    except InvalidEmail:
        return 0
    begin_write(session)
    rows = session.scalars(
        select(Registration)
        .join(Event, Event.id == Registration.event_id)
        .where(Registration.email_key == address_key(address), Event.ends_at > now)
    ).all()
    for registration in rows:
        outbox.enqueue(session, "manage_link", registration)
    return len(rows)
