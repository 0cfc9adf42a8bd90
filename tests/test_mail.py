"""Mail: the transactional outbox, delivery to a real SMTP server, retries and failures."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import icalendar
import pytest
from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import OutboxMessage, OutboxStatus
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

from servers import python_path


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now


def deliver(send, clock=None, policy=None):
    clock = clock or Clock()
    return outbox.deliver_due(
        db.session,
        clock,
        lambda m: compose.compose(db.session, m, clock()),
        send,
        policy or outbox.DeliveryPolicy(),
    )


def messages():
    db.session.rollback()
    return db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_confirmed_signup_mail_reaches_a_real_smtp_server(smtp, make_event, sign_up) -> None:
    event = make_event(
        title="Platform leaders",
        timezone="Europe/Berlin",
        starts_at=datetime(2030, 3, 5, 17, 0, tzinfo=UTC),
    )
    sign_up(event)
    counts = deliver(transports.SmtpTransport(smtp.url))
    assert counts["sent"] == 1
    (received,) = smtp.messages
    assert received["To"] == "ada@analytical.example"
    assert received["Subject"] == "Your seat is confirmed: Platform leaders"
    text = received.get_body(preferencelist=("plain",)).get_content()
    html = received.get_body(preferencelist=("html",)).get_content()
    for body in (text, html):
        assert "Tuesday 5 March 2030, 18:00–19:00 CET (Europe/Berlin)" in body
        assert "https://meet.example.org/room" in body  # how to join, for Outlook users too
        assert "/r/" in body  # the private manage link
    parts = {part.get_content_type(): part for part in received.walk()}
    calendar = parts["text/calendar"]
    assert calendar.get_param("method") == "REQUEST"
    assert b"METHOD:REQUEST" in calendar.get_payload(decode=True)
    assert parts["application/ics"].get_filename() == "invite.ics"
    (row,) = messages()
    assert row.status == OutboxStatus.SENT and row.attempts == 1 and row.sent_at


def test_a_rolled_back_signup_records_no_mail(app, make_event) -> None:
    event = make_event()
    applicant = registrations.Applicant("Ada", "ada@x.example", "X", "CTO", Seniority.C_LEVEL)
    registrations.admit(
        db.session, actor=None, now=datetime.now(UTC), slug=event.slug, applicant=applicant,
        secret_key="k" * 32,
    )
    assert db.session.scalars(select(OutboxMessage)).all()  # recorded in the transaction
    db.session.rollback()
    assert messages() == []


def test_server_down_then_back_retries_and_delivers_once(smtp, make_event, sign_up) -> None:
    sign_up(make_event())
    smtp.stop()
    clock = Clock()
    assert deliver(transports.SmtpTransport(smtp.url), clock)["retried"] == 1
    (row,) = messages()
    assert row.status == OutboxStatus.PENDING and row.attempts == 1
    assert "Connection" in row.last_error or "refused" in row.last_error.lower()
    assert row.next_attempt_at == clock.now + timedelta(seconds=30)
    assert deliver(transports.SmtpTransport(smtp.url), clock) == {
        "sent": 0,
        "retried": 0,
        "failed": 0,
        "dropped": 0,
    }  # not due yet
    smtp.start()
    clock.now += timedelta(seconds=31)
    assert deliver(transports.SmtpTransport(smtp.url), clock)["sent"] == 1
    assert deliver(transports.SmtpTransport(smtp.url), clock)["sent"] == 0
    assert len(smtp.messages) == 1
    (row,) = messages()
    assert row.status == OutboxStatus.SENT and row.attempts == 2


def test_backoff_grows_and_gives_up_after_the_maximum(make_event, sign_up) -> None:
    sign_up(make_event())
    clock, policy = Clock(), outbox.DeliveryPolicy(max_attempts=3)

    def broken(_email):
        raise ConnectionRefusedError("mail server down")

    waits = []
    for _ in range(3):
        before = clock.now
        deliver(broken, clock, policy)
        row = messages()[0]
        waits.append(row.next_attempt_at - before)
        clock.now = row.next_attempt_at
    assert waits[:2] == [timedelta(seconds=30), timedelta(seconds=60)]
    row = messages()[0]
    assert row.status == OutboxStatus.FAILED and row.attempts == 3
    assert "mail server down" in row.last_error


def test_rejected_recipient_is_kept_as_failed(smtp, make_event, sign_up) -> None:
    sign_up(make_event(), email="reject-me@analytical.example")
    assert deliver(transports.SmtpTransport(smtp.url))["failed"] == 1
    (row,) = messages()
    assert row.status == OutboxStatus.FAILED and row.attempts == 1
    assert "550" in row.last_error
    assert smtp.messages == []


def test_concurrent_senders_never_send_a_message_twice(smtp, make_app, make_event, sign_up):
    event = make_event(capacity=50)
    for n in range(30):
        sign_up(event, email=f"person{n}@firm{n}.example")
    assert len(messages()) == 30
    apps = [make_app() for _ in range(4)]
    barrier = threading.Barrier(len(apps))
    results = []

    def sender(app):
        with app.app_context():
            barrier.wait()
            results.append(deliver(transports.SmtpTransport(smtp.url)))
            db.session.remove()

    threads = [threading.Thread(target=sender, args=(a,)) for a in apps]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(r["sent"] for r in results) == 30
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == len(set(recipients)) == 30  # each person got exactly one
    assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in messages())


def test_without_smtp_mail_is_written_as_eml_files(make_app, runner, make_event, sign_up, tmp_path):
    sign_up(make_event())
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["send-mail"])
        db.session.remove()
    assert result.exit_code == 0, result.output
    assert "1 sent" in result.output
    (eml,) = (tmp_path / "instance" / "mail").glob("*.eml")
    assert b"Subject: Your seat is confirmed" in eml.read_bytes()


def test_a_message_to_an_erased_registration_is_dropped(make_event, sign_up) -> None:
    registration = sign_up(make_event())
    registration.email = None
    registration.manage_salt = None
    db.session.commit()
    assert deliver(lambda e: pytest.fail("nothing may be sent"))["dropped"] == 1
    assert messages()[0].status == OutboxStatus.DROPPED


@pytest.mark.parametrize(
    ("url", "scheme", "host", "port", "user", "password"),
    [
        ("smtp://mail.internal", "smtp", "mail.internal", 25, None, None),
        ("smtp+starttls://u%40x:p%3Ass@mail.internal", "smtp+starttls", "mail.internal", 587,
         "u@x", "p:ss"),
        ("smtps://user:pw@mail.internal:2465", "smtps", "mail.internal", 2465, "user", "pw"),
    ],
)
def test_smtp_url_forms(url, scheme, host, port, user, password) -> None:
    transport = transports.SmtpTransport(url)
    assert (transport.scheme, transport.host, transport.port, transport.user,
            transport.password) == (scheme, host, port, user, password)


@pytest.mark.parametrize("url", ["http://mail.internal", "smtp://", "mail.internal:25"])
def test_bad_smtp_url_fails_at_start_up_naming_the_variable(make_app, url) -> None:
    from roundtable.config import ConfigError

    with pytest.raises(ConfigError, match="ROUNDTABLE_SMTP_URL"):
        make_app(SMTP_URL=url)


def test_invite_then_cancellation_share_uid_with_rising_sequence(smtp, client, make_event,
                                                                sign_up) -> None:
    import icalendar

    from conftest import SECRET

    registration = sign_up(make_event())
    client.post(f"/r/{registrations.manage_token(SECRET, registration)}/cancel")
    deliver(transports.SmtpTransport(smtp.url))
    from test_invites import check_rfc5545, instants

    calendars = []
    for received in smtp.messages:
        part = next(p for p in received.walk() if p.get_content_type() == "text/calendar")
        body = part.get_payload(decode=True)
        check_rfc5545(body)
        assert len(instants(body)) == 1  # icalendar and vobject read the same instants
        calendars.append(icalendar.Calendar.from_ical(body))
    (request, cancel) = calendars
    assert (request["METHOD"], cancel["METHOD"]) == ("REQUEST", "CANCEL")
    first, second = request.walk("VEVENT")[0], cancel.walk("VEVENT")[0]
    assert first["UID"] == second["UID"]
    assert second["SEQUENCE"] > first["SEQUENCE"]
    assert str(second["STATUS"]) == "CANCELLED"


def test_send_mail_watch_keeps_delivering(smtp, database_url, make_event, sign_up) -> None:
    import subprocess
    import sys
    import time

    from conftest import SECRET

    env = {"PATH": "", **python_path(), "ROUNDTABLE_DATABASE_URL": database_url,
           "ROUNDTABLE_SECRET_KEY": SECRET,
           "ROUNDTABLE_SMTP_URL": smtp.url}
    worker = subprocess.Popen(
        [sys.executable, "-c", "from roundtable.cli import main; main()", "send-mail", "--watch",
         "--interval", "0.2"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        event = make_event()
        for n in range(2):  # mail recorded while the worker is already running
            sign_up(event, email=f"late{n}@firm{n}.example")
            deadline = time.monotonic() + 20
            while len(smtp.messages) < n + 1 and time.monotonic() < deadline:
                time.sleep(0.1)
        assert sorted(m["To"] for m in smtp.messages) == [
            "late0@firm0.example", "late1@firm1.example"]
        assert worker.poll() is None  # still watching
    finally:
        worker.terminate()
        worker.communicate(timeout=10)


def test_several_send_mail_processes_deliver_each_message_once(smtp, database_url, make_event,
                                                               sign_up) -> None:
    import subprocess
    import sys

    from conftest import SECRET

    event = make_event(capacity=60)
    for n in range(40):
        sign_up(event, email=f"person{n}@firm{n}.example")
    env = {"PATH": "", **python_path(), "ROUNDTABLE_DATABASE_URL": database_url,
           "ROUNDTABLE_SECRET_KEY": SECRET,
           "ROUNDTABLE_SMTP_URL": smtp.url}
    command = [sys.executable, "-c", "from roundtable.cli import main; main()", "send-mail"]
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True) for _ in range(3)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], outputs
    sent = [int(out.strip().splitlines()[-1].split(" sent")[0]) for out in outputs]
    assert sum(sent) == 40, sent
    recipients = [m["To"] for m in smtp.messages]
    assert len(recipients) == len(set(recipients)) == 40
    assert all(m.status == OutboxStatus.SENT and m.attempts == 1 for m in messages())


def test_replies_go_to_the_host_and_invitations_name_the_host(app, make_event, sign_up, smtp):
    event = make_event(host="The Leadership Letter", contact_email="editor@letter.example")
    sign_up(event)
    deliver(transports.SmtpTransport(smtp.url))
    (message,) = smtp.messages
    assert message["Reply-To"] == "The Leadership Letter <editor@letter.example>"
    invite = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    calendar = icalendar.Calendar.from_ical(invite.get_payload(decode=True))
    organizer = calendar.walk("VEVENT")[0]["ORGANIZER"]
    assert str(organizer).lower() == "mailto:editor@letter.example"
    assert organizer.params["CN"] == "The Leadership Letter"
