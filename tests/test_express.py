"""The express lane admits the plain confirmation exactly as the full way would, and no other."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from roundtable import database
from roundtable.domain import express, registrations, signups, tokens
from roundtable.domain.models import (
    ApprovalMode,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    SignupRequest,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from conftest import SECRET

S = RegistrationStatus
# What differs between two registrations of different events by design: ids, the private
# link's salt and hash, and when the row was last written (the clock, not ``now``).
UNCOMPARED = {"id", "event_id", "manage_salt", "manage_token_hash", "updated_at"}
LEADERS = [("Ada Lovelace", "Ada.Lovelace+Events@Analytical.Example", "VP Engineering",
            Seniority.VP),
           ("Grace Hopper", "Grace@Bücher.Example", "CTO", Seniority.C_LEVEL),
           ("Edsger Dijkstra", "edsger@tue.example", "Director of Engineering",
            Seniority.DIRECTOR)]


def _request(event, now, name: str, email: str, title: str, level: Seniority) -> str:
    """Record a signup waiting for its address; return its confirmation token."""
    applicant = registrations.Applicant(name, email, "Analytical Engines Ltd", title, level,
                                        "Reviews of AI-written code ")
    signups.request(db.session, now=now, slug=event.slug, applicant=applicant,
                    secret_key=SECRET)
    db.session.commit()
    signup = db.session.scalars(select(SignupRequest).where(
        SignupRequest.event_id == event.id,
        SignupRequest.email == registrations.normalise_email(email))
        .order_by(SignupRequest.id.desc())).first()
    return signups.confirmation_token(SECRET, signup)


def _confirm(event, token: str, now, *, express_lane: bool) -> signups.Confirmation:
    if express_lane:
        admitted = express.confirm(db.engine, token=token, slug=event.slug, now=now,
                                   secret_key=SECRET)
        assert admitted is not None, "the plain case takes the express lane"
        return signups.Confirmation(admitted.registration_id)
    with database.write_transaction(db.session):
        return signups.confirm(db.session, now=now, token=token, secret_key=SECRET,
                               slug=event.slug)


def _rows(event_id: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    db.session.rollback()
    people = [{c.name: getattr(r, c.key) for c in Registration.__table__.c
               if c.name not in UNCOMPARED}
              for r in db.session.scalars(select(Registration).where(
                  Registration.event_id == event_id).order_by(Registration.id))]
    mail = [(m.kind, m.recipient, m.payload, m.status, m.attempts)
            for m in db.session.scalars(select(OutboxMessage).where(
                OutboxMessage.event_id == event_id, OutboxMessage.kind != "confirm_signup")
                .order_by(OutboxMessage.id))]
    return people, mail


def test_the_express_lane_writes_what_the_full_way_writes(app, make_event, now) -> None:
    """Seats, then the waiting list: the same rows and the same messages, column by column."""
    made = {}
    for lane in (True, False):
        event = make_event(confirm_email=True, capacity=2, sequence=3,
                           starts_at=now + timedelta(days=5))
        tokens = [_request(event, now, *leader) for leader in LEADERS]
        for token in tokens:
            confirmation = _confirm(event, token, now + timedelta(minutes=1), express_lane=lane)
            assert not confirmation.duplicate and not confirmation.again
        made[lane] = _rows(event.id)
        people = made[lane][0]
        assert [p["status"] for p in people] == [S.CONFIRMED, S.CONFIRMED, S.WAITLISTED]
        assert people[2]["queue_position"] == 1
        for registration in db.session.scalars(select(Registration).where(
                Registration.event_id == event.id)):
            token = registrations.manage_token(SECRET, registration)
            assert registrations.by_token(db.session, token).id == registration.id
        signed = db.session.scalars(select(SignupRequest).where(
            SignupRequest.event_id == event.id)).all()
        assert all(s.confirmed_at is not None and s.registration_id for s in signed)
    assert made[True] == made[False]
    assert made[True][1][0][2] == {"calendar": "REQUEST", "calendar_status": "CONFIRMED",
                                   "sequence": 4, "status": "confirmed"}


def _count(model, *, confirmed: bool = False) -> int:
    db.session.rollback()
    query = select(model)
    if confirmed:
        query = query.where(model.confirmed_at.is_not(None))
    return len(db.session.scalars(query).all())


@pytest.mark.parametrize("case", [
    "used twice", "expired", "another event's slug", "unknown link", "title to review",
    "review every signup", "room balance", "no-show review", "address registered before",
    "closed", "level raised",
])
def test_anything_but_the_plain_case_takes_the_full_way(app, make_event, now, case) -> None:
    """The express lane writes nothing when the case is not plain; the full way decides it."""
    event = make_event(confirm_email=True, capacity=5, starts_at=now + timedelta(days=5))
    other = make_event(confirm_email=True)
    title, level = ("Engineering Manager", Seniority.DIRECTOR) if case == "title to review" else (
        "VP Engineering", Seniority.VP)
    token = _request(event, now, "Ada Lovelace", "ada@analytical.example", title, level)
    later = now + timedelta(minutes=1)
    if case == "used twice":
        _confirm(event, token, later, express_lane=False)
    if case == "address registered before":
        first = _confirm(event, token, later, express_lane=False)
        db.session.get(Registration, first.registration_id).status = S.CANCELLED
        db.session.commit()
        token = _request(event, later, "Ada Lovelace", "ada@analytical.example",
                         "VP Engineering", Seniority.VP)
    if case == "expired":
        later = now + signups.CONFIRM_WITHIN + timedelta(minutes=1)
    if case == "unknown link":
        token = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    slug = other.slug if case == "another event's slug" else event.slug
    changes = {"review every signup": {"approval_mode": ApprovalMode.REVIEW_ALL},
               "room balance": {"company_cap": 1},
               "no-show review": {"review_no_shows": True},
               "closed": {"registration_deadline": later - timedelta(seconds=1)},
               "level raised": {"minimum_level": Seniority.C_LEVEL}}
    for name, value in changes.get(case, {}).items():
        setattr(event, name, value)
    db.session.commit()
    before = (_count(Registration), _count(OutboxMessage), _count(SignupRequest, confirmed=True))
    assert express.confirm(db.engine, token=token, slug=slug, now=later,
                           secret_key=SECRET) is None
    assert (_count(Registration), _count(OutboxMessage),
            _count(SignupRequest, confirmed=True)) == before


@pytest.mark.parametrize("raw", ["Ada.Lovelace+Events@Analytical.Example", "Grace@Bücher.Example",
                                 "  edsger@TUE.example ", "j.doe@GoogleMail.com",
                                 "Ünïcode.Üser@exämple.example"])
def test_an_address_normalised_once_stays_as_it_is(raw: str) -> None:
    """The express lane takes the signup's stored (normalised) address as the full way would."""
    once = registrations.normalise_email(raw)
    assert registrations.normalise_email(once) == once


def _plan(event, token: str, now) -> express.Plan:
    """PostgreSQL: the plain case's write, worked out before the event is locked."""
    with database.own_write_transaction(db.engine) as writing:
        planned = express.plan(writing, tokens.hash_token(token), slug=event.slug, now=now,
                               secret_key=SECRET)
    assert planned is not None
    return planned


def _settle(planned: express.Plan) -> express.Admitted | None:
    with database.own_write_transaction(db.engine) as writing:
        return express.settle(writing, planned)


@pytest.mark.parametrize("change", [
    "link used", "link used, its registration moved", "address registered by hand",
    "signed up again, another title",
    "review every signup", "closed", "moved a day", "level raised", "room balance",
])
def test_a_change_between_reading_and_locking_writes_nothing(postgres, app, make_event, now,
                                                             change) -> None:
    """PostgreSQL reads before it locks: under the lock, the write refuses a case that is no
    longer what was read, and the full way decides it."""
    event = make_event(confirm_email=True, capacity=5, starts_at=now + timedelta(days=5))
    token = _request(event, now, "Ada Lovelace", "ada@analytical.example", "VP Engineering",
                     Seniority.VP)
    later = now + timedelta(minutes=1)
    planned = _plan(event, token, later)
    if change.startswith("link used"):
        used = _confirm(event, token, later, express_lane=False)
        if change.endswith("moved"):  # the address is no longer registered here: the link is
            db.session.get(Registration, used.registration_id).event_id = make_event().id
            db.session.commit()
    elif change == "signed up again, another title":  # the waiting signup is rewritten
        assert _request(event, later, "Ada Lovelace", "ada@analytical.example",
                        "Engineering Manager", Seniority.MANAGER) == token
    elif change == "address registered by hand":
        with database.write_transaction(db.session):
            registrations.admit(db.session, actor=None, now=later, slug=event.slug,
                                secret_key=SECRET, applicant=registrations.Applicant(
                                    "Ada Lovelace", "ADA@analytical.example", "Analytical",
                                    "VP Engineering", Seniority.VP))
    else:
        changes = {
            "review every signup": {"approval_mode": ApprovalMode.REVIEW_ALL},
            "closed": {"registration_deadline": later - timedelta(seconds=1)},
            "moved a day": {"starts_at": event.starts_at + timedelta(days=1),
                            "ends_at": event.ends_at + timedelta(days=1)},
            "level raised": {"minimum_level": Seniority.C_LEVEL},
            "room balance": {"company_cap": 1},
        }[change]
        for name, value in changes.items():
            setattr(event, name, value)
        db.session.commit()
    before = (_count(Registration), _count(OutboxMessage), _count(SignupRequest, confirmed=True))
    assert _settle(planned) is None
    assert (_count(Registration), _count(OutboxMessage),
            _count(SignupRequest, confirmed=True)) == before


def test_the_lock_decides_the_seat_from_the_room_as_it_stands(postgres, app, make_event,
                                                               now) -> None:
    """Read while a seat was free, locked once others took it: the waiting list's next place,
    and the message says so."""
    event = make_event(confirm_email=True, capacity=1, starts_at=now + timedelta(days=5))
    later = now + timedelta(minutes=1)
    links = [_request(event, now, *leader) for leader in LEADERS]
    planned = _plan(event, links[0], later)
    assert _confirm(event, links[1], later, express_lane=True)  # the last seat
    assert _confirm(event, links[2], later, express_lane=False)  # the first waiting place
    admitted = _settle(planned)
    assert admitted == express.Admitted(planned.registration_id, S.WAITLISTED)
    person = db.session.get(Registration, admitted.registration_id)
    assert (person.status, person.queue_position, person.confirmed_at) == (S.WAITLISTED, 2, None)
    assert registrations.by_token(
        db.session, registrations.manage_token(SECRET, person)).id == person.id
    (message,) = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.registration_id == person.id)).all()
    assert (message.kind, message.payload) == ("waitlisted", {"status": "waitlisted"})


def test_an_interrupted_confirmation_leaves_the_event_unlocked(postgres, app, make_event, now,
                                                                monkeypatch) -> None:
    """Stopped inside the pipeline (a worker's timeout) after BEGIN and the lock were sent: the
    connection is closed, which ends the transaction, so no other confirmation waits on it."""
    import psycopg

    event = make_event(confirm_email=True)
    token = _request(event, now, "Ada Lovelace", "ada@analytical.example", "VP Engineering",
                     Seniority.VP)
    writer = database._Writer.of(db.engine)
    made = []
    real = writer.connection.cursor

    def cursor(*args: Any, **kwargs: Any) -> Any:
        made.append(real(*args, **kwargs))
        if len(made) == 4:  # the read before; then BEGIN, the lock, and here the write
            raise KeyboardInterrupt
        return made[-1]

    monkeypatch.setattr(writer.connection, "cursor", cursor)
    with pytest.raises(KeyboardInterrupt):
        express.confirm(db.engine, token=token, slug=event.slug, now=now, secret_key=SECRET)
    assert writer.closed
    url = db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url, autocommit=True) as other:
        assert other.execute("SELECT id FROM event WHERE id = %s FOR UPDATE NOWAIT",
                             (event.id,)).fetchall() == [(event.id,)]
    assert express.confirm(db.engine, token=token, slug=event.slug, now=now,
                           secret_key=SECRET) is not None
