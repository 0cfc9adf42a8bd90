"""Formatting of times and statuses for pages, mail and exports."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Flask
from markupsafe import Markup, escape

from roundtable.domain import edit_words, events, lifecycle, zones
from roundtable.domain.audit import AuditLine
from roundtable.domain.models import Event, EventFormat
from roundtable.domain.seniority import Seniority

FORMAT_LABELS = {EventFormat.ONLINE: "Online", EventFormat.IN_PERSON: "In person"}

# Every kind of message the outbox carries, as the mail page and the audit log name it.
MESSAGE_KINDS = {
    "confirm_signup": "Please confirm your signup",
    "confirmed": "Seat confirmed",
    "waitlisted": "On the waiting list",
    "pending_review": "Request received, waiting for review",
    "approved": "Request approved",
    "declined": "Request declined",
    "declined_after_edit": "Request no longer qualifies after an edit",
    "pending_review_after_edit": "Request to be reviewed again after an edit",
    "promoted": "Moved from the waiting list to a seat",
    "cancelled": "Registration cancelled",
    "event_changed": "Calendar update",
    "event_cancelled": "Roundtable cancelled",
    "already_registered": "Already registered",
    "manage_link": "Private link sent again",
    "organizer_message": "Message from the organizers",
    "reconfirm": "Still coming?",
    "reminder": "Reminder a day before",
    "reminder_hour": "Join link an hour before",
    "offered": "Seat offered (last minute)",
    "offer_lapsed": "Seat offer lapsed",
    "seat_released": "Seat released (no answer)",
    "thank_you": "Thank you for coming",
    "missed_you": "Sorry we missed you",
}
# What the calendar part of a message does, by its iCalendar method.
CALENDAR_WORDS = {"REQUEST": "calendar invitation", "CANCEL": "calendar cancellation"}


def local(event: Event, instant: datetime) -> datetime:
    """Return ``instant`` in the event's own time zone."""
    return instant.astimezone(ZoneInfo(event.timezone))


def event_when(event: Event) -> str:
    """Return the event's date and time range in its own zone, zone named, e.g. for a list."""
    start, end = local(event, event.starts_at), local(event, event.ends_at)
    day = f"{start:%A} {start.day} {start:%B %Y}"
    if start.date() == end.date():
        times = f"{start:%H:%M}–{end:%H:%M}"
    else:
        times = f"{start:%H:%M} – {end:%A} {end.day} {end:%B} {end:%H:%M}"
    return f"{day}, {times} {start.tzname()} ({event.timezone})"


def moment(event: Event, instant: datetime | None) -> str:
    """Return an instant as the event's zone writes it, e.g. 'Friday 4 December, 18:00 CET'."""
    if instant is None:
        return ""
    when = local(event, instant)
    return f"{when:%A} {when.day} {when:%B}, {when:%H:%M} {when.tzname()}"


def starts_in(event: Event, now: datetime) -> str:
    """Return when the event starts as seen from ``now``: 'today at 18:00', 'tomorrow at ...'."""
    start, today = local(event, event.starts_at), local(event, now)
    days = (start.date() - today.date()).days
    zone = f"{start:%H:%M} {start.tzname()}"
    if days == 0:
        return f"today at {zone}"
    if days == 1:
        return f"tomorrow at {zone}"
    return f"on {start:%A} {start.day} {start:%B} at {zone}"


def offset_label(instant: datetime) -> str:
    """Return an aware time's offset from UTC as people write it: "UTC+1", "UTC−3:30", "UTC+0"."""
    offset = instant.utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "−"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def utc_offset(event: Event) -> str:
    """Return the event's offset from UTC, both of them when the clocks change during it."""
    start, end = (offset_label(local(event, t)) for t in (event.starts_at, event.ends_at))
    return start if start == end else f"{start} → {end}"


def zoned_iso(instant: datetime, event: Event) -> str:
    """Return ``instant`` as ISO 8601 in the event's zone, offset included (for <time>)."""
    return local(event, instant).isoformat(timespec="minutes")


def duration_minutes(event: Event) -> int:
    """Return the event's length in whole minutes."""
    return int((event.ends_at - event.starts_at).total_seconds() // 60)


def paragraphs(text: str | None) -> Markup:
    """Return plain text as escaped HTML paragraphs, split on blank lines."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    # Each block is escaped before the only markup, <p> and <br>, is added.
    html = "".join(f"<p>{escape(b)}</p>".replace("\n", "<br>") for b in blocks)
    return Markup(html)  # nosec B704


def sentence(text: str | None) -> str:
    """Return ``text`` with its first letter in upper case (reasons read as sentences)."""
    text = text or ""
    return text[:1].upper() + text[1:]


def message_kind(kind: str) -> str:
    """Return a kind of message in words ("Seat confirmed"), never its stored name."""
    return MESSAGE_KINDS.get(kind, kind.replace("_", " ").capitalize())


def calendar_part(method: str) -> str:
    """Return what a message's calendar part does, in words."""
    return CALENDAR_WORDS.get(method, "calendar file")


def zone_place(name: str) -> str:
    """Return a zone by city and region: "New York (America)"."""
    return zones.place_label(name)


def audit_detail(line: AuditLine, event: Event) -> str:
    """Return an audit entry's detail in words, old raw edit lines and message kinds included."""
    detail = line.entry.detail or ""
    if line.entry.action == "event.updated":
        return edit_words.readable(detail, event.timezone)
    if line.entry.action == "mail.retried" and detail in MESSAGE_KINDS:
        return MESSAGE_KINDS[detail]
    return detail


def register(app: Flask) -> None:
    """Expose the helpers to templates."""
    app.add_template_filter(event_when, "event_when")
    app.add_template_filter(utc_offset, "utc_offset")
    app.add_template_filter(zoned_iso, "zoned_iso")
    app.add_template_filter(moment, "moment_of")
    app.add_template_filter(duration_minutes, "duration_minutes")
    app.add_template_filter(paragraphs, "paragraphs")
    app.add_template_filter(sentence, "sentence")
    app.add_template_filter(message_kind, "message_kind")
    app.add_template_filter(calendar_part, "calendar_part")
    app.add_template_filter(zone_place, "zone_place")
    app.add_template_filter(edit_words.zone_time, "zone_time")
    app.add_template_filter(audit_detail, "audit_detail")
    app.jinja_env.globals["lifecycle"] = lifecycle
    app.add_template_test(events.is_cancelled, "cancelled_event")
    app.add_template_test(events.is_draft, "draft_event")
    app.add_template_test(events.is_published, "published_event")
    app.add_template_test(events.reviews_every_signup, "reviewed_event")
    app.jinja_env.globals["FORMAT_LABELS"] = FORMAT_LABELS
    app.add_template_filter(lambda v: Seniority(v).label if v else "", "seniority_label")
