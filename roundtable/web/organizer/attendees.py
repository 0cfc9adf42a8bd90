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

from roundtable.domain import attendance, audit, events, lifecycle, registrations, reports
from roundtable.domain.errors import DomainError
from roundtable.domain.models import (
    Event,
    EventFormat,
    Registration,
    utcnow,
)
from roundtable.extensions import db
from roundtable.web.forms import (
    ActionForm,
    AttendanceFileForm,
    AttendeeForm,
    CloseForm,
    NoteForm,
)
from roundtable.web.organizer.base import (
    act,
    bp,
    form_error,
    here,
    organizer_id,
    page,
    safe_next,
)
from roundtable.web.transaction import writing


@bp.get("/events/<int:event_id>/attendees")
def list_attendees(event_id: int) -> str:
    """List an event's registrations: status tabs with counts, search, sorting, pages."""
    event = db.get_or_404(Event, event_id)
    query = reports.AttendeeQuery.from_args(request.args)
    return render_template(
        "organizer/attendees.html",
        event=event,
        result=reports.attendee_page(db.session(), event.id, query, utcnow()),
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


# The check-in page's words: a door for an in-person roundtable, attendance for an online one.
DOOR_WORDS = {"title": "Check-in", "mark": "Check in", "undo": "Undo", "came": "arrived",
              "marked": "is checked in", "unmarked": "is no longer checked in",
              "already": "was already checked in", "not_yet": "was not checked in"}
ONLINE_WORDS = {"title": "Attendance", "mark": "Mark attended", "undo": "Undo", "came": "attended",
                "marked": "is marked as attended", "unmarked": "is no longer marked as attended",
                "already": "was already marked as attended",
                "not_yet": "was not marked as attended"}
# Once the event is closed, the same buttons correct the record: attended or no-show.
CLOSED_WORDS = {"title": "Attendance", "mark": "Mark attended", "undo": "Mark no-show",
                "came": "attended",
                "marked": "is marked as attended", "already": "was already marked as attended",
                "unmarked": "is a no-show", "not_yet": "was already a no-show"}


def check_in_words(event: Event) -> dict[str, str]:
    """Return the words of the check-in page and its messages for ``event``."""
    words = dict(ONLINE_WORDS if event.format == EventFormat.ONLINE else DOOR_WORDS)
    if event.closed_at is not None:
        words.update(CLOSED_WORDS)
    return words


@bp.get("/events/<int:event_id>/check-in")
def show_check_in(event_id: int) -> tuple[str, int]:
    """The door list (attendance, online): seat holders, a search box, big buttons; closing the
    roundtable and importing the video tool's attendance once it has started."""
    return _check_in_page(db.get_or_404(Event, event_id))


def _check_in_page(event: Event, close_form: CloseForm | None = None,
                   file_form: AttendanceFileForm | None = None) -> tuple[str, int]:
    """Render the check-in page; a refused close or import shows its message with a 400."""
    search = request.args.get("q", "")
    now = utcnow()
    failed = next((form for form in (close_form, file_form) if form and form.errors), None)
    return page(
        "organizer/check_in.html",
        failed,
        event=event,
        door=reports.door_list(db.session(), event.id, search, now),
        search=search,
        action_form=ActionForm(return_to=here()),
        close_form=close_form or CloseForm(formdata=None),
        file_form=file_form or AttendanceFileForm(formdata=None),
        can_close=attendance.can_close(event, now),
        started=events.is_published(event) and event.starts_at <= now,
        words=check_in_words(event),
    )


@bp.post("/events/<int:event_id>/close")
def close_event(event_id: int) -> Response | tuple[str, int]:
    """Close a roundtable that has started: those not marked become no-shows; follow-up mails."""
    event = db.get_or_404(Event, event_id)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            with writing():
                closing = attendance.close_event(db.session(), actor=organizer_id(), now=utcnow(),
                                                 event_id=event_id, note=form.note.data or "")
        except DomainError as exc:
            form_error(form, exc)
        else:
            flash(f"The roundtable is closed: {_people(closing.attended)} attended, "
                  f"{_people(closing.no_shows)} did not come. Attendees get a thank-you, "
                  "the others a “sorry we missed you”.", "success")
            return redirect(url_for("organizer.show_check_in", event_id=event_id), code=303)
    return _check_in_page(event, close_form=form)


@bp.post("/events/<int:event_id>/attendance")
def import_attendance(event_id: int) -> Response | tuple[str, int]:
    """Mark as attended the seat holders listed in the video tool's attendance export."""
    event = db.get_or_404(Event, event_id)
    form = AttendanceFileForm()
    if form.validate_on_submit():
        try:
            with writing():
                result = attendance.import_attendance(
                    db.session(), actor=organizer_id(), now=utcnow(), event_id=event_id,
                    data=form.attendance_file.data.read())
        except DomainError as exc:
            form_error(form, exc)
            form.attendance_file.errors = [*form.attendance_file.errors, *form.form_errors]
            form.form_errors.clear()
        else:
            flash(_import_message(result), "success")
            return redirect(url_for("organizer.show_check_in", event_id=event_id), code=303)
    return _check_in_page(event, file_form=form)


SHOWN_ADDRESSES = 10  # a flashed message lives in the session cookie: a few addresses, a count


def _import_message(result: attendance.ImportResult) -> str:
    """Describe an import plainly: who was marked, who already was, what did not match."""
    parts = [f"Attendance imported: {_people(result.marked)} marked as attended"
             f"{f', {result.already} already marked' if result.already else ''}."]
    missing = result.not_registered
    if missing:
        shown = ", ".join(missing[:SHOWN_ADDRESSES])
        more = len(missing) - SHOWN_ADDRESSES
        parts.append(
            f"{len(missing)} {'address' if len(missing) == 1 else 'addresses'} in the file "
            f"{'has' if len(missing) == 1 else 'have'} no seat here: {shown}"
            + (f" and {more} more." if more > 0 else ".")
        )
    if result.without_address:
        parts.append(f"{result.without_address} "
                     f"{'row has' if result.without_address == 1 else 'rows have'} no address.")
    return " ".join(parts)


def _people(n: int) -> str:
    return f"{n} {'person' if n == 1 else 'people'}"


def _check_in(registration_id: int, undo: bool) -> Response:
    registration = db.get_or_404(Registration, registration_id)
    name, event_id = registration.name or "This person", registration.event_id
    words = check_in_words(db.get_or_404(Event, event_id))

    def check() -> str:
        changed = registrations.check_in(db.session(), actor=organizer_id(), now=utcnow(),
                                         registration_id=registration_id, undo=undo)
        if undo:
            return f"{name} {words['unmarked'] if changed else words['not_yet']}."
        return f"{name} {words['marked'] if changed else words['already']}."

    return act(check, ActionForm(), url_for("organizer.show_check_in", event_id=event_id))


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in_registration(registration_id: int) -> Response:
    """Mark someone as arrived (attended, online)."""
    return _check_in(registration_id, undo=False)


@bp.post("/registrations/<int:registration_id>/undo-check-in")
def undo_check_in(registration_id: int) -> Response:
    """Undo a check-in made by mistake (after closing: mark a no-show)."""
    return _check_in(registration_id, undo=True)
