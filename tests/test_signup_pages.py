"""The signup pages a leader reads on a phone: mistakes, the waiting list, review, the seat page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import ApprovalMode, Registration, RegistrationStatus
from roundtable.extensions import db

from conftest import SECRET, SIGNUP_FORM

SEAT_PROMISE = "You will see at once whether you have a seat"


def test_mistakes_come_back_at_the_form_with_a_summary_that_takes_focus(client, make_event):
    event = make_event()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'action="/events/{event.slug}/register#signup"' in page
    assert 'id="signup"' in page and "There is a problem" not in page

    response = client.post(f"/events/{event.slug}/register",
                           data={**SIGNUP_FORM, "email": "nope", "company": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert f"<title>Error: {event.title} · Roundtable</title>" in page
    summary = re.search(r'<div class="alert alert-danger error-summary".*?</div>', page, re.S)
    assert summary, page
    assert 'role="alert"' in summary[0] and 'tabindex="-1" autofocus' in summary[0]
    assert re.findall(r'href="#(\w+)"', summary[0]) == ["email", "company"]
    # Nothing is called #signup here, or the browser would skip the summary's autofocus.
    assert 'id="signup"' not in page and 'href="#error-summary"' in page


def test_a_full_event_says_waiting_list_and_how_many_wait_in_fixed_queries(
    client, make_event, make_registration, count_queries
) -> None:
    event = make_event(capacity=1)
    with count_queries() as empty:
        client.get(f"/events/{event.slug}")
    make_registration(event)
    for position in range(1, 6):
        make_registration(event, status=RegistrationStatus.WAITLISTED, queue_position=position)
    with count_queries() as full:
        page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert len(full) == len(empty)
    assert "Join the waiting list</h2>" in page and "5 people are already waiting." in page
    assert "Waiting list only · 5 waiting" in page
    assert "Request a seat" not in page and ">Sign up<" not in page and SEAT_PROMISE not in page
    assert "Waiting list only · 5 waiting" in client.get("/").get_data(as_text=True)


def test_an_event_that_reviews_every_signup_does_not_promise_a_seat_at_once(client, make_event):
    event = make_event(approval_mode=ApprovalMode.REVIEW_ALL)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "An organizer reviews every request for this roundtable" in page
    assert SEAT_PROMISE not in page
    assert ">Request a seat</button>" in page
    confirm_first = make_event(approval_mode=ApprovalMode.REVIEW_ALL, confirm_email=True)
    page = client.get(f"/events/{confirm_first.slug}").get_data(as_text=True)
    assert "First we email you a link to confirm your address." in page
    assert SEAT_PROMISE not in page


def test_times_carry_their_utc_offset_and_the_page_its_description(client, make_event) -> None:
    start = datetime(2030, 7, 2, 15, 0, tzinfo=UTC)  # 17:00 in Berlin (CEST, UTC+2)
    event = make_event(starts_at=start, ends_at=start + timedelta(hours=1),
                       timezone="Europe/Berlin", summary="Leaders on AI adoption.")
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert ('<time class="event-time" datetime="2030-07-02T17:00+02:00" '
            'data-ends="2030-07-02T18:00+02:00">Tuesday 2 July 2030, 17:00–18:00 CEST '
            "(Europe/Berlin), UTC+2</time>") in page
    assert '<meta name="description" content="Leaders on AI adoption. Tuesday 2 July 2030' in page
    assert f'<meta property="og:title" content="{event.title}">' in page
    assert (f'<meta property="og:url" content="http://127.0.0.1:5000/events/{event.slug}">'
            in page)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    assert '<script src="/static/roundtable.js" defer></script>' in page
    for asset in ("favicon.svg", "roundtable.js"):
        with client.get(f"/static/{asset}") as response:
            assert response.status_code == 200


def test_utc_offsets_are_written_as_people_write_them(make_event) -> None:
    from roundtable.web import display

    for zone, offset in [("America/St_Johns", "UTC\u22123:30"), ("Asia/Kolkata", "UTC+5:30"),
                         ("Europe/London", "UTC+0"), ("America/New_York", "UTC\u22125")]:
        start = datetime(2030, 1, 15, 12, 0, tzinfo=UTC)
        assert display.utc_offset(make_event(starts_at=start, timezone=zone)) == offset
    # A clock change during the event: both offsets.
    night = datetime(2030, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST, ends 02:30 CET
    event = make_event(starts_at=night, ends_at=night + timedelta(hours=1),
                       timezone="Europe/Berlin")
    assert display.utc_offset(event) == "UTC+2 \u2192 UTC+1"


def _signed_up(client, event, **changes):
    response = client.post(f"/events/{event.slug}/register", data={**SIGNUP_FORM, **changes})
    assert response.status_code == 303
    return client.get(response.headers["Location"]).get_data(as_text=True)


def test_the_seat_page_offers_the_calendars_and_the_private_page(client, make_event) -> None:
    event = make_event()
    page = _signed_up(client, event)
    assert "You have a seat" in page
    assert 'href="https://calendar.google.com/' in page and "meet.example.org" in page
    assert 'href="https://outlook.' in page
    (registration,) = db.session.scalars(select(Registration)).all()
    token = registrations.manage_token(SECRET, registration)
    assert token not in page  # the private link is mailed, never written into this page

    invite = client.get(f"/events/{event.slug}/registered/invite.ics")
    assert invite.status_code == 200 and b"METHOD:REQUEST" in invite.data
    private = client.get(f"/events/{event.slug}/registered/private-page")
    assert private.status_code == 303 and private.headers["Location"] == f"/r/{token}"
    assert private.headers["Cache-Control"] == "no-store"


def test_a_waiting_person_gets_the_private_page_but_no_invitation(client, make_event,
                                                                  make_registration) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    page = _signed_up(client, event)
    assert "on the waiting list" in page and "Google Calendar" not in page
    assert "Open your private page" in page
    assert client.get(f"/events/{event.slug}/registered/invite.ics").status_code == 404
    assert client.get(f"/events/{event.slug}/registered/private-page").status_code == 303


def test_someone_elses_registration_opens_nothing(client, make_event) -> None:
    event = make_event()
    _signed_up(client, event)
    stranger = client.application.test_client()
    for path in ("registered/invite.ics", "registered/private-page"):
        assert stranger.get(f"/events/{event.slug}/{path}").status_code == 404
    page = _signed_up(stranger, event, name="Someone Else")  # the same address, typed again
    assert "already registered" in page
    assert "Google Calendar" not in page and "private page" not in page
    for path in ("registered/invite.ics", "registered/private-page"):
        assert stranger.get(f"/events/{event.slug}/{path}").status_code == 404
    other = make_event()
    assert client.get(f"/events/{other.slug}/registered/private-page").status_code == 404
