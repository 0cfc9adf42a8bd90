"""A registration's life: its states, the moves allowed between them, what each state permits.

This module is the one place that answers "may this person cancel?", "does this hold a seat?",
"what do we call this state?" and "which calendar message does this change send?". Pages, mail
templates, calendar files and the domain's own operations ask it; nothing compares status
strings.

    (new) ──admit──▶ confirmed | waitlisted | pending_review | declined
    pending_review ──approve──▶ confirmed | waitlisted      ──decline──▶ declined
    declined ──approve──▶ confirmed | waitlisted             ──reinstate──▶ pending_review
    confirmed | waitlisted | declined ──undo a decision (5 minutes)──▶ pending_review
    waitlisted ──promote──▶ confirmed
    waitlisted ──offer (a seat freed in the final window)──▶ offered
    offered ──accept──▶ confirmed        ──lapse (not accepted in time)──▶ waitlisted (at the end)
    confirmed ──release (answering "Still coming?", or not answering at a releasing event)──▶
                                                                                  cancelled
    confirmed | waitlisted | offered | pending_review ──cancel──▶ cancelled
    confirmed | waitlisted | offered | pending_review | declined
                                     ──edit (title or level)──▶ pending_review | declined
    cancelled | declined ──admit again (sign up again, add by hand)──▶ any state admit gives
"""

from __future__ import annotations

from datetime import datetime

from roundtable.domain.models import (
    Attendance,
    Event,
    EventStatus,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)

S = RegistrationStatus

# Every state a registration may move to from another (None: the registration is new).
TRANSITIONS: dict[S | None, frozenset[S]] = {
    None: frozenset({S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW, S.DECLINED}),
    S.PENDING_REVIEW: frozenset({S.CONFIRMED, S.WAITLISTED, S.DECLINED, S.CANCELLED}),
    S.WAITLISTED: frozenset({S.CONFIRMED, S.OFFERED, S.PENDING_REVIEW, S.DECLINED,
                             S.CANCELLED}),
    S.OFFERED: frozenset({S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW, S.DECLINED,
                          S.CANCELLED}),
    S.CONFIRMED: frozenset({S.PENDING_REVIEW, S.DECLINED, S.CANCELLED}),
    S.DECLINED: frozenset({S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW}),
    S.CANCELLED: frozenset({S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW, S.DECLINED}),
}

# What the person reads about their own registration.
LABELS = {
    S.CONFIRMED: "Confirmed: you have a seat",
    S.WAITLISTED: "On the waiting list",
    S.PENDING_REVIEW: "Awaiting an organizer's review",
    S.DECLINED: "Not accepted",
    S.CANCELLED: "Cancelled",
    S.OFFERED: "A seat is offered to you",
}

# What an organizer's lists call each state, and the colour of its badge.
SHORT_LABELS = {
    S.CONFIRMED: "Confirmed",
    S.WAITLISTED: "Waiting list",
    S.PENDING_REVIEW: "To review",
    S.DECLINED: "Declined",
    S.CANCELLED: "Cancelled",
    S.OFFERED: "Offered a seat",
}
TONES = {
    S.CONFIRMED: "success",
    S.WAITLISTED: "warning",
    S.PENDING_REVIEW: "info",
    S.DECLINED: "secondary",
    S.CANCELLED: "secondary",
    S.OFFERED: "primary",
}

# States in which the person is still in the running for a seat (or has one).
ACTIVE = (S.CONFIRMED, S.WAITLISTED, S.OFFERED, S.PENDING_REVIEW)
# States that take a seat from the room: a seat, or one held for an offer's answer.
TAKES_SEAT = (S.CONFIRMED, S.OFFERED)
# States whose holder has the event in their calendar: an invitation or a tentative hold.
IN_CALENDAR = (S.CONFIRMED, S.PENDING_REVIEW)
# The calendar entry each state holds: an invitation with a seat, a tentative hold in review.
_CALENDAR_ENTRY = {S.CONFIRMED: "REQUEST", S.PENDING_REVIEW: "PUBLISH"}


def allowed(before: S | None, after: S) -> bool:
    """Return True when a registration may move from ``before`` (None: new) to ``after``."""
    return after in TRANSITIONS[before]


def label(status: S) -> str:
    """Return the state as the person reads it, e.g. 'On the waiting list'."""
    return LABELS[status]


def short_label(status: S) -> str:
    """Return the state as an organizer's list names it, e.g. 'To review'."""
    return SHORT_LABELS[status]


def tone(status: S) -> str:
    """Return the colour (a Bootstrap tone) that shows the state."""
    return TONES[status]


def holds_seat(registration: Registration) -> bool:
    """Return True when the registration has a seat."""
    return registration.status == S.CONFIRMED


def is_waiting(registration: Registration) -> bool:
    """Return True when the registration is on the waiting list."""
    return registration.status == S.WAITLISTED


def is_offered(registration: Registration) -> bool:
    """Return True when a seat is held for the person until they accept or the offer lapses."""
    return registration.status == S.OFFERED


def still_coming(registration: Registration) -> str | None:
    """Return the answer to "Still coming?" in words for the console, or None if never asked."""
    if registration.reconfirmation is not None:
        return RECONFIRMATION_WORDS[registration.reconfirmation]
    if registration.reconfirm_asked_at is not None:
        return "no answer yet"
    return None


def attendance_label(registration: Registration) -> str | None:
    """Return whether the person came, in words, once the event is closed (None before)."""
    return ATTENDANCE_WORDS[registration.attendance] if registration.attendance else None


def attended(registration: Registration) -> bool:
    """Return True when the person is recorded as having come."""
    return registration.attendance == Attendance.ATTENDED


RECONFIRMATION_WORDS = {
    Reconfirmation.YES: "yes",
    Reconfirmation.RELEASED: "released their seat",
    Reconfirmation.LAPSED: "no answer by the deadline: seat released",
}
ATTENDANCE_WORDS = {Attendance.ATTENDED: "Attended", Attendance.NO_SHOW: "No-show"}


def in_review(registration: Registration) -> bool:
    """Return True when the registration awaits an organizer's decision."""
    return registration.status == S.PENDING_REVIEW


def is_active(registration: Registration) -> bool:
    """Return True while the person has a seat, waits for one, or awaits review."""
    return registration.status in ACTIVE


def is_declined(registration: Registration) -> bool:
    """Return True when the request was not accepted."""
    return registration.status == S.DECLINED


def is_cancelled(registration: Registration) -> bool:
    """Return True when the registration was cancelled (by the person or an organizer)."""
    return registration.status == S.CANCELLED


def in_calendar(status: S) -> bool:
    """Return True when a holder of ``status`` has the event in their calendar."""
    return status in IN_CALENDAR


def can_cancel(registration: Registration, event: Event | None = None) -> bool:
    """Return True when the registration can still be cancelled (active, event not cancelled)."""
    return is_active(registration) and not (event is not None and event_cancelled(event))


def can_edit(registration: Registration, event: Event | None = None) -> bool:
    """Return True when the person may change their details (not once cancelled, either)."""
    if event is not None and event_cancelled(event):
        return False
    return registration.status != S.CANCELLED


def event_cancelled(event: Event) -> bool:
    """Return True when the organizers cancelled the event."""
    return event.status == EventStatus.CANCELLED


# Where a person stands, as their private page, their mails and their calendar file say it.
STANDINGS = {
    S.CONFIRMED: "seat",
    S.WAITLISTED: "waiting",
    S.PENDING_REVIEW: "review",
    S.DECLINED: "declined",
    S.CANCELLED: "cancelled",
    S.OFFERED: "offered",
}


def standing(registration: Registration, event: Event) -> str:
    """Return where the person stands now: the registration's state, unless the event is off.

    One of ``seat``, ``waiting``, ``offered``, ``review``, ``declined``, ``cancelled`` and
    ``event_cancelled`` (an active registration of an event the organizers cancelled).
    """
    if event_cancelled(event) and is_active(registration):
        return "event_cancelled"
    return STANDINGS[registration.status]


def standing_sentence(registration: Registration, event: Event, position: int | None) -> str:
    """Return where the person stands as the end of a sentence, e.g. 'you have a seat'."""
    return {
        "seat": "you have a seat",
        "waiting": f"you are #{position} on the waiting list" if position
        else "you are on the waiting list",
        "offered": "a seat is offered to you: accept it from your private page",
        "review": "your request is awaiting an organizer's review",
        "declined": "your request was not accepted",
        "cancelled": "your registration is cancelled",
        "event_cancelled": "the roundtable has been cancelled, so nobody holds a seat",
    }[standing(registration, event)]


def waiting_reason(registration: Registration) -> str:
    """Return why a waiting person waits: the room is full, or the reason recorded."""
    return registration.status_reason or "All seats are taken for now."


def calendar_now(registration: Registration, event: Event) -> str:
    """Return the calendar method a file served now carries: what the person's calendar holds.

    A seat: the invitation (REQUEST); a review: the tentative hold (PUBLISH); anything else,
    a cancelled event included: the withdrawal (CANCEL).
    """
    entry = _CALENDAR_ENTRY.get(registration.status)
    return "CANCEL" if entry is None or event_cancelled(event) else entry


def can_approve(registration: Registration) -> bool:
    """Return True when an organizer may approve or decline the registration."""
    return in_review(registration)


def can_reconsider(registration: Registration) -> bool:
    """Return True when an organizer may approve a declined request or put it back in review."""
    return is_declined(registration)


def can_move_up(registration: Registration) -> bool:
    """Return True when an organizer may move the registration up the waiting list."""
    return is_waiting(registration)


def can_check_in(registration: Registration) -> bool:
    """Return True when the person may be checked in at the door (they have a seat)."""
    return holds_seat(registration)


def can_take_up_again(registration: Registration) -> bool:
    """Return True when a new signup or an organizer may take this registration up anew."""
    return registration.status in (S.CANCELLED, S.DECLINED)


def can_sign_up_again(registration: Registration, event: Event, now: datetime) -> bool:
    """Return True when the person cancelled and the event still takes registrations."""
    return (
        is_cancelled(registration)
        and event.status == EventStatus.PUBLISHED
        and now < event.starts_at
    )


def calendar_method(before: S | None, after: S | None, *, refresh: bool = False) -> str | None:
    """Return the calendar message a change from ``before`` to ``after`` sends, or None.

    ``None`` as ``before`` is a new registration; ``None`` as ``after`` is an event that is
    cancelled (it leaves every calendar). A state that holds the event in the calendar sends its
    entry when it is entered (an invitation, REQUEST, for a seat; a tentative hold, PUBLISH, for
    a review), or again with ``refresh`` when the event itself changed; leaving such a state for
    one that holds nothing withdraws it (CANCEL). A REQUEST only ever goes to a seat holder.
    """
    entry = _CALENDAR_ENTRY.get(after) if after is not None else None
    if entry is not None and (before != after or refresh):
        return entry
    if entry is None and before in IN_CALENDAR:
        return "CANCEL"
    return None


def why_declined(registration: Registration, event: Event) -> str | None:
    """Return, for the person, why the eligibility check said no (None: not the check's no).

    The engine's own reasons are for organizers; the person reads what was read and what to
    do if it is wrong.
    """
    if not is_declined(registration) or registration.eligibility_outcome != "ineligible":
        return None
    level = registration.seniority.label.lower() if registration.seniority else "not given"
    return (
        f"From the job title you gave (“{registration.job_title or ''}”) and the level you "
        f"chose ({level}), we read your role as below {event.minimum_level.label.lower()} "
        "level."
    )
