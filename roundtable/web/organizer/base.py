"""The organizer console's shared parts: the blueprint, sign-in checks and the view helpers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from roundtable.domain import accounts, reports
from roundtable.domain.errors import CapacityBelowConfirmed, DomainError, NotFound
from roundtable.domain.models import Event, Organizer, utcnow
from roundtable.extensions import db, login_manager
from roundtable.web import charts, display
from roundtable.web.forms import ActionForm
from roundtable.web.transaction import writing

bp = Blueprint("organizer", __name__, url_prefix="/organizer")

OPEN_ENDPOINTS = {"organizer.log_in"}


LOGIN_FAILED = "That email and password do not match an organizer account."
FORM_EXPIRED = ("This page had been open for more than a day, so for your safety nothing was "
                "done. Please try again.")


SEEN = "organizer_seen"  # the session's last request, in seconds since the epoch


def load_organizer(session_id: str) -> Organizer | None:
    """Return the signed-in organizer for Flask-Login: a session idle too long, or one that a
    sign-out has ended (its version is over), has none."""
    now = utcnow().timestamp()
    seen = session.get(SEEN)
    idle = current_app.config["ORGANIZER_IDLE_SECONDS"]
    if not isinstance(seen, int | float) or now - seen > idle:
        return None
    organizer = accounts.session_organizer(db.session(), session_id)
    if organizer is not None:
        session[SEEN] = int(now)
    return organizer


def start_session(organizer: Organizer) -> None:
    """Begin a fresh organizer session in this browser (after the password was checked)."""
    # A fresh session at the change of privilege. It stays a browser-session cookie: Flask-Login
    # checks a permanent session's browser and address only loosely ("basic"), not "strong".
    session.clear()
    session[SEEN] = int(utcnow().timestamp())
    login_user(organizer)


@bp.before_request
def require_organizer() -> Response | None:
    """Send anyone not signed in to the login page, for every console URL but that one."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.method == "GET":
        to_login: Response = login_manager.unauthorized()  # back to this page after signing in
        return to_login
    flash(login_manager.login_message, login_manager.login_message_category)
    return redirect(url_for("organizer.log_in"))  # a POST cannot be replayed by a redirect


@bp.after_request
def keep_out_of_caches(response: Response) -> Response:
    """Keep pages with personal data out of shared and browser caches."""
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.context_processor
def console_helpers() -> dict[str, object]:
    return {"charts": charts, "at": at, "csrf_form": ActionForm(formdata=None),
            "status_tabs": reports.STATUS_TABS, "current_user": current_user}


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


def organizer_id() -> int:
    signed_in: int = current_user.id
    return signed_in


def here() -> str:
    return request.full_path.rstrip("?")


def act(action: Callable[[], str], form: FlaskForm, default: str) -> Response:
    """Run one console action from a posted form: commit and flash, or flash why not."""
    return_to = getattr(form, "return_to", None)  # a field of some of the forms
    back = safe_next(return_to and return_to.data) or default
    if not form.validate_on_submit():
        flash(FORM_EXPIRED if g.get("form_expired") else
              " ".join(e for errors in form.errors.values() for e in errors), "error")
        return redirect(back, code=303)
    try:
        with writing():
            message = action()
    except NotFound:
        raise
    except DomainError as exc:
        flash(exc.message, "error")
    else:
        flash(message, "success")
    return redirect(back, code=303)


def form_error(form: FlaskForm, exc: DomainError) -> None:
    """Show a refusal from the domain beside the fields it concerns, keeping what was entered.

    A refusal may name several fields at once (``errors``: every problem of an event form).
    """
    name = "capacity" if isinstance(exc, CapacityBelowConfirmed) else getattr(exc, "field", None)
    errors: list[tuple[str | None, str]] = getattr(exc, "errors", [(name, exc.message)])
    for field, message in errors:
        if field and field in form:
            form[field].errors = [*form[field].errors, message]
        else:
            form.form_errors.append(message)


def page(template: str, form: FlaskForm | None = None, **context: object) -> tuple[str, int]:
    failed = form is not None and bool(form.errors)
    return render_template(template, form=form, **context), 400 if failed else 200
