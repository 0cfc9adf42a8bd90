"""Work run in separate processes by the concurrency tests (importable by spawned children)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from roundtable.domain import registrations, seating
from roundtable.domain.models import Event, Registration, RegistrationStatus
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

import seat_patches


def mixed_storm(
    config: dict, slug: str, worker: int, operations: int, seed: int, locks: bool = True,
    delay_ms: int = 0, signup_share: float = 0.6,
) -> tuple[int, int]:
    """Sign people up and cancel random confirmed seats.

    After every operation the worker counts the confirmed seats afresh. Returns how many
    operations completed and how many times more seats than the capacity were confirmed.
    """
    app = seat_patches.create_app(locks=locks, delay_ms=delay_ms, **config)
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
