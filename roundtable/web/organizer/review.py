"""The review queue: approve or decline borderline signups."""

from __future__ import annotations

from flask import render_template, request, url_for
from werkzeug.wrappers import Response

from roundtable.domain import audit, registrations, reports
from roundtable.domain.models import (
    Registration,
    RegistrationStatus,
    utcnow,
)
from roundtable.extensions import db
from roundtable.web.forms import ActionForm, NoteForm
from roundtable.web.organizer.base import act, bp, organizer_id

UNDO_HINT = " You can undo this for 5 minutes (Undo, on the review page)."


@bp.get("/review")
def list_reviews() -> str:
    """Show the signups awaiting review (of one event, if asked), with one-click decisions."""
    now = utcnow()
    wanted = request.args.get("event", "")
    event_id = int(wanted) if wanted.isdigit() and len(wanted) < 10 else None
    newest_first = request.args.get("sort") == "newest"
    return render_template(
        "organizer/review.html",
        items=reports.review_queue(db.session(), now, event_id=event_id,
                                   newest_first=newest_first),
        event_id=event_id,
        newest_first=newest_first,
        open_events=reports.event_summaries(db.session(), now),
        recent=reports.recent_decisions(db.session(), organizer_id(), now),
        action_labels=audit.ACTIONS,
        now=now,
        form=NoteForm(return_to=request.full_path.rstrip("?")),
    )


@bp.post("/registrations/<int:registration_id>/approve")
def approve_registration(registration_id: int) -> Response:
    """Approve a signup: a seat if one is free, else the waiting list."""
    form = NoteForm()

    def approve() -> str:
        status = registrations.approve(db.session(), actor=organizer_id(), now=utcnow(),
                                       registration_id=registration_id, note=form.note.data or "")
        if status == RegistrationStatus.CONFIRMED:
            return "Approved: they have a seat and will get the invitation." + UNDO_HINT
        registration = db.session.get(Registration, registration_id)
        reason = registration.status_reason if registration else None
        return ("Approved: they are on the waiting list. " + (reason or "The room is full.")
                + UNDO_HINT)

    return act(approve, form, url_for("organizer.list_reviews"))


@bp.post("/registrations/<int:registration_id>/decline")
def decline_registration(registration_id: int) -> Response:
    """Decline a signup, with an optional note in the email."""
    form = NoteForm()

    def decline() -> str:
        registrations.decline(db.session(), actor=organizer_id(), now=utcnow(),
                              registration_id=registration_id, note=form.note.data or "")
        return "Declined: they will be told by email." + UNDO_HINT

    return act(decline, form, url_for("organizer.list_reviews"))


@bp.post("/registrations/<int:registration_id>/undo-decision")
def undo_decision(registration_id: int) -> Response:
    """Undo one's own approval or decline of the last five minutes: back to the queue."""

    def undo() -> str:
        registrations.undo_decision(db.session(), actor=organizer_id(), now=utcnow(),
                                    registration_id=registration_id)
        return "Undone: the request is back in the review queue."

    return act(undo, ActionForm(), url_for("organizer.list_reviews"))


@bp.post("/registrations/<int:registration_id>/reinstate")
def reinstate_registration(registration_id: int) -> Response:
    """Put a declined request back in the review queue, without telling the person."""
    event_id = db.get_or_404(Registration, registration_id).event_id

    def reinstate() -> str:
        registrations.reinstate(db.session(), actor=organizer_id(), now=utcnow(),
                                registration_id=registration_id)
        return "Reinstated for review: the request is back in the review queue. No mail was sent."

    return act(reinstate, ActionForm(),
               url_for("organizer.list_attendees", event_id=event_id))
