"""Every console list page runs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

import pytest

from roundtable.domain.models import AuditEntry, OutboxMessage, RegistrationStatus
from roundtable.extensions import db

from conftest import NOW

S = RegistrationStatus
PAGES = [
    "/organizer/",
    "/organizer/review",
    "/organizer/events/{e}",
    "/organizer/events/{e}/attendees",
    "/organizer/events/{e}/attendees?status=waitlisted&q=example",
    "/organizer/events/{e}/check-in",
    "/organizer/events/{e}/audit",
    "/organizer/events/{e}/mail",
]


@pytest.mark.parametrize("url", PAGES)
def test_list_pages_do_not_run_a_query_per_row(
    console_client, organizer, make_event, make_registration, count_queries, url
) -> None:
    events = [make_event(capacity=100)]
    counter = iter(range(10_000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            event = make_event(capacity=100) if url == "/organizer/" else events[0]
            status = [S.CONFIRMED, S.WAITLISTED, S.PENDING_REVIEW][i % 3]
            registration = make_registration(
                event, status=status, queue_position=1000 + i if status == S.WAITLISTED else None,
                confirmed_at=NOW if status == S.CONFIRMED else None,
            )
            db.session.add(AuditEntry(organizer_id=organizer.id, event_id=event.id,
                                      registration_id=registration.id,
                                      action="registration.approved", created_at=NOW))
            db.session.add(OutboxMessage(kind=status.value, event_id=event.id,
                                         registration_id=registration.id,
                                         recipient=registration.email))
        db.session.commit()

    target = url.format(e=events[0].id)
    grow(3)
    console_client.get(target)
    db.session.expire_all()  # the test shares the request's session: start from nothing known
    with count_queries() as few:
        assert console_client.get(target).status_code == 200
    grow(30)
    db.session.expire_all()
    with count_queries() as many:
        assert console_client.get(target).status_code == 200
    assert len(many) == len(few), many
