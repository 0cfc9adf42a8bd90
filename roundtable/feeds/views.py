"""Calendar files: one event's public .ics and the subscribable feed of all published events."""

from __future__ import annotations

from flask import Blueprint, Response, current_app

from roundtable import events, invites
from roundtable.extensions import db
from roundtable.models import utcnow

bp = Blueprint("feeds", __name__)


def ics_response(body: bytes, filename: str) -> Response:
    """Return calendar data with the content type and file name calendar clients expect."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/events/<slug>.ics")
def download_event(slug: str) -> Response:
    """Return the public calendar file of one published or cancelled event."""
    event = events.by_slug(db.session, slug)
    body = invites.public_calendar(
        [event],
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        now=utcnow(),
        name=event.title,
    )
    return ics_response(body, f"{event.slug}.ics")


@bp.get("/calendar.ics")
def subscribe_feed() -> Response:
    """Return the feed of all upcoming published roundtables (webcal-friendly)."""
    body = invites.public_calendar(
        [item.event for item in events.upcoming(db.session, utcnow())],
        base_url=current_app.config["BASE_URL"].rstrip("/"),
        now=utcnow(),
        name="Roundtable: upcoming roundtables",
    )
    return ics_response(body, "roundtable.ics")
