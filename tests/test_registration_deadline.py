"""A registration deadline per event: set in the console, shown on the page, enforced."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from test_organizer_events import NEW_EVENT, edit_form

from roundtable.domain import events, registrations, signups
from roundtable.domain.errors import RegistrationClosed
from roundtable.domain.models import Event, Registration, SignupRequest
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from conftest import SECRET, SIGNUP_FORM
from organizer_support import page, text

LEADER = registrations.Applicant(
    name="Ada Lovelace", email="ada@analytical.example", company="Analytical",
    job_title="VP Engineering", seniority=Seniority.VP,
)


def in_days(days: float) -> datetime:
    return (datetime.now(UTC) + timedelta(days=days)).replace(second=0, microsecond=0)


def test_the_deadline_defaults_to_the_start(make_event) -> None:
    event = make_event()
    assert event.registration_deadline is None
    assert events.registration_closes_at(event) == event.starts_at
    assert events.is_open_for_registration(event, event.starts_at - timedelta(minutes=1))
    assert not events.is_open_for_registration(event, event.starts_at)


def test_signups_after_the_deadline_are_refused_with_when_it_closed(make_event) -> None:
    starts = datetime(2030, 6, 5, 16, 0, tzinfo=UTC)
    event = make_event(starts_at=starts, registration_deadline=starts - timedelta(days=2))
    after = starts - timedelta(days=1)
    assert events.is_open_for_registration(event, starts - timedelta(days=3))
    assert not events.is_open_for_registration(event, after)
    reason = registrations.closed_reason(event, after)
    assert reason == ("Registration has closed: it closed on Monday 3 June 2030, 18:00 CEST "
                      "(Europe/Berlin).")
    with pytest.raises(RegistrationClosed, match="it closed on Monday 3 June 2030"):
        registrations.admit(db.session, actor=None, now=after, slug=event.slug,
                            applicant=LEADER, secret_key=SECRET)
    db.session.rollback()
    assert db.session.scalars(select(Registration)).all() == []
    # Once the event has started, the message says so, deadline or not.
    assert "already started" in (registrations.closed_reason(event, starts) or "")


def test_a_confirmation_after_the_deadline_is_refused(make_event) -> None:
    event = make_event(confirm_email=True, registration_deadline=in_days(2))
    event_id, slug = event.id, event.slug
    signups.request(db.session, now=in_days(2) - timedelta(hours=1), slug=slug,
                    applicant=LEADER, secret_key=SECRET)
    db.session.commit()
    signup = db.session.scalar(select(SignupRequest))
    token = signups.confirmation_token(SECRET, signup)
    with pytest.raises(RegistrationClosed, match="Registration has closed"):
        signups.confirm(db.session, now=in_days(2) + timedelta(minutes=1), token=token,
                        secret_key=SECRET)
    db.session.rollback()
    assert db.session.scalars(select(Registration).where(
        Registration.event_id == event_id)).all() == []


def test_the_public_page_says_when_registration_closes(client, make_event) -> None:
    event = make_event(starts_at=datetime(2030, 6, 5, 16, 0, tzinfo=UTC),
                       registration_deadline=datetime(2030, 6, 3, 16, 0, tzinfo=UTC))
    body = text(page(client.get(f"/events/{event.slug}")))
    assert "Registration closes Monday 3 June 2030, 18:00 CEST (Europe/Berlin)." in body
    plain = make_event(starts_at=datetime(2030, 1, 10, 17, 0, tzinfo=UTC),
                       timezone="America/New_York")
    body = text(page(client.get(f"/events/{plain.slug}")))
    assert "Registration closes Thursday 10 January 2030, 12:00 EST (America/New_York)." in body


def test_the_public_page_refuses_a_signup_after_the_deadline(client, make_event) -> None:
    event = make_event(registration_deadline=datetime.now(UTC) - timedelta(minutes=1))
    body = page(client.get(f"/events/{event.slug}"))
    assert "Registration is closed." in body and "Registration closes" not in body
    response = client.post(f"/events/{event.slug}/register", data=SIGNUP_FORM)
    assert response.status_code == 409
    assert "Registration has closed: it closed on" in response.get_data(as_text=True)


def test_the_console_sets_the_deadline_in_the_events_zone(console_client) -> None:
    data = {**NEW_EVENT, "deadline_local": "2030-06-04T12:00"}
    response = console_client.post("/organizer/events/new", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)
    event = db.session.scalar(select(Event))
    assert event.registration_deadline == datetime(2030, 6, 4, 10, 0, tzinfo=UTC)
    body = page(console_client.get(f"/organizer/events/{event.id}/edit"))
    assert 'name="deadline_local"' in body and 'value="2030-06-04T12:00"' in body
    # An edit that leaves it empty takes registrations until the start again.
    console_client.post(f"/organizer/events/{event.id}/edit",
                        data=edit_form(event, deadline_local="", contact_email="o@l.example"))
    db.session.rollback()
    assert db.session.get(Event, event.id).registration_deadline is None


@pytest.mark.parametrize("deadline", ["2030-06-05T18:00", "2030-06-05T19:00"])
def test_a_deadline_must_be_before_the_start(console_client, deadline) -> None:
    response = console_client.post("/organizer/events/new",
                                   data={**NEW_EVENT, "deadline_local": deadline})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="deadline_local-error"' in body and "Registration must close before the start" \
        in body
    db.session.rollback()
    assert db.session.scalar(select(Event)) is None
