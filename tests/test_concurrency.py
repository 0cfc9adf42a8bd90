"""A seat is never given twice: real parallel signups through gunicorn and in separate processes.

Each scenario runs against the database of this run (SQLite or PostgreSQL). The control runs
take the seat lock away from the test (``seat_patches``, gunicorn's app spec in each worker) and
put a pause between the seat check and the write: they must oversell, which proves that the
checks can fail.
"""

from __future__ import annotations

import multiprocessing
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import select

from roundtable.domain.models import (
    Event,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    SignupRequest,
)
from roundtable.extensions import db

from conftest import SECRET, base_config
from servers import gunicorn_server
from storm import mixed_storm

pytestmark = pytest.mark.slow

SIGNUPS = 200
CAPACITY = 20


def _settings(database_url: str) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "SECRET_KEY": SECRET,
        "TESTING": "true",
        "WTF_CSRF_ENABLED": "false",
        "RATELIMIT_ENABLED": "false",
    }


def _server(database_url: str, locks: bool, delay_ms: int):
    """Serve the app with gunicorn, the seat lock patched as asked, in each worker."""
    spec = f"seat_patches:create_app(locks={locks}, delay_ms={delay_ms})"
    return gunicorn_server(_settings(database_url), app=spec)


def _post_signup(base: str, slug: str, n: int) -> int:
    response = requests.post(
        f"{base}/events/{slug}/register",
        data={
            "name": f"Leader {n}",
            "email": f"leader{n}@company{n}.example",
            "company": f"Company {n}",
            "job_title": "VP of Engineering",
            "seniority": "vp",
            "consent": "y",
        },
        allow_redirects=False,
        timeout=120,
    )
    return response.status_code


def _waiting_signups(slug: str, n: int) -> list[str]:
    """Record ``n`` signups waiting for their address, one after another; return their links'
    tokens in that order."""
    from datetime import UTC, datetime

    from roundtable.domain import registrations, signups
    from roundtable.domain.seniority import Seniority

    now = datetime.now(UTC)
    for i in range(n):
        applicant = registrations.Applicant(f"Leader {i}", f"leader{i}@firm{i}.example",
                                            f"Firm {i}", "VP of Engineering", Seniority.VP)
        signups.request(db.session, now=now, slug=slug, applicant=applicant, secret_key=SECRET)
        db.session.commit()
    return [signups.confirmation_token(SECRET, s)
            for s in db.session.scalars(select(SignupRequest).order_by(SignupRequest.id))]


def _post_confirmation(base: str, slug: str, token: str) -> int:
    return requests.post(f"{base}/events/{slug}/confirm/{token}", allow_redirects=False,
                         timeout=120).status_code


def _storm(base: str, slug: str, signups: int = SIGNUPS) -> Counter[int]:
    with ThreadPoolExecutor(max_workers=50) as pool:
        return Counter(pool.map(lambda n: _post_signup(base, slug, n), range(signups)))


def _rows(event_id: int) -> list[Registration]:
    db.session.rollback()  # read what the servers committed, not an older snapshot
    return db.session.scalars(select(Registration).where(Registration.event_id == event_id)).all()


def test_200_parallel_signups_fill_exactly_20_seats(database_url, make_event) -> None:
    event = make_event(capacity=CAPACITY)
    event_id, slug = event.id, event.slug
    db.session.commit()
    with _server(database_url, locks=True, delay_ms=5) as base:
        codes = _storm(base, slug)
    assert codes == Counter({303: SIGNUPS})
    rows = _rows(event_id)
    statuses = Counter(r.status for r in rows)
    assert statuses == {
        RegistrationStatus.CONFIRMED: CAPACITY,
        RegistrationStatus.WAITLISTED: SIGNUPS - CAPACITY,
    }
    waiting = sorted((r for r in rows if r.status == RegistrationStatus.WAITLISTED),
                     key=lambda r: r.queue_position)
    assert [r.queue_position for r in waiting] == list(range(1, SIGNUPS - CAPACITY + 1))
    assert [r.id for r in waiting] == sorted(r.id for r in waiting)  # first come, first served


def test_control_without_the_lock_oversells(database_url, make_event) -> None:
    # 18 seats: not a multiple of the 4 workers, so requests that run in step also overshoot.
    event = make_event(capacity=CAPACITY - 2)
    event_id, slug = event.id, event.slug
    db.session.commit()
    # A long pause between count and write, so the race shows even on a loaded machine.
    with _server(database_url, locks=False, delay_ms=150) as base:
        _storm(base, slug, signups=5 * CAPACITY)
    confirmed = sum(r.status == RegistrationStatus.CONFIRMED for r in _rows(event_id))
    assert confirmed > CAPACITY - 2, "the unguarded control run should have oversold"


def _run_mixed(database_url: str, slug: str, locks: bool) -> int:
    """Run the storm in 4 processes; return how often a worker saw more seats than capacity."""
    config = base_config(database_url, SECRET_KEY=SECRET)
    # The control run signs up more often and waits longer between count and write, so the
    # unguarded race shows even on a loaded machine.
    delay_ms, share = (0, 0.6) if locks else (60, 0.9)
    # Forked from a server that imported the app's modules once; nothing of this process's
    # database connections reaches the children.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["storm"])
    with context.Manager() as manager, context.Pool(4) as pool:
        ready = manager.Barrier(4)  # the storm starts in every worker at once
        results = pool.starmap(
            mixed_storm,
            [(config, slug, w, 30, w, locks, delay_ms, share, ready) for w in range(4)],
        )
    if locks:
        assert sum(done for done, _ in results) == 120
    return sum(oversold for _, oversold in results)


def test_mixed_storm_of_signups_and_cancellations_keeps_the_room_full(
    database_url, make_event
) -> None:
    event = make_event(capacity=5)
    event_id, slug = event.id, event.slug
    db.session.commit()
    assert _run_mixed(database_url, slug, locks=True) == 0
    rows = _rows(event_id)
    confirmed = [r for r in rows if r.status == RegistrationStatus.CONFIRMED]
    waiting = [r for r in rows if r.status == RegistrationStatus.WAITLISTED]
    assert len(confirmed) <= 5
    assert len(confirmed) == 5 or not waiting, "a seat is empty while someone waits"
    assert db.session.get(Event, event_id).capacity == 5


def test_attendees_cancelling_while_others_sign_up_over_http(database_url, make_event, sign_up):
    from roundtable.domain import registrations

    event = make_event(capacity=10)
    event_id, slug = event.id, event.slug
    seated = [sign_up(event, email=f"seated{n}@firm{n}.example") for n in range(10)]
    queued = [sign_up(event, email=f"queued{n}@other{n}.example").id for n in range(5)]
    links = [f"/r/{registrations.manage_token(SECRET, r)}/cancel" for r in seated]
    db.session.commit()

    def cancel(path: str) -> int:
        return requests.post(base + path, allow_redirects=False, timeout=120).status_code

    with _server(database_url, locks=True, delay_ms=2) as base:
        with ThreadPoolExecutor(max_workers=30) as pool:
            cancels = [pool.submit(cancel, path) for path in links]
            signups = [pool.submit(_post_signup, base, slug, 1000 + n) for n in range(40)]
            codes = Counter(f.result() for f in cancels + signups)
    assert codes == Counter({303: 50})
    rows = _rows(event_id)
    statuses = Counter(r.status for r in rows)
    assert statuses[RegistrationStatus.CANCELLED] == 10
    assert statuses[RegistrationStatus.CONFIRMED] == 10  # full again: people were waiting
    assert statuses[RegistrationStatus.WAITLISTED] == 45 - 10
    by_id = {r.id: r for r in rows}
    # The five who waited before the storm are first in line: every freed seat reaches them.
    assert all(by_id[rid].status == RegistrationStatus.CONFIRMED for rid in queued)


def test_control_mixed_storm_without_the_lock_oversells(database_url, make_event) -> None:
    event = make_event(capacity=5)
    slug = event.slug
    db.session.commit()
    assert _run_mixed(database_url, slug, locks=False) > 0, "the unguarded storm should oversell"


def test_parallel_confirmations_fill_exactly_the_seats_in_confirmation_order(
    database_url, make_event
) -> None:
    """Addresses answering at once: never more seats than the room, and nobody lost."""
    event = make_event(capacity=CAPACITY, confirm_email=True)
    event_id, slug = event.id, event.slug
    tokens = _waiting_signups(slug, 60)
    with _server(database_url, locks=True, delay_ms=5) as base:
        with ThreadPoolExecutor(max_workers=30) as pool:
            codes = Counter(pool.map(lambda t: _post_confirmation(base, slug, t),
                                     tokens + tokens[:10]))  # some links clicked twice
    assert codes == Counter({303: 70})
    rows = _rows(event_id)
    assert len(rows) == 60  # each address once, however often its link was used
    statuses = Counter(r.status for r in rows)
    assert statuses == {RegistrationStatus.CONFIRMED: CAPACITY,
                        RegistrationStatus.WAITLISTED: 60 - CAPACITY}
    # Seats and places follow the order in which confirmations took the event's lock. The
    # message telling each person where they stand is written under it, so its id counts that
    # order (on PostgreSQL a registration's own id is taken before the lock, with its private
    # link): every seat went before every waiting place, and the waiting list keeps that order.
    told = dict(db.session.execute(select(OutboxMessage.registration_id, OutboxMessage.id)
                                   .where(OutboxMessage.event_id == event_id,
                                          OutboxMessage.kind.in_(("confirmed", "waitlisted")))
                                   ).all())
    assert sorted(told) == sorted(r.id for r in rows)
    seated = max(told[r.id] for r in rows if r.status == RegistrationStatus.CONFIRMED)
    waiting = sorted((r for r in rows if r.status == RegistrationStatus.WAITLISTED),
                     key=lambda r: r.queue_position)
    assert seated < told[waiting[0].id]
    assert [told[r.id] for r in waiting] == sorted(told[r.id] for r in waiting)


def test_control_parallel_confirmations_without_the_lock_oversell(database_url, make_event
                                                                   ) -> None:
    """The express lane's check can fail: without its lock, answers at once overfill the room."""
    event = make_event(capacity=CAPACITY - 2, confirm_email=True)
    event_id, slug = event.id, event.slug
    tokens = _waiting_signups(slug, 5 * CAPACITY)
    with _server(database_url, locks=False, delay_ms=150) as base:
        with ThreadPoolExecutor(max_workers=50) as pool:
            list(pool.map(lambda t: _post_confirmation(base, slug, t), tokens))
    confirmed = sum(r.status == RegistrationStatus.CONFIRMED for r in _rows(event_id))
    assert confirmed > CAPACITY - 2, "the unguarded control run should have oversold"


def test_last_minute_offers_under_parallel_cancels_accepts_and_signups(
    database_url, make_event, sign_up
) -> None:
    """In the final window freed seats are offered, never given twice: ten cancel at once while
    forty sign up, then the offered accept while some of them also cancel (accept racing a
    cancellation) - every seat is held by exactly one person, confirmed or offered."""
    from datetime import UTC, datetime, timedelta

    from roundtable.domain import registrations

    event = make_event(capacity=10, starts_at=datetime.now(UTC) + timedelta(hours=30))
    event_id, slug = event.id, event.slug
    seated = [sign_up(event, email=f"seated{n}@firm{n}.example") for n in range(10)]
    queued = [sign_up(event, email=f"queued{n}@other{n}.example") for n in range(12)]
    db.session.commit()

    def post(path: str) -> int:
        return requests.post(base + path, allow_redirects=False, timeout=120).status_code

    def link(registration) -> str:
        return f"/r/{registrations.manage_token(SECRET, registration)}"

    with _server(database_url, locks=True, delay_ms=2) as base:
        with ThreadPoolExecutor(max_workers=30) as pool:
            cancels = [pool.submit(post, f"{link(r)}/cancel") for r in seated]
            signups = [pool.submit(_post_signup, base, slug, 2000 + n) for n in range(40)]
            assert Counter(f.result() for f in cancels + signups) == Counter({303: 50})
        rows = {r.id: r for r in _rows(event_id)}
        offered = queued[:10]
        assert all(rows[r.id].status == RegistrationStatus.OFFERED for r in offered)
        assert all(rows[r.id].status == RegistrationStatus.WAITLISTED for r in queued[10:])
        with ThreadPoolExecutor(max_workers=30) as pool:
            accepts = [pool.submit(post, f"{link(r)}/accept") for r in offered]
            racing = [pool.submit(post, f"{link(r)}/cancel") for r in offered[:5]]
            codes = Counter(f.result() for f in accepts + racing)
    # An accept that lost the race to its own cancellation is refused with a clear page.
    assert codes[303] >= 10 and codes[303] + codes[409] == 15, codes
    rows = {r.id: r for r in _rows(event_id)}
    statuses = Counter(r.status for r in rows.values())
    assert statuses[RegistrationStatus.CONFIRMED] + statuses[RegistrationStatus.OFFERED] == 10
    assert all(rows[r.id].status == RegistrationStatus.CANCELLED for r in offered[:5])
    assert all(rows[r.id].status == RegistrationStatus.CONFIRMED for r in offered[5:])
    # The five seats given back went on as offers to the next two waiting, then the signups.
    assert statuses[RegistrationStatus.OFFERED] == 5
    assert all(rows[r.id].status == RegistrationStatus.OFFERED for r in queued[10:])
