"""No empty chairs, in the domain with a fixed clock: reminders, "Still coming?", last-minute
offers, attendance, closing and history. No HTTP (the private page has its own tests)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from roundtable.domain import attendance, registrations, schedule, seating
from roundtable.domain.errors import InvalidTransition
from roundtable.domain.models import (
    Attendance,
    Event,
    EventFormat,
    EventStatus,
    Organizer,
    OutboxMessage,
    OutboxStatus,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db
from roundtable.notify import compose, outbox

from conftest import NOW, SECRET

S = RegistrationStatus
H = timedelta(hours=1)
START = NOW + timedelta(days=10)


def admit(event: Event, name: str, at=NOW, company: str | None = None) -> int:
    """Sign ``name`` up (eligible) at ``at``; return the registration id."""
    registration = registrations.admit(
        db.session, actor=None, now=at, event_id=event.id, secret_key=SECRET,
        applicant=registrations.Applicant(
            name=name.title(), email=f"{name}@{company or name}.example",
            company=company or name, job_title="CTO", seniority=Seniority.C_LEVEL),
    ).registration
    db.session.commit()
    return registration.id


def status(registration_id: int) -> S:
    db.session.rollback()
    registration = db.session.get(Registration, registration_id)
    db.session.refresh(registration)
    return registration.status


def row(registration_id: int) -> Registration:
    db.session.rollback()
    registration = db.session.get(Registration, registration_id)
    db.session.refresh(registration)
    return registration


def tick(event: Event, at) -> schedule.Round:
    """One worker round for ``event`` at ``at``, committed."""
    done = schedule.run_event(db.session, event.id, at)
    db.session.commit()
    return done


def kinds(kind: str | None = None) -> list[tuple[str, int | None]]:
    db.session.rollback()
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return [(m.kind, m.registration_id) for m in db.session.scalars(query)]


def cancel(registration_id: int, at) -> None:
    registrations.cancel(db.session, actor=None, now=at, registration_id=registration_id)
    db.session.commit()


@pytest.fixture
def event(make_event):
    return make_event(starts_at=START, capacity=2)


@pytest.fixture
def organizer_id(app) -> int:
    account = Organizer(email="olive@organizers.example", password_hash="-", created_at=NOW)
    db.session.add(account)
    db.session.commit()
    return account.id


# --- Reminders ---------------------------------------------------------------------------------


def test_the_day_before_reminder_goes_to_seat_holders_once(event) -> None:
    ada, bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))  # cy waits
    assert tick(event, START - 25 * H).reminded == 0
    assert tick(event, START - 24 * H).reminded == 2
    assert sorted(kinds("reminder")) == [("reminder", ada), ("reminder", bob)]
    assert tick(event, START - 20 * H).reminded == 0  # again: nothing new
    assert status(cy) == S.WAITLISTED and ("reminder", cy) not in kinds()


def test_reminders_can_be_turned_off(make_event) -> None:
    event = make_event(starts_at=START, reminder_hours=0)
    admit(event, "ada")
    assert tick(event, START - 2 * H).reminded == 0
    assert tick(event, START - 30 * 60 * timedelta(seconds=1)).reminded == 0
    assert kinds("reminder") == [] and kinds("reminder_hour") == []


def test_an_online_event_also_sends_the_join_link_an_hour_before(event, make_event) -> None:
    ada = admit(event, "ada")
    tick(event, START - 24 * H)
    assert tick(event, START - H).reminded == 1
    assert kinds("reminder_hour") == [("reminder_hour", ada)]
    in_person = make_event(starts_at=START, format=EventFormat.IN_PERSON, join_url=None,
                           location="Somewhere 1, Berlin")
    admit(in_person, "bob")
    tick(in_person, START - 24 * H)
    assert tick(in_person, START - H).reminded == 0


def test_a_moved_event_gets_its_reminder_at_the_new_time(event) -> None:
    ada = admit(event, "ada")
    assert tick(event, START - 24 * H).reminded == 1
    # The organizers move it a week later: the calendar sequence goes up.
    moved = seating.lock_event(db.session, event_id=event.id)
    moved.starts_at, moved.ends_at = START + timedelta(days=7), START + timedelta(days=7, hours=1)
    moved.sequence += 1
    db.session.commit()
    assert tick(event, START - 12 * H).reminded == 0  # not due for the new time yet
    assert tick(event, START + timedelta(days=6)).reminded == 1
    assert kinds("reminder") == [("reminder", ada), ("reminder", ada)]


def test_a_reminder_is_no_longer_sent_once_it_is_not_true(app, event) -> None:
    ada = admit(event, "ada")
    tick(event, START - 24 * H)
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
    with app.test_request_context():
        # A worker stopped for a day: the "tomorrow" reminder would arrive after the start.
        with pytest.raises(outbox.Undeliverable):
            compose.compose(db.session, message, START + 5 * 60 * timedelta(seconds=1))
        assert "starts tomorrow" in compose.compose(db.session, message, START - 23 * H) \
            .get_body(("plain",)).get_content()
        cancel(ada, START - 23 * H)  # a cancelled seat: the reminder vanishes
        message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "reminder"))
        with pytest.raises(outbox.Undeliverable):
            compose.compose(db.session, message, START - 22 * H)


def test_nothing_falls_due_after_the_start_or_at_a_cancelled_event(event) -> None:
    admit(event, "ada")
    assert not tick(event, START + H)
    assert kinds("reminder") == []
    assert event.id not in schedule.due_events(db.session, START + H)
    cancelled = seating.lock_event(db.session, event_id=event.id)
    cancelled.status = EventStatus.CANCELLED
    db.session.commit()
    assert event.id not in schedule.due_events(db.session, START - 24 * H)
    assert not tick(event, START - 24 * H)


# --- Still coming? -----------------------------------------------------------------------------


def test_seat_holders_are_asked_72_hours_before_once(event) -> None:
    ada, bob = admit(event, "ada"), admit(event, "bob")
    assert tick(event, START - 73 * H).asked == 0
    assert tick(event, START - 72 * H).asked == 2
    assert tick(event, START - 71 * H).asked == 0
    assert sorted(kinds("reconfirm")) == [("reconfirm", ada), ("reconfirm", bob)]
    assert row(ada).reconfirm_asked_at == START - 72 * H


def test_someone_seated_after_the_question_is_not_asked(event) -> None:
    admit(event, "ada")
    tick(event, START - 72 * H)
    late = admit(event, "bob", at=START - 70 * H)
    assert tick(event, START - 60 * H).asked == 0
    assert ("reconfirm", late) not in kinds()


def test_no_question_when_the_event_does_not_ask(make_event) -> None:
    event = make_event(starts_at=START, reconfirm_hours=0)
    ada = admit(event, "ada")
    assert tick(event, START - 72 * H).asked == 0
    with pytest.raises(InvalidTransition, match="time to answer has passed"):
        registrations.reconfirm(db.session, now=START - 72 * H, registration_id=ada)


def test_yes_keeps_the_seat_and_answering_twice_changes_nothing(event) -> None:
    ada = admit(event, "ada")
    tick(event, START - 72 * H)
    assert registrations.reconfirm(db.session, now=START - 70 * H, registration_id=ada)
    db.session.commit()
    assert not registrations.reconfirm(db.session, now=START - 69 * H, registration_id=ada)
    db.session.commit()
    answered = row(ada)
    assert (answered.reconfirmation, answered.reconfirmed_at) == (Reconfirmation.YES,
                                                                 START - 70 * H)


def test_answering_after_the_deadline_is_refused_and_keeps_the_seat(event) -> None:
    ada = admit(event, "ada")
    tick(event, START - 72 * H)
    with pytest.raises(InvalidTransition, match="time to answer has passed"):
        registrations.reconfirm(db.session, now=START - 24 * H, registration_id=ada)
    db.session.rollback()
    assert status(ada) == S.CONFIRMED and row(ada).reconfirmation is None


def test_releasing_before_the_offer_window_seats_the_next_at_once(event) -> None:
    ada, _bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))
    tick(event, START - 72 * H)
    assert registrations.release_seat(db.session, now=START - 60 * H, registration_id=ada)
    db.session.commit()
    assert (status(ada), row(ada).reconfirmation) == (S.CANCELLED, Reconfirmation.RELEASED)
    assert status(cy) == S.CONFIRMED and row(cy).promoted_at == START - 60 * H
    assert not registrations.release_seat(db.session, now=START - 59 * H, registration_id=ada)
    assert not row(ada).late_cancellation  # 60 hours before: not late


def test_a_released_seat_after_the_start_is_refused(event) -> None:
    ada = admit(event, "ada")
    with pytest.raises(InvalidTransition, match="already started"):
        registrations.release_seat(db.session, now=START + 5 * 60 * timedelta(seconds=1),
                                   registration_id=ada)
    db.session.rollback()
    assert status(ada) == S.CONFIRMED


def test_unanswered_seats_are_kept_by_default(event) -> None:
    ada, bob = admit(event, "ada"), admit(event, "bob")
    admit(event, "cy")
    tick(event, START - 72 * H)
    registrations.reconfirm(db.session, now=START - 70 * H, registration_id=ada)
    db.session.commit()
    assert tick(event, START - 24 * H).released == 0
    assert status(bob) == S.CONFIRMED and row(bob).reconfirmation is None


def test_unanswered_seats_go_to_the_waiting_list_where_the_event_says_so(make_event) -> None:
    event = make_event(starts_at=START, capacity=2, release_unanswered=True)
    ada, bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))
    late = admit(event, "dee")
    tick(event, START - 72 * H)
    registrations.reconfirm(db.session, now=START - 70 * H, registration_id=ada)
    db.session.commit()
    assert tick(event, START - 25 * H).released == 0  # not yet
    assert tick(event, START - 24 * H).released == 1
    assert (status(bob), row(bob).reconfirmation) == (S.CANCELLED, Reconfirmation.LAPSED)
    assert not row(bob).late_cancellation  # not their cancellation
    # Inside the offer window: the freed seat is offered to the first person waiting.
    assert status(cy) == S.OFFERED and status(late) == S.WAITLISTED
    assert ("seat_released", bob) in kinds() and ("offered", cy) in kinds()
    assert tick(event, START - 23 * H).released == 0  # applied once


# --- Last-minute offers ------------------------------------------------------------------------


def test_a_seat_freed_in_the_final_window_is_offered_not_given(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    at = START - 40 * H
    cancel(ada, at)
    offered = row(cy)
    assert offered.status == S.OFFERED and offered.offer_expires_at == at + 6 * H
    assert status(dee) == S.WAITLISTED
    assert seating.seats_left(db.session, event) == 0  # the offer holds the seat
    assert row(ada).late_cancellation  # 40 hours before: late
    assert ("offered", cy) in kinds() and ("promoted", cy) not in kinds()


def test_accepting_an_offer_gives_the_seat_and_the_invitation(event) -> None:
    ada, _bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))
    cancel(ada, START - 40 * H)
    assert registrations.accept_offer(db.session, now=START - 39 * H, registration_id=cy)
    db.session.commit()
    assert status(cy) == S.CONFIRMED and row(cy).promoted_at == START - 39 * H
    promoted = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "promoted", OutboxMessage.registration_id == cy)).one()
    assert promoted.payload["calendar"] == "REQUEST"
    assert not registrations.accept_offer(db.session, now=START - 38 * H, registration_id=cy)


def test_an_expired_offer_cannot_be_accepted_and_passes_to_the_next(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    cancel(ada, START - 40 * H)
    with pytest.raises(InvalidTransition, match="lapsed"):
        registrations.accept_offer(db.session, now=START - 34 * H, registration_id=cy)
    db.session.rollback()
    assert tick(event, START - 34 * H).lapsed == 1
    lapsed = row(cy)
    assert lapsed.status == S.WAITLISTED and seating.waitlist_position(db.session, lapsed) == 1
    assert status(dee) == S.OFFERED
    assert ("offer_lapsed", cy) in kinds()
    # Dee lets it lapse too: nobody left who was not offered it, so the seat stays free.
    assert tick(event, START - 28 * H).lapsed == 1
    assert status(cy) == S.WAITLISTED and status(dee) == S.WAITLISTED
    assert seating.seats_left(db.session, event) == 1


def test_an_offer_never_runs_past_the_start(event) -> None:
    ada, _bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))
    cancel(ada, START - 2 * H)
    assert row(cy).offer_expires_at == START
    with pytest.raises(InvalidTransition, match="lapsed"):
        registrations.accept_offer(db.session, now=START, registration_id=cy)


def test_an_offer_open_at_the_start_lapses_then_and_nobody_is_moved_up(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    cancel(ada, START - 2 * H)
    assert event.id in schedule.due_events(db.session, START + 10 * 60 * timedelta(seconds=1))
    assert tick(event, START + 10 * 60 * timedelta(seconds=1)).lapsed == 1
    assert status(cy) == S.WAITLISTED and status(dee) == S.WAITLISTED


def test_signing_up_again_starts_afresh(event) -> None:
    ada = admit(event, "ada")
    tick(event, START - 72 * H)
    registrations.release_seat(db.session, now=START - 60 * H, registration_id=ada)
    db.session.commit()
    assert admit(event, "ada", at=START - 59 * H) == ada
    again = row(ada)
    assert again.status == S.CONFIRMED
    assert (again.reconfirmation, again.reconfirm_asked_at) == (None, None)


def test_declining_an_offer_passes_it_on_at_once(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    cancel(ada, START - 40 * H)
    assert registrations.decline_offer(db.session, now=START - 39 * H, registration_id=cy)
    db.session.commit()
    assert status(cy) == S.CANCELLED and status(dee) == S.OFFERED
    assert not row(cy).late_cancellation  # an offer is not a seat given back


def test_offers_can_be_turned_off(make_event) -> None:
    event = make_event(starts_at=START, capacity=1, offer_window_hours=0)
    ada, bob = admit(event, "ada"), admit(event, "bob")
    cancel(ada, START - 3 * H)
    assert status(bob) == S.CONFIRMED


def test_an_offer_racing_a_cancellation_of_the_offered_person(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    cancel(ada, START - 40 * H)
    cancel(cy, START - 39 * H)  # the offered person cancels before answering
    assert status(dee) == S.OFFERED
    with pytest.raises(InvalidTransition, match="no seat offered"):
        registrations.accept_offer(db.session, now=START - 39 * H, registration_id=cy)


# --- Attendance, closing, history --------------------------------------------------------------


def test_closing_records_attendance_and_sends_follow_ups(event, make_event,
                                                         organizer_id) -> None:
    following = make_event(starts_at=START + timedelta(days=30))
    ada, bob = admit(event, "ada"), admit(event, "bob")
    with pytest.raises(InvalidTransition, match="once it has started"):
        attendance.close_event(db.session, actor=organizer_id, now=START - H, event_id=event.id)
    db.session.rollback()
    registrations.check_in(db.session, actor=organizer_id, now=START, registration_id=ada)
    db.session.commit()
    closing = attendance.close_event(db.session, actor=organizer_id, now=START + 2 * H,
                                     event_id=event.id, note="Slides: see the link.")
    db.session.commit()
    assert (closing.attended, closing.no_shows) == (1, 1)
    assert (row(ada).attendance, row(bob).attendance) == (Attendance.ATTENDED,
                                                          Attendance.NO_SHOW)
    thanks = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "thank_you")).one()
    assert thanks.registration_id == ada and thanks.payload["note"] == "Slides: see the link."
    missed = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind == "missed_you")).one()
    assert missed.registration_id == bob and missed.payload["next_slug"] == following.slug
    with pytest.raises(InvalidTransition, match="already closed"):
        attendance.close_event(db.session, actor=organizer_id, now=START + 3 * H,
                               event_id=event.id)
    db.session.rollback()
    # A late correction after closing updates the record.
    registrations.check_in(db.session, actor=organizer_id, now=START + 4 * H,
                           registration_id=bob)
    db.session.commit()
    assert row(bob).attendance == Attendance.ATTENDED


def test_an_attendance_file_marks_who_came(event, organizer_id) -> None:
    ada, bob = admit(event, "ada"), admit(event, "bob")
    data = (b"Meeting ID,Topic\n123,Roundtable\n\n"
            b"Name (Original Name),User Email,Join Time\n"
            b"Ada,ADA@ada.example,2036-01-01\nGuest,,2036-01-01\n"
            b"Eve,eve@elsewhere.example,2036-01-01\nAda again,ada@ada.example,x\n")
    result = attendance.import_attendance(db.session, actor=organizer_id, now=START + H,
                                          event_id=event.id, data=data)
    db.session.commit()
    assert (result.marked, result.already, result.without_address) == (1, 0, 1)
    assert result.not_registered == ["eve@elsewhere.example"]
    assert row(ada).checked_in_at == START + H and row(bob).checked_in_at is None


@pytest.mark.parametrize("data, message", [
    (b"", "empty"),
    (b"name,company\nAda,Engines\n", "No email column"),
    (b"\xff\xfe\x00\xd8\x00\x00bad", "not"),
])
def test_an_unreadable_attendance_file_changes_nothing(event, organizer_id, data,
                                                       message) -> None:
    ada = admit(event, "ada")
    with pytest.raises(attendance.InvalidAttendanceFile, match=message):
        attendance.import_attendance(db.session, actor=organizer_id, now=START + H,
                                     event_id=event.id, data=data)
    db.session.rollback()
    assert row(ada).checked_in_at is None


def test_history_follows_the_person_across_events(make_event, organizer_id) -> None:
    history_start = NOW + timedelta(days=1)
    first = make_event(starts_at=history_start)
    second = make_event(starts_at=history_start + timedelta(days=1))
    third = make_event(starts_at=history_start + timedelta(days=20), capacity=5,
                       review_no_shows=True)
    for event in (first, second):
        admit(event, "ada")
        attendance.close_event(db.session, actor=organizer_id,
                               now=event.starts_at + 2 * H, event_id=event.id)
        db.session.commit()
    kept = admit(third, "bob")
    ada_at_third = admit(third, "ada")
    history = attendance.history_of(db.session, "Ada@ada.example", history_start
                                    + timedelta(days=20))
    assert (history.attended, history.no_shows, history.recent_no_shows) == (0, 2, 2)
    assert history.summary == "2 no-shows"
    # Two no-shows in twelve months: this event sends them to review.
    assert status(ada_at_third) == S.PENDING_REVIEW
    assert row(ada_at_third).status_reason == registrations.NO_SHOW_REVIEW
    assert status(kept) == S.CONFIRMED
    # Erasure removes the person's part of the history.
    for event_id in (first.id, second.id):
        registration = db.session.scalar(select(Registration).where(
            Registration.event_id == event_id))
        registrations.erase(db.session, actor=None, now=NOW, registration_id=registration.id)
        db.session.commit()
    assert not attendance.history_of(db.session, "ada@ada.example", NOW)


def test_a_late_cancellation_is_part_of_the_history(event) -> None:
    ada = admit(event, "ada")
    cancel(ada, START - 10 * H)
    assert attendance.history_of(db.session, "ada@ada.example", NOW).late_cancellations == 1


def test_the_dashboard_figures(make_event, organizer_id) -> None:
    event = make_event(starts_at=START, capacity=2, release_unanswered=True)
    ada, bob, cy = (admit(event, n) for n in ("ada", "bob", "cy"))
    tick(event, START - 72 * H)
    registrations.reconfirm(db.session, now=START - 70 * H, registration_id=ada)
    db.session.commit()
    tick(event, START - 24 * H)  # bob lapses, cy is offered
    registrations.accept_offer(db.session, now=START - 23 * H, registration_id=cy)
    db.session.commit()
    registrations.check_in(db.session, actor=organizer_id, now=START, registration_id=ada)
    db.session.commit()
    attendance.close_event(db.session, actor=organizer_id, now=START + 2 * H,
                           event_id=event.id)
    db.session.commit()
    figures = attendance.figures(db.session, db.session.get(Event, event.id))
    assert (figures.asked, figures.reconfirmed, figures.lapsed, figures.refilled) == (2, 1, 1, 1)
    assert figures.reconfirm_rate == 0.5 and figures.seats_released == 1
    assert (figures.attended, figures.no_shows, figures.no_show_rate) == (1, 1, 0.5)
    assert row(bob).status == S.CANCELLED


def test_several_workers_write_each_scheduled_message_once(event) -> None:
    admit(event, "ada")
    for _ in range(3):
        tick(event, START - 24 * H)
    assert len(kinds("reminder")) == 1
    keys = db.session.scalars(select(OutboxMessage.dedup_key)).all()
    assert len(keys) == len(set(keys))
    assert db.session.scalar(select(OutboxMessage.status)) == OutboxStatus.PENDING


def test_the_follow_up_mails_read_right(app, event, make_event, organizer_id) -> None:
    following = make_event(starts_at=START + timedelta(days=30), title="The next one")
    ada, bob = admit(event, "ada"), admit(event, "bob")
    registrations.check_in(db.session, actor=organizer_id, now=START, registration_id=ada)
    attendance.close_event(db.session, actor=organizer_id, now=START + 2 * H,
                           event_id=event.id, note="The slides are at https://example.org/s")
    db.session.commit()
    mails = {m.registration_id: m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.in_(["thank_you", "missed_you"])))}
    with app.test_request_context():
        thanks = compose.compose(db.session, mails[ada], START + 3 * H)
        missed = compose.compose(db.session, mails[bob], START + 3 * H)
    assert thanks["Subject"].startswith("Thank you for coming")
    assert "https://example.org/s" in thanks.get_body(("plain",)).get_content()
    text = missed.get_body(("plain",)).get_content()
    assert missed["Subject"].startswith("Sorry we missed you")
    assert "The next one" in text and f"/events/{following.slug}" in text


def test_an_edit_that_costs_an_offer_passes_the_seat_on(event) -> None:
    ada, _bob, cy, dee = (admit(event, n) for n in ("ada", "bob", "cy", "dee"))
    cancel(ada, START - 40 * H)
    assert status(cy) == S.OFFERED
    registrations.update_details(
        db.session, actor=None, now=START - 39 * H, registration_id=cy,
        changes=registrations.DetailChanges(name="Cy", company="cy", job_title="Engineer",
                                            seniority=Seniority.INDIVIDUAL_CONTRIBUTOR))
    db.session.commit()
    assert status(cy) == S.DECLINED and status(dee) == S.OFFERED
    assert row(cy).offer_expires_at is None


def test_purge_removes_the_history_too(make_event, organizer_id) -> None:
    past = make_event(starts_at=NOW - timedelta(days=200))
    admit_at = NOW - timedelta(days=210)
    registrations.admit(db.session, actor=organizer_id, now=admit_at, event_id=past.id,
                        secret_key=SECRET, applicant=registrations.Applicant(
                            name="Ada", email="ada@ada.example", company="ada",
                            job_title="CTO", seniority=Seniority.C_LEVEL))
    db.session.commit()
    attendance.close_event(db.session, actor=organizer_id, now=NOW - timedelta(days=199),
                           event_id=past.id)
    db.session.commit()
    assert attendance.history_of(db.session, "ada@ada.example", NOW).no_shows == 1
    registrations.purge(db.session, now=NOW, ended_before=NOW - timedelta(days=90))
    db.session.commit()
    assert not attendance.history_of(db.session, "ada@ada.example", NOW)


def test_the_export_carries_the_answer_and_the_attendance(event, organizer_id) -> None:
    import io

    from roundtable.domain import reports

    ada, bob = admit(event, "ada"), admit(event, "bob")
    tick(event, START - 72 * H)
    registrations.reconfirm(db.session, now=START - 70 * H, registration_id=ada)
    registrations.check_in(db.session, actor=organizer_id, now=START, registration_id=ada)
    attendance.close_event(db.session, actor=organizer_id, now=START + 2 * H, event_id=event.id)
    db.session.commit()
    out = io.StringIO()
    reports.write_csv(db.session, db.session.get(Event, event.id), out)
    lines = [line.split(",") for line in out.getvalue().splitlines()]
    assert lines[0][-2:] == ["still_coming", "attendance"]
    assert [line[-2:] for line in lines[1:]] == [["yes", "attended"], ["", "no_show"]]
    assert lines[2][1] == row(bob).email


def test_the_waiting_list_mail_says_how_last_minute_seats_go(app, event) -> None:
    admit(event, "ada"), admit(event, "bob")
    cy = admit(event, "cy")
    message = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.registration_id == cy)).one()
    with app.test_request_context():
        text = compose.compose(db.session, message, NOW).get_body(("plain",)).get_content()
    assert "In the last 48 hours before the start, a seat that frees up is offered" in text
    assert "you then have 6 hours" in text
