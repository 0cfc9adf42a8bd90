"""Load for the tests: work run in separate processes by the concurrency tests (importable by
spawned children), and a storm of signups over HTTP from threads."""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from roundtable.domain import registrations, seating
from roundtable.domain.models import Event, Registration, RegistrationStatus
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

import seat_patches


def mixed_storm(
    config: dict, slug: str, worker: int, operations: int, seed: int, locks: bool = True,
    delay_ms: int = 0, signup_share: float = 0.6, ready: Any = None,
) -> tuple[int, int]:
    """Sign people up and cancel random confirmed seats.

    After every operation the worker counts the confirmed seats afresh. Returns how many
    operations completed and how many times more seats than the capacity were confirmed.
    """
    app = seat_patches.create_app(locks=locks, delay_ms=delay_ms, **config)
    if ready is not None:  # every worker starts at once, whatever its start-up took
        ready.wait(120)
    rng = random.Random(seed)
    done = oversold = 0
    with app.app_context():
        for n in range(operations):
            try:
                _operate(db.session, slug, worker, n, rng, config["SECRET_KEY"], signup_share)
                db.session.commit()
                done += 1
            except IntegrityError:  # unguarded control runs may collide on queue positions
                db.session.rollback()
            event = db.session.scalar(select(Event).where(Event.slug == slug))
            confirmed = db.session.scalar(
                select(func.count()).where(
                    Registration.event_id == event.id,
                    Registration.status == RegistrationStatus.CONFIRMED,
                )
            )
            oversold += confirmed > event.capacity
            db.session.rollback()
        db.session.remove()
        db.engine.dispose()
    return done, oversold


def _operate(session, slug, worker, n, rng, secret_key, signup_share) -> None:
    """Sign a new person up (``signup_share`` of the time) or cancel a random confirmed seat."""
    now = datetime.now(UTC)
    if rng.random() < signup_share:
        applicant = registrations.Applicant(
            name=f"Worker {worker} person {n}",
            email=f"w{worker}n{n}@firm{rng.randrange(8)}.example",
            company=f"Firm {worker}",
            job_title="Chief Technology Officer",
            seniority=Seniority.C_LEVEL,
        )
        registrations.admit(session, actor=None, now=now, slug=slug, applicant=applicant,
                            secret_key=secret_key)
        return
    event = seating.lock_event(session, slug=slug)
    confirmed = session.scalars(
        select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    if confirmed:
        seating.release(session, event, rng.choice(confirmed), now)


@dataclass(frozen=True)
class Answer:
    """One signup sent over HTTP and what the server answered."""

    email: str
    status: int
    retry_after: str | None
    body: str
    start: float
    end: float


class SignupStorm:
    """Sign new people up to one event from several threads until stopped.

    Each thread sends one signup after another (a new address each, at most ``limit`` in all);
    after any answer but a redirect it pauses ``pause`` seconds, as a person trying again would.
    """

    def __init__(self, base: str, slug: str, threads: int = 6, limit: int = 3000,
                 pause: float = 0.05) -> None:
        self.base, self.slug, self.pause = base, slug, pause
        self._numbers = iter(range(limit))
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self._answers: list[Answer] = []
        self._pool = ThreadPoolExecutor(max_workers=threads)
        self._futures = [self._pool.submit(self._run) for _ in range(threads)]

    def _run(self) -> None:
        while not self._stopped.is_set():
            with self._lock:
                n = next(self._numbers, None)
            if n is None:
                return
            answer = signup(self.base, self.slug, n)
            with self._lock:
                self._answers.append(answer)
            if answer.status != 303:
                time.sleep(self.pause)

    def answers(self) -> list[Answer]:
        with self._lock:
            return list(self._answers)

    def wait_for(self, count: int, timeout: float = 60) -> list[Answer]:
        """Wait until ``count`` more signups are answered; return all answered so far."""
        target = len(self.answers()) + count
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            answers = self.answers()
            if len(answers) >= target:
                return answers
            time.sleep(0.01)
        raise AssertionError(f"the storm stalled at {len(self.answers())} answers")

    def stop(self) -> list[Answer]:
        """Stop sending, wait for the signups under way, and return every answer."""
        self._stopped.set()
        for future in self._futures:
            future.result()
        self._pool.shutdown()
        return self.answers()


def signup(base: str, slug: str, n: int) -> Answer:
    """Sign up leader number ``n`` (an address of their own) and return the answer."""
    email = f"leader{n}@company{n}.example"
    start = time.monotonic()
    response = requests.post(
        f"{base}/events/{slug}/register",
        data={"name": f"Leader {n}", "email": email, "company": f"Company {n}",
              "job_title": "VP of Engineering", "seniority": "vp", "consent": "y"},
        allow_redirects=False,
        timeout=60,
    )
    body = "" if response.status_code == 303 else response.text
    return Answer(email, response.status_code, response.headers.get("Retry-After"), body, start,
                  time.monotonic())
