"""The private manage link: see, change, cancel or erase one's own registration."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, url_for
from werkzeug.wrappers import Response

from roundtable.domain import lifecycle, registrations, schedule, seating
from roundtable.domain.errors import DomainError
from roundtable.domain.models import Event, Registration, utcnow
from roundtable.extensions import db, limiter
from roundtable.notify import compose, transports
from roundtable.web.forms import ConfirmForm, DetailsForm, LostLinkForm
from roundtable.web.public import ics_response
from roundtable.web.transaction import writing

bp = Blueprint("attendee", __name__, url_prefix="/r")


def _registration(token: str) -> tuple[Registration, Event]:
    """Return the registration of a manage token and its event, or a plain 404."""
    registration = registrations.by_token(db.session(), token)
    if registration is None:
        abort(404)
    event = db.session.get(Event, registration.event_id)
    assert event is not None
    return registration, event


def _page(template: str, token: str, registration: Registration, event: Event,
          **extra: object) -> str:
    now = utcnow()
    extra.setdefault("answer_form", ConfirmForm())
    return render_template(
        template,
        token=token,
        now=now,
        asking=schedule.asking(event, registration, now),
        offering=seating.in_offer_window(event, now),
        deadline=schedule.reconfirm_deadline(event),
        registration=registration,
        event=event,
        position=seating.waitlist_position(db.session(), registration),
        ended=event.ends_at <= now,
        standing=lifecycle.standing(registration, event),
        links=compose.calendar_links(event, registration)
        if lifecycle.standing(registration, event) == "seat" else None,
        **extra,
    )


@bp.get("/<token>")
def show_registration(token: str) -> str:
    """Show the registration's status in plain words and what can be done."""
    registration, event = _registration(token)
    return _page("attendee/manage.html", token, registration, event)


def _answer(token: str, operation: Callable[..., bool], done: str, again: str,
            ) -> Response | tuple[str, int]:
    """Run a one-click answer from the private page; a refusal is shown there, with a 409."""
    registration, event = _registration(token)
    form = ConfirmForm()
    if not form.validate_on_submit():
        problem = ("This page had been open too long. Please answer again."
                   if g.get("form_expired") else "The answer could not be read. Please try again.")
        return _page("attendee/manage.html", token, registration, event, problem=problem), 400
    try:
        with writing():
            changed = operation(db.session(), now=utcnow(), registration_id=registration.id)
    except DomainError as exc:
        registration, event = _registration(token)
        return _page("attendee/manage.html", token, registration, event,
                     problem=exc.message), exc.status_code
    flash(done if changed else again, "success")
    return redirect(url_for("attendee.show_registration", token=token), code=303)


@bp.post("/<token>/still-coming")
def keep_seat(token: str) -> Response | tuple[str, int]:
    """Answer "Still coming?" with yes (one click; a link in a mail only opens the page)."""
    return _answer(token, registrations.reconfirm,
                   "Thank you: your seat is kept. See you there.",
                   "You had already said you are coming: your seat is kept.")


@bp.post("/<token>/release")
def release_seat(token: str) -> Response | tuple[str, int]:
    """Answer "Still coming?" with no: the seat goes to the next person waiting."""
    return _answer(token, registrations.release_seat,
                   "Your seat is released and goes to the next person waiting. Thank you for "
                   "telling us in time.",
                   "Your seat had already been released; nothing changed.")


@bp.post("/<token>/accept")
def accept_offer(token: str) -> Response | tuple[str, int]:
    """Take the seat offered at the last minute (one click)."""
    return _answer(token, registrations.accept_offer,
                   "The seat is yours. Your invitation is on its way by email.",
                   "You had already accepted: the seat is yours.")


@bp.post("/<token>/decline")
def decline_offer(token: str) -> Response | tuple[str, int]:
    """Turn down the seat offered: it passes to the next person at once."""
    return _answer(token, registrations.decline_offer,
                   "Thank you for telling us: the seat goes to the next person waiting, and "
                   "your registration is cancelled.",
                   "This offer had already been answered; nothing changed.")


@bp.get("/<token>/invite.ics")
def download_invite(token: str) -> Response:
    """Return the personal calendar file as the person's calendar should hold it now.

    A seat: the invitation; a review: the tentative hold; a cancellation (theirs or the
    event's): the withdrawal, never with a SEQUENCE lower than the last message sent. Someone
    whose calendar never held the event gets a 404.
    """
    registration, event = _registration(token)
    if not registration.invite_revision:
        abort(404)
    body = compose.invite_ics(event, registration, lifecycle.calendar_now(registration, event),
                              event.sequence + registration.invite_revision, utcnow())
    return ics_response(body, f"{event.slug}-invite.ics")


@bp.route("/<token>/cancel", methods=["GET", "POST"])
def cancel_registration(token: str) -> Response | str:
    """Ask for confirmation, then cancel: the seat goes to the waiting list at once."""
    registration, event = _registration(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        with writing():
            changed = registrations.cancel(
                db.session(), actor=None, now=utcnow(), registration_id=registration.id
            )
        flash("Your registration is cancelled. Thank you for letting us know." if changed
              else "This registration was already cancelled; nothing changed.", "success")
        return redirect(url_for("attendee.show_registration", token=token), code=303)
    return _page("attendee/cancel.html", token, registration, event, form=form)


@bp.route("/<token>/edit", methods=["GET", "POST"])
def edit_registration(token: str) -> Response | tuple[str, int] | str:
    """Change name, company, topic; a new title or level re-runs eligibility.

    An edit that would cost a seat (or a place) says so before saving and asks to confirm.
    """
    registration, event = _registration(token)
    form = DetailsForm(obj=registration)
    if form.validate_on_submit():
        before = registration.status
        after = registrations.preview_details(registration, event, form.changes())
        if lifecycle.is_active(registration) and after != before and not form.accept.data:
            page = _page("attendee/edit.html", token, registration, event, form=form,
                         loses=after)
            return page, 409
        with writing():
            status = registrations.update_details(
                db.session(), actor=None, now=utcnow(), registration_id=registration.id,
                changes=form.changes(),
            )
        if status == before:
            flash("Your details are saved.", "success")
        else:
            flash(f"Your details are saved, and your registration changed: "
                  f"{lifecycle.label(status).lower()}. We have emailed you what this means.",
                  "warning")
        return redirect(url_for("attendee.show_registration", token=token), code=303)
    page = _page("attendee/edit.html", token, registration, event, form=form, loses=None)
    return (page, 400) if form.errors else page


@bp.route("/<token>/erase", methods=["GET", "POST"])
def erase_registration(token: str) -> Response | str:
    """Ask for confirmation, then remove the personal data at once."""
    registration, event = _registration(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        address = registration.email or ""
        with writing():
            registrations.erase(db.session(), actor=None, now=utcnow(),
                                registration_id=registration.id)
        transports.forget([address])  # the copies of their mail the site keeps, if any
        flash("Your personal data has been erased. This link no longer works.", "success")
        return redirect(url_for("public.show_event", slug=event.slug), code=303)
    return _page("attendee/erase.html", token, registration, event, form=form)


@bp.route("/lost", methods=["GET", "POST"])
@limiter.limit("5 per 15 minutes; 20 per day", methods=["POST"])
def request_link() -> Response | tuple[str, int] | str:
    """Email the private link to an address if it is registered, saying the same either way."""
    form = LostLinkForm()
    if form.validate_on_submit():
        with writing():
            registrations.send_links(db.session(), now=utcnow(), email=form.email.data or "")
        flash("If that address is registered for an upcoming roundtable, we have sent its "
              "private link to it. Please check your inbox (and spam folder).", "success")
        return redirect(url_for("attendee.request_link"), code=303)
    page = render_template("attendee/lost.html", form=form)
    return (page, 400) if form.errors else page
