"""Review with context (issue 14): the person's history on the card, declined rows taken up
again, and approvals and declines undone within five minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from test_seating import check_invariants, join, organizer_id

from roundtable.domain import registrations
from roundtable.domain.errors import InvalidTransition
from roundtable.domain.models import (
    AuditEntry,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from conftest import NOW
from organizer_support import audit_rows, outbox_rows, page, text

S = RegistrationStatus
BORDERLINE = {"job_title": "Associate Director, Data", "seniority": "director"}


def status_of(registration_id: int) -> S:
    db.session.rollback()
    return db.session.get(Registration, registration_id).status


def kinds(registration_id: int) -> list[tuple[str, str | None]]:
    return [(k, c) for k, r, c, _ in outbox_rows() if r == registration_id]


# --- Domain ------------------------------------------------------------------------------------


def test_undoing_an_approval_gives_the_seat_to_the_next_in_line(make_event, now) -> None:
    event = make_event(capacity=1, company_cap=5)
    actor = organizer_id(now)
    pending = join(event.id, now, "pat@a.example", allocate=False)
    registrations.approve(db.session, actor=actor, now=now, registration_id=pending)
    db.session.commit()
    waiting = join(event.id, now, "wes@b.example", status=S.PENDING_REVIEW)
    assert status_of(pending) == S.CONFIRMED and status_of(waiting) == S.WAITLISTED

    registrations.undo_decision(db.session, actor=actor, now=now + timedelta(minutes=4),
                                registration_id=pending)
    db.session.commit()
    assert status_of(pending) == S.PENDING_REVIEW and status_of(waiting) == S.CONFIRMED
    back = db.session.get(Registration, pending)
    assert back.confirmed_at is None and back.queue_position is None
    # The unsent "approved" mail is withdrawn: the person never hears of the decision.
    assert kinds(pending) == []
    assert ("promoted", "REQUEST") in kinds(waiting)
    assert audit_rows()[-1] == ("registration.decision_undone", actor, event.id, pending)
    check_invariants(event.id)


def test_undoing_a_sent_approval_sends_the_review_hold(make_event, now) -> None:
    event = make_event(capacity=5, company_cap=5)
    actor = organizer_id(now)
    pending = join(event.id, now, "pat@a.example", allocate=False)
    registrations.approve(db.session, actor=actor, now=now, registration_id=pending)
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
    db.session.commit()
    registrations.undo_decision(db.session, actor=actor, now=now, registration_id=pending)
    db.session.commit()
    assert kinds(pending) == [("approved", "REQUEST"), ("pending_review", "PUBLISH")]
    check_invariants(event.id)


def test_undoing_a_decline_puts_it_back_in_review(make_event, now) -> None:
    event = make_event()
    actor = organizer_id(now)
    pending = join(event.id, now, "pat@a.example", allocate=False)
    registrations.decline(db.session, actor=actor, now=now, registration_id=pending)
    db.session.execute(update(OutboxMessage).values(status=OutboxStatus.SENT))
    db.session.commit()
    registrations.undo_decision(db.session, actor=actor, now=now + timedelta(minutes=5),
                                registration_id=pending)
    db.session.commit()
    assert status_of(pending) == S.PENDING_REVIEW
    assert db.session.get(Registration, pending).status_reason is None
    assert kinds(pending) == [("declined", "CANCEL"), ("pending_review", "PUBLISH")]


def test_undo_is_refused_late_by_others_and_twice(make_event, now) -> None:
    event = make_event()
    actor = organizer_id(now)
    pending = join(event.id, now, "pat@a.example", allocate=False)
    registrations.decline(db.session, actor=actor, now=now, registration_id=pending)
    db.session.commit()
    with pytest.raises(registrations.UndoExpired, match="no longer be undone"):
        registrations.undo_decision(db.session, actor=actor, now=now + timedelta(minutes=6),
                                    registration_id=pending)
    db.session.rollback()
    with pytest.raises(registrations.UndoExpired):
        registrations.undo_decision(db.session, actor=actor + 1, now=now,
                                    registration_id=pending)
    db.session.rollback()
    registrations.undo_decision(db.session, actor=actor, now=now, registration_id=pending)
    db.session.commit()
    with pytest.raises(registrations.UndoExpired):
        registrations.undo_decision(db.session, actor=actor, now=now, registration_id=pending)
    db.session.rollback()
    assert status_of(pending) == S.PENDING_REVIEW


def test_a_declined_request_is_reinstated_silently_or_approved(make_event, now) -> None:
    event = make_event(capacity=1, company_cap=5)
    actor = organizer_id(now)
    first = join(event.id, now, "pat@a.example", allocate=False)
    second = join(event.id, now, "sam@b.example", allocate=False)
    for rid in (first, second):
        registrations.decline(db.session, actor=actor, now=now, registration_id=rid)
    db.session.commit()
    before = outbox_rows()
    registrations.reinstate(db.session, actor=actor, now=now, registration_id=first)
    db.session.commit()
    assert status_of(first) == S.PENDING_REVIEW and outbox_rows() == before
    assert audit_rows()[-1] == ("registration.reinstated", actor, event.id, first)
    with pytest.raises(InvalidTransition):
        registrations.reinstate(db.session, actor=actor, now=now, registration_id=first)
    db.session.rollback()

    registrations.approve(db.session, actor=actor, now=now, registration_id=second)
    db.session.commit()
    assert status_of(second) == S.CONFIRMED
    assert kinds(second)[-1] == ("approved", "REQUEST")
    check_invariants(event.id)


def test_a_title_or_level_change_is_recorded(make_event, make_registration, now) -> None:
    event = make_event()
    registration = make_registration(event, job_title="VP Engineering",
                                     seniority=Seniority.VP)
    changes = registrations.DetailChanges(name=registration.name, company=registration.company,
                                          job_title="Data Analyst",
                                          seniority=Seniority.DIRECTOR)
    registrations.update_details(db.session, actor=None, now=now,
                                 registration_id=registration.id, changes=changes)
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry)).one()
    assert entry.action == "registration.details_changed" and entry.organizer_id is None
    assert entry.detail.startswith(
        "job title: VP Engineering → Data Analyst; level: Vice president → Director; "
        "engine: eligible → ")
    # A change of name only is not a title or level change.
    registrations.update_details(
        db.session, actor=None, now=now, registration_id=registration.id,
        changes=registrations.DetailChanges(name="New Name", company=registration.company,
                                            job_title="Data Analyst",
                                            seniority=Seniority.DIRECTOR))
    db.session.commit()
    assert len(audit_rows()) == 1


# --- Through the console -----------------------------------------------------------------------


def test_the_card_shows_changes_and_other_roundtables(
    console_client, make_event, make_registration
) -> None:
    past = make_event(title="Spring Breakfast", starts_at=NOW - timedelta(days=30))
    make_registration(past, email="ada@lovelace.example", status=S.CONFIRMED,
                      checked_in_at=NOW - timedelta(days=30))
    event = make_event(title="Winter Dinner")
    registration = make_registration(event, email="ada@lovelace.example",
                                     job_title="VP Data", seniority=Seniority.VP)
    registrations.update_details(
        db.session, actor=None, now=NOW, registration_id=registration.id,
        changes=registrations.DetailChanges(name=registration.name,
                                            company=registration.company,
                                            job_title="Associate Director, Data",
                                            seniority=Seniority.DIRECTOR))
    db.session.commit()
    assert status_of(registration.id) == S.PENDING_REVIEW
    body = text(page(console_client.get("/organizer/review")))
    assert "Changed their title or level" in body
    assert "job title: VP Data → Associate Director, Data; level: Vice president → Director" in body
    assert "Spring Breakfast" in body and "Confirmed · checked in" in body
    assert "waiting since" in body


def test_an_approval_is_undone_from_the_review_page(
    console_client, organizer, make_event, sign_up
) -> None:
    event = make_event(capacity=3, company_cap=5)
    registration = sign_up(event, **BORDERLINE)
    flashed = page(console_client.post(
        f"/organizer/registrations/{registration.id}/approve", follow_redirects=True))
    assert "You can undo this for 5 minutes" in flashed
    assert f"/organizer/registrations/{registration.id}/undo-decision" in flashed
    response = console_client.post(f"/organizer/registrations/{registration.id}/undo-decision",
                                   follow_redirects=True)
    body = page(response)
    assert "Undone: the request is back in the review queue." in body
    assert "undo-decision" not in body and f"Approve {registration.name}" in body
    assert status_of(registration.id) == S.PENDING_REVIEW
    assert audit_rows()[-1] == ("registration.decision_undone", organizer.id, event.id,
                                registration.id)
    assert "Undid a review decision" in text(body)  # on the card's history
    check_invariants(event.id)


def test_a_decline_cannot_be_undone_after_five_minutes(
    console_client, make_event, sign_up
) -> None:
    registration = sign_up(make_event(), **BORDERLINE)
    console_client.post(f"/organizer/registrations/{registration.id}/decline")
    for entry in db.session.scalars(select(AuditEntry)):
        entry.created_at -= timedelta(minutes=6)
    db.session.commit()
    assert "undo-decision" not in page(console_client.get("/organizer/review"))
    response = console_client.post(f"/organizer/registrations/{registration.id}/undo-decision",
                                   follow_redirects=True)
    assert "This decision can no longer be undone" in page(response)
    assert status_of(registration.id) == S.DECLINED


def test_declined_rows_in_the_attendee_list_are_reinstated_or_approved(
    console_client, make_event, make_registration
) -> None:
    event = make_event(capacity=1, company_cap=5)
    quiet = make_registration(event, name="Quiet Quinn", status=S.DECLINED)
    seated = make_registration(event, name="Seated Sol", status=S.DECLINED)
    listing = f"/organizer/events/{event.id}/attendees"
    body = page(console_client.get(listing))
    assert f"/organizer/registrations/{quiet.id}/reinstate" in body
    assert f"/organizer/registrations/{quiet.id}/approve" in body
    before = outbox_rows()
    response = console_client.post(f"/organizer/registrations/{quiet.id}/reinstate",
                                   data={"return_to": listing})
    assert response.status_code == 303 and response.headers["Location"] == listing
    assert "No mail was sent." in page(console_client.get(listing))
    assert status_of(quiet.id) == S.PENDING_REVIEW and outbox_rows() == before
    response = console_client.post(f"/organizer/registrations/{seated.id}/approve",
                                   data={"return_to": listing})
    assert response.headers["Location"] == listing
    assert status_of(seated.id) == S.CONFIRMED
    assert kinds(seated.id) == [("approved", "REQUEST")]
    check_invariants(event.id)
