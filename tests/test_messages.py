"""An organizer's message to the room: audiences, checks, one send per content: domain, no HTTP."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from roundtable.domain import messages
from roundtable.domain.errors import InvalidTransition
from roundtable.domain.messages import Draft, InvalidMessage, NobodyToTell
from roundtable.domain.models import AuditEntry, EventStatus, OutboxMessage, RegistrationStatus
from roundtable.extensions import db

S = RegistrationStatus


@pytest.fixture
def room(make_event, make_registration):
    """An event with two seat holders, one waiting, one in review, one cancelled, one declined."""
    event = make_event(title="Platform leaders")
    people = {
        "seat1": make_registration(event, email="seat1@example.com"),
        "seat2": make_registration(event, email="seat2@example.com"),
        "wait": make_registration(event, email="wait@example.com", status=S.WAITLISTED,
                                  queue_position=1),
        "review": make_registration(event, email="review@example.com",
                                    status=S.PENDING_REVIEW),
        "gone": make_registration(event, email="gone@example.com", status=S.CANCELLED),
        "no": make_registration(event, email="no@example.com", status=S.DECLINED),
    }
    return event, people


def send(event, organizer, now, audience="seats", subject="Room change",
         text="We moved to room 4.\n\nSee you there."):
    sent = messages.send_message(db.session, actor=organizer.id, now=now, event_id=event.id,
                                 draft=Draft(audience, subject, text))
    db.session.commit()
    return sent


def queued():
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


@pytest.mark.parametrize(("audience", "who"), [
    ("seats", {"seat1", "seat2"}),
    ("waiting", {"wait"}),
    ("review", {"review"}),
    ("everyone", {"seat1", "seat2", "wait", "review"}),
])
def test_each_audience_reaches_the_people_the_lifecycle_says(room, organizer, now, audience,
                                                               who) -> None:
    event, people = room
    sent = send(event, organizer, now, audience=audience)
    assert sent == messages.Sent(len(who))
    rows = queued()
    assert {m.recipient for m in rows} == {people[name].email for name in who}
    assert {m.kind for m in rows} == {"organizer_message"}
    assert all(m.payload["subject"] == "Room change" and m.payload["audience"] == audience
               and m.payload["text"] == "We moved to room 4.\n\nSee you there." for m in rows)


def test_the_send_is_audited_with_audience_and_count_but_not_the_text(room, organizer,
                                                                       now) -> None:
    event, _ = room
    send(event, organizer, now, audience="everyone")
    db.session.rollback()
    entry = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert (entry.action, entry.organizer_id, entry.event_id) == (
        "event.messaged", organizer.id, event.id)
    assert entry.detail == "to everyone registered; 4 people"
    assert "room 4" not in entry.detail and "Room change" not in entry.detail


def test_the_same_message_twice_is_sent_once(room, organizer, now) -> None:
    event, _ = room
    assert send(event, organizer, now) == messages.Sent(2)
    assert send(event, organizer, now + timedelta(seconds=1)) == messages.Sent(2, repeated=True)
    assert len(queued()) == 2
    # The same words after a trailing space or a CR LF are the same message.
    send(event, organizer, now + timedelta(seconds=2), subject=" Room change ",
         text="We moved to room 4.\r\n\r\nSee you there.\n")
    assert len(queued()) == 2
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "event.messaged")
                             .order_by(AuditEntry.id.desc())).detail.endswith("2 people")


def test_other_words_another_audience_or_a_later_send_do_go(room, organizer, now) -> None:
    event, _ = room
    send(event, organizer, now)
    assert send(event, organizer, now, text="Other words.") == messages.Sent(2)
    assert send(event, organizer, now, audience="waiting") == messages.Sent(1)
    later = now + messages.REPEAT_WINDOW + timedelta(seconds=1)
    assert send(event, organizer, later) == messages.Sent(2)
    assert len(queued()) == 7


def test_an_empty_audience_sends_nothing(make_event, make_registration, organizer, now) -> None:
    event = make_event()
    make_registration(event)
    with pytest.raises(NobodyToTell, match="Nobody is in the waiting list"):
        send(event, organizer, now, audience="waiting")
    assert queued() == []


@pytest.mark.parametrize(("subject", "text", "field"), [
    ("", "Text", "subject"),
    ("   ", "Text", "subject"),
    ("Subject", "  \n ", "text"),
    ("Two\nlines", "Text", "subject"),
    ("Bcc: someone\r\nX", "Text", "subject"),
    ("Bell\x07", "Text", "subject"),
    ("Override \u202e", "Text", "subject"),
    ("x" * 151, "Text", "subject"),
    ("Subject", "x" * 5001, "text"),
    ("Subject", "Null\x00byte", "text"),
])
def test_bad_messages_are_refused_naming_the_field(room, organizer, now, subject, text,
                                                    field) -> None:
    event, _ = room
    with pytest.raises(InvalidMessage) as refused:
        send(event, organizer, now, subject=subject, text=text)
    assert refused.value.field == field
    assert queued() == []


def test_an_unknown_audience_is_refused(room, organizer, now) -> None:
    event, _ = room
    with pytest.raises(InvalidMessage):
        send(event, organizer, now, audience="cancelled")


def test_a_cancelled_or_past_event_is_refused(make_event, make_registration, organizer,
                                              now) -> None:
    cancelled = make_event(status=EventStatus.CANCELLED)
    make_registration(cancelled)
    with pytest.raises(InvalidTransition, match="cancelled"):
        send(cancelled, organizer, now)
    db.session.rollback()
    past = make_event(starts_at=now - timedelta(days=2))
    make_registration(past)
    with pytest.raises(InvalidTransition, match="already taken place"):
        send(past, organizer, now)
    assert queued() == []


def test_erased_people_are_not_written_to(make_event, make_registration, organizer,
                                          now) -> None:
    event = make_event()
    make_registration(event, email=None, name=None)
    kept = make_registration(event)
    assert send(event, organizer, now) == messages.Sent(1)
    assert [m.recipient for m in queued()] == [kept.email]
