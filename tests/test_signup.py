"""Signup through the web form: outcomes, duplicates, closed events and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from roundtable.domain.models import (
    ApprovalMode,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from conftest import SIGNUP_FORM

GOOD = SIGNUP_FORM


def signup(client, event, **changes):
    data = {**GOOD, **changes}
    return client.post(f"/events/{event.slug}/register", data=data)


def registrations():
    return db.session.scalars(select(Registration).order_by(Registration.id)).all()


def outbox_kinds():
    return [m.kind for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_event_page_has_the_form_with_labels_tied_to_inputs(client, make_event) -> None:
    page = client.get(f"/events/{make_event().slug}").get_data(as_text=True)
    for field in ("name", "email", "company", "job_title", "seniority", "consent"):
        assert f'for="{field}"' in page and f'id="{field}"' in page
    assert 'value="individual_contributor"' in page and 'value="founder"' in page
    assert ">Vice president<" in page


def test_eligible_signup_gets_a_seat_and_is_told_so(client, make_event) -> None:
    event = make_event()
    response = signup(client, event)
    assert response.status_code == 303
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have a seat" in page and "What happens next" in page
    (registration,) = registrations()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.email == "ada@analytical.example"
    assert registration.company_key == "analytical.example"
    assert registration.eligibility_outcome == "eligible"
    assert registration.manage_token_hash and len(registration.manage_token_hash) == 64
    assert outbox_kinds() == ["confirmed"]


def test_full_event_puts_eligible_signup_on_waiting_list(client, make_event, make_registration):
    event = make_event(capacity=1)
    make_registration(event)
    response = signup(client, event)
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are #1 on the waiting list" in page
    assert registrations()[-1].status == RegistrationStatus.WAITLISTED
    assert outbox_kinds() == ["waitlisted"]


def test_borderline_title_awaits_review_and_holds_no_seat(client, make_event) -> None:
    event = make_event(capacity=1)
    response = signup(client, event, job_title="Associate Director, Data", seniority="director")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "an organizer will confirm soon" in page
    assert registrations()[0].status == RegistrationStatus.PENDING_REVIEW
    signup(client, event, email="grace@navy.example", job_title="CTO", seniority="c_level")
    assert registrations()[1].status == RegistrationStatus.CONFIRMED  # the seat was still free


def test_review_all_mode_sends_everyone_to_review(client, make_event) -> None:
    event = make_event(approval_mode=ApprovalMode.REVIEW_ALL)
    signup(client, event)
    assert registrations()[0].status == RegistrationStatus.PENDING_REVIEW
    assert outbox_kinds() == ["pending_review"]


def test_ineligible_signup_is_declined_courteously_without_a_seat(client, make_event) -> None:
    event = make_event(capacity=1)
    response = signup(
        client, event, job_title="Software Engineer", seniority="individual_contributor"
    )
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Thank you for your interest" in page
    assert "director-level leaders and above" in page
    (registration,) = registrations()
    assert registration.status == RegistrationStatus.DECLINED
    assert registration.eligibility_reasons  # the engine's reasons are kept for organizers
    for reason in registration.eligibility_reasons:  # the leader reads plain words instead
        assert reason.replace("'", "&#39;") not in page
    assert registration.eligibility_reasons[-1] == "rules: I3"  # kept for organizers ...
    assert "I3" not in page and "Policy rules" not in page  # ... never shown to the leader
    assert ("From the job title you gave (“Software Engineer”) and the level you chose "
            "(individual contributor), we read your role as below director level.") in page
    assert "reply to the email we sent you and the host will take another look" in page
    assert outbox_kinds() == ["declined"]


@pytest.mark.parametrize("again", ["ada@analytical.example", "  ADA@Analytical.Example "])
def test_same_email_never_registers_twice_and_reveals_nothing(client, make_event, again) -> None:
    event = make_event()
    signup(client, event)
    other_client = client.application.test_client()
    response = signup(other_client, event, email=again, name="Someone Else")
    page = other_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "already registered" in page
    assert "sent the registration" in page
    for status_word in ("You have a seat", "waiting list", "review", "Ada Lovelace"):
        assert status_word not in page
    assert len(registrations()) == 1
    assert registrations()[0].name == "Ada Lovelace"
    assert outbox_kinds() == ["confirmed", "already_registered"]


def test_same_email_may_register_for_another_event(client, make_event) -> None:
    signup(client, make_event())
    signup(client, make_event())
    assert len(registrations()) == 2


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": EventStatus.CANCELLED}, "has been cancelled"),
        ({"starts_at": datetime.now(UTC) - timedelta(minutes=5)}, "already started"),
    ],
)
def test_closed_events_take_no_registrations(client, make_event, overrides, message) -> None:
    event = make_event(**overrides)
    response = signup(client, event)
    assert response.status_code == 409
    assert message in response.get_data(as_text=True)
    assert registrations() == []


def test_draft_event_is_not_found_for_signup(client, make_event) -> None:
    event = make_event(status=EventStatus.DRAFT)
    assert signup(client, event).status_code == 404
    assert registrations() == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Please enter your name."),
        ({"name": "x" * 201}, "Field cannot be longer than 200 characters."),
        ({"email": ""}, "Please enter your work email."),
        ({"email": "not-an-email"}, "Please enter a valid email address"),
        ({"email": "ada@"}, "Please enter a valid email address"),
        ({"company": "   "}, "Please enter your company."),
        ({"job_title": ""}, "Please enter your job title."),
        ({"job_title": "t" * 301}, "Field cannot be longer than 300 characters."),
        ({"seniority": ""}, "Please choose your seniority level."),
        ({"seniority": "emperor"}, "Not a valid choice."),
        ({"discussion_topic": "d" * 1001}, "Field cannot be longer than 1000 characters."),
        ({"consent": ""}, "Please agree to the storage of your details"),
        ({"website": "http://spam.example"}, "This form could not be accepted."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    client, make_event, make_registration, changes, message
) -> None:
    event = make_event()
    existing = make_registration(event, name="Already Here")
    response = signup(client, event, **changes)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert "nothing was saved yet" in page
    assert [r.name for r in registrations()] == ["Already Here"]
    assert db.session.get(Registration, existing.id).status == RegistrationStatus.CONFIRMED
    assert db.session.scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_entered_values_are_kept_on_error(client, make_event) -> None:
    page = signup(client, make_event(), email="bad", consent="").get_data(as_text=True)
    assert 'value="Ada Lovelace"' in page
    assert 'value="VP Engineering"' in page
    assert '<option selected value="vp">' in page
    assert 'aria-invalid="true"' in page and 'aria-describedby="email-help email-error"' in page


def test_outcome_page_without_a_signup_goes_back_to_the_event(client, make_event) -> None:
    event = make_event()
    response = client.get(f"/events/{event.slug}/registered")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/events/{event.slug}")
