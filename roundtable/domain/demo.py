"""The demo roundtable that `roundtable seed-demo` and `make run` put in an empty database."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from roundtable.domain.models import ApprovalMode, Event, EventFormat, EventStatus
from roundtable.domain.seniority import Seniority

DEMO_SLUG = "ai-adoption-roundtable"
DEMO_TIMEZONE = "Europe/London"

DESCRIPTION = """\
Most engineering organisations now have AI coding assistants in use somewhere; far fewer can say \
what they changed. This roundtable is a closed, off-the-record hour for Director+ engineering \
leaders to compare notes on what adoption actually looks like: where it paid off, where it did \
not, and how you are measuring it.

We will cover rollout and governance (who gets access, to what, with which guard rails), the \
effect on review load, onboarding and code quality, how to talk about productivity claims with \
your executive team, and what you are changing in hiring and team shape.

The format is a facilitated conversation among at most 20 peers, held under the Chatham House \
Rule. There are no sponsors, no recording and no sales pitches. It is free; we only ask that you \
come prepared to share one thing that worked and one thing that did not."""


def ensure_demo_event(session: Session, now: datetime) -> tuple[Event, bool]:
    """Add the demo roundtable unless it exists; return it and whether it was created."""
    existing = session.scalar(select(Event).where(Event.slug == DEMO_SLUG))
    if existing is not None:
        return existing, False
    zone = ZoneInfo(DEMO_TIMEZONE)
    day = (now.astimezone(zone) + timedelta(weeks=3)).date()
    starts_at = datetime.combine(day, time(17, 0), tzinfo=zone)
    event = Event(
        slug=DEMO_SLUG,
        title="AI Adoption Roundtable for Director+ Engineering Leaders",
        summary="An off-the-record hour for engineering directors, VPs and CTOs to compare "
        "what AI adoption has really changed in their organisations.",
        description=DESCRIPTION,
        host="The Engineering Leadership Letter",
        contact_email="host@example.org",
        format=EventFormat.ONLINE,
        join_url="https://meet.example.org/ai-adoption-roundtable",
        starts_at=starts_at,
        ends_at=starts_at + timedelta(minutes=60),
        timezone=DEMO_TIMEZONE,
        capacity=20,
        minimum_level=Seniority.DIRECTOR,
        approval_mode=ApprovalMode.AUTO,
        status=EventStatus.PUBLISHED,
    )
    session.add(event)
    session.flush()
    return event, True
