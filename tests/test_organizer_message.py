"""Writing to the room from the console: the form, the preview, one send, and the mail received."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from roundtable.domain import registrations
from roundtable.domain.models import EventStatus, OutboxMessage, RegistrationStatus, utcnow
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

from conftest import ORGANIZER_EMAIL, ORGANIZER_PASSWORD, SECRET
from organizer_support import audit_rows, page, text

S = RegistrationStatus
MESSAGE = {"audience": "seats", "subject": "Room change: 4th floor",
           "text": "We moved to room 4.\r\n\r\nCoffee from 17:30 <b>sharp</b>."}


def url(event, tail=""):
    return f"/organizer/events/{event.id}/message{tail}"


def queued() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.kind == "organizer_message"))


@pytest.fixture
def room(make_event, make_registration):
    event = make_event(title="Platform leaders", host="Hannah Host",
                       contact_email="hannah@host.example",
                       starts_at=datetime(2030, 3, 5, 17, 0, tzinfo=UTC))
    seats = [make_registration(event, name="Ada Seat", email="ada@seat.example"),
             make_registration(event, name="Bo Seat", email="bo@seat.example")]
    make_registration(event, email="wait@example.com", status=S.WAITLISTED, queue_position=1)
    return event, seats


def test_dashboard_links_the_message_form(console_client, room) -> None:
    event, _ = room
    dashboard = page(console_client.get(f"/organizer/events/{event.id}"))
    assert f'href="{url(event)}"' in dashboard and "Write to the room" in dashboard
    form = page(console_client.get(url(event)))
    assert 'name="subject"' in form and 'name="text"' in form
    assert all(f'value="{a}"' in form for a in ("seats", "waiting", "review", "everyone"))


def test_preview_shows_the_mail_and_the_count_and_sends_nothing(console_client, room) -> None:
    event, _ = room
    body = page(console_client.post(url(event), data=MESSAGE))
    shown = html.unescape(text(body))
    assert "2 people will receive it (the seat holders)" in shown
    assert "Room change: 4th floor · Platform leaders" in shown
    assert "Hello Ada Seat" in shown and "We moved to room 4." in shown
    assert "<b>sharp</b>" in html.unescape(body) and "<b>sharp</b>" not in body  # escaped
    assert "(each person's own private link)" in html.unescape(body)
    assert not re.search(r"/r/[\w.-]{20,}", body)  # no one's private token on the page
    assert "Send to 2 people" in body
    assert f'action="{url(event, "/send")}"' in body
    assert queued() == 0


def test_send_from_the_preview_queues_one_message_each_and_shows_the_mail_page(
    console_client, organizer, room
) -> None:
    event, seats = room
    preview = page(console_client.post(url(event), data=MESSAGE))
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', preview))
    fields = {k: html.unescape(v) for k, v in fields.items() if k != "csrf_token"}
    assert fields == {"audience": "seats", "subject": "Room change: 4th floor",
                      "text": "We moved to room 4.\n\nCoffee from 17:30 <b>sharp</b>."}
    response = console_client.post(url(event, "/send"), data=fields)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organizer/events/{event.id}/mail"
    mail_page = page(console_client.get(response.headers["Location"]))
    assert "Your message is on its way to 2 people." in mail_page
    assert mail_page.count("Message from the organizers: “Room change: 4th floor”") == 2
    db.session.rollback()
    rows = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [m.recipient for m in rows] == [s.email for s in seats]
    assert audit_rows()[-1] == ("event.messaged", organizer.id, event.id, None)
    audit = text(page(console_client.get(f"/organizer/events/{event.id}/audit")))
    assert "Wrote to the attendees" in audit and "to the seat holders; 2 people" in audit
    assert "room 4" not in audit


def test_a_double_click_sends_once(console_client, room) -> None:
    event, _ = room
    first = console_client.post(url(event, "/send"), data=MESSAGE)
    second = console_client.post(url(event, "/send"), data=MESSAGE)
    assert first.status_code == second.status_code == 303
    assert queued() == 2
    assert "already sent to 2 people moments ago, so it was not sent again" in page(
        console_client.get(second.headers["Location"]))


@pytest.mark.parametrize(("change", "message"), [
    ({"subject": ""}, "Please write a subject."),
    ({"text": "   "}, "Please write the message."),
    ({"subject": "Line one\r\nBcc: victim@example.com"}, "characters we cannot accept"),
    ({"subject": "Bell\x07"}, "characters we cannot accept"),
    ({"text": "Null\x00byte"}, "control characters we cannot accept"),
    ({"audience": "cancelled"}, "Not a valid choice"),
])
def test_bad_input_is_shown_on_the_form_and_nothing_is_sent(console_client, room, change,
                                                             message) -> None:
    event, _ = room
    response = console_client.post(url(event), data={**MESSAGE, **change})
    assert response.status_code == 400
    assert message in html.unescape(response.get_data(as_text=True))
    sent = console_client.post(url(event, "/send"), data={**MESSAGE, **change})
    assert message in html.unescape(page(console_client.get(sent.headers["Location"])))
    assert queued() == 0


def test_an_audience_nobody_is_in_says_so(console_client, room) -> None:
    event, _ = room
    response = console_client.post(url(event), data={**MESSAGE, "audience": "review"})
    assert response.status_code == 400
    assert ("Nobody is in the people awaiting review right now"
            in html.unescape(response.get_data(as_text=True)))
    sent = console_client.post(url(event, "/send"), data={**MESSAGE, "audience": "review"})
    assert "Nothing was sent." in page(console_client.get(sent.headers["Location"]))
    assert queued() == 0


@pytest.mark.parametrize("when", ["cancelled", "past"])
def test_a_cancelled_or_past_event_is_refused(console_client, make_event, make_registration,
                                              when) -> None:
    event = (make_event(status=EventStatus.CANCELLED) if when == "cancelled"
             else make_event(starts_at=utcnow() - timedelta(days=1)))
    make_registration(event)
    response = console_client.post(url(event), data=MESSAGE)
    assert response.status_code == 400
    assert ("is cancelled" if when == "cancelled" else "already taken place") in response.get_data(
        as_text=True)
    sent = console_client.post(url(event, "/send"), data=MESSAGE)
    assert sent.status_code == 303
    assert queued() == 0


def test_change_the_message_returns_to_the_filled_form(console_client, room) -> None:
    event, _ = room
    body = page(console_client.post(url(event, "?edit=1"), data=MESSAGE))
    assert 'value="Room change: 4th floor"' in body and "We moved to room 4." in body
    assert "Send to 2" not in body and queued() == 0


def test_what_a_real_smtp_server_receives(console_client, smtp, room) -> None:
    event, seats = room
    console_client.post(url(event, "/send"), data=MESSAGE)
    counts = outbox.deliver_due(db.session, utcnow,
                                lambda m: compose.compose(db.session, m, utcnow()),
                                transports.SmtpTransport(smtp.url), outbox.DeliveryPolicy())
    assert counts["sent"] == 2
    by_person = {m["To"]: m for m in smtp.messages}
    assert set(by_person) == {s.email for s in seats}
    for person in seats:
        received = by_person[person.email]
        assert received["Subject"] == "Room change: 4th floor · Platform leaders"
        assert received["Reply-To"] == "Hannah Host <hannah@host.example>"
        plain = received.get_body(preferencelist=("plain",)).get_content().replace("\r\n", "\n")
        rich = received.get_body(preferencelist=("html",)).get_content()
        assert f"Hello {person.name}," in plain
        assert "We moved to room 4.\n\nCoffee from 17:30 <b>sharp</b>." in plain
        assert "<p>We moved to room 4.</p>" in rich and "&lt;b&gt;sharp&lt;/b&gt;" in rich
        link = f"/r/{registrations.manage_token(SECRET, person)}"
        assert link in plain and link in rich  # each person's own private link
        assert received.get_content_type() == "multipart/alternative"  # no calendar part


def test_with_csrf_on_the_preview_carries_the_token_the_send_needs(make_app, organizer,
                                                                   room) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    event, _ = room
    token = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
    with app.app_context():
        client = app.test_client()
        login = client.get("/organizer/login").get_data(as_text=True)
        signed_in = client.post("/organizer/login", data={"email": ORGANIZER_EMAIL,
                                              "password": ORGANIZER_PASSWORD,
                                              "csrf_token": token.search(login).group(1)})
        assert signed_in.status_code == 303, signed_in.get_data(as_text=True)
        form = page(client.get(url(event)))
        preview = page(client.post(url(event), data={**MESSAGE,
                                                     "csrf_token": token.search(form).group(1)}))
        assert client.post(url(event, "/send"), data=MESSAGE).status_code == 400
        assert queued() == 0  # without the token, nothing
        client.post(url(event, "/send"),
                    data={**MESSAGE, "csrf_token": token.search(preview).group(1)})
        assert queued() == 2
