"""The real mail worker under a moved clock (Debian's faketime), read from a real SMTP server.

One roundtable's last days, run as the ``roundtable send-mail`` process would live them: the
"Still coming?" question, an answer through the private page, the deadline releasing an
unanswered seat, a last-minute offer that lapses, the reminders, and a worker that was stopped
until after the start sending nothing that is no longer true.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import (
    OutboxMessage,
    OutboxStatus,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from conftest import SECRET
from servers import python_path

S = RegistrationStatus
H = timedelta(hours=1)
# The worker under faketime: UTC, and no in-memory rate-limit store, whose expiry timer thread
# (started by Flask-Limiter's memory storage; the worker serves no requests) never wakes on a
# moved monotonic clock and keeps the process from exiting.
CLOCK_ENV = {"TZ": "UTC", "ROUNDTABLE_RATELIMIT_ENABLED": "false"}


def run_worker(database_url: str, smtp_url: str, at: datetime) -> str:
    """Run ``roundtable send-mail`` once with its clock moved to ``at``; return its output."""
    faketime = shutil.which("faketime")
    assert faketime, "faketime is installed by .ci/system-deps"
    offset = int((at - datetime.now(UTC)).total_seconds())
    env = {"PATH": "", **python_path(), "ROUNDTABLE_DATABASE_URL": database_url,
           "ROUNDTABLE_SECRET_KEY": SECRET, "ROUNDTABLE_SMTP_URL": smtp_url, **CLOCK_ENV}
    done = subprocess.run(
        [faketime, "-f", f"{offset:+d}", sys.executable, "-c",
         "from roundtable.cli import main; main()", "send-mail"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done.stdout


def received(smtp, since: int) -> list[tuple[str, str]]:
    """Return (recipient, subject) of the mails received after the first ``since``."""
    return sorted((m["To"], m["Subject"].split(":")[0]) for m in smtp.messages[since:])


def body(smtp, recipient: str, subject: str) -> str:
    message = next(m for m in reversed(smtp.messages)
                   if m["To"] == recipient and m["Subject"].startswith(subject))
    return message.get_body(("plain",)).get_content()


def test_a_roundtables_last_days_under_the_real_worker(smtp, database_url, client, make_event,
                                                       make_registration) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    event = make_event(starts_at=start, capacity=2, release_unanswered=True)
    ada, bob = (make_registration(event, email=f"{n}@{n}.example", name=n.title(),
                                  confirmed_at=start - timedelta(days=20)) for n in ("ada", "bob"))
    cy = make_registration(event, email="cy@cy.example", name="Cy", status=S.WAITLISTED,
                           queue_position=1)

    # Three days before: seat holders are asked, with a link to answer on the private page.
    run_worker(database_url, smtp.url, start - 71 * H)
    assert received(smtp, 0) == [("ada@ada.example", "Still coming? Please answer"),
                                 ("bob@bob.example", "Still coming? Please answer")]
    question = body(smtp, "ada@ada.example", "Still coming?")
    token = registrations.manage_token(SECRET, ada)
    assert f"/r/{token}#still-coming" in question and "your seat goes to the next" in question

    # Ada answers yes (the real clock is well before the deadline); Bob never answers.
    assert client.post(f"/r/{token}/still-coming").status_code == 303
    seen = len(smtp.messages)
    run_worker(database_url, smtp.url, start - 70 * H)
    assert received(smtp, seen) == []  # asked once

    # Past the deadline: Bob's seat is released and offered to Cy; Ada gets her reminder.
    seen = len(smtp.messages)
    run_worker(database_url, smtp.url, start - 23 * H)
    assert received(smtp, seen) == [
        ("ada@ada.example", "Reminder"),
        ("bob@bob.example", "Your seat was released"),
        ("cy@cy.example", "A seat is yours if you want it"),
    ]
    assert "starts tomorrow at" in body(smtp, "ada@ada.example", "Reminder")
    assert "accept it by" in body(smtp, "cy@cy.example", "A seat is yours")
    db.session.rollback()
    assert db.session.get(Registration, bob.id).reconfirmation == Reconfirmation.LAPSED
    assert db.session.get(Registration, cy.id).status == S.OFFERED

    # Cy does not answer within six hours: the offer lapses (nobody else is waiting).
    seen = len(smtp.messages)
    run_worker(database_url, smtp.url, start - 16 * H)
    assert received(smtp, seen) == [("cy@cy.example", "The seat offer has lapsed")]

    # The hour before an online roundtable: the join link.
    seen = len(smtp.messages)
    run_worker(database_url, smtp.url, start - H / 2)
    assert received(smtp, seen) == [("ada@ada.example", "Starting in an hour")]
    assert "https://meet.example.org/room" in body(smtp, "ada@ada.example", "Starting in")


def test_a_worker_stopped_until_after_the_start_sends_nothing_stale(
    smtp, database_url, make_event, make_registration
) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    event = make_event(starts_at=start)
    make_registration(event, email="ada@ada.example", confirmed_at=start - timedelta(days=20))
    # The question was written three days before, then the worker stopped delivering.
    run_worker_schedule_only = run_worker(database_url, "smtp://127.0.0.1:9", start - 71 * H)
    assert "1 asked" in run_worker_schedule_only
    # It comes back an hour after the start: no question, no "tomorrow", no join link.
    run_worker(database_url, smtp.url, start + H)
    assert smtp.messages == []
    db.session.rollback()
    kinds = {m.kind: m.status for m in db.session.scalars(select(OutboxMessage))}
    assert kinds == {"reconfirm": OutboxStatus.DROPPED}


def test_several_workers_at_once_send_each_reminder_once(smtp, database_url, make_event,
                                                         make_registration) -> None:
    start = (datetime.now(UTC) + timedelta(days=10)).replace(second=0, microsecond=0)
    event = make_event(starts_at=start, capacity=30)
    for n in range(12):
        make_registration(event, email=f"p{n}@firm{n}.example", confirmed_at=start - 400 * H)
    faketime = shutil.which("faketime")
    assert faketime
    offset = int((start - 23 * H - datetime.now(UTC)).total_seconds())
    env = {"PATH": "", **python_path(), "ROUNDTABLE_DATABASE_URL": database_url,
           "ROUNDTABLE_SECRET_KEY": SECRET, "ROUNDTABLE_SMTP_URL": smtp.url, **CLOCK_ENV}
    workers = [subprocess.Popen(
        [faketime, "-f", f"{offset:+d}", sys.executable, "-c",
         "from roundtable.cli import main; main()", "send-mail"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    ) for _ in range(3)]
    outputs = [w.communicate(timeout=120)[0] for w in workers]
    assert [w.returncode for w in workers] == [0, 0, 0], outputs
    reminders = [m["To"] for m in smtp.messages if m["Subject"].startswith("Reminder")]
    assert len(reminders) == len(set(reminders)) == 12
    db.session.rollback()
    keys = db.session.scalars(select(OutboxMessage.dedup_key).where(
        OutboxMessage.kind == "reminder")).all()
    assert len(keys) == len(set(keys)) == 12
