"""An event's mail: delivery status per message, sending a failed one again, and writing to
the room (a preview first, then one message per person through the outbox)."""

from __future__ import annotations

from flask import (
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from roundtable.domain import messages
from roundtable.domain.errors import DomainError
from roundtable.domain.models import (
    Event,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)
from roundtable.extensions import db
from roundtable.notify import compose, outbox
from roundtable.web.forms import ActionForm, MessageForm
from roundtable.web.organizer.base import act, bp, form_error, here, organizer_id, page


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
        counts=outbox.status_counts(db.session(), event.id),
        messages=outbox.for_event(db.session(), event.id, status),
        action_form=ActionForm(return_to=here()),
    )


@bp.post("/mail/<int:message_id>/retry")
def retry_mail(message_id: int) -> Response:
    """Queue a failed message again."""
    event_id = db.get_or_404(OutboxMessage, message_id).event_id

    def retry() -> str:
        outbox.retry(db.session(), actor=organizer_id(), now=utcnow(), message_id=message_id)
        return "The message is queued again; the mail worker sends it within moments."

    return act(retry, ActionForm(), url_for("organizer.show_mail", event_id=event_id))


@bp.route("/events/<int:event_id>/message", methods=["GET", "POST"])
def write_message(event_id: int) -> tuple[str, int]:
    """Write a message to the room; a posted one is checked and shown as a preview to confirm."""
    event = db.get_or_404(Event, event_id)
    form = MessageForm()
    if request.method == "POST" and "edit" not in request.args and form.validate_on_submit():
        try:
            people = messages.preview(db.session(), event=event, now=utcnow(), draft=form.draft())
        except DomainError as exc:
            form_error(form, exc)
        else:
            draft = messages.clean(form.draft())
            subject, body = compose.preview(db.session(), messages.KIND, people[0],
                                            {"subject": draft.subject, "text": draft.text})
            return page("organizer/message_preview.html", form, event=event, first=people[0],
                        count=len(people), audience=messages.AUDIENCES[draft.audience],
                        subject=subject, body=body)
    return page("organizer/message.html", form, event=event)


@bp.post("/events/<int:event_id>/message/send")
def send_message(event_id: int) -> Response:
    """Send the previewed message, once, one mail per person; then show the event's mail."""
    form = MessageForm()

    def send() -> str:
        sent = messages.send_message(db.session(), actor=organizer_id(), now=utcnow(),
                                     event_id=event_id, draft=form.draft())
        if sent.repeated:
            return (f"This message was already sent to {sent.count} people moments ago, so it "
                    "was not sent again.")
        return f"Your message is on its way to {sent.count} people."

    return act(send, form, url_for("organizer.show_mail", event_id=event_id))
