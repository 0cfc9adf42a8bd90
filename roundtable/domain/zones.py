"""Time zones an event may use: the canonical IANA names of real places, and UTC.

The IANA database also carries old names kept for compatibility (``US/Eastern``,
``Asia/Calcutta``), abbreviations that are no place at all (``EST``, ``CET``), fixed offsets
(``Etc/GMT+5``) and system entries (``Factory``, ``localtime``). None of these is accepted: an
event's zone decides its wall times for years, so it must be a place whose rules follow that
place's law. Old names and abbreviations get a suggestion instead. UTC is accepted as itself,
for online events that belong to no place; its other spellings (``Etc/UTC``, ``Zulu``, ``GMT``)
are pointed to it.
"""

from __future__ import annotations

import functools
from datetime import datetime
from importlib import resources
from zoneinfo import ZoneInfo

UTC_NAME = "UTC"

# Abbreviations people type for a zone, with the places they most likely mean (most likely
# first). Abbreviations are ambiguous (CST is Chicago and Shanghai, IST Kolkata, Dublin and
# Jerusalem), so this is a suggestion, never a translation.
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "ET": ("America/New_York",),
    "EST": ("America/New_York", "America/Toronto"),
    "EDT": ("America/New_York", "America/Toronto"),
    "CT": ("America/Chicago",),
    "CST": ("America/Chicago", "America/Mexico_City", "Asia/Shanghai"),
    "CDT": ("America/Chicago",),
    "MT": ("America/Denver",),
    "MST": ("America/Denver", "America/Phoenix"),
    "MDT": ("America/Denver",),
    "PT": ("America/Los_Angeles",),
    "PST": ("America/Los_Angeles", "America/Vancouver"),
    "PDT": ("America/Los_Angeles", "America/Vancouver"),
    "AKST": ("America/Anchorage",),
    "AKDT": ("America/Anchorage",),
    "HST": ("Pacific/Honolulu",),
    "AST": ("America/Halifax", "America/Puerto_Rico"),
    "NST": ("America/St_Johns",),
    "BRT": ("America/Sao_Paulo",),
    "ART": ("America/Argentina/Buenos_Aires",),
    "GMT": ("Europe/London", UTC_NAME),
    "BST": ("Europe/London",),
    "WET": ("Europe/Lisbon",),
    "WEST": ("Europe/Lisbon",),
    "CET": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "CEST": ("Europe/Berlin", "Europe/Paris", "Europe/Madrid"),
    "MET": ("Europe/Berlin", "Europe/Paris"),
    "EET": ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv"),
    "EEST": ("Europe/Athens", "Europe/Helsinki", "Europe/Kyiv"),
    "MSK": ("Europe/Moscow",),
    "IST": ("Asia/Kolkata", "Europe/Dublin", "Asia/Jerusalem"),
    "PKT": ("Asia/Karachi",),
    "SGT": ("Asia/Singapore",),
    "HKT": ("Asia/Hong_Kong",),
    "JST": ("Asia/Tokyo",),
    "KST": ("Asia/Seoul",),
    "AWST": ("Australia/Perth",),
    "ACST": ("Australia/Adelaide", "Australia/Darwin"),
    "AEST": ("Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"),
    "AEDT": ("Australia/Sydney", "Australia/Melbourne"),
    "NZST": ("Pacific/Auckland",),
    "NZDT": ("Pacific/Auckland",),
    "SAST": ("Africa/Johannesburg",),
    "WAT": ("Africa/Lagos",),
    "CAT": ("Africa/Maputo",),
    "EAT": ("Africa/Nairobi",),
    # POSIX-style names, zones of their own in some tzdata releases and links in others.
    "EST5EDT": ("America/New_York",),
    "CST6CDT": ("America/Chicago",),
    "MST7MDT": ("America/Denver",),
    "PST8PDT": ("America/Los_Angeles",),
}


def _tzdata_text(name: str) -> str:
    return (resources.files("tzdata") / "zoneinfo" / name).read_text(encoding="utf-8")


@functools.cache
def canonical_names() -> tuple[str, ...]:
    """Return the zones an event may use, sorted: every place in zone.tab, and UTC."""
    places = {
        line.split("\t")[2]
        for line in _tzdata_text("zone.tab").splitlines()
        if line and not line.startswith("#")
    }
    return tuple(sorted(places | {UTC_NAME}))


@functools.cache
def _canonical_set() -> frozenset[str]:
    return frozenset(canonical_names())


@functools.cache
def _links() -> dict[str, str]:
    """Return the old and alternative names of the IANA database with the zone each names."""
    links: dict[str, str] = {}
    for line in _tzdata_text("tzdata.zi").splitlines():
        if line.startswith("L "):
            _, target, name = line.split()
            links[name] = target
    return links


def is_canonical(name: str) -> bool:
    """Return True when ``name`` is a zone an event may use."""
    return name in _canonical_set()


def suggestions(name: str) -> tuple[str, ...]:
    """Return the canonical zones someone who typed ``name`` most likely meant (maybe none)."""
    wanted = name.strip()
    if is_canonical(wanted):
        return (wanted,)
    by_case = {zone.casefold(): zone for zone in canonical_names()}
    if wanted.casefold() in by_case:
        return (by_case[wanted.casefold()],)
    if wanted.upper() in ABBREVIATIONS:
        return ABBREVIATIONS[wanted.upper()]
    links = {alias.casefold(): target for alias, target in _links().items()}
    target = links.get(wanted.casefold(), wanted)
    if target in ("Etc/UTC", "Etc/GMT"):
        return (UTC_NAME,)
    if is_canonical(target):
        return (target,)
    return _by_abbreviation(wanted.upper())


@functools.cache
def _by_abbreviation(abbreviation: str) -> tuple[str, ...]:
    """Return up to three places that use ``abbreviation`` in winter or summer this decade."""
    if not abbreviation.isalpha() or len(abbreviation) > 6:
        return ()
    found = []
    for zone in canonical_names():
        tz = ZoneInfo(zone)
        if any(datetime(2026, month, 15, tzinfo=tz).tzname() == abbreviation
               for month in (1, 7)):
            found.append(zone)
    return tuple(found[:3])


def unknown_message(name: str) -> str:
    """Return what to tell someone who entered ``name``, which is not a zone an event may use."""
    shown = name.strip()[:64]
    likely = suggestions(name)
    if likely:
        options = likely[0] if len(likely) == 1 else (
            ", ".join(likely[:-1]) + " or " + likely[-1]
        )
        return f"{shown}: did you mean {options}? Please enter the zone of a place."
    return (f"“{shown}” is not a time zone we know. Use the IANA name of a place, such as "
            "Europe/London or America/New_York (or UTC).")


# The zones most roundtables use, listed first in the event form's picker (most common first).
COMMON: tuple[str, ...] = (
    "Europe/London", "America/New_York", "America/Chicago", "America/Denver",
    "America/Los_Angeles", "America/Toronto", "America/Sao_Paulo", "Europe/Paris",
    "Europe/Berlin", "Europe/Madrid", "Asia/Kolkata", "Asia/Singapore", "Asia/Tokyo",
    "Australia/Sydney", UTC_NAME,
)


def city(name: str) -> str:
    """Return the place a zone is named after, in words: "America/New_York" -> "New York"."""
    return name.rsplit("/", 1)[-1].replace("_", " ")


def place_label(name: str) -> str:
    """Return a zone as people read it, by city and region: "New York (America)"."""
    if name == UTC_NAME:
        return "UTC (no place; online only)"
    *regions, _ = name.split("/")
    where = ", ".join(part.replace("_", " ") for part in reversed(regions))
    return f"{city(name)} ({where})" if where else city(name)


def picker() -> list[tuple[str, list[tuple[str, str]]]]:
    """Return the zone picker's groups: the common zones first, then every place by label."""
    every = sorted(canonical_names(), key=lambda zone: place_label(zone).casefold())
    return [
        ("Most used", [(zone, place_label(zone)) for zone in COMMON]),
        ("All places", [(zone, place_label(zone)) for zone in every]),
    ]
