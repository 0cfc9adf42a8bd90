"""Calendar files (RFC 5545) and invitations (RFC 5546), built with icalendar. No Flask here.

* The public file of an event and the feed of all events are METHOD:PUBLISH and never carry the
  private join URL.
* A personal invitation uses one UID per event (``<id>.invite@<host>``) for every message to every
  attendee, and a SEQUENCE that only grows: the event's sequence (raised by organizer changes)
  plus the registration's invite revision (raised by each calendar message sent to it).
  REQUEST goes only to people holding a seat; CANCEL withdraws it; a pending applicant's
  "hold the date" is a PUBLISH with STATUS:TENTATIVE under the same UID.
* Times are written with TZID and a VTIMEZONE generated from the IANA database, DTSTAMP in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, vCalAddress, vText
from icalendar import Event as VEvent

from roundtable.domain import text
from roundtable.domain.models import Event, EventFormat

PRODID = "-//Roundtable//Roundtable event registration//EN"


@dataclass(frozen=True)
class Invitee:
    """The attendee's side of a personal invitation."""

    name: str
    email: str
    sequence: int
    event_url: str  # the public page: a calendar entry is seen by others, so no private link


def _host(base_url: str) -> str:
    return urlsplit(base_url).hostname or "roundtable.invalid"


def public_uid(event: Event, base_url: str) -> str:
    """Return the UID of the event in the public file and feed."""
    return f"{event.id}.event@{_host(base_url)}"


def invite_uid(event: Event, base_url: str) -> str:
    """Return the UID shared by every personal invitation to ``event``."""
    return f"{event.id}.invite@{_host(base_url)}"


def _line(value: str) -> vText:
    """Return ``value`` as iCalendar TEXT on one line, whatever characters it holds.

    vText escapes backslashes, semicolons, commas and line feeds; control characters, which
    TEXT may not carry, become spaces. Typing it explicitly matters for X- properties, which
    icalendar would otherwise write unescaped.
    """
    return vText(text.one_line(value).strip())


def _lines(value: str) -> vText:
    """Return multi-line ``value`` as iCalendar TEXT (line breaks escaped, no controls)."""
    return vText(text.plain_lines(value).strip())


def _calendar(method: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", method)
    return cal


def _where(event: Event, join_url: str | None) -> str:
    if event.format == EventFormat.IN_PERSON:
        return event.location or ""
    return join_url or "Online"


def _vevent(event: Event, *, uid: str, now: datetime, url: str) -> VEvent:
    zone = ZoneInfo(event.timezone)
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", now)
    vevent.add("dtstart", event.starts_at.astimezone(zone))
    vevent.add("dtend", event.ends_at.astimezone(zone))
    vevent.add("summary", _line(event.title))
    vevent.add("url", url)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    return vevent


def _finish(cal: Calendar) -> bytes:
    """Add a compact VTIMEZONE per zone used (a year either side of the events) and serialise."""
    starts = [e.DTSTART for e in cal.events]
    if starts:
        first = min(starts).date() - timedelta(days=366)
        last = max(e.DTEND for e in cal.events).date() + timedelta(days=366)
        cal.add_missing_timezones(first_date=first, last_date=last)
    ical: bytes = cal.to_ical()  # icalendar leaves to_ical's return unannotated
    return ical


def public_calendar(events: Iterable[Event], *, base_url: str, now: datetime, name: str) -> bytes:
    """Return a PUBLISH calendar of ``events`` without private details (a file or a feed)."""
    cal = _calendar("PUBLISH")
    cal.add("x-wr-calname", _line(name))
    cal.add("refresh-interval", timedelta(hours=6), parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")
    for event in events:
        page = f"{base_url}/events/{event.slug}"
        vevent = _vevent(event, uid=public_uid(event, base_url), now=now, url=page)
        vevent.add("sequence", event.sequence)
        vevent.add("status", "CANCELLED" if event.status.value == "cancelled" else "CONFIRMED")
        vevent.add("location", _line(_where(event, None)))
        vevent.add("description", _lines(f"{event.summary}\n\nDetails and registration: {page}"))
        cal.add_component(vevent)
    return _finish(cal)


def personal_invite(
    event: Event,
    invitee: Invitee,
    *,
    method: str,
    status: str,
    base_url: str,
    organizer_name: str,
    organizer_email: str,
    now: datetime,
) -> bytes:
    """Return a personal invitation: REQUEST (seat), CANCEL, or PUBLISH (tentative hold)."""
    if method not in ("REQUEST", "CANCEL", "PUBLISH"):
        raise ValueError(f"unsupported iTIP method {method!r}")
    cal = _calendar(method)
    join_url = event.join_url if method == "REQUEST" else None
    vevent = _vevent(event, uid=invite_uid(event, base_url), now=now, url=invitee.event_url)
    vevent.add("sequence", invitee.sequence)
    vevent.add("status", status)
    vevent.add("location", _line(_where(event, join_url)))
    vevent.add("transp", "TRANSPARENT" if method == "CANCEL" else "OPAQUE")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    organizer.params["cn"] = _line(organizer_name)
    vevent.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{invitee.email}")
    attendee.params["cn"] = _line(invitee.name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED" if status == "CONFIRMED" else "NEEDS-ACTION")
    attendee.params["rsvp"] = vText("FALSE")
    vevent.add("attendee", attendee)
    lines = [event.summary]
    if join_url:
        lines.append(f"Join: {join_url}")
    elif event.format == EventFormat.IN_PERSON and event.location:
        lines.append(f"Where: {event.location}")
    lines.append(f"Details: {invitee.event_url} (your private link to change or cancel is in "
                 "the email that brought this invitation)")
    vevent.add("description", _lines("\n\n".join(line for line in lines if line)))
    if method == "REQUEST":
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", _line(f"{event.title} starts in 30 minutes"))
        alarm.add("trigger", timedelta(minutes=-30))
        vevent.add_component(alarm)
    cal.add_component(vevent)
    return _finish(cal)


def _utc_stamp(instant: datetime) -> str:
    return instant.strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(event: Event, details: str, where: str) -> str:
    """Return an "Add to Google Calendar" link for ``event``."""
    query = urlencode(
        {
            "action": "TEMPLATE",
            "text": event.title,
            "dates": f"{_utc_stamp(event.starts_at)}/{_utc_stamp(event.ends_at)}",
            "details": details,
            "location": where,
            "ctz": event.timezone,
        }
    )
    return f"https://calendar.google.com/calendar/render?{query}"


def outlook_calendar_url(event: Event, details: str, where: str) -> str:
    """Return an "Add to Outlook" link for ``event``."""
    query = urlencode(
        {
            "path": "/calendar/action/compose",
            "rru": "addevent",
            "subject": event.title,
            "startdt": event.starts_at.isoformat(),
            "enddt": event.ends_at.isoformat(),
            "body": details,
            "location": where,
        }
    )
    return f"https://outlook.live.com/calendar/0/deeplink/compose?{query}"
