"""An event's mail: delivery status per message, and sending a failed one again."""

from __future__ import annotations

from flask import (
    render_template,
    request,
    url_for,
)
from werkzeug.wrappers import Response

from roundtable.domain.models import (
    Event,
    OutboxMessage,
    OutboxStatus,
    utcnow,
)
from roundtable.extensions import db
from roundtable.notify import outbox
from roundtable.web.forms import ActionForm
from roundtable.web.organizer.base import act, bp, here, organizer_id


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
