"""Adding someone by hand to a full room: the waiting list, one more seat, or a seat over."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from roundtable.domain import registrations, seating
from roundtable.domain.errors import CapacityBelowConfirmed
from roundtable.domain.models import AuditEntry, Event, Registration, RegistrationStatus
from roundtable.domain.seating import FullRoom
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from conftest import SECRET
from organizer_support import page

S = RegistrationStatus
PERSON = {
    "name": "Grace Hopper", "email": "grace@navy.example", "company": "US Navy",
    "job_title": "Rear Admiral", "seniority": "vp", "discussion_topic": "", "notify": "y",
}


def applicant(n: int) -> registrations.Applicant:
    return registrations.Applicant(name=f"P{n}", email=f"p{n}@c{n}.example",
                                   company=f"C{n}", job_title="CTO", seniority=Seniority.C_LEVEL)


def add(event_id: int, organizer_id: int, now, n: int, how: FullRoom) -> Registration:
    registration = registrations.admit(
        db.session, actor=organizer_id, now=now, event_id=event_id, applicant=applicant(n),
        secret_key=SECRET, when_full=how,
    ).registration
    db.session.commit()
    return registration


def added_detail() -> str:
    db.session.rollback()
    return db.session.scalars(select(AuditEntry.detail).where(
        AuditEntry.action == "registration.added").order_by(AuditEntry.id.desc())).first() or ""


def test_console_raises_the_capacity_by_one(console_client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new",
                                   data={**PERSON, "when_full": "raise_capacity"},
                                   follow_redirects=True)
    assert "Grace Hopper is added: they have a seat." in page(response)
    db.session.rollback()
    assert db.session.get(Event, event.id).capacity == 2
    added = db.session.scalar(select(Registration).where(Registration.added_by_organizer))
    assert added.status == S.CONFIRMED and not added.over_capacity
    assert added_detail() == "a seat; the room was full, so the capacity was raised from 1 to 2"
    audit = page(console_client.get(f"/organizer/events/{event.id}/audit"))
    assert "the capacity was raised from 1 to 2" in audit


def test_console_gives_a_seat_over_the_capacity(console_client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new",
                                   data={**PERSON, "when_full": "over_capacity"},
                                   follow_redirects=True)
    assert "Grace Hopper is added: they have a seat over the capacity." in page(response)
    db.session.rollback()
    assert db.session.get(Event, event.id).capacity == 1
    added = db.session.scalar(select(Registration).where(Registration.added_by_organizer))
    assert added.status == S.CONFIRMED and added.over_capacity
    assert added_detail() == "a seat over the capacity of 1 (the room was full)"


def test_the_default_in_a_full_room_is_the_waiting_list(console_client, make_event,
                                                        make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    body = page(console_client.get(f"/organizer/events/{event.id}/attendees/new"))
    assert 'name="when_full"' in body and "Raise the capacity by one" in body
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON,
                                   follow_redirects=True)
    assert "they are on the waiting list. The room is full." in page(response)
    assert added_detail() == "the waiting list"


def test_an_unknown_choice_is_refused(console_client, make_event):
    event = make_event(capacity=1)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new",
                                   data={**PERSON, "when_full": "evict"})
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.scalar(select(Registration)) is None


@pytest.mark.parametrize("how", list(FullRoom))
def test_a_room_with_seats_free_gives_a_plain_seat_whatever_the_choice(
    make_event, organizer, now, how
):
    event = make_event(capacity=2)
    added = add(event.id, organizer.id, now, 1, how)
    assert added.status == S.CONFIRMED and not added.over_capacity
    assert db.session.get(Event, event.id).capacity == 2
    assert added_detail() == "a seat"


def test_over_capacity_seats_are_not_refilled_and_do_not_block_edits(
    make_event, organizer, now
):
    event = make_event(capacity=2)
    event_id = event.id
    seated = [add(event_id, organizer.id, now, n, FullRoom.WAIT).id for n in (1, 2)]
    over = add(event_id, organizer.id, now, 3, FullRoom.OVER_CAPACITY)
    waiting = add(event_id, organizer.id, now, 4, FullRoom.WAIT)
    assert over.over_capacity and waiting.status == S.WAITLISTED
    # A seat holder cancels: the room is back at its capacity, so nobody is promoted.
    registrations.cancel(db.session, actor=organizer.id, now=now, registration_id=seated[0])
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == S.WAITLISTED
    # The capacity may stay as it is, or drop to the seats within it, but not below those.
    locked = seating.lock_event(db.session, event_id=event_id)
    assert seating.set_capacity(db.session, locked, 1, now) == []
    db.session.commit()
    locked = seating.lock_event(db.session, event_id=event_id)
    with pytest.raises(CapacityBelowConfirmed):
        seating.set_capacity(db.session, locked, 0, now)
    db.session.rollback()
    # The over-capacity seat is given back: the room holds its capacity, still nobody promoted.
    registrations.cancel(db.session, actor=organizer.id, now=now, registration_id=over.id)
    db.session.commit()
    assert db.session.get(Registration, waiting.id).status == S.WAITLISTED
    # One more seat: the waiting list moves up.
    locked = seating.lock_event(db.session, event_id=event_id)
    assert [r.id for r in seating.set_capacity(db.session, locked, 2, now)] == [waiting.id]
    db.session.commit()


def test_room_balance_still_applies_to_a_full_room(make_event, organizer, now):
    event = make_event(capacity=1, company_cap=1)
    add(event.id, organizer.id, now, 1, FullRoom.WAIT)
    same = registrations.Applicant(name="Q", email="q@c1.example", company="C1",
                                   job_title="CTO", seniority=Seniority.C_LEVEL)
    added = registrations.admit(db.session, actor=organizer.id, now=now, event_id=event.id,
                                applicant=same, secret_key=SECRET,
                                when_full=FullRoom.OVER_CAPACITY).registration
    db.session.commit()
    assert added.status == S.WAITLISTED and not added.over_capacity
