"""The console's mail page: what was sent, what failed and why, and sending a failure again."""

from __future__ import annotations

from sqlalchemy import select

from roundtable.domain.models import OutboxMessage, OutboxStatus, utcnow
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

from organizer_support import audit_rows, page


def deliver(smtp) -> dict[str, int]:
    return outbox.deliver_due(
        db.session, utcnow, lambda m: compose.compose(db.session, m, utcnow()),
        transports.SmtpTransport(smtp.url), outbox.DeliveryPolicy(),
    )


def test_failed_mail_is_visible_with_the_servers_answer_and_can_be_resent(
    console_client, organizer, smtp, make_event, sign_up
) -> None:
    event = make_event()
    sign_up(event, email="reject-me@analytical.example")
    sign_up(event, email="fine@analytical.example", name="Fine Person")
    assert deliver(smtp) == {"sent": 1, "retried": 0, "failed": 1, "dropped": 0}
    body = page(console_client.get(f"/organizer/events/{event.id}/mail"))
    assert "reject-me@analytical.example" in body and "550" in body and "No such user" in body
    assert body.count("Send again") == 1
    failed_only = page(console_client.get(f"/organizer/events/{event.id}/mail?status=failed"))
    assert "reject-me@analytical.example" in failed_only
    assert "fine@analytical.example" not in failed_only

    failed = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.FAILED))
    response = console_client.post(f"/organizer/mail/{failed.id}/retry")
    assert response.status_code == 303
    assert "queued again" in page(console_client.get(response.headers["Location"]))
    db.session.rollback()
    again = db.session.get(OutboxMessage, failed.id)
    assert (again.status, again.attempts) == (OutboxStatus.PENDING, 0)
    assert "550" in again.last_error  # the last answer stays visible until the next attempt
    assert audit_rows()[-1][:2] == ("mail.retried", organizer.id)


def test_only_failed_mail_can_be_sent_again(console_client, make_event, sign_up) -> None:
    event = make_event()
    sign_up(event)
    pending = db.session.scalar(select(OutboxMessage))
    response = console_client.post(f"/organizer/mail/{pending.id}/retry")
    assert "Only a message whose delivery failed" in page(
        console_client.get(response.headers["Location"]))
    db.session.rollback()
    assert db.session.get(OutboxMessage, pending.id).status == OutboxStatus.PENDING


def test_dashboard_links_the_mail_page(console_client, make_event) -> None:
    event = make_event()
    assert f'href="/organizer/events/{event.id}/mail"' in page(
        console_client.get(f"/organizer/events/{event.id}"))


def test_an_out_of_date_failure_is_not_sent_again(console_client, smtp, make_event,
                                                  sign_up) -> None:
    from roundtable.domain import registrations

    from conftest import SECRET

    event = make_event()
    registration = sign_up(event, email="reject-me@analytical.example")
    deliver(smtp)  # "your seat is confirmed" fails for good
    console_client.post(f"/r/{registrations.manage_token(SECRET, registration)}/cancel")
    failed = db.session.scalar(select(OutboxMessage).where(
        OutboxMessage.status == OutboxStatus.FAILED))
    response = console_client.post(f"/organizer/mail/{failed.id}/retry")
    assert "newer message" in page(console_client.get(response.headers["Location"]))
    db.session.rollback()
    assert db.session.get(OutboxMessage, failed.id).status == OutboxStatus.FAILED
