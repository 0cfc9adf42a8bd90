"""Fixtures: an app on SQLite or PostgreSQL (ROUNDTABLE_TEST_DATABASE), clients, factories.

Tests that use no database (they request no ``database_url``) run in the SQLite pass only: the
PostgreSQL pass deselects them, since they would only repeat themselves. A test that is about
one database asks for its fixture, ``sqlite_database`` (the file) or ``postgres`` (the server,
which it may stop and start), and the other pass deselects it. Passwords are hashed with a
cheap argon2id in tests; test_organizer_access proves the production parameters.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from flask import Flask, current_app, has_app_context
from flask.testing import FlaskClient, FlaskCliRunner
from flask_migrate import upgrade
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError

from roundtable import create_app
from roundtable.domain import accounts, lifecycle, tokens
from roundtable.domain.models import (
    ApprovalMode,
    Event,
    EventFormat,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from servers import PostgresCluster, postgres_cluster

DATABASE = os.environ.get("ROUNDTABLE_TEST_DATABASE", "sqlite")
if DATABASE not in ("sqlite", "postgresql"):
    raise pytest.UsageError("ROUNDTABLE_TEST_DATABASE must be sqlite or postgresql")

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = "test-secret-key-not-for-production"


def pytest_report_header() -> str:
    return f"roundtable database: {DATABASE}"


# Fixtures that tie a test to one database; the other database's pass deselects the test.
ONE_DATABASE_FIXTURES = {"sqlite_database": "sqlite", "postgres": "postgresql"}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out tests about the other database, and in the PostgreSQL pass tests that use no
    database (the SQLite pass ran them)."""
    kept, dropped = [], []
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        other = any(ONE_DATABASE_FIXTURES[name] != DATABASE
                    for name in fixtures & ONE_DATABASE_FIXTURES.keys())
        idle = DATABASE == "postgresql" and "database_template" not in fixtures
        (dropped if other or idle else kept).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hash and check passwords cheaply in this process (production cost is slow on purpose)."""
    monkeypatch.setattr(accounts, "hasher", CHEAP_HASHER)


class FreshContextClient(FlaskClient):
    """A test client whose every request runs in an app context of its own, as in production.

    The tests hold an app context for their own queries; without this, requests would share it,
    and with it ``g`` (Flask-Login's user, Flask-WTF's token) and the database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        self._settle_test_session()  # what the test stored is there for the request to see
        try:
            with self.application.app_context():
                return super().open(*args, **kwargs)
        finally:
            self._settle_test_session()  # and the test's next read sees what the request did

    def _settle_test_session(self) -> None:
        if has_app_context() and current_app._get_current_object() is self.application:
            db.session.commit()


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the developer's own ROUNDTABLE_* settings out of the tests' apps."""
    for name in list(os.environ):
        if name.startswith("ROUNDTABLE_") and name != "ROUNDTABLE_TEST_DATABASE":
            monkeypatch.delenv(name)


def base_config(database_url: str, **overrides: Any) -> dict[str, Any]:
    """Return the settings every test app starts from."""
    return {
        "TESTING": True,
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "SERVER_NAME": None,
        **overrides,
    }


@pytest.fixture(scope="session")
def _postgres_cluster() -> Iterator[PostgresCluster]:
    """Run this session's PostgreSQL server (one per xdist worker)."""
    with postgres_cluster() as cluster:
        yield cluster


@pytest.fixture(scope="session")
def database_template(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[str]:
    """Yield a database URL whose schema was built by the Alembic migrations, once a session."""
    if DATABASE == "postgresql":
        url = request.getfixturevalue("_postgres_cluster").url
        _migrate(url)
        yield url
    else:
        path = tmp_path_factory.mktemp("template") / "template.sqlite"
        url = f"sqlite:///{path}"
        _migrate(url)
        yield url


def _migrate(url: str) -> None:
    app = create_app(base_config(url))
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def _emptier(database_template: str) -> Iterator[Callable[[], None]]:
    """Return a callable that empties every table of the PostgreSQL test database, fast.

    DELETE in dependency order and a sequence reset cost a few milliseconds where TRUNCATE
    costs thirty; the tables of one test hold a handful of rows. Its connections are checked
    before use: a test may have restarted the server.
    """
    engine = create_engine(database_template, pool_pre_ping=True)
    tables = list(reversed(db.metadata.sorted_tables))

    def empty() -> None:
        with engine.begin() as conn:
            wrong = miscounted_seats(conn)  # asked before the rows go (see database_url)
            for table in tables:
                conn.execute(table.delete())
            for table in tables:
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
                ))
        assert wrong == [], f"event.seats_taken differs from the count: {wrong}"

    yield empty
    engine.dispose()


# Every event whose seats_taken (kept by the database's triggers) differs from a count.
_MISCOUNTED = text(
    "SELECT e.id, e.seats_taken, (SELECT count(*) FROM registration r WHERE r.event_id = e.id "
    "AND r.status IN ('confirmed', 'offered')) AS counted FROM event e "
    "WHERE e.seats_taken != (SELECT count(*) FROM registration r WHERE r.event_id = e.id "
    "AND r.status IN ('confirmed', 'offered'))")


def miscounted_seats(conn: Connection) -> list[Any]:
    """Return (event id, seats_taken, seats counted) for each event whose counter is wrong."""
    assert {s.value for s in lifecycle.TAKES_SEAT} == {"confirmed", "offered"}
    return [tuple(row) for row in conn.execute(_MISCOUNTED)]


def _assert_seats_counted(url: str) -> None:
    """After each test, on its database: every event's seats_taken is its seats, counted.

    The express lane trusts the counter; whatever a test did to registrations (through the
    app, the domain, the CLI or plain SQL), the triggers must have kept it. A database the test
    made unreachable or unreadable on purpose is not asked.
    """
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            wrong = miscounted_seats(conn)
    except DBAPIError:
        return
    finally:
        engine.dispose()
    assert wrong == [], f"event.seats_taken differs from the count: {wrong}"


@pytest.fixture
def database_url(database_template: str, tmp_path: Path, request: pytest.FixtureRequest
                 ) -> Iterator[str]:
    """Yield a database with the migrated schema and no rows, private to this test.

    Afterwards every event's seat counter must match its registrations."""
    if DATABASE == "sqlite":
        path = tmp_path / "roundtable.sqlite"
        shutil.copyfile(database_template.removeprefix("sqlite:///"), path)
        yield f"sqlite:///{path}"
        _assert_seats_counted(f"sqlite:///{path}")
        return
    empty = request.getfixturevalue("_emptier")
    yield database_template
    empty()  # after checking the seat counters


@pytest.fixture
def sqlite_database(database_url: str) -> Path:
    """Return the file of this test's SQLite database (the test runs in the SQLite pass only)."""
    assert DATABASE == "sqlite"
    return Path(database_url.removeprefix("sqlite:///"))


@pytest.fixture
def postgres(database_url: str, _postgres_cluster: PostgresCluster) -> Iterator[PostgresCluster]:
    """Return this run's PostgreSQL server, to stop and start (the PostgreSQL pass only).

    Whatever the test did, the server runs again afterwards for the tests that follow.
    """
    assert DATABASE == "postgresql"
    yield _postgres_cluster
    if not _postgres_cluster.running:
        _postgres_cluster.start()


@pytest.fixture
def make_app(database_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Return a callable that builds an app on this test's database with extra settings.

    Its instance folder (mail files, the generated key) is the test's own.
    """
    apps: list[Flask] = []

    def build(**overrides: Any) -> Flask:
        overrides.setdefault("INSTANCE_PATH", str(tmp_path / "instance"))
        app = create_app(base_config(database_url, **overrides))
        app.test_client_class = FreshContextClient
        apps.append(app)
        return app

    yield build
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def app(make_app: Callable[..., Flask]) -> Iterator[Flask]:
    """Yield the app with an application context pushed."""
    application = make_app()
    with application.app_context():
        yield application


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    return app.test_cli_runner()


@pytest.fixture
def now() -> datetime:
    """Return the fixed instant domain tests run at."""
    return NOW


@pytest.fixture
def make_event(app: Flask) -> Callable[..., Event]:
    """Return a callable that stores an event (published, in ten days, 20 seats) and returns it."""
    counter = iter(range(1, 10_000))

    def build(**overrides: Any) -> Event:
        n = next(counter)
        default_start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
        starts_at = overrides.pop("starts_at", default_start)
        fields: dict[str, Any] = {
            "slug": f"roundtable-{n}",
            "title": f"Leadership roundtable {n}",
            "summary": "A short summary.",
            "description": "What we will talk about.\n\nAnd how.",
            "host": "The Host",
            "contact_email": "host@example.org",
            "format": EventFormat.ONLINE,
            "join_url": "https://meet.example.org/room",
            "starts_at": starts_at,
            "ends_at": starts_at + timedelta(hours=1),
            "timezone": "Europe/Berlin",
            "capacity": 20,
            "minimum_level": Seniority.DIRECTOR,
            "approval_mode": ApprovalMode.AUTO,
            "status": EventStatus.PUBLISHED,
            # Most tests are about what happens once an address is known; the double opt-in has
            # its own tests (test_confirmation.py), and sign_up confirms when it is on.
            "confirm_email": False,
        }
        fields.update(overrides)
        event = Event(**fields)
        db.session.add(event)
        db.session.commit()
        return event

    return build


@pytest.fixture
def make_registration(app: Flask) -> Callable[..., Registration]:
    """Return a callable that stores a registration directly (no seating rules) and returns it."""
    counter = iter(range(1, 100_000))

    def build(event: Event, **overrides: Any) -> Registration:
        n = next(counter)
        fields: dict[str, Any] = {
            "event_id": event.id,
            "name": f"Person {n}",
            "email": f"person{n}@example.com",
            "company": f"Company {n}",
            "company_key": f"example{n}.com",
            "job_title": "Director of Engineering",
            "seniority": Seniority.DIRECTOR,
            "status": RegistrationStatus.CONFIRMED,
            "eligibility_outcome": "eligible",
            "eligibility_reasons": [],
        }
        fields.update(overrides)
        registration = Registration(**fields)
        registration.manage_salt = registration.manage_salt or tokens.new_salt()
        db.session.add(registration)
        db.session.flush()
        registration.manage_token_hash = tokens.hash_token(
            tokens.derive(SECRET, registration.id, registration.manage_salt)
        )
        db.session.commit()
        return registration

    return build


@pytest.fixture
def count_queries(app: Flask) -> Callable[[], Any]:
    """Return a context manager factory that records the SQL statements run inside it."""
    import contextlib

    from sqlalchemy import event as sa_event

    @contextlib.contextmanager
    def counting() -> Iterator[list[str]]:
        statements: list[str] = []

        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            if not statement.lstrip().upper().startswith(("BEGIN", "PRAGMA", "COMMIT", "ROLLBACK")):
                statements.append(statement)

        sa_event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield statements
        finally:
            sa_event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def smtp() -> Iterator[Any]:
    """Yield a running real SMTP server that records what it receives."""
    from servers import SmtpSink

    sink = SmtpSink()
    sink.start()
    yield sink
    sink.stop()


SIGNUP_FORM = {
    "name": "Ada Lovelace",
    "email": "ada@analytical.example",
    "company": "Analytical Engines",
    "job_title": "VP Engineering",
    "seniority": "vp",
    "discussion_topic": "Review load after AI adoption",
    "consent": "y",
}


@pytest.fixture
def sign_up(client: FlaskClient) -> Callable[..., Registration]:
    """Return a callable that signs up through the web form and returns the registration."""
    from sqlalchemy import select

    def post(event: Event, **changes: str) -> Registration:
        data = {**SIGNUP_FORM, **changes}
        response = client.post(f"/events/{event.slug}/register", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
        db.session.rollback()
        if event.confirm_email:  # answer the mail, as the person would
            from roundtable.domain import signups
            from roundtable.domain.models import SignupRequest

            request = db.session.scalars(
                select(SignupRequest).where(SignupRequest.event_id == event.id)
                .order_by(SignupRequest.id.desc())
            ).first()
            token = signups.confirmation_token(SECRET, request)
            confirmed = client.post(f"/events/{event.slug}/confirm/{token}")
            assert confirmed.status_code == 303, confirmed.get_data(as_text=True)[-2000:]
            db.session.rollback()
        return db.session.scalars(
            select(Registration)
            .where(Registration.event_id == event.id)
            .order_by(Registration.updated_at.desc(), Registration.id.desc())
        ).first()

    return post


# --- Organizers ------------------------------------------------------------------------------

ORGANIZER_EMAIL = "olive@organizers.example"
ORGANIZER_PASSWORD = "correct horse battery staple"


@pytest.fixture
def organizer(app: Flask) -> Any:
    """Store an organizer account whose password is ORGANIZER_PASSWORD."""
    from roundtable.domain.models import Organizer

    account = Organizer(email=ORGANIZER_EMAIL, name="Olive Organizer",
                        password_hash=CHEAP_HASHER.hash(ORGANIZER_PASSWORD), created_at=NOW)
    db.session.add(account)
    db.session.commit()
    return account


@pytest.fixture
def console_client(client: FlaskClient, organizer: Any) -> FlaskClient:
    """Return the test client signed in through the real login form."""
    response = client.post(
        "/organizer/login", data={"email": ORGANIZER_EMAIL, "password": ORGANIZER_PASSWORD}
    )
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    return client
