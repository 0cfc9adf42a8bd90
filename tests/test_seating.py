"""Seat allocation, the waiting list, promotion, room balance and capacity: domain, no HTTP."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from roundtable.domain import registrations, schedule, seating
from roundtable.domain.errors import CapacityBelowConfirmed, DomainError, InvalidTransition
from roundtable.domain.models import (
    Organizer,
    OutboxMessage,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

S = RegistrationStatus


def join(event_id, now, email, company="", status=S.PENDING_REVIEW, allocate=True):
    """Add a registration for an eligible person and seat it, in one committed transaction."""
    event = seating.lock_event(db.session, event_id=event_id)
    registration = Registration(
        event_id=event.id,
        name=email,
        email=email,
        company=company,
        company_key=seating.company_key(email, company),
        job_title="CTO",
        seniority=Seniority.C_LEVEL,
        status=status,
    )
    db.session.add(registration)
    db.session.flush()
    if allocate:
        seating.allocate(db.session, event, registration, now)
    db.session.commit()
    return registration.id


def organizer_id(now):
    """Store an organizer account (audit entries name one) and return its id."""
    account = Organizer(email="olive@organizers.example", password_hash="-", created_at=now)
    db.session.add(account)
    db.session.commit()
    return account.id


def cancel(event_id, registration_id, now):
    event = seating.lock_event(db.session, event_id=event_id)
    promoted = seating.release(
        db.session, event, db.session.get(Registration, registration_id), now
    )
    db.session.commit()
    return [r.id for r in promoted]


def statuses(event_id):
    rows = db.session.scalars(
        select(Registration).where(Registration.event_id == event_id).order_by(Registration.id)
    )
    return [r.status for r in rows]


def promoted_ids():
    return [
        m.registration_id
        for m in db.session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "promoted"))
    ]


def test_fills_seats_then_queues_first_come_first_served(make_event, now) -> None:
    event_id = make_event(capacity=2).id
    ids = [join(event_id, now, f"p{i}@firm{i}.example") for i in range(5)]
    assert statuses(event_id) == [
        S.CONFIRMED,
        S.CONFIRMED,
        S.WAITLISTED,
        S.WAITLISTED,
        S.WAITLISTED,
    ]
    assert seating.waitlist_positions(db.session, event_id) == {ids[2]: 1, ids[3]: 2, ids[4]: 3}
    assert seating.waitlist_position(db.session, db.session.get(Registration, ids[4])) == 3


def test_cancelling_a_seat_promotes_the_first_in_line_at_once(make_event, now) -> None:
    event_id = make_event(capacity=1).id
    first, second, third = (join(event_id, now, f"p{i}@firm{i}.example") for i in range(3))
    assert cancel(event_id, first, now) == [second]
    assert statuses(event_id) == [S.CANCELLED, S.CONFIRMED, S.WAITLISTED]
    assert promoted_ids() == [second]
    assert seating.waitlist_positions(db.session, event_id) == {third: 1}


def test_leaving_the_waiting_list_promotes_nobody_and_moves_others_up(make_event, now) -> None:
    event_id = make_event(capacity=1).id
    _, second, third = (join(event_id, now, f"p{i}@firm{i}.example") for i in range(3))
    assert cancel(event_id, second, now) == []
    assert seating.waitlist_positions(db.session, event_id) == {third: 1}


def test_cancelling_twice_is_harmless(make_event, now) -> None:
    event_id = make_event(capacity=1).id
    first, second, third = (join(event_id, now, f"p{i}@firm{i}.example") for i in range(3))
    cancel(event_id, first, now)
    assert cancel(event_id, first, now) == []
    assert statuses(event_id) == [S.CANCELLED, S.CONFIRMED, S.WAITLISTED]


def test_room_balance_caps_seats_per_company(make_event, now) -> None:
    event_id = make_event(capacity=5, company_cap=2).id
    a1, a2, a3 = (join(event_id, now, f"p{i}@acme.example") for i in range(3))
    other = join(event_id, now, "x@other.example")
    assert statuses(event_id) == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED, S.CONFIRMED]
    held = db.session.get(Registration, a3)
    assert "at most 2 seats per company" in held.status_reason
    cancel(event_id, other, now)  # a seat frees, but acme is still at its cap
    assert db.session.get(Registration, a3).status == S.WAITLISTED
    assert cancel(event_id, a1, now) == [a3]  # an acme seat frees: acme's waiter fits now
    assert a2


def test_promotion_skips_waiters_over_the_cap_for_the_next_who_fits(make_event, now) -> None:
    event_id = make_event(capacity=2, company_cap=1).id
    a1 = join(event_id, now, "a1@acme.example")
    b1 = join(event_id, now, "b1@beta.example")
    a2 = join(event_id, now, "a2@acme.example")
    c1 = join(event_id, now, "c1@gamma.example")
    assert cancel(event_id, b1, now) == [c1]
    assert db.session.get(Registration, a2).status == S.WAITLISTED
    assert a1


def test_free_mail_addresses_group_by_company_name(make_event, now) -> None:
    assert seating.company_key("ceo@gmail.com", "Acme, Inc.") == "acme"
    assert seating.company_key("cto@acme.example", "Whatever") == "acme.example"
    event_id = make_event(capacity=5, company_cap=1).id
    join(event_id, now, "one@gmail.com", "ACME Inc")
    join(event_id, now, "two@outlook.com", "Acme")
    assert statuses(event_id) == [S.CONFIRMED, S.WAITLISTED]


def test_capacity_cannot_drop_below_confirmed(make_event, now) -> None:
    event_id = make_event(capacity=3).id
    for i in range(3):
        join(event_id, now, f"p{i}@firm{i}.example")
    event = seating.lock_event(db.session, event_id=event_id)
    with pytest.raises(CapacityBelowConfirmed, match="cannot go below 3"):
        seating.set_capacity(db.session, event, 2, now)
    db.session.rollback()
    assert seating.lock_event(db.session, event_id=event_id).capacity == 3
    db.session.rollback()


def test_raising_capacity_promotes_the_waiting_list(make_event, now) -> None:
    event_id = make_event(capacity=1).id
    ids = [join(event_id, now, f"p{i}@firm{i}.example") for i in range(4)]
    event = seating.lock_event(db.session, event_id=event_id)
    promoted = seating.set_capacity(db.session, event, 3, now)
    db.session.commit()
    assert [r.id for r in promoted] == ids[1:3]
    assert statuses(event_id) == [S.CONFIRMED, S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]


def test_approving_a_review_seats_or_queues_it(make_event, now) -> None:
    event_id = make_event(capacity=1).id
    pending = join(event_id, now, "p@firm.example", allocate=False)
    late = join(event_id, now, "q@other.example", allocate=False)
    actor = organizer_id(now)
    for rid, expected in ((pending, S.CONFIRMED), (late, S.WAITLISTED)):
        assert registrations.approve(
            db.session, actor=actor, now=now, registration_id=rid
        ) == expected
        db.session.commit()
    with pytest.raises(InvalidTransition):
        registrations.approve(db.session, actor=actor, now=now, registration_id=pending)
    db.session.rollback()


def test_a_seat_change_after_a_write_in_the_same_transaction(make_event, now) -> None:
    """SQLite cannot take the write lock after writing: refused. PostgreSQL locks the row."""
    event = make_event()
    event.title = "changed"
    db.session.flush()
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(RuntimeError, match="begin_write"):
            seating.lock_event(db.session, event_id=event.id)
    else:
        assert seating.lock_event(db.session, event_id=event.id).title == "changed"
    db.session.rollback()


def test_a_bulk_write_also_forbids_a_late_sqlite_write_lock(make_event) -> None:
    from sqlalchemy import update

    from roundtable.domain.models import Event

    event_id = make_event().id
    db.session.commit()
    db.session.execute(update(Event).where(Event.id == event_id).values(title="bulk"))
    if db.engine.dialect.name == "sqlite":
        with pytest.raises(RuntimeError, match="begin_write"):
            seating.lock_event(db.session, event_id=event_id)
    else:
        assert seating.lock_event(db.session, event_id=event_id).title == "bulk"
    db.session.rollback()


# Random sequences of operations keep the invariants.
OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.sampled_from(["acme", "beta", "gamma", "gmail"])),
        st.tuples(st.just("review"), st.sampled_from(["acme", "beta"])),
        st.tuples(st.just("cancel"), st.integers(0, 30)),
        st.tuples(st.just("approve"), st.integers(0, 30)),
        st.tuples(st.just("decline"), st.integers(0, 30)),
        st.tuples(st.just("capacity"), st.integers(1, 6)),
        st.tuples(st.just("move"), st.tuples(st.integers(0, 30),
                                             st.sampled_from(["acme", "beta", "delta"]))),
        st.tuples(st.just("erase"), st.integers(0, 30)),
        st.tuples(st.just("add"), st.tuples(st.sampled_from(["acme", "beta", "gamma"]),
                                            st.sampled_from(list(seating.FullRoom)))),
    ),
    max_size=25,
)


def check_invariants(event_id: int) -> None:
    event = seating.lock_event(db.session, event_id=event_id)
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    confirmed = [r for r in rows if r.status == S.CONFIRMED]
    waiting = [r for r in rows if r.status == S.WAITLISTED]
    by_company = Counter(r.company_key for r in confirmed)
    # Seats an organizer gave over the capacity are the only ones beyond it.
    assert len(confirmed) <= event.capacity + sum(r.over_capacity for r in confirmed)
    assert all(n <= event.company_cap for n in by_company.values())
    if len(confirmed) < event.capacity:  # a free seat: nobody waiting may fit it
        assert all(by_company[r.company_key] >= event.company_cap for r in waiting)
    positions = [r.queue_position for r in waiting]
    assert len(set(positions)) == len(positions) and None not in positions
    db.session.rollback()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=OPERATIONS)
def test_random_operations_keep_the_invariants(make_event, now, operations) -> None:
    event_id = make_event(capacity=3, company_cap=2).id
    organizer = db.session.scalar(select(Organizer.id)) or organizer_id(now)
    ids: list[int] = []
    for n, (op, arg) in enumerate(operations):
        if op in ("join", "review"):
            email = f"p{n}@gmail.com" if arg == "gmail" else f"p{n}@{arg}.example"
            ids.append(join(event_id, now, email, company=arg, allocate=op == "join"))
        elif op == "add":  # an organizer adds someone by hand, choosing for a full room
            company, how = arg
            ids.append(registrations.admit(
                db.session, actor=organizer, now=now,
                event_id=event_id, secret_key="s", when_full=how,
                applicant=registrations.Applicant(
                    name="n", email=f"a{n}@{company}.example", company=company,
                    job_title="CTO", seniority=Seniority.C_LEVEL),
            ).registration.id)
            db.session.commit()
        elif op == "capacity":
            event = seating.lock_event(db.session, event_id=event_id)
            try:
                seating.set_capacity(db.session, event, arg, now)
                db.session.commit()
            except CapacityBelowConfirmed:
                db.session.rollback()
        elif op == "move" and ids:  # a registrant changes company (room balance)
            rid = ids[arg[0] % len(ids)]
            registration = db.session.get(Registration, rid)
            db.session.rollback()
            if registration.status == S.CANCELLED or registration.erased_at:
                continue
            registrations.update_details(
                db.session, actor=None, now=now, registration_id=rid,
                changes=registrations.DetailChanges(
                    name="n", company=arg[1], job_title=registration.job_title,
                    seniority=registration.seniority,
                ),
            )
            db.session.commit()
        elif op == "erase" and ids:
            erased = ids[arg % len(ids)]
            registrations.erase(db.session, actor=None, now=now, registration_id=erased)
            db.session.commit()
        elif ids:
            rid = ids[arg % len(ids)]
            event = seating.lock_event(db.session, event_id=event_id)
            registration = db.session.get(Registration, rid)
            if op == "cancel":
                seating.release(db.session, event, registration, now)
            elif op == "decline" and registration.status == S.PENDING_REVIEW:
                seating.release(db.session, event, registration, now, S.DECLINED)
            elif op == "approve" and registration.status == S.PENDING_REVIEW:
                seating.allocate(db.session, event, registration, now)
            db.session.commit()
        check_invariants(event_id)


def test_changing_company_lets_a_capped_waiter_into_a_free_seat(make_event, now) -> None:
    event_id = make_event(capacity=3, company_cap=1).id
    join(event_id, now, "one@gmail.com", "Acme")
    second = join(event_id, now, "two@gmail.com", "Acme")
    assert statuses(event_id) == [S.CONFIRMED, S.WAITLISTED]  # a seat is free, but Acme is full
    status = registrations.update_details(
        db.session, actor=None, now=now, registration_id=second,
        changes=registrations.DetailChanges(name="Two", company="Beta Corp", job_title="CTO",
                                            seniority=Seniority.C_LEVEL),
    )
    db.session.commit()
    assert status == S.CONFIRMED
    assert statuses(event_id) == [S.CONFIRMED, S.CONFIRMED]
    assert promoted_ids() == [second]


def test_nobody_is_promoted_into_a_cancelled_event(make_event, now) -> None:
    from roundtable.domain.models import Event, EventStatus

    event_id = make_event(capacity=1).id
    first, second = (join(event_id, now, f"p{i}@firm{i}.example") for i in range(2))
    db.session.get(Event, event_id).status = EventStatus.CANCELLED
    db.session.commit()
    assert cancel(event_id, first, now) == []
    assert statuses(event_id) == [S.CANCELLED, S.WAITLISTED]
    assert second


# The last days, on a moving clock: reconfirmation, releases, offers, accepts and lapses.
LAST_DAYS = st.lists(
    st.one_of(
        st.tuples(st.just("join"), st.sampled_from(["acme", "beta", "gamma", "delta"])),
        st.tuples(st.just("join"), st.sampled_from(["acme", "beta", "gamma", "delta"])),
        st.tuples(st.just("tick"), st.integers(0, 8)),  # hours pass; the worker runs
        st.tuples(st.sampled_from(["cancel", "reconfirm", "release", "accept", "decline"]),
                  st.integers(0, 30)),
        st.tuples(st.just("capacity"), st.integers(1, 5)),
    ),
    min_size=5,
    max_size=30,
)


def check_last_days(event_id: int, now) -> None:
    event = seating.lock_event(db.session, event_id=event_id)
    rows = db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()
    taken = [r for r in rows if r.status in (S.CONFIRMED, S.OFFERED)]
    waiting = [r for r in rows if r.status == S.WAITLISTED]
    by_company = Counter(r.company_key for r in taken)
    assert len(taken) <= event.capacity + sum(r.over_capacity for r in taken)
    assert all(n <= event.company_cap for n in by_company.values())
    for r in rows:
        if r.status == S.OFFERED:  # an offer holds a seat until a time, never past the start
            assert r.offer_expires_at is not None and r.offer_expires_at <= event.starts_at
            assert r.queue_position is None
        if r.status == S.CONFIRMED:
            assert r.reconfirmation in (None, Reconfirmation.YES)
        if r.reconfirmation in (Reconfirmation.RELEASED, Reconfirmation.LAPSED):
            assert r.status == S.CANCELLED
    if len(taken) < event.capacity and now < event.starts_at:
        # A free seat: everyone waiting is over the company cap, or let an offer lapse.
        for r in waiting:
            assert (by_company[r.company_key] >= event.company_cap
                    or (seating.in_offer_window(event, now) and r.offer_expires_at is not None)
                    ), (r.id, r.offer_expires_at)
    positions = [r.queue_position for r in waiting]
    assert len(set(positions)) == len(positions) and None not in positions
    db.session.rollback()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(operations=LAST_DAYS, release=st.booleans(), lead=st.sampled_from([26, 47, 74]))
def test_the_last_days_keep_the_invariants(make_event, now, operations, release, lead) -> None:
    start = now + timedelta(hours=lead)  # the clock starts in each phase of the last days
    event_id = make_event(starts_at=start, capacity=3, company_cap=2,
                          release_unanswered=release).id
    clock = now
    ids: list[int] = []
    for n, (op, arg) in enumerate([("join", c) for c in ("acme", "beta", "gamma", "acme",
                                                          "delta")] + operations):
        try:
            if op == "join":
                ids.append(registrations.admit(
                    db.session, actor=None, now=clock, event_id=event_id, secret_key="s",
                    applicant=registrations.Applicant(
                        name="n", email=f"p{n}@{arg}.example", company=arg,
                        job_title="CTO", seniority=Seniority.C_LEVEL),
                ).registration.id)
            elif op == "tick":
                clock += timedelta(hours=arg)
                schedule.run_event(db.session, event_id, clock)
            elif op == "capacity":
                seating.set_capacity(db.session, seating.lock_event(db.session, event_id=event_id),
                                     arg, clock)
            elif ids:
                operation = {
                    "cancel": lambda **kw: registrations.cancel(db.session, actor=None, **kw),
                    "reconfirm": lambda **kw: registrations.reconfirm(db.session, **kw),
                    "release": lambda **kw: registrations.release_seat(db.session, **kw),
                    "accept": lambda **kw: registrations.accept_offer(db.session, **kw),
                    "decline": lambda **kw: registrations.decline_offer(db.session, **kw),
                }[op]
                operation(now=clock, registration_id=ids[arg % len(ids)])
            db.session.commit()
            hypothesis.event(f"ok {op}")  # pytest --hypothesis-show-statistics shows the mix
        except DomainError as exc:
            hypothesis.event(f"refused {op} {type(exc).__name__}")
            db.session.rollback()
        check_last_days(event_id, clock)


def test_the_database_counts_each_events_seats(app, make_event, make_registration) -> None:
    """event.seats_taken follows every way a registration can change, plain SQL included."""
    from sqlalchemy import text

    from roundtable.domain.models import Event

    from conftest import miscounted_seats

    first, second = make_event(capacity=5), make_event(capacity=5)

    def taken() -> tuple[int, int]:
        db.session.commit()
        db.session.expire_all()
        return (db.session.get(Event, first.id).seats_taken,
                db.session.get(Event, second.id).seats_taken)

    seated = make_registration(first)
    make_registration(first, status=S.WAITLISTED, queue_position=1)
    offered = make_registration(first, status=S.OFFERED)
    assert taken() == (2, 0)
    seated.status = S.CANCELLED
    assert taken() == (1, 0)
    seated.status = S.CONFIRMED
    seated.name = "Renamed"
    assert taken() == (2, 0)
    db.session.execute(text("UPDATE registration SET status = 'confirmed'"))  # every one
    assert taken() == (3, 0)
    db.session.execute(text("UPDATE registration SET event_id = :to WHERE id = :id"),
                       {"to": second.id, "id": offered.id})
    assert taken() == (2, 1)
    db.session.execute(text("DELETE FROM registration WHERE event_id = :id"), {"id": first.id})
    assert taken() == (0, 1)
    with db.engine.connect() as conn:
        assert miscounted_seats(conn) == []
