"""An event's people: the attendee list, CSV export, adding by hand, cancelling, moving up the
waiting list, and check-in at the door."""

from __future__ import annotations

import functools
import io
from typing import Any

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from roundtable.domain import audit, lifecycle, registrations, reports
from roundtable.domain.errors import DomainError
from roundtable.domain.models import (
    Event,
    Registration,
    utcnow,
)
from roundtable.extensions import db
from roundtable.web.forms import ActionForm, AttendeeForm, NoteForm
from roundtable.web.organizer.base import act, bp, form_error, here, organizer_id, page, safe_next
from roundtable.web.transaction import writing


@bp.get("/events/<int:event_id>/attendees")
def list_attendees(event_id: int) -> str:
    """List an event's registrations: status tabs with counts, search, sorting, pages."""
    event = db.get_or_404(Event, event_id)
    query = reports.AttendeeQuery.from_args(request.args)
    return render_template(
        "organizer/attendees.html",
        event=event,
        result=reports.attendee_page(db.session(), event.id, query),
        action_form=ActionForm(return_to=here()),
        list_url=functools.partial(_attendee_url, event.id, query),
    )


def _attendee_url(event_id: int, query: reports.AttendeeQuery, **changes: object) -> str:
    """Return the attendee list's address with some of its settings changed."""
    args: dict[str, object] = {
        "status": query.status,
        "q": query.search,
        "sort": query.sort,
        "dir": "desc" if query.descending else None,
        "page": query.page,
    }
    args.update(changes)
    defaults = {"status": "all", "q": "", "page": 1}
    kept: dict[str, Any] = {
        k: v for k, v in args.items() if v is not None and defaults.get(k) != v
    }
    return url_for("organizer.list_attendees", event_id=event_id, **kept)


@bp.post("/events/<int:event_id>/attendees.csv")
def export_attendees(event_id: int) -> Response:
    """Download the attendee list as CSV, safe to open in a spreadsheet (logged, so a POST)."""
    if not ActionForm().validate_on_submit():
        abort(400, "The download form has expired; please reload the page and try again.")
    event = db.get_or_404(Event, event_id)
    query = reports.AttendeeQuery.from_args(request.form)  # what the list showed
    # A byte-order mark, so spreadsheet programs read accents as UTF-8.
    buffer = io.StringIO("\ufeff")
    buffer.seek(0, io.SEEK_END)
    reports.write_csv(db.session(), event, buffer, query, local_times=True)
    filename = f"{event.slug}.csv"
    with writing():
        audit.record_export(db.session(), actor=organizer_id(), now=utcnow(), event_id=event_id)
    response = current_app.response_class(
        buffer.getvalue(), content_type="text/csv; charset=utf-8"
    )
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/events/<int:event_id>/attendees/new", methods=["GET", "POST"])
def add_attendee(event_id: int) -> Response | tuple[str, int]:
    """Add a person by hand: no eligibility check, a seat or the waiting list."""
    event = db.get_or_404(Event, event_id)
    form = AttendeeForm()
    if form.validate_on_submit():
        try:
            with writing():
                registration = registrations.admit(
                    db.session(), actor=organizer_id(), now=utcnow(), event_id=event_id,
                    applicant=form.applicant(), secret_key=current_app.config["SECRET_KEY"],
                    notify=bool(form.notify.data), when_full=form.full_room(),
                ).registration
                seated = lifecycle.holds_seat(registration)
                over = registration.over_capacity
                reason = registration.status_reason
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(f"{form.name.data} is added: " + (
                  "they have a seat over the capacity." if over else
                  "they have a seat." if seated else
                  "they are on the waiting list. "
                  + (reason or "The room is full.")), "success")
            return redirect(url_for("organizer.list_attendees", event_id=event_id), code=303)
    return page("organizer/add_attendee.html", form, event=event)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(registration_id: int) -> Response | tuple[str, int]:
    """Ask for confirmation (and an optional note), then cancel: the waiting list moves up."""
    registration = db.get_or_404(Registration, registration_id)
    event_id = registration.event_id
    form = NoteForm(return_to=safe_next(request.args.get("return_to")) or "")

    def cancel() -> str:
        if registrations.cancel(db.session(), actor=organizer_id(), now=utcnow(),
                                registration_id=registration_id, note=form.note.data or ""):
            return "The registration is cancelled; they will be told by email."
        return "This registration was already cancelled or declined; nothing changed."

    if request.method == "POST":
        return act(cancel, form, url_for("organizer.list_attendees", event_id=event_id))
    event = db.get_or_404(Event, event_id)
    return page("organizer/cancel_registration.html", form, event=event,
                 registration=registration)


@bp.post("/registrations/<int:registration_id>/move-up")
def move_up_registration(registration_id: int) -> Response:
    """Move someone one place up the waiting list."""
    event_id = db.get_or_404(Registration, registration_id).event_id

    def move() -> str:
        position = registrations.move_up(db.session(), actor=organizer_id(), now=utcnow(),
                                         registration_id=registration_id)
        return f"Moved up: now #{position} on the waiting list."

    return act(move, ActionForm(), url_for("organizer.list_attendees", event_id=event_id,
                                            status="waitlisted"))


@bp.post("/registrations/<int:registration_id>/move-to-top")
def move_to_top_registration(registration_id: int) -> Response:
    """Put someone first on the waiting list in one step."""
    event_id = db.get_or_404(Registration, registration_id).event_id

    def move() -> str:
        registrations.move_to_top(db.session(), actor=organizer_id(), now=utcnow(),
                                  registration_id=registration_id)
        return "Moved to the top: now #1 on the waiting list."

    return act(move, ActionForm(), url_for("organizer.list_attendees", event_id=event_id,
                                           status="waitlisted"))


@bp.get("/events/<int:event_id>/check-in")
def show_check_in(event_id: int) -> str:
    """The door list: confirmed attendees, a search box and big check-in buttons."""
    event = db.get_or_404(Event, event_id)
    search = request.args.get("q", "")
    return render_template(
        "organizer/check_in.html",
        event=event,
        door=reports.door_list(db.session(), event.id, search),
        search=search,
        action_form=ActionForm(return_to=here()),
    )


def _check_in(registration_id: int, undo: bool) -> Response:
    registration = db.get_or_404(Registration, registration_id)
    name, event_id = registration.name or "This person", registration.event_id

    def check() -> str:
        changed = registrations.check_in(db.session(), actor=organizer_id(), now=utcnow(),
                                         registration_id=registration_id, undo=undo)
        if undo:
            return f"{name} is no longer checked in." if changed else f"{name} was not checked in."
        return f"{name} is checked in." if changed else f"{name} was already checked in."

    return act(check, ActionForm(), url_for("organizer.show_check_in", event_id=event_id))


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in_registration(registration_id: int) -> Response:
    """Mark someone as arrived."""
    return _check_in(registration_id, undo=False)


@bp.post("/registrations/<int:registration_id>/undo-check-in")
def undo_check_in(registration_id: int) -> Response:
    """Undo a check-in made by mistake."""
    return _check_in(registration_id, undo=True)
