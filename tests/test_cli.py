"""The project's commands: seed-demo and export."""

from __future__ import annotations

import csv
import io

from sqlalchemy import func, select

from roundtable.domain.demo import DEMO_SLUG
from roundtable.domain.models import Event, EventStatus, RegistrationStatus
from roundtable.extensions import db


def test_seed_demo_is_idempotent(runner) -> None:
    first = runner.invoke(args=["seed-demo"])
    second = runner.invoke(args=["seed-demo"])
    assert first.exit_code == second.exit_code == 0
    assert "added" in first.output and "already present" in second.output
    assert "roundtable create-organizer EMAIL" in first.output  # the next step, while none exists
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1
    event = db.session.scalar(select(Event))
    assert event.slug == DEMO_SLUG
    assert event.capacity == 20 and event.status == EventStatus.PUBLISHED
    assert (event.ends_at - event.starts_at).total_seconds() == 3600


def test_seeded_demo_is_listed(runner, client) -> None:
    runner.invoke(args=["seed-demo"])
    page = client.get("/").get_data(as_text=True)
    assert "AI Adoption Roundtable for Director+ Engineering Leaders" in page
    assert "20 of 20 seats left" in page


def test_export_writes_csv_with_contract_columns(runner, make_event, make_registration) -> None:
    event = make_event()
    make_registration(event, name="Ada Director", email="ada@example.com", company="Acme")
    make_registration(
        event, name="Bob Waiting", status=RegistrationStatus.WAITLISTED, queue_position=7
    )
    result = runner.invoke(args=["export", event.slug])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    for column in ("name", "email", "company", "job_title", "seniority", "status", "registered_at"):
        assert column in rows[0]
    assert [r["name"] for r in rows] == ["Ada Director", "Bob Waiting"]
    assert rows[0]["status"] == "confirmed" and rows[0]["seniority"] == "director"
    assert rows[1]["waitlist_position"] == "1"


def test_export_neutralises_spreadsheet_formulas(runner, make_event, make_registration) -> None:
    event = make_event()
    make_registration(event, name='=HYPERLINK("http://evil")', company="+1", job_title="@SUM")
    rows = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", event.slug]).stdout)))
    assert rows[0]["name"].startswith("'=")
    assert rows[0]["company"] == "'+1"
    assert rows[0]["job_title"] == "'@SUM"


def test_export_unknown_slug_fails_with_nothing_on_stdout(runner) -> None:
    result = runner.invoke(args=["export", "nope"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No event with the slug 'nope'" in result.stderr
