"""The database goes away in the middle of a signup storm, and comes back.

PostgreSQL only (the test asks for the ``postgres`` server, which it stops and starts): the
SQLite counterpart, a database file that cannot be opened and then can again, is in
test_serving.py.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest
import requests
from sqlalchemy import func, select

from roundtable import database
from roundtable.domain.models import OutboxMessage, Registration, RegistrationStatus
from roundtable.extensions import db

from conftest import SECRET
from servers import gunicorn_server
from storm import SignupStorm, signup

pytestmark = pytest.mark.slow

CAPACITY = 20
CONF = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"


def test_signups_while_postgresql_stops_and_starts_are_never_lost_or_doubled(
    postgres, database_url, app, make_event
) -> None:
    event = make_event(capacity=CAPACITY)
    event_id, slug = event.id, event.slug
    settings = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET,
                "WTF_CSRF_ENABLED": "false", "RATELIMIT_ENABLED": "false"}
    with gunicorn_server(settings, workers=4, config=CONF) as base:
        storm = SignupStorm(base, slug, threads=8)
        try:
            storm.wait_for(40)
            postgres.stop()  # every session ends; what they had not committed rolls back
            stopped = time.monotonic()
            storm.wait_for(30)
            ready_while_down = requests.get(f"{base}/readyz", timeout=10)
            page_while_down = requests.get(f"{base}/events/{slug}", timeout=10)
            restarting = time.monotonic()
            postgres.start()
            storm.wait_for(60)
        finally:
            answers = storm.stop()
            if not postgres.running:
                postgres.start()
        ready_again = requests.get(f"{base}/readyz", timeout=10)
        # One after another, more than there are workers: every worker's pool reconnects.
        later = [signup(base, slug, 100_000 + n) for n in range(8)]

    statuses = Counter(a.status for a in answers)
    assert set(statuses) == {303, 503}, statuses  # no 500, no stack trace
    assert all(a.retry_after for a in answers if a.status == 503)
    assert all("We cannot reach our records" in a.body for a in answers if a.status == 503)
    down = [a for a in answers if a.start > stopped and a.end < restarting]
    assert down and all(a.status == 503 for a in down)
    assert ready_while_down.status_code == 503 and ready_while_down.headers["Retry-After"]
    assert ready_while_down.text == "not ready: database unavailable"
    assert page_while_down.status_code == 503 and "Traceback" not in page_while_down.text
    assert ready_again.status_code == 200
    assert [a.status for a in later] == [303] * len(later)

    # The test's own connection died too: ending its transaction says so (and is quiet about
    # it, as in the app), and the pool's ping replaces it.
    database.roll_back_quietly(db.session())
    rows = db.session.execute(
        select(Registration.id, Registration.email, Registration.status,
               Registration.queue_position).where(Registration.event_id == event_id)
    ).all()
    stored = Counter(row.email for row in rows)
    assert all(count == 1 for count in stored.values())  # nobody twice
    redirected = {a.email for a in answers + later if a.status == 303}
    refused = {a.email for a in answers if a.status == 503}
    assert redirected <= set(stored)  # every 303 was stored
    assert set(stored) <= redirected | refused  # and nothing else
    # A 503 may come after a commit whose answer was lost with the connection: such a
    # registration is stored whole, like any other, and signing up again finds it.
    mails = Counter(db.session.scalars(
        select(OutboxMessage.registration_id).where(OutboxMessage.event_id == event_id)))
    assert mails == Counter({row.id: 1 for row in rows})  # no registration half-stored
    confirmed = [row for row in rows if row.status == RegistrationStatus.CONFIRMED]
    waiting = sorted(row.queue_position for row in rows
                     if row.status == RegistrationStatus.WAITLISTED)
    assert len(confirmed) == min(CAPACITY, len(rows))
    assert waiting == list(range(1, len(rows) - len(confirmed) + 1))
    assert db.session.scalar(
        select(func.count()).select_from(Registration).where(Registration.event_id == event_id)
    ) == len(rows)
