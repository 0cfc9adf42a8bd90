"""The organizer console under /organizer/: one blueprint, its views grouped by area."""

from __future__ import annotations

from roundtable.web.organizer import attendees, auth, events, mail, review
from roundtable.web.organizer.base import bp, load_organizer

__all__ = ["attendees", "auth", "bp", "events", "load_organizer", "mail", "review"]
