"""Organizers' events: the list, create, edit, publish, cancel, the dashboard, the audit log."""

from __future__ import annotations

from flask import (
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from roundtable.domain import audit, events, reports
from roundtable.domain.errors import DomainError
from roundtable.domain.models import (
    Event,
    utcnow,
)
from roundtable.extensions import db
from roundtable.web.forms import ActionForm, EventForm, NoteForm
from roundtable.web.organizer.base import act, bp, form_error, here, organizer_id, page
from roundtable.web.transaction import writing


@bp.get("/")
def list_events() -> str:
    """List every roundtable with its registrations per status, and the review queue's size."""
    now = utcnow()
    return render_template(
        "organizer/events.html",
        summaries=reports.event_summaries(db.session(), now),
        pending=reports.pending_count(db.session(), now),
        now=now,
    )


@bp.route("/events/new", methods=["GET", "POST"])
def create_event() -> Response | tuple[str, int]:
    """Create a draft roundtable."""
    form = EventForm(data=None if request.method == "POST" else {
        "timezone": current_app.config["DEFAULT_TIMEZONE"], "capacity": 20,
        "minimum_level": "director", "format": "online", "approval_mode": "auto",
        "confirm_email": True,
    })
    if form.validate_on_submit():
        try:
            with writing():
                event = events.create_event(db.session(), actor=organizer_id(), now=utcnow(),
                                            details=form.details())
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash("The roundtable is saved as a draft. Publish it when it is ready.", "success")
            return redirect(url_for("organizer.show_event", event_id=event.id), code=303)
    return page("organizer/event_form.html", form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int) -> Response | tuple[str, int]:
    """Edit a roundtable; moved times or places send updated invitations."""
    event = db.get_or_404(Event, event_id)
    form = EventForm(data=None if request.method == "POST" else
                     EventForm.data_of(events.details_of(event)))
    if form.validate_on_submit():
        try:
            with writing():
                update = events.update_event(db.session(), actor=organizer_id(), now=utcnow(),
                                             event_id=event_id, details=form.details())
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(_update_message(update), "success")
            return redirect(url_for("organizer.show_event", event_id=event_id), code=303)
    return page("organizer/event_form.html", form, event=event)


def _update_message(update: events.EventUpdate) -> str:
    parts = ["Your changes are saved."]
    if update.notified:
        parts.append(f"{update.notified} attendees and applicants will get an updated "
                     f"invitation ({', '.join(update.changes)}).")
    if update.promoted:
        parts.append(f"{update.promoted} people moved from the waiting list to a seat.")
    return " ".join(parts)


@bp.get("/events/<int:event_id>")
def show_event(event_id: int) -> str:
    """Show an event's dashboard: figures, charts and the actions on it."""
    event = db.get_or_404(Event, event_id)
    return render_template(
        "organizer/event.html",
        event=event,
        board=reports.dashboard(db.session(), event, utcnow()),
        action_form=ActionForm(return_to=here()),
    )


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int) -> Response:
    """Publish a draft: it appears on the site and takes registrations."""

    def publish() -> str:
        events.set_published(db.session(), actor=organizer_id(), now=utcnow(),
                             event_id=event_id, publish=True)
        return "The roundtable is published."

    return act(publish, ActionForm(), url_for("organizer.show_event", event_id=event_id))


@bp.post("/events/<int:event_id>/unpublish")
def unpublish_event(event_id: int) -> Response:
    """Take a roundtable off the site; registrations stay."""

    def unpublish() -> str:
        events.set_published(db.session(), actor=organizer_id(), now=utcnow(),
                             event_id=event_id, publish=False)
        return "The roundtable is back to draft: it no longer appears on the site."

    return act(unpublish, ActionForm(), url_for("organizer.show_event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel_event(event_id: int) -> Response | tuple[str, int]:
    """Ask for confirmation (and an optional note), then cancel the roundtable."""
    event = db.get_or_404(Event, event_id)
    form = NoteForm()

    def cancel() -> str:
        told = events.cancel_event(db.session(), actor=organizer_id(), now=utcnow(),
                                   event_id=event_id, note=form.note.data or "")
        return f"The roundtable is cancelled. {told} registered people will be told."

    if request.method == "POST":
        return act(cancel, form, url_for("organizer.show_event", event_id=event_id))
    return page("organizer/cancel_event.html", form, event=event,
                 counts=reports.status_counts(db.session(), [event.id])[event.id])


@bp.get("/events/<int:event_id>/audit")
def show_audit(event_id: int) -> str:
    """Show who did what to this roundtable, and when."""
    event = db.get_or_404(Event, event_id)
    return render_template("organizer/audit.html", event=event,
                           lines=audit.audit_log(db.session(), event.id))
