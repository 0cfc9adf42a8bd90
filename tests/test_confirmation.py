"""Double opt-in: a seat goes only to an address that answered, in the order addresses answer."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from roundtable.domain import registrations, signups
from roundtable.domain.addresses import address_key
from roundtable.domain.errors import NotFound
from roundtable.domain.models import (
    OutboxMessage,
    Registration,
    RegistrationStatus,
    SignupRequest,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db
from roundtable.notify import compose

from conftest import SECRET, SIGNUP_FORM, base_config

S = RegistrationStatus


def _signup(client, event, **changes):
    response = client.post(f"/events/{event.slug}/register", data={**SIGNUP_FORM, **changes})
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    return client.get(response.headers["Location"])


def _request(email: str) -> SignupRequest:
    db.session.rollback()
    return db.session.scalars(
        select(SignupRequest).where(SignupRequest.email == email).order_by(SignupRequest.id.desc())
    ).first()


def _confirm_url(event, email: str) -> str:
    return f"/events/{event.slug}/confirm/{signups.confirmation_token(SECRET, _request(email))}"


def _registrations() -> list[Registration]:
    db.session.rollback()
    return list(db.session.scalars(select(Registration).order_by(Registration.id)))


def _kinds() -> list[str]:
    db.session.rollback()
    return [m.kind for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_signup_holds_nothing_until_the_address_answers(client, make_event) -> None:
    event = make_event(confirm_email=True, capacity=1)
    page = _signup(client, event)
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "Check your inbox" in body
    assert "Confirm my signup" in body
    assert _registrations() == []
    assert _kinds() == ["confirm_signup"]
    assert "1 of 1 seats left" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_mail_scanners_get_changes_nothing_and_the_post_gives_the_seat(client, make_event):
    event = make_event(confirm_email=True)
    _signup(client, event)
    url = _confirm_url(event, SIGNUP_FORM["email"])
    for _ in range(3):  # link scanners follow links, sometimes more than once
        page = client.get(url)
        assert page.status_code == 200 and "Confirm your signup" in page.get_data(as_text=True)
    assert _registrations() == []
    response = client.post(url)
    assert response.status_code == 303
    outcome = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You have a seat" in outcome
    (registration,) = _registrations()
    assert registration.status == S.CONFIRMED and registration.email == SIGNUP_FORM["email"]
    assert _kinds() == ["confirm_signup", "confirmed"]


def test_seats_go_in_confirmation_order_not_signup_order(client, make_event) -> None:
    event = make_event(confirm_email=True, capacity=1)
    _signup(client, event, email="first@signup.example")
    _signup(client, event, email="second@signup.example")
    first, second = (_confirm_url(event, e) for e in ("first@signup.example",
                                                        "second@signup.example"))
    assert client.post(second).status_code == 303
    assert client.post(first).status_code == 303
    by_email = {r.email: r.status for r in _registrations()}
    assert by_email == {"second@signup.example": S.CONFIRMED, "first@signup.example": S.WAITLISTED}


def test_invented_addresses_take_no_seat_from_a_real_leader(client, make_event) -> None:
    event = make_event(confirm_email=True, capacity=5)
    for n in range(5):
        _signup(client, event, email=f"invented{n}@nowhere.example")
    _signup(client, event, email="vp@real.example", name="Real VP")
    client.post(_confirm_url(event, "vp@real.example"))
    (registration,) = _registrations()
    assert registration.email == "vp@real.example" and registration.status == S.CONFIRMED


def test_a_link_used_twice_admits_once_and_shows_where_they_stand(client, make_event) -> None:
    event = make_event(confirm_email=True)
    _signup(client, event)
    url = _confirm_url(event, SIGNUP_FORM["email"])
    client.post(url)
    again = client.post(url)
    assert again.status_code == 303
    assert "You have a seat" in client.get(again.headers["Location"]).get_data(as_text=True)
    assert len(_registrations()) == 1
    assert "Already confirmed" in client.get(url).get_data(as_text=True)


def test_an_unconfirmed_signup_expires_after_a_day(app, make_event, now) -> None:
    event = make_event(confirm_email=True, starts_at=now + timedelta(days=10))
    applicant = registrations.Applicant("Ada", "ada@x.example", "X", "CTO", Seniority.C_LEVEL)
    signups.request(db.session, now=now, slug=event.slug, applicant=applicant, secret_key=SECRET)
    db.session.commit()
    token = signups.confirmation_token(SECRET, _request("ada@x.example"))
    later = now + signups.CONFIRM_WITHIN + timedelta(seconds=1)
    with pytest.raises(signups.LinkExpired):
        signups.confirm(db.session, now=later, token=token, secret_key=SECRET)
    db.session.rollback()
    assert signups.purge_expired(db.session, now=later) == 1
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(SignupRequest)) == 0
    with pytest.raises(NotFound):
        signups.confirm(db.session, now=later, token=token, secret_key=SECRET)
    db.session.rollback()


def test_an_expired_link_says_so_and_takes_nothing(client, make_event) -> None:
    event = make_event(confirm_email=True)
    _signup(client, event)
    request = _request(SIGNUP_FORM["email"])
    request.expires_at = datetime.now(UTC) - timedelta(minutes=1)
    db.session.commit()
    url = _confirm_url(event, SIGNUP_FORM["email"])
    assert "This link has expired" in client.get(url).get_data(as_text=True)
    refused = client.post(url)
    assert refused.status_code == 410 and "Please sign up again" in refused.get_data(as_text=True)
    assert _registrations() == []


def test_an_unknown_link_is_a_404(client, make_event) -> None:
    event = make_event(confirm_email=True)
    assert client.get(f"/events/{event.slug}/confirm/not-a-token").status_code == 404
    assert client.post(f"/events/{event.slug}/confirm/not-a-token").status_code == 404


def test_the_page_after_a_signup_does_not_tell_who_is_registered(client, make_event,
                                                                 make_registration) -> None:
    event = make_event(confirm_email=True)
    make_registration(event, email="known@firm.example")
    known = _signup(client, event, email="known@firm.example").get_data(as_text=True)
    new = _signup(client, event, email="new@firm.example").get_data(as_text=True)
    assert known == new
    assert _kinds() == ["already_registered", "confirm_signup"]


def test_duplicates_send_at_most_one_mail_an_hour(client, make_event, make_registration) -> None:
    event = make_event(confirm_email=True)
    make_registration(event, email="known@firm.example")
    for _ in range(5):
        _signup(client, event, email="known@firm.example")
        _signup(client, event, email="waiting@firm.example")
    assert _kinds().count("already_registered") == 1
    assert _kinds().count("confirm_signup") == 1
    assert db.session.scalar(select(func.count()).select_from(SignupRequest)) == 1


@pytest.mark.parametrize(
    ("registered", "typed"),
    [
        ("ada.lovelace@gmail.com", "adalovelace@gmail.com"),
        ("ada.lovelace@gmail.com", "Ada.Love.Lace+roundtable@googlemail.com"),
        ("ada@firm.example", "ada+ai@firm.example"),
    ],
)
def test_one_person_one_seat_across_plus_tags_and_gmail_dots(
    client, make_event, make_registration, registered, typed
) -> None:
    event = make_event(confirm_email=True)
    make_registration(event, email=registered)
    _signup(client, event, email=typed)
    assert _kinds() == ["already_registered"]
    assert len(_registrations()) == 1
    assert _registrations()[0].email == registered  # the stored address stays as typed


def test_dots_count_only_where_the_provider_ignores_them() -> None:
    assert address_key("a.b@gmail.com") == address_key("ab@googlemail.com") == "ab@gmail.com"
    assert address_key("a.b@firm.example") != address_key("ab@firm.example")
    assert address_key("+x@firm.example") == "+x@firm.example"  # nothing before the tag


def test_events_that_do_not_ask_admit_at_once(client, make_event) -> None:
    event = make_event(confirm_email=False)
    page = _signup(client, event)
    assert "You have a seat" in page.get_data(as_text=True)
    assert [r.status for r in _registrations()] == [S.CONFIRMED]


def test_organizer_added_people_need_no_confirmation(console_client, make_event) -> None:
    event = make_event(confirm_email=True)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data={
        "name": "Grace Hopper", "email": "grace@navy.example", "company": "Navy",
        "job_title": "Rear Admiral", "seniority": "c_level", "notify": "y"})
    assert response.status_code == 303
    assert [r.status for r in _registrations()] == [S.CONFIRMED]


def test_the_mail_carries_a_link_that_opens_the_confirmation_page(client, make_event) -> None:
    event = make_event(confirm_email=True)
    _signup(client, event)
    message = db.session.scalar(select(OutboxMessage))
    email = compose.compose(db.session, message, datetime.now(UTC))
    assert email["Subject"] == f"Please confirm your signup: {event.title}"
    text = email.get_body(preferencelist=("plain",)).get_content()
    (link,) = re.findall(r"http://127\.0\.0\.1:5000(/events/\S+/confirm/\S+)", text)
    assert client.get(link).status_code == 200
    assert link == _confirm_url(event, SIGNUP_FORM["email"])


def test_erasing_a_person_removes_their_signups(client, make_event) -> None:
    event = make_event(confirm_email=True)
    _signup(client, event)
    client.post(_confirm_url(event, SIGNUP_FORM["email"]))
    (registration,) = _registrations()
    token = registrations.manage_token(SECRET, registration)
    assert client.post(f"/r/{token}/erase").status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(SignupRequest)) == 0


def test_mail_preview_is_refused_off_loopback(tmp_path) -> None:
    from roundtable import create_app
    from roundtable.config import ConfigError

    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with pytest.raises(ConfigError, match="ROUNDTABLE_MAIL_PREVIEW"):
        create_app(base_config(url, MAIL_PREVIEW=True, BASE_URL="https://roundtable.example"))
    app = create_app(base_config(url, MAIL_PREVIEW=True, BASE_URL="http://localhost:8000"))
    assert "preview.list_mail" in app.view_functions
    assert "preview.list_mail" not in create_app(base_config(url)).view_functions


def test_mail_preview_lists_the_written_mail_with_clickable_links(make_app, make_event) -> None:
    from roundtable.notify import outbox, transports

    app = make_app(MAIL_PREVIEW=True)
    with app.app_context():
        event = make_event(confirm_email=True)
        client = app.test_client()
        inbox = client.post(f"/events/{event.slug}/register", data=SIGNUP_FORM)
        page = client.get(inbox.headers["Location"]).get_data(as_text=True)
        assert 'href="/mail-preview/"' in page
        outbox.deliver_due(
            db.session, lambda: datetime.now(UTC),
            lambda m: compose.compose(db.session, m, datetime.now(UTC)),
            transports.transport(), outbox.DeliveryPolicy(),
        )
        listing = client.get("/mail-preview/").get_data(as_text=True)
        assert "Please confirm your signup" in listing
        (name,) = re.findall(r'href="/mail-preview/([^"]+\.eml)"', listing)
        shown = client.get(f"/mail-preview/{name}").get_data(as_text=True)
        assert re.search(r'<a href="http://127\.0\.0\.1:5000/events/[^"]+/confirm/[^"]+">', shown)
        assert client.get("/mail-preview/..%2Fsecret_key").status_code == 404
