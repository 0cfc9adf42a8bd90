"""Composing outbox messages from templates: text, HTML and the calendar part."""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from flask import current_app, render_template
from sqlalchemy.orm import Session

from roundtable.domain import registrations, seating, text
from roundtable.domain.models import Event, EventFormat, OutboxMessage, Registration
from roundtable.notify import calendar
from roundtable.notify.outbox import CALENDAR_STATUS, Undeliverable
from roundtable.web import display

SUBJECTS = {
    "confirmed": "Your seat is confirmed: {title}",
    "waitlisted": "You are on the waiting list: {title}",
    "pending_review": "We have your request: {title}",
    "approved": "You are in: {title}",
    "declined": "About your request for {title}",
    "promoted": "A seat opened up and it is yours: {title}",
    "cancelled": "Your registration is cancelled: {title}",
    "event_changed": "Updated: {title}",
    "event_cancelled": "Cancelled: {title}",
    "already_registered": "Your registration for {title}",
    "manage_link": "Your private link for {title}",
}


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
    return calendar.personal_invite(
        event,
        calendar.Invitee(
            registration.name or "", registration.email or "", sequence, event_url(event)
        ),
        method=method,
        status=CALENDAR_STATUS[method],
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        organizer_name=sender[0] or event.host,
        organizer_email=sender[1],
        now=now,
    )


def _sender() -> tuple[str, str]:
    return parseaddr(current_app.config["MAIL_FROM"])


def compose(session: Session, message: OutboxMessage, now: datetime) -> EmailMessage:
    """Render an outbox row into an email with text, HTML and (if any) calendar parts."""
    registration = session.get(Registration, message.registration_id or 0)
    if registration is None or registration.email is None or message.recipient is None:
        raise Undeliverable("the registration was erased")
    event = session.get(Event, registration.event_id)
    assert event is not None
    payload: dict[str, Any] = dict(message.payload or {})
    context = {
        "event": event,
        "registration": registration,
        "payload": payload,
        "when": display.event_when(event),
        "manage_url": manage_url(registration),
        "event_url": event_url(event),
        "position": seating.waitlist_position(session, registration),
        "calendar": payload.get("calendar"),
        "links": calendar_links(event, registration)
        if payload.get("calendar") == "REQUEST"
        else None,
    }
    email = EmailMessage()
    # One line, whatever the title holds: a line break there would end the header early.
    email["Subject"] = text.one_line(SUBJECTS[message.kind].format(title=event.title))
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.recipient
    email["Date"] = format_datetime(now)
    # One Message-ID per outbox row, the same on every attempt, so receivers can drop repeats.
    host = urlsplit(current_app.config["BASE_URL"]).hostname or "roundtable.invalid"
    email["Message-ID"] = f"<outbox-{message.id}.{message.created_at:%Y%m%d%H%M%S}@{host}>"
    email["Auto-Submitted"] = "auto-generated"
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
