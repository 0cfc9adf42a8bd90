"""The event dashboard's server-drawn charts, and the audit log of organizer actions."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree

from roundtable.domain import audit, reports
from roundtable.domain.models import AuditEntry, Organizer, RegistrationStatus
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db
from roundtable.web import charts

from conftest import NOW
from organizer_support import audit_rows, page, text

S = RegistrationStatus
SVG = "{http://www.w3.org/2000/svg}"


def svgs(body: str) -> dict[str, ElementTree.Element]:
    """Return the page's inline SVG charts by id, parsed as XML (so they are well formed)."""
    found = {}
    for markup in re.findall(r"<svg .*?</svg>", body, flags=re.S):
        element = ElementTree.fromstring(markup)
        found[element.get("id")] = element
    return found


def test_dashboard_draws_three_accessible_charts_without_script(
    console_client, make_event, make_registration
) -> None:
    event = make_event(capacity=5)
    start = datetime.now(UTC) - timedelta(days=6)
    for n, (company, level) in enumerate(
        [("Acme", Seniority.VP), ("Acme", Seniority.DIRECTOR), ("Globex", Seniority.C_LEVEL)]
    ):
        make_registration(event, company=company, company_key=company.lower(), seniority=level,
                          confirmed_at=start + timedelta(days=n))
    make_registration(event, status=S.WAITLISTED, queue_position=1, seniority=Seniority.VP)
    make_registration(event, status=S.CANCELLED, company="Initech", company_key="initech",
                      confirmed_at=start, cancelled_at=start + timedelta(days=4))
    body = page(console_client.get(f"/organizer/events/{event.id}"))
    assert "<script" not in body
    found = svgs(body)
    assert set(found) == {"seats-chart", "levels-chart", "companies-chart"}
    for chart_id, chart in found.items():
        assert chart.get("role") == "img"
        assert chart.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
        assert chart.find(f"{SVG}title").get("id") == f"{chart_id}-title"
    seats = found["seats-chart"]
    assert seats.find(f"{SVG}title").text == "Seats filled over time"
    assert seats.find(f"{SVG}desc").text.startswith("3 of 5 seats are taken.")
    assert "at most 4 were taken at once" in seats.find(f"{SVG}desc").text  # Initech left on day 4
    assert seats.find(f"{SVG}path") is not None
    levels = found["levels-chart"].find(f"{SVG}desc").text
    assert "Vice president: 1 confirmed, 1 waiting, 0 to review" in levels
    assert "C-level executive: 1 confirmed" in levels
    companies = found["companies-chart"].find(f"{SVG}desc").text
    assert companies == "Acme: 2 confirmed; Globex: 1 confirmed."
    figures = text(body)
    assert "Seats taken 3 / 5" in figures and "Waiting list 1" in figures
    assert "2 companies among the confirmed attendees" in figures


def test_empty_dashboard_says_so(console_client, make_event) -> None:
    body = page(console_client.get(f"/organizer/events/{make_event().id}"))
    found = svgs(body)
    assert found["seats-chart"].find(f"{SVG}desc").text == "No seat has been filled yet."
    assert "No one is registered yet." in body


def test_seats_over_time_counts_seats_given_up(app, make_event, make_registration) -> None:
    event = make_event(capacity=3, starts_at=NOW + timedelta(days=30))
    day = NOW - timedelta(days=10)
    make_registration(event, confirmed_at=day)
    make_registration(event, confirmed_at=day + timedelta(days=1))
    make_registration(event, status=S.CANCELLED, confirmed_at=day + timedelta(days=2),
                      cancelled_at=day + timedelta(days=3))
    board = reports.dashboard(db.session, event, NOW)
    assert [n for _, n in board.seats_over_time] == [1, 2, 3, 2, 2]
    assert board.seats_over_time[-1][0] == NOW.astimezone(board.seats_over_time[0][0].tzinfo)


def test_charts_escape_what_people_typed() -> None:
    chart = charts.bar_chart([('<script>alert("x")</script> & Co', 2)], title="T", empty="-")
    assert "<script>" not in chart and "&lt;script&gt;" in chart
    ElementTree.fromstring(str(chart))
    stacked = charts.stacked_bar_chart([("<b>", {"a": 1})], [("a", "A & B")], title="<T>",
                                       empty="-")
    assert "<b>" not in stacked and "<title id=\"stacked-chart-title\">&lt;T&gt;</title>" in stacked
    ElementTree.fromstring(str(stacked))


def test_long_company_names_are_shortened_but_kept_in_full_in_the_tooltip() -> None:
    name = "The Extremely Long Company Name Of Many Words Ltd"
    chart = str(charts.bar_chart([(name, 1)], title="T", empty="-"))
    assert f"<title>{name}: 1</title>" in chart and "The Extremely Long Compan…" in chart


def test_audit_log_shows_each_action_with_who_and_when(
    console_client, organizer, make_event, make_registration, sign_up
) -> None:
    event = make_event(capacity=1)
    other = make_event(title="Another Event")
    seated = make_registration(event, name="Seated Sam")
    pending = sign_up(event, job_title="Associate Director, Data", seniority="director")
    console_client.post(f"/organizer/registrations/{seated.id}/check-in")
    console_client.post(f"/organizer/registrations/{pending.id}/approve")
    console_client.post(f"/organizer/registrations/{seated.id}/cancel", data={"note": "ill"})
    console_client.post(f"/organizer/events/{event.id}/unpublish")
    console_client.post(f"/organizer/events/{event.id}/attendees.csv").close()
    console_client.post(f"/organizer/events/{other.id}/unpublish")
    mine = [(a, r) for a, o, e, r in audit_rows() if e == event.id and o == organizer.id]
    assert mine == [
        ("registration.checked_in", seated.id),
        ("registration.approved", pending.id),
        ("registration.cancelled", seated.id),
        ("event.unpublished", None),
        ("attendees.exported", None),
    ]
    body = page(console_client.get(f"/organizer/events/{event.id}/audit"))
    actions = re.findall(r'data-action="([\w.]+)"', body)
    assert actions == [a for a, _ in reversed(mine)]  # newest first, this event only
    plain = text(body)
    assert "Olive Organizer" in plain and "Seated Sam" in plain
    assert "Approved" in plain and "Checked in" in plain and "the waiting list" in plain


def test_audit_log_survives_a_deleted_account(app, make_event) -> None:
    event = make_event()
    account = Organizer(email="gone@example.org", password_hash="x", name="")
    db.session.add(account)
    db.session.flush()
    db.session.add(AuditEntry(organizer_id=account.id, event_id=event.id, action="event.updated",
                              detail="start time", created_at=NOW))
    db.session.commit()
    db.session.delete(account)
    db.session.commit()
    (line,) = audit.audit_log(db.session, event.id)
    assert line.organizer == "a deleted account" and line.label == "Edited the roundtable"
