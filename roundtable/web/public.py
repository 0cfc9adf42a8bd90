"""Public pages: the listing, one roundtable's page and its signup, and the calendar feeds."""

from __future__ import annotations

from collections.abc import Hashable
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from werkzeug.wrappers import Response

from roundtable import database, errors
from roundtable.domain import (
    events,
    express,
    lifecycle,
    listings,
    registrations,
    seating,
    signups,
)
from roundtable.domain.models import Event, EventFormat, Registration, utcnow
from roundtable.extensions import db, limiter
from roundtable.notify import calendar, compose
from roundtable.web import pagecache
from roundtable.web.forms import ConfirmForm, SignupForm
from roundtable.web.transaction import writing

bp = Blueprint("public", __name__)


MAX_PAGE = 1000  # the listing's pages go no further (its offsets stay cheap)


@bp.get("/")
def list_events() -> Response:
    """Show a page of the upcoming published roundtables, soonest first."""
    page = request.args.get("page", 1, type=int)
    if not 1 <= page <= MAX_PAGE:
        abort(404)
    shown, more = listings.upcoming(db.engine, utcnow(), page)
    if page > 1 and not shown:
        abort(404)
    return pagecache.conditional(
        ("listing", page, more, tuple(shown)),
        lambda: render_template("public/index.html", page=page, more=more,
                                listings=listings.loaded(db.session(), shown)).encode(),
        "text/html", messages=True,
    )


@bp.get("/healthz")
def check_health() -> tuple[str, int, dict[str, str]]:
    """Answer a load balancer's liveness probe (also the benchmark's baseline endpoint)."""
    return "ok", 200, {"Content-Type": "text/plain"}


@bp.get("/readyz")
def check_ready() -> tuple[str, int, dict[str, str]]:
    """Answer a readiness probe: ready while the database answers a trivial query."""
    headers = {"Content-Type": "text/plain", "Cache-Control": "no-store"}
    problem = database.ping(db.session())
    if problem:
        return f"not ready: {problem}", 503, {**headers,
                                              "Retry-After": str(errors.UNAVAILABLE_RETRY_S)}
    return "ready", 200, headers


@bp.get("/events/<slug>")
def show_event(slug: str) -> bytes:
    """Show one roundtable, marked as past or cancelled where it is."""
    shown = listings.by_slug(db.engine, slug, utcnow())
    return pagecache.page(("event", shown), lambda: render_template(
        "public/event.html", **listings.page_context(db.session(), shown), form=SignupForm()
    ))


def public_url(endpoint: str, **values: Any) -> str:
    """Return the absolute address of ``endpoint`` on BASE_URL, never on the request's Host."""
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(
        base.netloc, script_name=base.path or "/", url_scheme=base.scheme
    )
    return adapter.build(endpoint, values, force_external=True)


def public_calendar_links(event: Event) -> dict[str, str]:
    """Return the add-to-calendar links of the public event (no private join details)."""
    page = public_url("public.show_event", slug=event.slug)
    where = event.location if event.format == EventFormat.IN_PERSON else "Online"
    details = f"{event.summary}\n\nDetails: {page}"
    return {
        "google": calendar.google_calendar_url(event, details, where or ""),
        "outlook": calendar.outlook_calendar_url(event, details, where or ""),
    }


@bp.app_context_processor
def calendar_helpers() -> dict[str, object]:
    return {"public_calendar_links": public_calendar_links, "public_url": public_url}


# --- Signing up --------------------------------------------------------------------------------


@bp.post("/events/<slug>/register")
@limiter.limit("20 per minute")
def submit_signup(slug: str) -> Response | tuple[str, int]:
    """Register the leader, then show where they stand (or the form again with its errors)."""
    form = SignupForm()
    if not form.validate_on_submit():
        event = events.by_slug(db.session(), slug)
        return render_template(
            "public/event.html", **events.page_context(db.session(), event, utcnow()), form=form
        ), 400
    with writing():
        result = signups.sign_up(
            db.session(), now=utcnow(), slug=slug, applicant=form.applicant(),
            secret_key=current_app.config["SECRET_KEY"],
        )
        admission = result.admission
        outcome = {"inbox": slug} if admission is None else {
            "id": admission.registration.id, "duplicate": admission.duplicate}
    session["signup"] = outcome
    return redirect(url_for("public.show_outcome", slug=slug), code=303)


@bp.route("/events/<slug>/confirm/<token>", methods=["GET", "POST"])
@limiter.limit("30 per minute", methods=["POST"])
def confirm_signup(slug: str, token: str) -> Response | str:
    """Ask for one click (a mail scanner's GET changes nothing), then admit the person.

    The POST's only field is its CSRF token, which the request guards have checked; one whose
    token merely expired is shown the page again, with a fresh one.
    """
    if request.method != "POST" or g.get("form_expired"):
        form = ConfirmForm()
        form.validate_on_submit()  # an expired token: the page says so
        event = events.by_slug(db.session(), slug)
        signup = signups.by_token(db.session(), token)
        if signup is None or signup.event_id != event.id:
            abort(404)
        return render_template("signup/confirm.html", event=event, signup=signup, form=form,
                               expired=signup.expires_at <= utcnow() and not signup.confirmed_at)
    secret_key = current_app.config["SECRET_KEY"]
    # The plain case commits in the express lane's own transaction; every other, in writing().
    admitted = express.confirm(db.engine, token=token, slug=slug, now=utcnow(),
                               secret_key=secret_key)
    if admitted:
        confirmation = signups.Confirmation(admitted.registration_id)
    else:
        with writing():
            confirmation = signups.confirm(db.session(), now=utcnow(), token=token,
                                           secret_key=secret_key, slug=slug)
    session["signup"] = {"id": confirmation.registration_id,
                         "duplicate": confirmation.duplicate, "again": confirmation.again}
    return redirect(url_for("public.show_outcome", slug=slug), code=303)


def _own_registration(event: Event) -> tuple[Registration | None, bool]:
    """Return the registration this browser's session made or confirmed at ``event``.

    The flag says it is someone else's: the address typed was already registered (a
    confirmation link used again is its owner's, so it is not).
    """
    outcome = session.get("signup") or {}
    registration = db.session.get(Registration, outcome.get("id", 0))
    if registration is None or registration.event_id != event.id:
        return None, False
    return registration, outcome.get("duplicate", False) and not outcome.get("again", False)


@bp.get("/events/<slug>/registered")
def show_outcome(slug: str) -> Response | str:
    """Say plainly what the signup led to and what happens next."""
    event = events.by_slug(db.session(), slug)
    if (session.get("signup") or {}).get("inbox") == slug:
        return render_template("signup/check_inbox.html", event=event,
                               mail_preview=current_app.config["MAIL_PREVIEW"])
    registration, duplicate = _own_registration(event)
    if registration is None:
        return redirect(url_for("public.show_event", slug=slug))
    seated = lifecycle.holds_seat(registration) and not duplicate
    return render_template(
        "signup/outcome.html",
        event=event,
        registration=registration,
        duplicate=duplicate,
        position=seating.waitlist_position(db.session(), registration),
        links=compose.calendar_links(event, registration) if seated else None,
    )


@bp.get("/events/<slug>/registered/invite.ics")
def download_own_invite(slug: str) -> Response:
    """Return the seat holder's personal invitation, to the browser that just signed up."""
    event = events.by_slug(db.session(), slug)
    registration, duplicate = _own_registration(event)
    if registration is None or duplicate or not lifecycle.holds_seat(registration):
        abort(404)
    body = compose.invite_ics(event, registration, "REQUEST",
                              event.sequence + registration.invite_revision, utcnow())
    return ics_response(body, f"{event.slug}-invite.ics")


@bp.get("/events/<slug>/registered/private-page")
def open_private_page(slug: str) -> Response:
    """Send the browser that just signed up on to its private page.

    The page's token stays out of this site's pages: it is derived here, as the mail derives it,
    and travels only in the redirect, to the address the mailed link opens.
    """
    event = events.by_slug(db.session(), slug)
    registration, duplicate = _own_registration(event)
    if registration is None or duplicate or registration.manage_salt is None:
        abort(404)
    token = registrations.manage_token(current_app.config["SECRET_KEY"], registration)
    response = redirect(url_for("attendee.show_registration", token=token), code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


# --- Calendar files ----------------------------------------------------------------------------


def ics_response(body: bytes, filename: str) -> Response:
    """Return calendar data with the content type and file name calendar clients expect."""
    response = Response(body, content_type="text/calendar; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-cache"
    return response


def cached_calendar(key: str, shown: list[listings.Shown], filename: str,
                    name: str | None = None, last_modified: datetime | None = None) -> Response:
    """Return the public calendar of the ``shown`` events, made once per revision of them.

    Named ``name``, else after its one event. Its stamp is the latest change of the events, so
    every process makes the same bytes (and the same ETag) from the same rows.
    """
    base_url = current_app.config["BASE_URL"].rstrip("/")

    def make() -> bytes:
        shown_events = [item.event for item in listings.loaded(db.session(), shown)]
        return calendar.public_calendar(
            shown_events, base_url=base_url, now=listings.last_change(shown),
            name=name or shown_events[0].title,
        )

    return pagecache.conditional(
        calendar_key(key, base_url, shown), make, CALENDAR_TYPE,
        headers=calendar_headers(filename), last_modified=last_modified,
    )


CALENDAR_TYPE = "text/calendar"


def calendar_key(key: str, base_url: str, shown: list[listings.Shown]) -> Hashable:
    """Return what a public calendar is kept under: what it is made from."""
    return (key, base_url, tuple(s.revision for s in shown))


def calendar_headers(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


@bp.get("/events/<slug>.ics")
def download_event(slug: str) -> Response:
    """Return the public calendar file of one published or cancelled event.

    Once made, a plain GET of it is answered ahead of Flask (``web/kept.py``), from the same
    key, with the same bytes and headers.
    """
    shown = listings.by_slug(db.engine, slug, utcnow(), figures=False)
    return cached_calendar("event.ics", [shown], f"{slug}.ics", last_modified=shown.last_change)


FEED_PATH, FEED_FILE = "/calendar.ics", "roundtable.ics"


@bp.get(FEED_PATH)
def subscribe_feed() -> Response:
    """Return the feed of all upcoming published roundtables (webcal-friendly); once made, a
    plain GET of it is answered ahead of Flask (``web/kept.py``)."""
    shown = listings.all_upcoming(db.engine, utcnow())
    return cached_calendar("feed.ics", shown, FEED_FILE, "Roundtable: upcoming roundtables")
