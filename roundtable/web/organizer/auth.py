"""Signing organizers in and out."""

from __future__ import annotations

import hashlib

from flask import (
    flash,
    redirect,
    request,
    session,
    url_for,
)
from flask_limiter.util import get_remote_address
from flask_login import current_user, logout_user
from werkzeug.wrappers import Response

from roundtable.domain import accounts, registrations
from roundtable.domain.models import (
    utcnow,
)
from roundtable.extensions import db, limiter
from roundtable.web.forms import ActionForm, LoginForm
from roundtable.web.organizer.base import bp, organizer_id, page, safe_next, start_session
from roundtable.web.transaction import writing

LOGIN_FAILED = "That email and password do not match an organizer account."
# Failed sign-ins are counted per client address, and per account at that address: never per
# account alone, which would let a stranger lock an organizer out by failing on purpose.
FAILURES_PER_ADDRESS = "10 per 15 minutes"
FAILURES_PER_ACCOUNT_AND_ADDRESS = "5 per 15 minutes"


def failed_sign_in(response: Response) -> bool:
    """Count an answer as a failure: the form came back refused (a 429 is no new attempt)."""
    return response.status_code == 400


def account_and_address() -> str:
    """Return the limit key of the email tried at this client address (the email as a hash)."""
    raw = request.form.get("email", "")
    try:
        email = registrations.normalise_email(raw)
    except registrations.InvalidEmail:
        email = raw.strip().lower()
    # Hashed, so the limiter's store and log lines hold no address book.
    digest = hashlib.sha256(email.encode("utf-8")).hexdigest()[:32]
    return f"{get_remote_address()}/{digest}"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILURES_PER_ADDRESS, methods=["POST"], deduct_when=failed_sign_in)
@limiter.limit(
    FAILURES_PER_ACCOUNT_AND_ADDRESS,
    key_func=account_and_address,
    methods=["POST"],
    deduct_when=failed_sign_in,
)
def log_in() -> Response | tuple[str, int]:
    """Sign an organizer in; a wrong password and an unknown email get the same answer."""
    target = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(target or url_for("organizer.list_events"))
    form = LoginForm(next=target or "")
    if form.validate_on_submit():
        checked = accounts.check_password(
            db.session(), form.email.data or "", form.password.data or ""
        )
        organizer = None
        if checked is not None:
            with writing():
                organizer = accounts.sign_in(db.session(), actor=checked, now=utcnow())
        if organizer is not None:
            start_session(organizer)
            flash("You are signed in.", "success")
            return redirect(safe_next(form.next.data) or url_for("organizer.list_events"), 303)
        form.form_errors.append(LOGIN_FAILED)
    return page("organizer/login.html", form)


@bp.post("/logout")
def log_out() -> Response:
    """Sign out everywhere: every session of the account ends, and a copied cookie opens nothing."""
    form = ActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("organizer.list_events"), code=303)
    with writing():
        accounts.end_sessions(db.session(), actor=organizer_id(), now=utcnow())
    logout_user()
    session.clear()
    flash("You are signed out, in this browser and everywhere else.", "success")
    return redirect(url_for("organizer.log_in"), code=303)
