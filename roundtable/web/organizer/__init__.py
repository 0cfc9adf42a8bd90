"""The organizer console: events, attendee lists, the review queue, check-in, export, audit."""

from __future__ import annotations

import functools
import io
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm

from roundtable.domain import console, events, export
from roundtable.domain.errors import CapacityBelowConfirmed, DomainError, NotFound
from roundtable.domain.models import (
    Event,
    Organizer,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
    utcnow,
)
from roundtable.extensions import db, limiter, login_manager
from roundtable.notify import outbox
from roundtable.web import charts, display
from roundtable.web.forms import (
    ActionForm,
    AttendeeForm,
    EventForm,
    LoginForm,
    NoteForm,
)
from roundtable.web.public import seating_options

bp = Blueprint("organizer", __name__, url_prefix="/organizer")

OPEN_ENDPOINTS = {"organizer.log_in"}
LOGIN_FAILED = "That email and password do not match an organizer account."


def load_organizer(organizer_id: str) -> Organizer | None:
    """Return the signed-in organizer for Flask-Login."""
    return console.get_organizer(db.session, organizer_id)


@bp.before_request
def require_organizer() -> Response | None:
    """Send anyone not signed in to the login page, for every console URL but that one."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.method == "GET":
        return login_manager.unauthorized()  # back to this page after signing in
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("organizer.log_in"))  # a POST cannot be replayed by a redirect


@bp.after_request
def keep_out_of_caches(response: Response) -> Response:
    """Keep pages with personal data out of shared and browser caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def console_helpers() -> dict[str, object]:
    return {"charts": charts, "at": at, "csrf_form": ActionForm()}


def at(event: Event, instant: datetime) -> str:
    """Return an instant as a short date and time in the event's zone, e.g. Tue 1 Dec 18:03."""
    local = display.local(event, instant)
    return f"{local:%a} {local.day} {local:%b %H:%M}"


def safe_next(target: str | None) -> str | None:
    """Return ``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or len(target) > 2000 or "\\" in target:
        return None
    if any(ord(c) < 33 or ord(c) == 127 for c in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    return None if parts.scheme or parts.netloc else target


def _organizer_id() -> int:
    return int(current_user.get_id())


def _here() -> str:
    return request.full_path.rstrip("?")


def _act(action: Callable[[], str], form: FlaskForm, default: str) -> Response:
    """Run one console action from a posted form: commit and flash, or flash why not."""
    back = safe_next(getattr(form, "return_to", None) and form.return_to.data) or default
    if not form.validate_on_submit():
        flash(" ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back, code=303)
    try:
        message = action()
    except NotFound:
        raise
    except DomainError as exc:
        db.session.rollback()
        flash(exc.message, "error")
    else:
        db.session.commit()
        flash(message, "success")
    return redirect(back, code=303)


def _form_error(form: FlaskForm, exc: DomainError) -> None:
    """Show a refusal from the domain beside the field it concerns, keeping what was entered."""
    db.session.rollback()
    name = "capacity" if isinstance(exc, CapacityBelowConfirmed) else getattr(exc, "field", None)
    if name and name in form:
        form[name].errors = [*form[name].errors, exc.message]
    else:
        form.form_errors.append(exc.message)


def _page(template: str, form: FlaskForm | None = None, **context: object) -> tuple[str, int]:
    failed = form is not None and bool(form.errors)
    return render_template(template, form=form, **context), 400 if failed else 200


# --- Signing in and out -----------------------------------------------------------------------


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per 15 minutes", methods=["POST"], deduct_when=lambda r: r.status_code != 303)
def log_in() -> Response | tuple[str, int]:
    """Sign an organizer in; a wrong password and an unknown email get the same answer."""
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("organizer.list_events"))
    form = LoginForm(next=target or "")
    if form.validate_on_submit():
        organizer = console.authenticate(
            db.session, form.email.data or "", form.password.data or "", utcnow()
        )
        if organizer is not None:
            db.session.commit()
            session.clear()  # a fresh session at the change of privilege
            login_user(organizer)
            flash("You are signed in.", "success")
            return redirect(safe_next(form.next.data) or url_for("organizer.list_events"), 303)
        db.session.rollback()
        form.form_errors.append(LOGIN_FAILED)
    return _page("organizer/login.html", form)


@bp.post("/logout")
def log_out() -> Response:
    """Sign out and go back to the login page."""
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("organizer.list_events"), code=303)
    logout_user()
    session.clear()
    flash("You are signed out.", "success")
    return redirect(url_for("organizer.log_in"), code=303)


# --- Events -----------------------------------------------------------------------------------


@bp.get("/")
def list_events() -> str:
    """List every roundtable with its registrations per status, and the review queue's size."""
    now = utcnow()
    return render_template(
        "organizer/events.html",
        summaries=console.event_summaries(db.session, now),
        pending=console.pending_count(db.session, now),
        now=now,
    )


@bp.route("/events/new", methods=["GET", "POST"])
def create_event() -> Response | tuple[str, int]:
    """Create a draft roundtable."""
    form = EventForm(data=None if request.method == "POST" else {
        "timezone": current_app.config["DEFAULT_TIMEZONE"], "capacity": 20,
        "minimum_level": "director", "format": "online", "approval_mode": "auto",
    })
    if form.validate_on_submit():
        try:
            event = console.create_event(db.session, _organizer_id(), form.details(), utcnow())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            db.session.commit()
            flash("The roundtable is saved as a draft. Publish it when it is ready.", "success")
            return redirect(url_for("organizer.show_event", event_id=event.id), code=303)
    return _page("organizer/event_form.html", form, event=None, zones=events.zone_names())


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int) -> Response | tuple[str, int]:
    """Edit a roundtable; moved times or places send updated invitations."""
    event = db.get_or_404(Event, event_id)
    form = EventForm(data=None if request.method == "POST" else
                     vars(events.details_of(event)))
    if form.validate_on_submit():
        try:
            update = console.update_event(db.session, _organizer_id(), event_id, form.details(),
                                          utcnow(), seating_options())
        except DomainError as exc:
            _form_error(form, exc)
        else:
            db.session.commit()
            flash(_update_message(update), "success")
            return redirect(url_for("organizer.show_event", event_id=event_id), code=303)
    return _page("organizer/event_form.html", form, event=event, zones=events.zone_names())


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
        board=console.dashboard(db.session, event, utcnow()),
        action_form=ActionForm(return_to=_here()),
    )


@bp.post("/events/<int:event_id>/publish")
def publish_event(event_id: int) -> Response:
    """Publish a draft: it appears on the site and takes registrations."""

    def publish() -> str:
        console.set_published(db.session, _organizer_id(), event_id, True, utcnow(),
                              seating_options())
        return "The roundtable is published."

    return _act(publish, ActionForm(), url_for("organizer.show_event", event_id=event_id))


@bp.post("/events/<int:event_id>/unpublish")
def unpublish_event(event_id: int) -> Response:
    """Take a roundtable off the site; registrations stay."""

    def unpublish() -> str:
        console.set_published(db.session, _organizer_id(), event_id, False, utcnow(),
                              seating_options())
        return "The roundtable is back to draft: it no longer appears on the site."

    return _act(unpublish, ActionForm(), url_for("organizer.show_event", event_id=event_id))


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel_event(event_id: int) -> Response | tuple[str, int]:
    """Ask for confirmation (and an optional note), then cancel the roundtable."""
    event = db.get_or_404(Event, event_id)
    form = NoteForm()

    def cancel() -> str:
        told = console.cancel_event(db.session, _organizer_id(), event_id, utcnow(),
                                    seating_options(), form.note.data or "")
        return f"The roundtable is cancelled. {told} registered people will be told."

    if request.method == "POST":
        return _act(cancel, form, url_for("organizer.show_event", event_id=event_id))
    return _page("organizer/cancel_event.html", form, event=event,
                 counts=console.status_counts(db.session, [event.id])[event.id])


@bp.get("/events/<int:event_id>/audit")
def show_audit(event_id: int) -> str:
    """Show who did what to this roundtable, and when."""
    event = db.get_or_404(Event, event_id)
    return render_template("organizer/audit.html", event=event,
                           lines=console.audit_log(db.session, event.id))


# --- Attendees --------------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/attendees")
def list_attendees(event_id: int) -> str:
    """List an event's registrations: status tabs with counts, search, sorting, pages."""
    event = db.get_or_404(Event, event_id)
    query = console.AttendeeQuery.from_args(request.args)
    return render_template(
        "organizer/attendees.html",
        event=event,
        result=console.attendee_page(db.session, event.id, query),
        action_form=ActionForm(return_to=_here()),
        list_url=functools.partial(_attendee_url, event.id, query),
    )


def _attendee_url(event_id: int, query: console.AttendeeQuery, **changes: object) -> str:
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
    kept = {k: v for k, v in args.items() if v is not None and defaults.get(k) != v}
    return url_for("organizer.list_attendees", event_id=event_id, **kept)


@bp.post("/events/<int:event_id>/attendees.csv")
def export_attendees(event_id: int) -> Response:
    """Download the attendee list as CSV, safe to open in a spreadsheet (logged, so a POST)."""
    if not ActionForm().validate_on_submit():
        abort(400, "The download form has expired; please reload the page and try again.")
    event = db.get_or_404(Event, event_id)
    buffer = io.StringIO()
    export.write_csv(db.session, event, buffer)
    filename = f"{event.slug}.csv"
    console.record_export(db.session, event_id, _organizer_id(), utcnow())
    db.session.commit()
    response = Response(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.route("/events/<int:event_id>/attendees/new", methods=["GET", "POST"])
def add_attendee(event_id: int) -> Response | tuple[str, int]:
    """Add a person by hand: no eligibility check, a seat or the waiting list."""
    event = db.get_or_404(Event, event_id)
    form = AttendeeForm()
    if form.validate_on_submit():
        try:
            registration = console.add_by_hand(
                db.session, event_id, form.applicant(), _organizer_id(), utcnow(),
                secret_key=current_app.config["SECRET_KEY"], options=seating_options(),
                notify=bool(form.notify.data),
            )
        except DomainError as exc:
            _form_error(form, exc)
        else:
            seated = registration.status == RegistrationStatus.CONFIRMED
            db.session.commit()
            flash(f"{form.name.data} is added: " + ("they have a seat." if seated else
                  "they are on the waiting list. "
                  + (registration.status_reason or "The room is full.")), "success")
            return redirect(url_for("organizer.list_attendees", event_id=event_id), code=303)
    return _page("organizer/add_attendee.html", form, event=event)


@bp.route("/registrations/<int:registration_id>/cancel", methods=["GET", "POST"])
def cancel_registration(registration_id: int) -> Response | tuple[str, int]:
    """Ask for confirmation (and an optional note), then cancel: the waiting list moves up."""
    registration = db.get_or_404(Registration, registration_id)
    event_id = registration.event_id
    form = NoteForm(return_to=safe_next(request.args.get("return_to")) or "")

    def cancel() -> str:
        if console.cancel_registration(db.session, registration_id, _organizer_id(), utcnow(),
                                       seating_options(), form.note.data or ""):
            return "The registration is cancelled; they will be told by email."
        return "This registration was already cancelled or declined; nothing changed."

    if request.method == "POST":
        return _act(cancel, form, url_for("organizer.list_attendees", event_id=event_id))
    event = db.get_or_404(Event, event_id)
    return _page("organizer/cancel_registration.html", form, event=event,
                 registration=registration)


@bp.post("/registrations/<int:registration_id>/move-up")
def move_up_registration(registration_id: int) -> Response:
    """Move someone one place up the waiting list."""
    event_id = db.get_or_404(Registration, registration_id).event_id

    def move() -> str:
        position = console.move_up(db.session, registration_id, _organizer_id(), utcnow(),
                                   seating_options())
        return f"Moved up: now #{position} on the waiting list."

    return _act(move, ActionForm(), url_for("organizer.list_attendees", event_id=event_id,
                                            status="waitlisted"))


@bp.get("/events/<int:event_id>/check-in")
def show_check_in(event_id: int) -> str:
    """The door list: confirmed attendees, a search box and big check-in buttons."""
    event = db.get_or_404(Event, event_id)
    search = request.args.get("q", "")
    return render_template(
        "organizer/check_in.html",
        event=event,
        door=console.door_list(db.session, event.id, search),
        search=search,
        action_form=ActionForm(return_to=_here()),
    )


def _check_in(registration_id: int, undo: bool) -> Response:
    registration = db.get_or_404(Registration, registration_id)
    name, event_id = registration.name or "This person", registration.event_id

    def check() -> str:
        changed = console.check_in(db.session, registration_id, _organizer_id(), utcnow(),
                                   undo=undo)
        if undo:
            return f"{name} is no longer checked in." if changed else f"{name} was not checked in."
        return f"{name} is checked in." if changed else f"{name} was already checked in."

    return _act(check, ActionForm(), url_for("organizer.show_check_in", event_id=event_id))


@bp.post("/registrations/<int:registration_id>/check-in")
def check_in_registration(registration_id: int) -> Response:
    """Mark someone as arrived."""
    return _check_in(registration_id, undo=False)


@bp.post("/registrations/<int:registration_id>/undo-check-in")
def undo_check_in(registration_id: int) -> Response:
    """Undo a check-in made by mistake."""
    return _check_in(registration_id, undo=True)


# --- Review queue -----------------------------------------------------------------------------


@bp.get("/review")
def list_reviews() -> str:
    """Show every signup awaiting review, with the engine's reasons and one-click decisions."""
    return render_template(
        "organizer/review.html",
        items=console.review_queue(db.session, utcnow()),
        form=NoteForm(return_to=url_for("organizer.list_reviews")),
    )


@bp.post("/registrations/<int:registration_id>/approve")
def approve_registration(registration_id: int) -> Response:
    """Approve a signup: a seat if one is free, else the waiting list."""
    form = NoteForm()

    def approve() -> str:
        status = console.approve(db.session, registration_id, _organizer_id(), utcnow(),
                                 seating_options(), form.note.data or "")
        if status == RegistrationStatus.CONFIRMED:
            return "Approved: they have a seat and will get the invitation."
        reason = db.session.get(Registration, registration_id).status_reason
        return "Approved: they are on the waiting list. " + (reason or "The room is full.")

    return _act(approve, form, url_for("organizer.list_reviews"))


@bp.post("/registrations/<int:registration_id>/decline")
def decline_registration(registration_id: int) -> Response:
    """Decline a signup, with an optional note in the email."""
    form = NoteForm()

    def decline() -> str:
        console.decline(db.session, registration_id, _organizer_id(), utcnow(),
                        seating_options(), form.note.data or "")
        return "Declined: they will be told by email."

    return _act(decline, form, url_for("organizer.list_reviews"))


# --- Mail delivery ----------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/mail")
def show_mail(event_id: int) -> str:
    """Show the event's messages and how their delivery went; failed ones can be sent again."""
    event = db.get_or_404(Event, event_id)
    wanted = request.args.get("status", "")
    status = OutboxStatus(wanted) if wanted in OutboxStatus._value2member_map_ else None
    return render_template(
        "organizer/mail.html",
        event=event,
        status=status,
        counts=outbox.status_counts(db.session, event.id),
        messages=outbox.for_event(db.session, event.id, status),
        action_form=ActionForm(return_to=_here()),
    )


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int) -> Response:
    """Queue a failed message again."""
    event_id = db.get_or_404(OutboxMessage, message_id).event_id

    def retry() -> str:
        console.retry_mail(db.session, message_id, _organizer_id(), utcnow())
        return "The message is queued again; the mail worker sends it within moments."

    return _act(retry, ActionForm(), url_for("organizer.show_mail", event_id=event_id))
