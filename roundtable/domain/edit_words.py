"""How an edit of a roundtable reads in the audit log: in words, times in the event's zone.

Entries written before this module stored raw lines ("starts_at: 2030-06-05T16:00+00:00 →
2030-06-05T17:00+00:00"); ``readable`` turns those into the same words when they are shown.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import Enum
from zoneinfo import ZoneInfo

from roundtable.domain import zones
from roundtable.domain.models import ApprovalMode, EventFormat
from roundtable.domain.seniority import Seniority

# What each field is called in a sentence; times and long texts are told their own way.
NAMES = {
    "title": "title",
    "slug": "address name",
    "host": "host",
    "format": "format",
    "timezone": "time zone",
    "capacity": "capacity",
    "location": "place",
    "join_url": "join link",
    "company_cap": "seats per company",
    "minimum_level": "minimum level",
    "approval_mode": "approval",
    "confirm_email": "address confirmation by email",
    "contact_email": "contact email",
    "reminder_hours": "reminder",
    "reconfirm_hours": "“Still coming?” question",
    "reconfirm_deadline_hours": "answer deadline",
    "release_unanswered": "unanswered seats",
    "offer_window_hours": "last-minute offers",
    "offer_hours": "time to accept an offer",
    "review_no_shows": "review after two no-shows",
}
# Settings in hours before the start; 0 turns the step off.
HOURS_BEFORE = {"reminder_hours", "reconfirm_hours", "reconfirm_deadline_hours",
                "offer_window_hours"}
TIMES = {"starts_at": "the start", "ends_at": "the end",
         "registration_deadline": "the registration deadline"}
TEXTS = {"summary": "the summary", "description": "the description"}
ENUMS: dict[str, type[Enum]] = {"format": EventFormat, "approval_mode": ApprovalMode,
                                "minimum_level": Seniority}
ENUM_WORDS: dict[object, str] = {
    EventFormat.ONLINE: "online",
    EventFormat.IN_PERSON: "in person",
    ApprovalMode.AUTO: "automatic for eligible leaders",
    ApprovalMode.REVIEW_ALL: "an organizer reviews every signup",
}


def when(instant: datetime, zone: str) -> str:
    """Return an instant as a short wall time in ``zone``, as the console writes it: "Tue 5 Jun
    14:00"."""
    local = instant.astimezone(ZoneInfo(zone))
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def zone_time(zone: str) -> str:
    """Return how a zone's wall times are named: "New York time", "UTC"."""
    return zones.UTC_NAME if zone == zones.UTC_NAME else f"{zones.city(zone)} time"


def _value(name: str, value: object) -> str:
    if name in HOURS_BEFORE:
        return "off" if value is None or value == 0 else f"{value} hours before the start"
    if name == "offer_hours":
        return f"{value} hours"
    if name == "release_unanswered":
        return "released to the waiting list" if value else "kept"
    if value is None or value == "":
        return "none" if name != "company_cap" else "no limit"
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, Seniority):
        return value.label
    if isinstance(value, Enum):
        return ENUM_WORDS.get(value, str(value.value).replace("_", " "))
    if name == "timezone":
        return zones.place_label(str(value))
    if name in ("capacity", "company_cap"):
        return str(value)
    return f"“{value}”"


def line(name: str, old: object, new: object, zone: str) -> str:
    """Describe one edited field in words, times in ``zone`` (the event's zone after the edit)."""
    if name in TEXTS:
        return f"changed {TEXTS[name]}"
    if name in TIMES:
        what = TIMES[name]
        if not isinstance(old, datetime):
            return f"set {what} to {when(new, zone)} {zone_time(zone)}" if isinstance(
                new, datetime) else f"removed {what}"
        if not isinstance(new, datetime):
            return f"removed {what} (was {when(old, zone)} {zone_time(zone)})"
        return f"moved {what} from {when(old, zone)} to {when(new, zone)} {zone_time(zone)}"
    return f"{NAMES.get(name, name.replace('_', ' '))}: {_value(name, old)} → {_value(name, new)}"


_OLD_LINE = re.compile(r"^([a-z_]+): (.*) → (.*)$", re.DOTALL)


def _parse(name: str, raw: str) -> object:
    """Return a value as the old raw lines wrote it (ISO instants, enum values, None)."""
    if raw == "None":
        return None
    if name in TIMES:
        return datetime.fromisoformat(raw)
    if name in ENUMS:
        return ENUMS[name](raw)
    if name == "confirm_email":
        return raw == "True"
    return raw


def readable(detail: str, zone: str) -> str:
    """Return an event edit's audit detail in words; old raw lines are rewritten, words kept."""
    parts = []
    for part in detail.split("; "):
        match = _OLD_LINE.match(part)
        if part in TEXTS:
            part = line(part, None, None, zone)
        elif match and (match[1] in TIMES or match[1] in NAMES):
            try:
                part = line(match[1], _parse(match[1], match[2]),
                            _parse(match[1], match[3]), zone)
            except ValueError:
                pass  # not an old raw line after all: keep it as written
        parts.append(part)
    return "; ".join(parts)
