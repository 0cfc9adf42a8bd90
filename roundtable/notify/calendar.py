"""Calendar files (RFC 5545) and invitations (RFC 5546), built with icalendar. No Flask here.

* The public file of an event and the feed of all events are METHOD:PUBLISH and never carry the
  private join URL. Their UID (``<id>.event@<host>``) differs from the invitations' on purpose:
  an invitation is the organizer's scheduling object (ORGANIZER, ATTENDEE, REQUEST/CANCEL, a
  SEQUENCE per attendee); a published copy under its UID, with a lower SEQUENCE and no join
  details, would reach clients as a stale or conflicting version of it (README, "Mail and
  calendars"). A registrant is offered only the personal invitation, and the public file tells
  whoever added it before registering that the invitation is their entry.
* A personal invitation uses one UID per event (``<id>.invite@<host>``) for every message to every
  attendee, and a SEQUENCE that only grows: the event's sequence (raised by organizer changes)
  plus the registration's invite revision (raised by each calendar message sent to it).
  REQUEST goes only to people holding a seat; CANCEL withdraws it; a pending applicant's
  "hold the date" is a PUBLISH with STATUS:TENTATIVE under the same UID.
* Times are written with TZID (in UTC where clocks going back make the local time ambiguous)
  and a VTIMEZONE generated here from the IANA database (zoneinfo),
  covering a year either side of the events in that zone; DTSTAMP in UTC. Each observance
  lists every onset of its offset as an RDATE, its DTSTART included, one per line: Thunderbird
  (ical.js) and libical skip a DTSTART that the RDATEs do not repeat, and ical.js reads only the
  first value of an RDATE line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from icalendar import (
    Alarm,
    Calendar,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vText,
)
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


def _wall_clock(instant: datetime, zone: ZoneInfo) -> datetime:
    """Return ``instant`` in the zone's local time, or in UTC where that local time occurs twice.

    When clocks go back, RFC 5545 reads a repeated local time as its first occurrence and ical.js
    as its second; only UTC says which one is meant.
    """
    local = instant.astimezone(zone)
    if local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset():
        return instant.astimezone(UTC)
    return local


def _vevent(event: Event, *, uid: str, now: datetime, url: str) -> VEvent:
    zone = ZoneInfo(event.timezone)
    vevent = VEvent()
    vevent.add("uid", uid)
    vevent.add("dtstamp", now)
    vevent.add("dtstart", _wall_clock(event.starts_at, zone))
    vevent.add("dtend", _wall_clock(event.ends_at, zone))
    vevent.add("summary", _line(event.title))
    vevent.add("url", url)
    vevent.add("created", event.created_at)
    vevent.add("last-modified", event.updated_at)
    return vevent


# --- Time zones ------------------------------------------------------------------------------

_MARGIN = timedelta(days=366)  # a VTIMEZONE covers a year either side of its events
# Offsets are sampled a day apart, then each change is bisected to the second. Since 1970 no
# zone in the IANA database has kept an offset, name or DST flag for less than 166 hours.
_STEP = 86_400


@dataclass(frozen=True)
class _Clock:
    """What a zone's clocks say for a while: UTC offset, the DST part of it, abbreviation."""

    offset: timedelta
    dst: timedelta
    name: str


def _clock(zone: ZoneInfo, instant: int) -> _Clock:
    local = datetime.fromtimestamp(instant, zone)
    return _Clock(local.utcoffset() or timedelta(0), local.dst() or timedelta(0),
                  local.tzname() or "")


def _changes(zone: ZoneInfo, first: date, last: date) -> list[tuple[int, _Clock]]:
    """Return (Unix second, clock from then) at local midnight of ``first`` and each change
    until ``last``."""
    start, end = (int(datetime.combine(day, time(0), zone).timestamp()) for day in (first, last))
    changes = [(start, _clock(zone, start))]
    for sample in range(start + _STEP, end + _STEP, _STEP):
        current = changes[-1][1]
        if _clock(zone, sample) == current:
            continue
        before, after = sample - _STEP, sample  # the current clock at before, another at after
        while after - before > 1:
            middle = (before + after) // 2
            if _clock(zone, middle) == current:
                before = middle
            else:
                after = middle
        changes.append((after, _clock(zone, after)))
    return changes


def _is_daylight(clocks: list[_Clock], index: int) -> bool:
    """Say whether a clock is summer time, as the IANA "rearguard" data and clients see it.

    tzdata marks Irish winter and Moroccan Ramadan time as negative DST; calendar clients expect
    the larger offset to be the DAYLIGHT one, so a clock next to a negative-DST one with a
    smaller offset is DAYLIGHT, and the negative-DST clock itself STANDARD.
    """
    clock = clocks[index]
    if clock.dst != timedelta(0):
        return clock.dst > timedelta(0)
    neighbours = clocks[max(index - 1, 0):index] + clocks[index + 1:index + 2]
    return any(n.dst < timedelta(0) and n.offset < clock.offset for n in neighbours)


def vtimezone(tzid: str, first: date, last: date) -> Timezone:
    """Return a VTIMEZONE for ``tzid`` that is true from ``first`` to ``last`` (local dates).

    One observance per kind of change (offset before, offset after, name, summer or not), with
    DTSTART at its first onset and, when there are several, every onset as an RDATE line.
    """
    changes = _changes(ZoneInfo(tzid), first, last)
    clocks = [clock for _, clock in changes]
    kinds: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = defaultdict(list)
    for index, (onset, clock) in enumerate(changes):
        before = clocks[index - 1].offset if index else clock.offset
        # An onset is written as the wall-clock time of the offset before it (RFC 5545, 3.6.5).
        wall = datetime.fromtimestamp(onset, UTC).replace(tzinfo=None) + before
        kinds[(before, clock.offset, clock.name, _is_daylight(clocks, index))].append(wall)
    component = Timezone()
    component.add("tzid", tzid)
    for (before, after, name, daylight), onsets in kinds.items():
        observance = TimezoneDaylight() if daylight else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        if len(onsets) > 1:
            for wall in onsets:
                observance.add("rdate", wall)
        observance.add("tzname", name)
        observance.add("tzoffsetfrom", before)
        observance.add("tzoffsetto", after)
        component.add_component(observance)
    return component


def _finish(cal: Calendar) -> bytes:
    """Add a VTIMEZONE for each zone used (a year either side of its events) and serialise."""
    spans: dict[str, list[date]] = defaultdict(list)
    for vevent in cal.walk("VEVENT"):
        for name in ("DTSTART", "DTEND"):
            tzid = vevent[name].params.get("TZID")  # absent for times written in UTC
            if tzid:
                spans[tzid].append(vevent.decoded(name).date())
    for tzid, days in sorted(spans.items()):
        cal.add_component(vtimezone(tzid, min(days) - _MARGIN, max(days) + _MARGIN))
    # VTIMEZONEs first, so that a reader meets each zone before the times that use it.
    cal.subcomponents.sort(key=lambda component: component.name != "VTIMEZONE")
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
        vevent.add("description", _lines("\n\n".join(line for line in (
            event.summary,
            f"Details and registration: {page}",
            "Registered? Your personal invitation, sent by email, is your entry for this "
            "roundtable, with the joining details; you can delete this one.",
        ) if line)))
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
