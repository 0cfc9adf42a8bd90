"""Composing outbox messages from templates: text, HTML and the calendar part."""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.domain import registrations, schedule, seating, signups, text
from roundtable.domain.models import (
    Event,
    EventFormat,
    EventStatus,
    OutboxMessage,
    Registration,
    SignupRequest,
)
from roundtable.notify import calendar
from roundtable.notify.outbox import CALENDAR_STATUS, Undeliverable
from roundtable.web import display

SUBJECTS = {
    "confirm_signup": "Please confirm your signup: {title}",
    "confirmed": "Your seat is confirmed: {title}",
    "waitlisted": "You are on the waiting list: {title}",
    "pending_review": "We have your request: {title}",
    "approved": "You are in: {title}",
    "declined": "About your request for {title}",
    "declined_after_edit": "Your request no longer qualifies: {title}",
    "pending_review_after_edit": "Your request will be reviewed again: {title}",
    "promoted": "A seat opened up and it is yours: {title}",
    "cancelled": "Your registration is cancelled: {title}",
    "event_changed": "Updated: {title}",
    "event_cancelled": "Cancelled: {title}",
    "already_registered": "Your registration for {title}",
    "manage_link": "Your private link for {title}",
    "organizer_message": "{subject} · {title}",
    "reconfirm": "Still coming? Please answer: {title}",
    "reminder": "Reminder: {title}",
    "reminder_hour": "Starting in an hour: {title}",
    "offered": "A seat is yours if you want it: {title}",
    "offer_lapsed": "The seat offer has lapsed: {title}",
    "seat_released": "Your seat was released: {title}",
    "thank_you": "Thank you for coming: {title}",
    "missed_you": "Sorry we missed you: {title}",
}
# Messages written when they fall due: sent only while still true (schedule.still_due).
SCHEDULED = frozenset({"reconfirm", "reminder", "reminder_hour", "offered"})


def manage_url(registration: Registration) -> str:
    """Return the absolute private manage link of ``registration``."""
    if registration.manage_salt is None:
        raise Undeliverable("the registration was erased")
    token = registrations.manage_token(current_app.config["SECRET_KEY"], registration)
    return f"{current_app.config['BASE_URL'].rstrip('/')}/r/{token}"


def event_url(event: Event) -> str:
    """Return the absolute address of the event's public page."""
    return f"{current_app.config['BASE_URL'].rstrip('/')}/events/{event.slug}"


def calendar_links(event: Event, registration: Registration) -> dict[str, str]:
    """Return the add-to-calendar links of a confirmed attendee."""
    where = event.join_url if event.format == EventFormat.ONLINE else event.location
    details = f"{event.summary}\n\nDetails: {event_url(event)}"
    return {
        "google": calendar.google_calendar_url(event, details, where or ""),
        "outlook": calendar.outlook_calendar_url(event, details, where or ""),
    }


def invite_ics(
    event: Event, registration: Registration, method: str, sequence: int, now: datetime
) -> bytes:
    """Return the personal invitation of ``registration`` with the given method and sequence."""
    sender = _sender()
    organizer = (event.host, event.contact_email) if event.contact_email else (
        sender[0] or event.host, sender[1])
    return calendar.personal_invite(
        event,
        calendar.Invitee(
            registration.name or "", registration.email or "", sequence, event_url(event)
        ),
        method=method,
        status=CALENDAR_STATUS[method],
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        organizer_name=organizer[0],
        organizer_email=organizer[1],
        now=now,
    )


def _sender() -> tuple[str, str]:
    return parseaddr(current_app.config["MAIL_FROM"])


def subject(message: OutboxMessage, registration: Registration, event: Event) -> str:
    """Return the subject of a message: it follows the real outcome, not the kind alone.

    The outcome is the state recorded with the message (the registration may have moved on).
    """
    payload = message.payload or {}
    status = payload.get("status", registration.status.value)
    if message.kind == "approved" and status != "confirmed":
        return f"Approved, you are on the waiting list: {event.title}"
    return SUBJECTS[message.kind].format(title=event.title, subject=payload.get("subject", ""))


def before_after(event: Event, payload: dict[str, Any]) -> list[tuple[str, str, str]]:
    """Return (what, before, after) for each calendar detail an organizer's edit changed."""
    before = payload.get("before") or {}
    if not before:
        return []
    old = Event(
        starts_at=datetime.fromisoformat(before.get("starts_at", event.starts_at.isoformat())),
        ends_at=datetime.fromisoformat(before.get("ends_at", event.ends_at.isoformat())),
        timezone=before.get("timezone", event.timezone),
    )  # a transient copy for formatting, never added to the session
    rows: list[tuple[str, str, str]] = []
    if {"starts_at", "ends_at", "timezone"} & before.keys():
        rows.append(("When", display.event_when(old), display.event_when(event)))
    if "format" in before:
        rows.append(("Format", str(before["format"]).replace("_", " "),
                     event.format.value.replace("_", " ")))
    if "location" in before:
        rows.append(("Where", before["location"] or "(none)", event.location or "(none)"))
    if "join_url" in before:
        rows.append(("Join link", before["join_url"] or "(none)", event.join_url or "(none)"))
    return rows


def confirm_url(event: Event, signup: SignupRequest) -> str:
    """Return the absolute address of a signup's confirmation page."""
    token = signups.confirmation_token(current_app.config["SECRET_KEY"], signup)
    return f"{current_app.config['BASE_URL'].rstrip('/')}/events/{event.slug}/confirm/{token}"


def _envelope(
    message: OutboxMessage, subject: str, now: datetime, event: Event
) -> EmailMessage:
    email = EmailMessage()
    # One line, whatever the title holds: a line break there would end the header early.
    email["Subject"] = text.one_line(subject)
    email["From"] = current_app.config["MAIL_FROM"]
    if event.contact_email:  # a reply reaches the host, not the sending robot
        email["Reply-To"] = formataddr((event.host, event.contact_email))
    email["To"] = message.recipient
    email["Date"] = format_datetime(now)
    # One Message-ID per outbox row, the same on every attempt, so receivers can drop repeats.
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "roundtable.invalid"
    email["Message-ID"] = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{host}>"
    email["Auto-Submitted"] = "auto-generated"
    return email


def _compose_confirmation(session: Session, message: OutboxMessage, now: datetime) -> EmailMessage:
    signup = session.get(SignupRequest, int((message.payload or {}).get("signup_id", 0)))
    if signup is None or message.recipient is None:
        raise Undeliverable("the signup expired or was erased")
    event = session.get(Event, signup.event_id)
    assert event is not None
    context = {
        "event": event,
        "signup": signup,
        "when": display.event_when(event),
        "confirm_url": confirm_url(event, signup),
        "event_url": event_url(event),
    }
    email = _envelope(message, SUBJECTS[message.kind].format(title=event.title), now, event)
    email.set_content(render_template(f"email/{message.kind}.txt", **context))
    email.add_alternative(render_template(f"email/{message.kind}.html", **context), subtype="html")
    return email


def compose(session: Session, message: OutboxMessage, now: datetime) -> EmailMessage:
    """Render an outbox row into an email with text, HTML and (if any) calendar parts."""
    if message.kind == "confirm_signup":
        return _compose_confirmation(session, message, now)
    registration = session.get(Registration, message.registration_id or 0)
    if registration is None or registration.email is None or message.recipient is None:
        raise Undeliverable("the registration was erased")
    event = session.get(Event, registration.event_id)
    assert event is not None
    payload: dict[str, Any] = dict(message.payload or {})
    if message.kind in SCHEDULED and not schedule.still_due(
        message.kind, event, registration, payload.get("revision"), now
    ):
        raise Undeliverable("no longer due: the seat, the time or the deadline moved on")
    context = _context(session, event, registration, payload, manage_url(registration), now)
    email = _envelope(message, subject(message, registration, event), now, event)
    email.set_content(render_template(f"email/{message.kind}.txt", **context))
    email.add_alternative(render_template(f"email/{message.kind}.html", **context), subtype="html")
    method = payload.get("calendar")
    if method:
        ics = invite_ics(event, registration, method, int(payload["sequence"]), now)
        email.add_alternative(
            ics, maintype="text", subtype="calendar", params={"method": method, "charset": "utf-8"}
        )
        email.make_mixed()
        email.add_attachment(ics, maintype="application", subtype="ics", filename="invite.ics")
    return email


def _context(
    session: Session, event: Event, registration: Registration, payload: dict[str, Any],
    private_link: str, now: datetime,
) -> dict[str, Any]:
    following = payload.get("next_slug")
    return {
        "starts_in": display.starts_in(event, now),
        "deadline": display.moment(event, _instant(payload.get("deadline"))),
        "expires": display.moment(event, _instant(payload.get("expires_at"))),
        "next_event": session.scalar(select(Event).where(
            Event.slug == following, Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now))
        if following else None,
        "next_url": f"{current_app.config['BASE_URL'].rstrip('/')}/events/{following}"
        if following else None,
        "event": event,
        "registration": registration,
        "payload": payload,
        "when": display.event_when(event),
        "manage_url": private_link,
        "event_url": event_url(event),
        "position": seating.waitlist_position(session, registration),
        "calendar": payload.get("calendar"),
        "before_after": before_after(event, payload),
        "links": calendar_links(event, registration)
        if payload.get("calendar") == "REQUEST"
        else None,
    }


def _instant(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


PRIVATE_LINK_PLACEHOLDER = "(each person's own private link)"


def preview(
    session: Session, kind: str, registration: Registration, payload: dict[str, Any]
) -> tuple[str, str]:
    """Return the subject and text of a message as ``registration`` would read it.

    The private link is a placeholder: the page that shows the preview shows no one's token.
    """
    event = session.get(Event, registration.event_id)
    assert event is not None
    context = _context(session, event, registration, payload, PRIVATE_LINK_PLACEHOLDER,
                       datetime.now(UTC))
    draft = OutboxMessage(kind=kind, payload=payload)  # transient, never added to the session
    return (text.one_line(subject(draft, registration, event)),
            render_template(f"email/{kind}.txt", **context))
