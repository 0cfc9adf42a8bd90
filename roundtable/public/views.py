"""Public pages: the list of upcoming roundtables and one roundtable's page."""

from __future__ import annotations

from flask import Blueprint, render_template

from roundtable import events
from roundtable.extensions import db
from roundtable.models import utcnow

bp = Blueprint("public", __name__)


@bp.get("/")
def list_events() -> str:
    """Show the upcoming published roundtables, soonest first."""
    return render_template("public/index.html", listings=events.upcoming(db.session, utcnow()))


@bp.get("/events/<slug>")
def show_event(slug: str) -> str:
    """Show one roundtable, marked as past or cancelled where it is."""
    event = events.by_slug(db.session, slug)
    now = utcnow()
    return render_template(
        "public/event.html",
        listing=events.listing(db.session, event),
        is_past=events.is_past(event, now),
        is_open=events.is_open_for_registration(event, now),
    )
