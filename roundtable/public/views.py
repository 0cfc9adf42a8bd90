"""Public pages: the list of upcoming roundtables and one roundtable's page."""

from __future__ import annotations

from flask import Blueprint, render_template, url_for

from roundtable import events, invites
from roundtable.extensions import db
from roundtable.models import Event, EventFormat, utcnow
from roundtable.signup.forms import SignupForm

bp = Blueprint("public", __name__)


@bp.get("/")
def list_events() -> str:
    """Show the upcoming published roundtables, soonest first."""
    return render_template("public/index.html", listings=events.upcoming(db.session, utcnow()))


@bp.get("/healthz")
def check_health() -> tuple[str, int, dict[str, str]]:
    """Answer a load balancer's liveness probe (also the benchmark's baseline endpoint)."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/events/<slug>")
def show_event(slug: str) -> str:
    """Show one roundtable, marked as past or cancelled where it is."""
    event = events.by_slug(db.session, slug)
    return render_template(
        "public/event.html", **events.page_context(db.session, event, utcnow()), form=SignupForm()
    )


def public_calendar_links(event: Event) -> dict[str, str]:
    """Return the add-to-calendar links of the public event (no private join details)."""
    page = url_for("public.show_event", slug=event.slug, _external=True)
    where = event.location if event.format == EventFormat.IN_PERSON else "Online"
    details = f"{event.summary}\n\nDetails: {page}"
    return {
        "google": invites.google_calendar_url(event, details, where or ""),
        "outlook": invites.outlook_calendar_url(event, details, where or ""),
    }


@bp.app_context_processor
def calendar_helpers() -> dict[str, object]:
    return {"public_calendar_links": public_calendar_links}
