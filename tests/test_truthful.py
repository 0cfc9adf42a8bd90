"""Every page, mail and calendar file says what happened: the findings of a newcomer's run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import OutboxMessage, Registration, RegistrationStatus
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

from conftest import SECRET

S = RegistrationStatus


def link(registration: Registration) -> str:
    return f"/r/{registrations.manage_token(SECRET, registration)}"


def deliver(smtp) -> None:
    outbox.deliver_due(
        db.session, lambda: datetime.now(UTC),
        lambda m: compose.compose(db.session, m, datetime.now(UTC)),
        transports.SmtpTransport(smtp.url), outbox.DeliveryPolicy(),
    )


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def calendar_of(message) -> icalendar.Component:
    part = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_a_cancelled_event_shows_as_cancelled_and_its_invite_withdraws_it(
    console_client, make_event, sign_up, smtp
) -> None:
    event = make_event()
    seated = sign_up(event)
    deliver(smtp)
    console_client.post(f"/organizer/events/{event.id}/cancel", data={"note": "Venue lost"})
    deliver(smtp)
    page = console_client.get(link(seated)).get_data(as_text=True)
    assert "This roundtable has been cancelled." in page
    for promise in ("You have a seat", "Cancel my registration", "Add to your calendar",
                    "Change my details"):
        assert promise not in page
    served = icalendar.Calendar.from_ical(console_client.get(f"{link(seated)}/invite.ics").data)
    mailed = calendar_of(smtp.messages[-1])
    assert str(served["METHOD"]) == "CANCEL" == str(mailed["METHOD"])
    served_event, mailed_event = served.walk("VEVENT")[0], mailed.walk("VEVENT")[0]
    assert str(served_event["STATUS"]) == "CANCELLED"
    assert int(served_event["SEQUENCE"]) >= int(mailed_event["SEQUENCE"])
    assert "change your details or cancel" not in text_of(smtp.messages[-1])


def test_a_cancelled_registration_serves_a_withdrawal_too(client, make_event, sign_up) -> None:
    seated = sign_up(make_event())
    client.post(f"{link(seated)}/cancel")
    served = icalendar.Calendar.from_ical(client.get(f"{link(seated)}/invite.ics").data)
    assert str(served["METHOD"]) == "CANCEL"
    assert int(served.walk("VEVENT")[0]["SEQUENCE"]) == 2  # the invitation was 1


def test_the_waiting_mail_gives_the_real_reason(make_event, sign_up, smtp) -> None:
    event = make_event(capacity=12, company_cap=1)
    sign_up(event, email="first@acme.example")
    sign_up(event, email="second@acme.example", name="Second Acme")
    deliver(smtp)
    waiting = smtp.messages[-1]
    assert waiting["Subject"].startswith("You are on the waiting list")
    body = text_of(waiting)
    assert "All seats are taken" not in body  # 11 of 12 seats are free
    assert "at most 1 seats per company" in body


def test_an_approval_onto_the_waiting_list_is_not_called_you_are_in(
    console_client, make_event, make_registration, sign_up, smtp
) -> None:
    event = make_event(capacity=1)
    make_registration(event)  # the one seat is taken
    pending = sign_up(event, job_title="Associate Director, Data", seniority="director")
    assert pending.status == S.PENDING_REVIEW
    console_client.post(f"/organizer/registrations/{pending.id}/approve")
    deliver(smtp)
    approved = smtp.messages[-1]
    assert approved["Subject"] == f"Approved, you are on the waiting list: {event.title}"
    assert "You are in" not in approved["Subject"]
    assert "All seats are taken for now. You are on the waiting list" in text_of(approved)


def test_the_lost_link_mail_states_where_the_person_stands(client, make_event, sign_up,
                                                           console_client, smtp) -> None:
    event = make_event(capacity=1)
    sign_up(event)
    sign_up(event, email="grace@navy.example", name="Grace Hopper")
    deliver(smtp)
    before = len(smtp.messages)
    client.post("/r/lost", data={"email": "grace@navy.example"})
    deliver(smtp)
    assert "Where you stand: you are #1 on the waiting list." in text_of(smtp.messages[before])
    console_client.post(f"/organizer/events/{event.id}/cancel", data={"note": ""})
    deliver(smtp)
    before = len(smtp.messages)
    client.post("/r/lost", data={"email": "ada@analytical.example"})
    deliver(smtp)
    body = text_of(smtp.messages[before])
    assert "Where you stand: the roundtable has been cancelled" in body
    assert "change your details or cancel" not in body


def test_the_updated_mail_shows_before_and_after(console_client, make_event, sign_up,
                                                 smtp) -> None:
    from test_organizer_events import NEW_EVENT

    event = make_event(title=NEW_EVENT["title"], slug=NEW_EVENT["slug"], timezone="Europe/Berlin",
                       starts_at=datetime(2027, 6, 5, 16, 0, tzinfo=UTC),
                       ends_at=datetime(2027, 6, 5, 17, 30, tzinfo=UTC))
    sign_up(event)
    deliver(smtp)
    data = {**NEW_EVENT, "starts_local": "2027-06-05T19:00", "ends_local": "2027-06-05T20:30"}
    assert console_client.post(f"/organizer/events/{event.id}/edit", data=data).status_code == 303
    deliver(smtp)
    body = text_of(smtp.messages[-1])
    assert "was: Saturday 5 June 2027, 18:00–19:30 CEST" in body
    assert "now: Saturday 5 June 2027, 19:00–20:30 CEST" in body


def test_decline_reasons_are_written_for_the_person(make_event, sign_up, smtp) -> None:
    sign_up(make_event(), job_title="Software Engineer", seniority="individual_contributor")
    deliver(smtp)
    body = text_of(smtp.messages[-1])
    assert ("From the job title you gave (“Software Engineer”) and the level you chose "
            "(individual contributor), we read your role as below director level.") in body
    assert "reply to this email and the host will take another look" in body
    declined = db.session.scalars(select(Registration)).one()
    for reason in declined.eligibility_reasons:  # the engine's words are the organizers'
        assert reason not in body
    assert "change your details or cancel" not in body


def test_the_pending_page_says_what_approval_does(client, make_event, sign_up) -> None:
    registration = sign_up(make_event(), job_title="Associate Director, Data",
                           seniority="director")
    page = client.get(link(registration)).get_data(as_text=True)
    assert "in the order your request arrived" not in page
    assert "a free seat, or else a place at the end of the waiting list" in page


def test_subjects_follow_the_outcome_recorded_with_the_message(app, make_event,
                                                               make_registration) -> None:
    event = make_event()
    seated = make_registration(event)
    message = outbox.enqueue(db.session, "approved", seated, calendar="REQUEST")
    db.session.commit()
    seated.status = S.CANCELLED  # moved on before the worker sent it
    db.session.commit()
    email = compose.compose(db.session, db.session.get(OutboxMessage, message.id),
                            datetime.now(UTC) + timedelta(seconds=1))
    assert email["Subject"] == f"You are in: {event.title}"
