"""The private manage link: status, calendar, cancel, edit, lost link, erase, purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect, select

from roundtable.domain import registrations
from roundtable.domain.models import Event, OutboxMessage, Registration, RegistrationStatus
from roundtable.extensions import db

from conftest import SECRET

S = RegistrationStatus


def link(registration: Registration) -> str:
    return f"/r/{registrations.manage_token(SECRET, registration)}"


def refreshed(registration_id: int) -> Registration:
    db.session.rollback()
    return db.session.get(Registration, registration_id)


def outbox_rows():
    db.session.rollback()
    return [(m.kind, m.registration_id, (m.payload or {}).get("calendar"))
            for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


@pytest.mark.parametrize(
    ("overrides", "text"),
    [
        ({}, "You have a seat."),
        ({"status": S.WAITLISTED, "queue_position": 4}, "You are #1 on the waiting list."),
        ({"status": S.PENDING_REVIEW}, "awaiting an organizer"),
        ({"status": S.DECLINED}, "This request was not accepted."),
        ({"status": S.CANCELLED}, "This registration is cancelled."),
    ],
)
def test_manage_page_states_the_status_plainly(client, make_event, make_registration,
                                               overrides, text) -> None:
    registration = make_registration(make_event(), **overrides)
    page = client.get(link(registration)).get_data(as_text=True)
    assert text in page
    join_shown = "https://meet.example.org/room" in page
    assert join_shown == (registration.status == S.CONFIRMED)  # join details: seat holders only


def test_confirmed_page_has_invite_and_calendar_links(client, make_event, sign_up) -> None:
    registration = sign_up(make_event())
    page = client.get(link(registration)).get_data(as_text=True)
    assert f'href="{link(registration)}/invite.ics"' in page
    assert "calendar.google.com" in page and "outlook.live.com" in page
    response = client.get(f"{link(registration)}/invite.ics")
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    body = response.get_data()
    assert b"METHOD:REQUEST" in body and b"ATTENDEE" in body
    assert b"SEQUENCE:1" in body  # the same revision as the invitation mailed at signup


def test_invite_download_is_for_seat_holders_only(client, make_event, make_registration):
    waiting = make_registration(make_event(), status=S.WAITLISTED, queue_position=1,
                                manage_salt="w" * 32)
    assert client.get(f"{link(waiting)}/invite.ics").status_code == 404


@pytest.mark.parametrize("mangle", [
    lambda t: t[:-1] + ("A" if t[-1] != "A" else "B"),
    lambda t: t[:20],
    lambda t: t + "x",
    lambda t: "x" * 500,
    lambda t: "",
])
def test_wrong_or_altered_tokens_are_a_plain_404(client, make_event, sign_up, mangle):
    token = link(sign_up(make_event())).removeprefix("/r/")
    response = client.get(f"/r/{mangle(token)}")
    assert response.status_code in (404, 308)
    if response.status_code == 404:
        page = response.get_data(as_text=True)
        assert "We could not find that page" in page and "token" not in page.lower()


def test_tokens_are_long_random_and_stored_only_as_a_hash(make_event, sign_up) -> None:
    registration = sign_up(make_event())
    token = registrations.manage_token(SECRET, registration)
    assert len(token) >= 43  # 256 bits, url-safe base64
    stored = {c.key: getattr(registration, c.key) for c in inspect(Registration).columns}
    assert token not in {str(v) for v in stored.values()}
    assert registrations.by_token(db.session, token).id == registration.id


def test_cancel_asks_first_then_frees_the_seat_for_the_waiting_list(
    client, make_event, sign_up
) -> None:
    event = make_event(capacity=1)
    seated = sign_up(event)
    waiting = sign_up(event, email="grace@navy.example", name="Grace Hopper")
    assert waiting.status == S.WAITLISTED
    page = client.get(f"{link(seated)}/cancel").get_data(as_text=True)
    assert "Do you really want to cancel your registration?" in page
    assert refreshed(seated.id).status == S.CONFIRMED  # a GET changes nothing
    response = client.post(f"{link(seated)}/cancel")
    assert response.status_code == 303
    assert "Your registration is cancelled" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    assert refreshed(seated.id).status == S.CANCELLED
    assert refreshed(waiting.id).status == S.CONFIRMED
    assert outbox_rows()[-2:] == [("promoted", waiting.id, "REQUEST"),
                                  ("cancelled", seated.id, "CANCEL")]


def test_cancelling_twice_is_harmless(client, make_event, sign_up) -> None:
    registration = sign_up(make_event())
    client.post(f"{link(registration)}/cancel")
    before = outbox_rows()
    response = client.post(f"{link(registration)}/cancel")  # a replayed POST
    assert response.status_code == 303
    assert "already cancelled" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert outbox_rows() == before
    assert refreshed(registration.id).status == S.CANCELLED


def test_leaving_the_waiting_list(client, make_event, sign_up) -> None:
    event = make_event(capacity=1)
    sign_up(event)
    waiting = sign_up(event, email="grace@navy.example")
    assert "Leave the waiting list" in client.get(link(waiting)).get_data(as_text=True)
    client.post(f"{link(waiting)}/cancel")
    assert refreshed(waiting.id).status == S.CANCELLED
    assert outbox_rows()[-1] == ("cancelled", waiting.id, None)  # no calendar held: no CANCEL


def test_edit_simple_details_keeps_the_seat(client, make_event, sign_up) -> None:
    registration = sign_up(make_event())
    page = client.get(f"{link(registration)}/edit").get_data(as_text=True)
    assert "Before you save" in page and "re-checks eligibility" in page
    response = client.post(f"{link(registration)}/edit", data={
        "name": "Ada King", "company": "Babbage & Co", "job_title": "VP Engineering",
        "seniority": "vp", "discussion_topic": "Hiring"})
    assert response.status_code == 303
    after = refreshed(registration.id)
    assert (after.name, after.company, after.discussion_topic, after.status) == (
        "Ada King", "Babbage & Co", "Hiring", S.CONFIRMED)


def test_edit_title_reruns_eligibility_and_frees_the_seat(client, make_event, sign_up) -> None:
    event = make_event(capacity=1)
    seated = sign_up(event)
    waiting = sign_up(event, email="grace@navy.example")
    data = {"name": "Ada", "company": "AE", "job_title": "Associate Director, Data",
            "seniority": "director"}
    asked = client.post(f"{link(seated)}/edit", data=data)
    assert asked.status_code == 409  # nothing saved: the page says what saving would cost
    page = asked.get_data(as_text=True)
    assert "Nothing is saved yet" in page and "you give up your seat" in page
    assert refreshed(seated.id).status == S.CONFIRMED
    saved = client.post(f"{link(seated)}/edit", data={**data, "accept": "y"})
    assert saved.status_code == 303
    shown = client.get(saved.headers["Location"]).get_data(as_text=True)
    assert "alert-warning" in shown and "registration changed" in shown
    after = refreshed(seated.id)
    assert after.status == S.PENDING_REVIEW and after.eligibility_outcome == "review"
    assert refreshed(waiting.id).status == S.CONFIRMED
    assert ("pending_review_after_edit", seated.id, "PUBLISH") in outbox_rows()


def test_an_edit_that_costs_a_seat_says_so_in_the_mail(client, make_event, sign_up) -> None:
    from roundtable.domain.models import OutboxMessage
    from roundtable.notify import compose

    seated = sign_up(make_event())
    client.post(f"{link(seated)}/edit", data={
        "name": "Ada", "company": "AE", "job_title": "Software Engineer",
        "seniority": "individual_contributor", "accept": "y"})
    assert refreshed(seated.id).status == S.DECLINED
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    email = compose.compose(db.session, message, datetime.now(UTC))
    body = email.get_body(preferencelist=("plain",)).get_content()
    assert email["Subject"].startswith("Your request no longer qualifies")
    assert "Your seat has been released" in body
    assert "removes the roundtable from your calendar" in body
    assert "reply to this email and the host will take another look" in body
    assert "change your details or cancel" not in body  # a declined person cannot cancel


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", "", "Please enter your name."),
    ("job_title", "x" * 301, "Field cannot be longer than 300 characters."),
    ("seniority", "emperor", "Not a valid choice."),
])
def test_edit_bad_input_changes_nothing(client, make_event, sign_up, field, value, message):
    registration = sign_up(make_event())
    data = {"name": "Ada", "company": "AE", "job_title": "CTO", "seniority": "c_level",
            field: value}
    response = client.post(f"{link(registration)}/edit", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    after = refreshed(registration.id)
    assert (after.name, after.job_title, after.seniority.value) == (
        "Ada Lovelace", "VP Engineering", "vp")


def test_changes_stop_once_the_event_has_ended(client, make_event, make_registration) -> None:
    start = datetime.now(UTC) - timedelta(hours=3)
    registration = make_registration(make_event(starts_at=start))
    page = client.get(link(registration)).get_data(as_text=True)
    assert "has ended, so this registration can no longer be changed" in page
    assert "Cancel my registration" not in page
    response = client.post(f"{link(registration)}/cancel")
    assert response.status_code == 409
    assert "can no longer change" in response.get_data(as_text=True)
    assert refreshed(registration.id).status == S.CONFIRMED


def test_lost_link_answers_the_same_whether_or_not_registered(client, make_event, sign_up):
    registration = sign_up(make_event())
    before = len(outbox_rows())
    pages = []
    for email in ("ADA@analytical.example", "nobody@nowhere.example"):
        response = client.post("/r/lost", data={"email": email})
        assert response.status_code == 303
        pages.append(client.get(response.headers["Location"]).get_data(as_text=True))
    assert pages[0] == pages[1]
    assert "If that address is registered" in pages[0]
    assert outbox_rows()[before:] == [("manage_link", registration.id, None)]


def test_lost_link_is_rate_limited(make_app) -> None:
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/r/lost", data={"email": f"x{n}@example.org"}).status_code
             for n in range(7)]
    assert codes[:5] == [303] * 5 and codes[5:] == [429, 429]


def test_erase_removes_every_personal_value_and_frees_the_seat(client, make_event, sign_up):
    event = make_event(capacity=1)
    seated = sign_up(event)
    waiting = sign_up(event, email="grace@navy.example", name="Grace Hopper", company="US Navy",
                      job_title="CTO", seniority="c_level", discussion_topic="")
    assert "Erase my data now" in client.get(f"{link(seated)}/erase").get_data(as_text=True)
    token_link = link(seated)
    client.post(f"{token_link}/erase")
    after = refreshed(seated.id)
    personal = ("Ada Lovelace", "ada@analytical.example", "Analytical Engines", "VP Engineering",
                "Review load after AI adoption", "analytical.example")
    for table in db.metadata.sorted_tables:  # query every column of every table
        for row in db.session.execute(table.select()).mappings():
            for value in row.values():
                assert not any(p.lower() in str(value).lower() for p in personal), (table, row)
    assert after.erased_at is not None and after.status == S.CANCELLED
    assert refreshed(waiting.id).status == S.CONFIRMED
    assert client.get(token_link).status_code == 404
    total = db.session.scalars(select(Registration).where(Registration.event_id == event.id))
    assert len(total.all()) == 2  # the anonymous count stays


def test_purge_erases_old_events_only(runner, make_event, make_registration) -> None:
    old = make_event(starts_at=datetime.now(UTC) - timedelta(days=120))
    recent = make_event(starts_at=datetime.now(UTC) - timedelta(days=10))
    make_registration(old, name="Old Person")
    make_registration(recent, name="Recent Person")
    result = runner.invoke(args=["purge", "--older-than", "90d"])
    assert result.exit_code == 0 and "1 registrations" in result.output
    names = {r.name for r in db.session.scalars(select(Registration))}
    assert names == {None, "Recent Person"}
    bad = runner.invoke(args=["purge", "--older-than", "soon"])
    assert bad.exit_code == 2 and "90d" in bad.output


def test_events_survive_purge(runner, make_event) -> None:
    event = make_event(starts_at=datetime.now(UTC) - timedelta(days=200))
    runner.invoke(args=["purge", "--older-than", "12w"])
    assert db.session.get(Event, event.id) is not None


def test_request_logs_never_carry_the_token(make_event, sign_up, caplog) -> None:
    import logging

    from roundtable.web import logs

    token_link = link(sign_up(make_event()))
    logger = logging.getLogger("werkzeug")
    with caplog.at_level(logging.INFO), caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.info('%s - - "%s" %s', "127.0.0.1", f"GET {token_link}/cancel HTTP/1.1", "200")
        logger.info(f"GET {token_link} HTTP/1.1")
        access = logging.getLogger("gunicorn.access")  # gunicorn passes a dict of atoms
        access.info('%(h)s "%(r)s" %(s)s', {"h": "127.0.0.1", "r": f"GET {token_link} HTTP/1.1",
                                           "s": "200"})
        logging.getLogger("roundtable").error("Exception on %s [GET]", token_link)
    assert len(caplog.messages) == 4
    assert caplog.messages and all(token_link not in m for m in caplog.messages)
    assert "/r/[redacted]/cancel" in caplog.messages[0]
    assert logs.redact("/r/lost") == "/r/lost"


def test_erase_clears_organizer_notes_about_the_person(client, make_event, sign_up) -> None:
    from roundtable.domain.models import AuditEntry, Organizer

    event = make_event()
    registration = sign_up(event, job_title="Associate Director, Data", seniority="director")
    organizer = Organizer(email="org@example.org", name="Org", password_hash="x")
    db.session.add(organizer)
    db.session.commit()
    registrations.decline(db.session, actor=organizer.id, now=datetime.now(UTC),
                          registration_id=registration.id, note="Sorry Ada Lovelace, not this time")
    db.session.commit()
    client.post(f"{link(registration)}/erase")
    db.session.rollback()
    (entry,) = db.session.scalars(select(AuditEntry)).all()
    assert entry.action == "registration.declined" and entry.organizer_id == organizer.id
    assert "Ada" not in entry.detail


def test_a_cancelled_registrant_can_sign_up_again(client, make_event, sign_up) -> None:
    event = make_event(capacity=1)
    first = sign_up(event)
    revision = first.invite_revision
    client.post(f"{link(first)}/cancel")
    assert "Sign up again" in client.get(link(first)).get_data(as_text=True)
    again = sign_up(event, name="Ada King")
    assert again.id == first.id  # the same registration, taken up again
    assert (again.status, again.name, again.cancelled_at) == (S.CONFIRMED, "Ada King", None)
    assert again.invite_revision > revision + 1  # the new invitation outranks the cancellation
    assert [k for k, rid, _ in outbox_rows() if rid == first.id] == [
        "confirmed", "cancelled", "confirmed"]


def test_a_declined_registrant_cannot_sign_up_again(client, make_event, sign_up) -> None:
    event = make_event()
    declined = sign_up(event, job_title="Software Engineer", seniority="individual_contributor")
    assert declined.status == S.DECLINED
    again = sign_up(event, job_title="CTO", seniority="c_level")
    assert again.status == S.DECLINED  # an organizer reviews a changed story, not a retry
    assert outbox_rows()[-1][0] == "already_registered"
