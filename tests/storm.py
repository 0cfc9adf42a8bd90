"""Work run in separate processes by the concurrency tests (importable by spawned children)."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from sqlalchemy import select

from roundtable import create_app, registrations, seating
from roundtable.extensions import db
from roundtable.models import Registration, RegistrationStatus
from roundtable.seniority import Seniority


def mixed_storm(config: dict, slug: str, worker: int, operations: int, seed: int) -> int:
    """Sign people up and cancel random confirmed seats; return how many operations ran."""
    app = create_app(config)
    rng = random.Random(seed)
    options = seating.SeatingOptions(locking=config.get("SEATING_LOCKS", True))
    done = 0
    with app.app_context():
        for n in range(operations):
            now = datetime.now(UTC)
            if rng.random() < 0.6:
                applicant = registrations.Applicant(
                    name=f"Worker {worker} person {n}",
                    email=f"w{worker}n{n}@firm{rng.randrange(8)}.example",
                    company=f"Firm {worker}",
                    job_title="Chief Technology Officer",
                    seniority=Seniority.C_LEVEL,
                )
                registrations.register(
                    db.session,
                    slug,
                    applicant,
                    now,
                    secret_key=config["SECRET_KEY"],
                    options=options,
                )
            else:
                event = seating.lock_event(db.session, options, slug=slug)
                confirmed = db.session.scalars(
                    select(Registration).where(
                        Registration.event_id == event.id,
                        Registration.status == RegistrationStatus.CONFIRMED,
                    )
                ).all()
                if confirmed:
                    seating.release(db.session, event, rng.choice(confirmed), now)
            db.session.commit()
            done += 1
        db.session.remove()
        db.engine.dispose()
    return done
