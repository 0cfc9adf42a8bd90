"""The private page's one-click answers, through HTTP: "Still coming?" and last-minute offers.

The service reads the real clock, so events here start a few days from now: inside the
question's window (72 hours before) or the offers' (48 hours before).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from roundtable.domain import registrations, schedule
from roundtable.domain.models import (
    OutboxMessage,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from conftest import SECRET
from organizer_support import text

S = RegistrationStatus


def soon(hours: float) -> datetime:
    return (datetime.now(UTC) + timedelta(hours=hours)).replace(microsecond=0)


def link(registration: Registration) -> str:
    return f"/r/{registrations.manage_token(SECRET, registration)}"


def fresh(registration_id: int) -> Registration:
    db.session.rollback()
    return db.session.get(Registration, registration_id)


def asked_seat(make_event, make_registration, **event_settings):
    """A seat holder at an event 60 hours away who was asked "Still coming?"."""
    event = make_event(starts_at=soon(60), **event_settings)
    registration = make_registration(event, confirmed_at=soon(-100))
    schedule.run_event(db.session, event.id, datetime.now(UTC))
    db.session.commit()
    return event, fresh(registration.id)


def test_the_question_is_on_the_private_page_and_a_get_changes_nothing(
    client, make_event, make_registration
) -> None:
    _event, registration = asked_seat(make_event, make_registration)
    assert registration.reconfirm_asked_at is not None
    for _ in range(3):  # a mail scanner follows the link from the mail
        body = client.get(f"{link(registration)}#still-coming").get_data(as_text=True)
    assert 'id="still-coming"' in body
    assert "Yes, keep my seat" in body and "Release my seat" in body
    assert fresh(registration.id).reconfirmation is None
    assert client.get(f"{link(registration)}/still-coming").status_code == 405


def test_yes_keeps_the_seat_and_a_second_yes_says_so(client, make_event,
                                                     make_registration) -> None:
    _event, registration = asked_seat(make_event, make_registration)
    response = client.post(f"{link(registration)}/still-coming", follow_redirects=True)
    assert "Thank you: your seat is kept." in text(response.get_data(as_text=True))
    assert fresh(registration.id).reconfirmation == Reconfirmation.YES
    again = client.post(f"{link(registration)}/still-coming", follow_redirects=True)
    assert "You had already said you are coming" in again.get_data(as_text=True)
    page = client.get(link(registration)).get_data(as_text=True)
    assert 'id="still-coming"' not in page and "that you are coming" in page


def test_release_gives_the_seat_to_the_next_person(client, make_event,
                                                   make_registration) -> None:
    event, registration = asked_seat(make_event, make_registration, capacity=1)
    waiting = make_registration(event, status=S.WAITLISTED, queue_position=1)
    response = client.post(f"{link(registration)}/release", follow_redirects=True)
    assert "Your seat is released" in response.get_data(as_text=True)
    released = fresh(registration.id)
    assert (released.status, released.reconfirmation) == (S.CANCELLED, Reconfirmation.RELEASED)
    # 60 hours before, outside the offer window: the next person is seated at once.
    assert fresh(waiting.id).status == S.CONFIRMED
    again = client.post(f"{link(registration)}/release", follow_redirects=True)
    assert "already been released; nothing changed" in again.get_data(as_text=True)
    assert client.post(f"{link(registration)}/still-coming").status_code == 409


def test_an_answer_after_the_deadline_gets_a_clear_page_and_changes_nothing(
    client, make_event, make_registration
) -> None:
    event = make_event(starts_at=soon(20))  # the deadline (24 hours before) has passed
    registration = make_registration(event)
    response = client.post(f"{link(registration)}/still-coming")
    assert response.status_code == 409
    assert "The time to answer has passed" in response.get_data(as_text=True)
    assert fresh(registration.id).reconfirmation is None
    assert fresh(registration.id).status == S.CONFIRMED


def test_a_released_seat_after_the_start_is_refused(client, make_event,
                                                    make_registration) -> None:
    event = make_event(starts_at=soon(-0.25))
    event.ends_at = soon(2)
    db.session.commit()
    registration = make_registration(event)
    response = client.post(f"{link(registration)}/release")
    assert response.status_code == 409
    assert "already started" in response.get_data(as_text=True)
    assert fresh(registration.id).status == S.CONFIRMED


def offered_seat(make_event, make_registration, client):
    """An event 30 hours away, full, whose seat holder cancels: the first waiting is offered."""
    event = make_event(starts_at=soon(30), capacity=1)
    holder = make_registration(event)
    first = make_registration(event, status=S.WAITLISTED, queue_position=1)
    second = make_registration(event, status=S.WAITLISTED, queue_position=2)
    assert client.post(f"{link(holder)}/cancel").status_code == 303
    return event, fresh(first.id), fresh(second.id)


def test_an_offer_is_accepted_with_one_click(client, make_event, make_registration) -> None:
    _event, first, second = offered_seat(make_event, make_registration, client)
    assert first.status == S.OFFERED and second.status == S.WAITLISTED
    page = client.get(link(first)).get_data(as_text=True)
    assert 'id="offer"' in page and "Yes, I take the seat" in page
    response = client.post(f"{link(first)}/accept", follow_redirects=True)
    assert "The seat is yours." in response.get_data(as_text=True)
    assert fresh(first.id).status == S.CONFIRMED
    mail = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.registration_id == first.id).order_by(OutboxMessage.id)).all()
    assert [m.kind for m in mail] == ["offered", "promoted"]
    assert mail[-1].payload["calendar"] == "REQUEST"
    again = client.post(f"{link(first)}/accept", follow_redirects=True)
    assert "You had already accepted" in again.get_data(as_text=True)
    assert client.post(f"{link(first)}/decline").status_code == 409


def test_an_expired_offer_gets_a_clear_page(client, make_event, make_registration) -> None:
    _event, first, _second = offered_seat(make_event, make_registration, client)
    first.offer_expires_at = soon(-0.1)
    db.session.commit()
    response = client.post(f"{link(first)}/accept")
    assert response.status_code == 409
    assert "This offer has lapsed" in response.get_data(as_text=True)
    assert fresh(first.id).status == S.OFFERED  # the worker passes it on; nothing else changed


def test_declining_an_offer_passes_it_on(client, make_event, make_registration) -> None:
    _event, first, second = offered_seat(make_event, make_registration, client)
    response = client.post(f"{link(first)}/decline", follow_redirects=True)
    assert "the seat goes to the next person waiting" in response.get_data(as_text=True)
    assert fresh(first.id).status == S.CANCELLED
    assert fresh(second.id).status == S.OFFERED
