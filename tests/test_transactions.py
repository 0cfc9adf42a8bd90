"""The one transaction boundary: commit on success, roll back on any error, 503 when busy."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from sqlalchemy import column, create_engine, func, insert, select, table, text
from sqlalchemy.exc import DBAPIError

from roundtable import database
from roundtable.domain import lifecycle
from roundtable.domain.errors import DomainError
from roundtable.domain.models import Registration, RegistrationStatus
from roundtable.extensions import db
from roundtable.web.transaction import writing

from conftest import SIGNUP_FORM

S = RegistrationStatus


def _count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Registration)) or 0


def test_writing_commits_at_the_end_of_the_block(app, make_event, make_registration) -> None:
    registration = make_registration(make_event(), status=S.WAITLISTED, queue_position=1)
    with writing():
        db.session.get(Registration, registration.id).name = "Changed"
    db.session.rollback()  # only what was committed survives this
    assert db.session.get(Registration, registration.id).name == "Changed"


@pytest.mark.parametrize("error", [DomainError("refused"), RuntimeError("bug")])
def test_writing_rolls_back_on_any_error(app, make_event, make_registration, error) -> None:
    registration = make_registration(make_event(), name="Before")
    with pytest.raises(type(error)):
        with writing():
            db.session.get(Registration, registration.id).name = "After"
            db.session.flush()
            raise error
    assert db.session.get(Registration, registration.id).name == "Before"


def test_begin_write_contract_on_sqlite(tmp_path) -> None:
    """A reader is begun again as a writer; a transaction that already wrote is refused."""
    from sqlalchemy.orm import Session

    engine = create_engine(f"sqlite:///{tmp_path / 'contract.sqlite'}")
    database.configure_sqlite(engine, 1000)
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    with Session(engine) as session:
        session.execute(text("SELECT count(*) FROM t"))  # a deferred reader's transaction
        database.begin_write(session)  # ended and begun again, holding the write lock
        assert session.connection().get_execution_options()[database.IMMEDIATE]
        database.begin_write(session)  # again: nothing changes
        session.rollback()
        session.execute(insert(table("t", column("n"))).values(n=1))
        with pytest.raises(RuntimeError, match="must start with begin_write"):
            database.begin_write(session)
        session.rollback()
    engine.dispose()


def _hold_the_event_lock(url: str, event_id: int, held: threading.Event,
                         release: threading.Event) -> None:
    """In another connection, hold what a seat change needs until ``release`` is set."""
    engine = create_engine(url)
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.execute(text("SELECT id FROM event WHERE id = :id FOR UPDATE"), {"id": event_id})
        held.set()
        release.wait(30)
        conn.rollback()
    engine.dispose()


def _while_locked(database_url: str, event_id: int, send: Any) -> Any:
    """Return what ``send()`` answers while another connection holds the event's lock."""
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold_the_event_lock,
                              args=(database_url, event_id, held, release))
    holder.start()
    try:
        assert held.wait(10)
        return send()
    finally:
        release.set()
        holder.join()


def test_a_lock_not_granted_in_time_is_a_busy_page_and_changes_nothing(
    make_app, database_url, make_event
) -> None:
    app = make_app(SQLITE_BUSY_TIMEOUT_MS=200, LOCK_TIMEOUT_MS=200)
    with app.app_context():
        event = make_event()
        event_id, slug = event.id, event.slug
        before = _count()
        response = _while_locked(database_url, event_id, lambda: app.test_client().post(
            f"/events/{slug}/register", data=SIGNUP_FORM))
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "nothing was saved" in response.get_data(as_text=True)
        assert _count() == before
        # Once the lock is free again, the same signup goes through.
        again = app.test_client().post(f"/events/{slug}/register", data=SIGNUP_FORM)
        assert again.status_code == 303
        assert _count() == before + 1


def test_a_confirmation_that_waits_too_long_for_the_lock_is_busy_and_changes_nothing(
    make_app, database_url, make_event
) -> None:
    """The express lane's lock waits as long as any other change, then says busy."""
    from datetime import UTC, datetime

    from roundtable.domain import registrations, signups
    from roundtable.domain.models import SignupRequest
    from roundtable.domain.seniority import Seniority

    from conftest import SECRET

    app = make_app(SQLITE_BUSY_TIMEOUT_MS=200, LOCK_TIMEOUT_MS=200)
    with app.app_context():
        event = make_event(confirm_email=True)
        event_id, slug = event.id, event.slug
        applicant = registrations.Applicant("Ada Lovelace", "ada@analytical.example",
                                            "Analytical", "VP Engineering", Seniority.VP)
        signups.request(db.session, now=datetime.now(UTC), slug=slug, applicant=applicant,
                        secret_key=SECRET)
        db.session.commit()
        token = signups.confirmation_token(SECRET, db.session.scalar(select(SignupRequest)))
        before = _count()
        response = _while_locked(database_url, event_id,
                                 lambda: app.test_client().post(f"/events/{slug}/confirm/{token}"))
        assert response.status_code == 503
        assert "nothing was saved" in response.get_data(as_text=True)
        assert _count() == before
        again = app.test_client().post(f"/events/{slug}/confirm/{token}")
        assert again.status_code == 303
        assert _count() == before + 1


def test_is_lock_timeout_tells_a_timeout_from_other_errors() -> None:
    from sqlalchemy.exc import OperationalError

    class Orig(Exception):
        sqlstate = "55P03"

    assert database.is_lock_timeout(OperationalError("x", {}, Orig()))
    assert database.is_lock_timeout(OperationalError("x", {}, Exception("database is locked")))
    assert not database.is_lock_timeout(OperationalError("x", {}, Exception("disk I/O error")))
    assert not database.is_lock_timeout(ValueError("database is locked"))


@pytest.mark.parametrize(
    ("before", "after", "refresh", "method"),
    [
        (None, S.CONFIRMED, False, "REQUEST"),
        (None, S.PENDING_REVIEW, False, "PUBLISH"),
        (None, S.WAITLISTED, False, None),
        (None, S.DECLINED, False, None),
        (S.PENDING_REVIEW, S.CONFIRMED, False, "REQUEST"),
        (S.PENDING_REVIEW, S.WAITLISTED, False, "CANCEL"),
        (S.PENDING_REVIEW, S.DECLINED, False, "CANCEL"),
        (S.WAITLISTED, S.CONFIRMED, False, "REQUEST"),
        (S.CONFIRMED, S.CANCELLED, False, "CANCEL"),
        (S.WAITLISTED, S.CANCELLED, False, None),
        (S.CONFIRMED, S.PENDING_REVIEW, False, "PUBLISH"),
        (S.WAITLISTED, S.DECLINED, False, None),
        (S.CANCELLED, S.CONFIRMED, False, "REQUEST"),
        (S.CONFIRMED, S.CONFIRMED, True, "REQUEST"),
        (S.PENDING_REVIEW, S.PENDING_REVIEW, True, "PUBLISH"),
        (S.CONFIRMED, S.CONFIRMED, False, None),
        (S.CONFIRMED, None, False, "CANCEL"),
        (S.PENDING_REVIEW, None, False, "CANCEL"),
        (S.WAITLISTED, None, False, None),
    ],
)
def test_one_function_says_which_calendar_message_a_change_sends(
    before, after, refresh, method
) -> None:
    assert lifecycle.calendar_method(before, after, refresh=refresh) == method


def test_every_transition_the_calendar_table_knows_is_allowed() -> None:
    for before, targets in lifecycle.TRANSITIONS.items():
        for after in targets:
            assert lifecycle.allowed(before, after)
    assert not lifecycle.allowed(S.CONFIRMED, S.WAITLISTED)  # a seat is never queued again
    assert not lifecycle.allowed(None, S.CANCELLED)
    assert set(lifecycle.LABELS) == set(lifecycle.SHORT_LABELS) == set(lifecycle.TONES) == set(S)


def test_a_prepared_read_leaves_the_pool_transactional_and_raises_as_sqlalchemy(
    app, make_event, make_registration
) -> None:
    """A Prepared read (autocommit on PostgreSQL) gives its connection back as it found it."""
    registration_id = make_registration(make_event(), name="Before").id
    db.session.commit()
    db.session.close()
    engine = db.engine
    count = database.Prepared(select(func.count().label("n")).select_from(Registration))
    assert count.rows(engine, {}) == [(1,)]
    # The pool hands the same connections out again: a change rolled back must not survive.
    for _ in range(engine.pool.size() + 1):
        with engine.connect() as conn:
            conn.execute(text("UPDATE registration SET name = 'After' WHERE id = :id"),
                         {"id": registration_id})
            conn.rollback()
    assert db.session.get(Registration, registration_id).name == "Before"
    missing = database.Prepared(select(column("n")).select_from(table("no_such_table")))
    with pytest.raises(DBAPIError) as raised:
        missing.rows(engine, {})
    assert not database.is_unavailable(raised.value)
    assert count.rows(engine, {}) == [(1,)]  # the pool still serves


def test_a_prepared_statement_says_what_it_says_with_percent_signs_and_repeated_values(
    app, make_event
) -> None:
    """Compiled for the driver as it is sent (numbered, not parsed again on PostgreSQL): a
    modulo, a literal "%" and one value used twice come out as written."""
    from sqlalchemy import bindparam, literal_column

    from roundtable.domain.models import Event

    event = make_event(title="Half 50% off")
    db.session.commit()
    read = database.Prepared(select(
        (Event.id % 2).label("parity"), literal_column("'50%'").label("share"), Event.title,
    ).where(Event.id == bindparam("id"), Event.id >= bindparam("id")))
    assert read.rows(db.engine, {"id": event.id}) == [(event.id % 2, "50%", "Half 50% off")]


def test_a_read_outlives_its_lost_connection(postgres, app, make_event) -> None:
    """The page reads' own connection, lost (a server restart ends it), is replaced at once."""
    from sqlalchemy import bindparam

    from roundtable.domain.models import Event

    event = make_event(title="Still here")
    db.session.commit()
    read = database.Prepared(select(Event.title).where(Event.id == bindparam("id")))
    assert read.rows(db.engine, {"id": event.id}) == [("Still here",)]
    lost = database._Reader.of(db.engine).connection.info.backend_pid
    assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
    db.session.commit()
    assert read.rows(db.engine, {"id": event.id}) == [("Still here",)]
    assert database._Reader.of(db.engine).connection.info.backend_pid != lost


def test_the_express_lane_outlives_its_lost_connection(postgres, app, make_event) -> None:
    """The express lane's own connection, lost (a server restart ends it), is replaced at BEGIN."""
    from datetime import UTC, datetime

    from roundtable.domain import express, registrations, signups
    from roundtable.domain.models import SignupRequest
    from roundtable.domain.seniority import Seniority

    from conftest import SECRET

    event = make_event(confirm_email=True)
    now = datetime.now(UTC)
    tokens = []
    for n in range(2):
        applicant = registrations.Applicant(f"Leader {n}", f"leader{n}@firm{n}.example",
                                            f"Firm {n}", "VP Engineering", Seniority.VP)
        signups.request(db.session, now=now, slug=event.slug, applicant=applicant,
                        secret_key=SECRET)
        db.session.commit()
        tokens.append(signups.confirmation_token(SECRET, db.session.scalars(
            select(SignupRequest).order_by(SignupRequest.id.desc())).first()))

    def confirm(token: str) -> express.Admitted | None:
        return express.confirm(db.engine, token=token, slug=event.slug, now=now,
                               secret_key=SECRET)

    assert confirm(tokens[0]) is not None
    lost = database._Writer.of(db.engine).connection.info.backend_pid
    assert db.session.scalar(text("SELECT pg_terminate_backend(:pid)"), {"pid": lost})
    db.session.commit()
    assert confirm(tokens[1]) is not None
    assert database._Writer.of(db.engine).connection.info.backend_pid != lost
    assert _count() == 2
