"""Signup: the form's POST and the page that tells a leader where they stand."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, session, url_for
from werkzeug.wrappers import Response

from roundtable import events, registrations, seating
from roundtable.extensions import db, limiter
from roundtable.models import Registration, utcnow
from roundtable.signup.forms import SignupForm

bp = Blueprint("signup", __name__, url_prefix="/events")


def seating_options() -> seating.SeatingOptions:
    """Return the seat-guard settings of the running app."""
    return seating.SeatingOptions(
        locking=current_app.config["SEATING_LOCKS"],
        test_delay_ms=current_app.config["SEATING_TEST_DELAY_MS"],
    )


@bp.post("/<slug>/register")
@limiter.limit("20 per minute")
def submit_signup(slug: str) -> Response | tuple[str, int]:
    """Register the leader, then show where they stand (or the form again with its errors)."""
    form = SignupForm()
    if not form.validate_on_submit():
        event = events.by_slug(db.session, slug)
        return render_template(
            "public/event.html", **events.page_context(db.session, event, utcnow()), form=form
        ), 400
    result = registrations.register(
        db.session,
        slug,
        form.applicant(),
        utcnow(),
        secret_key=current_app.config["SECRET_KEY"],
        options=seating_options(),
    )
    db.session.commit()
    session["signup"] = {"id": result.registration.id, "duplicate": result.duplicate}
    return redirect(url_for("signup.show_outcome", slug=slug), code=303)


@bp.get("/<slug>/registered")
def show_outcome(slug: str) -> Response | str:
    """Say plainly what the signup led to and what happens next."""
    event = events.by_slug(db.session, slug)
    outcome = session.get("signup") or {}
    registration = db.session.get(Registration, outcome.get("id", 0))
    if registration is None or registration.event_id != event.id:
        return redirect(url_for("public.show_event", slug=slug))
    return render_template(
        "signup/outcome.html",
        event=event,
        registration=registration,
        duplicate=outcome.get("duplicate", False),
        position=seating.waitlist_position(db.session, registration),
    )
