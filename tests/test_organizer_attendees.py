"""The attendee list, CSV export and the actions on entries: add, cancel, move up, check in."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from roundtable.domain.models import (
    EventFormat,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from organizer_support import audit_rows, outbox_rows, page, text

S = RegistrationStatus

PERSON = {
    "name": "Grace Hopper",
    "email": "Grace@Navy.example",
    "company": "US Navy",
    "job_title": "Student",  # the engine would decline this title: an organizer overrides it
    "seniority": "individual_contributor",
    "discussion_topic": "",
    "notify": "y",
}


def fresh(registration_id: int) -> Registration:
    db.session.rollback()
    return db.session.get(Registration, registration_id)


def names_in(body: str) -> list[str]:
    """Return the names in the attendee table, top to bottom."""
    return re.findall(r'<tr id="r\d+">\s*<td>([^<]+)<br>', body)


# --- The list ---------------------------------------------------------------------------------


@pytest.fixture
def crowd(make_event, make_registration):
    event = make_event(capacity=3)
    make_registration(event, name="Ada Lovelace", company="Analytical Engines",
                      email="ada@engines.example", seniority=Seniority.C_LEVEL)
    make_registration(event, name="Bob Builder", company="ACME Construction",
                      email="bob@acme.example", seniority=Seniority.VP)
    make_registration(event, name="Cleo Patra", company="Nile Trading",
                      email="cleo@nile.example", seniority=Seniority.FOUNDER)
    make_registration(event, name="Dan Waiting", status=S.WAITLISTED, queue_position=5,
                      company="Acme Ltd")
    make_registration(event, name="Eve Waiting", status=S.WAITLISTED, queue_position=9)
    make_registration(event, name="Fay Pending", status=S.PENDING_REVIEW)
    make_registration(event, name="Gus Gone", status=S.CANCELLED)
    make_registration(event, name="Hal Declined", status=S.DECLINED)
    return event


def test_list_has_status_tabs_with_counts(console_client, crowd) -> None:
    body = page(console_client.get(f"/organizer/events/{crowd.id}/attendees"))
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', body))
    assert counts == {"all": "8", "confirmed": "3", "waitlisted": "2", "pending_review": "1",
                      "declined": "1", "cancelled": "1"}
    assert len(names_in(body)) == 8


def test_waiting_list_tab_shows_positions_in_queue_order(console_client, crowd) -> None:
    body = page(console_client.get(f"/organizer/events/{crowd.id}/attendees?status=waitlisted"))
    assert names_in(body) == ["Dan Waiting", "Eve Waiting"]
    assert "#1" in text(body) and "#2" in text(body)


@pytest.mark.parametrize(
    ("term", "expected"),
    [
        ("acme", ["Bob Builder", "Dan Waiting"]),  # company, any case
        ("ADA@ENGINES", ["Ada Lovelace"]),  # email
        ("patra", ["Cleo Patra"]),  # name
        ("%", []),  # a LIKE wildcard is searched for literally
        ("_", []),
    ],
)
def test_search_by_name_email_or_company(console_client, crowd, term, expected) -> None:
    body = page(console_client.get(f"/organizer/events/{crowd.id}/attendees",
                                   query_string={"q": term}))
    assert names_in(body) == expected
    counts = dict(re.findall(r'data-count="(\w+)">(\d+)<', body))
    assert counts["all"] == str(len(expected))  # the tabs count what the search matches


def test_search_keeps_the_status_filter(console_client, crowd) -> None:
    body = page(console_client.get(f"/organizer/events/{crowd.id}/attendees",
                                   query_string={"q": "acme", "status": "waitlisted"}))
    assert names_in(body) == ["Dan Waiting"]


@pytest.mark.parametrize(
    ("sort", "direction", "expected"),
    [
        ("name", "asc", ["Ada Lovelace", "Bob Builder", "Cleo Patra"]),
        ("name", "desc", ["Cleo Patra", "Bob Builder", "Ada Lovelace"]),
        ("level", "desc", ["Cleo Patra", "Ada Lovelace", "Bob Builder"]),  # founder, C, VP
        ("company", "asc", ["Bob Builder", "Ada Lovelace", "Cleo Patra"]),
    ],
)
def test_sorting(console_client, crowd, sort, direction, expected) -> None:
    body = page(console_client.get(
        f"/organizer/events/{crowd.id}/attendees",
        query_string={"status": "confirmed", "sort": sort, "dir": direction}))
    assert names_in(body) == expected
    assert 'aria-sort="' + ("descending" if direction == "desc" else "ascending") + '"' in body


def test_unknown_list_arguments_fall_back_to_defaults(console_client, crowd) -> None:
    body = page(console_client.get(
        f"/organizer/events/{crowd.id}/attendees",
        query_string={"status": "bogus", "sort": "password_hash", "page": "x"}))
    assert len(names_in(body)) == 8


def test_large_lists_are_paginated(console_client, make_event, make_registration) -> None:
    event = make_event(capacity=200)
    for n in range(120):
        make_registration(event, name=f"Person {n:03d}")
    url = f"/organizer/events/{event.id}/attendees"
    first = page(console_client.get(url, query_string={"sort": "name"}))
    assert names_in(first)[:2] == ["Person 000", "Person 001"] and len(names_in(first)) == 50
    assert "page 1 of 3" in first and 'rel="next"' in first
    last = page(console_client.get(url, query_string={"sort": "name", "page": "3"}))
    assert names_in(last)[0] == "Person 100" and len(names_in(last)) == 20
    beyond = page(console_client.get(url, query_string={"sort": "name", "page": "99"}))
    assert names_in(beyond) == names_in(last)


def test_list_queries_do_not_grow_with_the_registrations(
    console_client, make_event, make_registration, count_queries
) -> None:
    event = make_event(capacity=100)
    for _ in range(3):
        make_registration(event)
    make_registration(event, status=S.WAITLISTED, queue_position=1)
    url = f"/organizer/events/{event.id}/attendees"
    console_client.get(url)  # warm-up
    db.session.expire_all()  # the test shares the request's session: start from nothing known
    with count_queries() as few:
        assert console_client.get(url).status_code == 200
    for n in range(40):
        make_registration(event, status=S.WAITLISTED if n % 2 else S.CONFIRMED,
                          queue_position=n + 10 if n % 2 else None, checked_in_at=None)
    db.session.expire_all()
    with count_queries() as many:
        body = page(console_client.get(url))
    assert len(names_in(body)) == 44
    assert len(many) == len(few) <= 6, many


# --- CSV export -------------------------------------------------------------------------------


def test_csv_download_neutralises_formulas_and_matches_the_cli(
    console_client, organizer, runner, make_event, make_registration
) -> None:
    event = make_event()
    make_registration(event, name='=HYPERLINK("http://evil.example","click")',
                      company="+cmd|' /C calc'!A0", job_title="@SUM(1+1)",
                      discussion_topic="-2+3")
    make_registration(event, name="Plain Person", company="\tTabbed")
    response = console_client.post(f"/organizer/events/{event.id}/attendees.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert (response.headers["Content-Disposition"]
            == f'attachment; filename="{event.slug}.csv"')
    raw = response.get_data(as_text=True)
    response.close()
    assert raw.startswith("\ufeff")  # a byte-order mark: spreadsheets read accents as UTF-8
    body = raw.removeprefix("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))
    assert rows[0]["name"] == '\'=HYPERLINK("http://evil.example","click")'
    assert rows[0]["company"] == "'+cmd|' /C calc'!A0"
    assert rows[0]["job_title"] == "'@SUM(1+1)" and rows[0]["discussion_topic"] == "'-2+3"
    assert rows[1]["company"] == "'\tTabbed"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))
    cli = list(csv.DictReader(io.StringIO(runner.invoke(args=["export", event.slug]).stdout)))
    assert [r.keys() for r in rows] == [r.keys() for r in cli]  # the same columns
    for web, plain in zip(rows, cli, strict=True):  # the same rows, times in the event's zone
        assert datetime.fromisoformat(web["registered_at"]) == datetime.fromisoformat(
            plain["registered_at"] + "+00:00" if "+" not in plain["registered_at"]
            else plain["registered_at"])
        assert datetime.fromisoformat(web["registered_at"]).utcoffset() == ZoneInfo(
            event.timezone).utcoffset(datetime.fromisoformat(web["registered_at"]))
        assert {k: v for k, v in web.items() if k != "registered_at"} == {
            k: v for k, v in plain.items() if k != "registered_at"}
    assert audit_rows()[-1] == ("attendees.exported", organizer.id, event.id, None)


def test_csv_download_exports_what_the_list_shows(console_client, make_event,
                                                  make_registration) -> None:
    event = make_event(capacity=1)
    make_registration(event, name="Zoë Seated")
    make_registration(event, name="Anna Waiting", status=S.WAITLISTED, queue_position=1)
    make_registration(event, name="Bea Waiting", status=S.WAITLISTED, queue_position=2)
    response = console_client.post(f"/organizer/events/{event.id}/attendees.csv",
                                   data={"status": "waitlisted", "sort": "name", "dir": "desc"})
    body = response.get_data(as_text=True).removeprefix("\ufeff")
    assert [r["name"] for r in csv.DictReader(io.StringIO(body))] == ["Bea Waiting",
                                                                     "Anna Waiting"]
    everyone = console_client.post(f"/organizer/events/{event.id}/attendees.csv")
    assert "Zoë Seated" in everyone.get_data(as_text=True)


# --- Adding by hand ---------------------------------------------------------------------------


def test_add_by_hand_bypasses_eligibility_and_takes_a_seat(
    console_client, organizer, make_event
) -> None:
    event = make_event()
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON)
    assert response.status_code == 303
    assert "Grace Hopper is added: they have a seat." in page(
        console_client.get(response.headers["Location"]))
    added = db.session.scalar(select(Registration))
    assert added.status == S.CONFIRMED and added.added_by_organizer
    assert added.email == "grace@navy.example" and added.eligibility_outcome is None
    assert added.manage_token_hash and len(added.manage_token_hash) == 64 and added.manage_salt
    assert [(k, c) for k, _, c, _ in outbox_rows()] == [("confirmed", "REQUEST")]
    assert audit_rows()[-1] == ("registration.added", organizer.id, event.id, added.id)
    assert "added by hand" in page(console_client.get(f"/organizer/events/{event.id}/attendees"))


def test_add_by_hand_to_a_full_room_joins_the_waiting_list(
    console_client, make_event, make_registration
) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    make_registration(event, status=S.WAITLISTED, queue_position=3)
    data = {**PERSON}
    del data["notify"]  # unticked: no email
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=data,
                                   follow_redirects=True)
    assert "they are on the waiting list. The room is full." in page(response)
    added = db.session.scalar(select(Registration).where(Registration.added_by_organizer))
    assert added.status == S.WAITLISTED and added.queue_position == 4
    assert outbox_rows() == []


def test_add_by_hand_refuses_a_current_registration_and_keeps_the_form(
    console_client, make_event, make_registration
) -> None:
    event = make_event()
    make_registration(event, email="grace@navy.example", status=S.WAITLISTED, queue_position=1)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "grace@navy.example is already registered for this roundtable (waiting list)." in body
    assert 'value="Grace Hopper"' in body
    assert outbox_rows() == [] and audit_rows() == [("organizer.signed_in", 1, None, None)]


def test_add_by_hand_takes_up_a_cancelled_registration_again(
    console_client, make_event, make_registration
) -> None:
    event = make_event()
    old = make_registration(event, email="grace@navy.example", status=S.CANCELLED,
                            cancelled_at=datetime.now(UTC) - timedelta(days=1))
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON)
    assert response.status_code == 303
    again = fresh(old.id)
    assert again.status == S.CONFIRMED and again.added_by_organizer
    assert again.cancelled_at is None and again.name == "Grace Hopper"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": "not-an-address"}, "Please enter a valid email address"),
        ({"name": ""}, "Please enter a name."),
        ({"seniority": "emperor"}, "Not a valid choice."),
    ],
)
def test_add_by_hand_bad_input(console_client, make_event, changes, message) -> None:
    event = make_event()
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new",
                                   data={**PERSON, **changes})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


def test_no_one_is_added_to_a_cancelled_event(console_client, make_event) -> None:
    event = make_event(status=EventStatus.CANCELLED)
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON)
    assert response.status_code == 400
    assert "This roundtable is cancelled" in response.get_data(as_text=True)
    assert db.session.scalar(select(Registration)) is None


# --- Cancelling -------------------------------------------------------------------------------


def test_cancel_registration_promotes_the_waiting_list(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event(capacity=1)
    seated = make_registration(event, name="Seated Sam")
    waiting = make_registration(event, status=S.WAITLISTED, queue_position=1)
    confirm = page(console_client.get(f"/organizer/registrations/{seated.id}/cancel"))
    assert "Cancel Seated Sam?" in confirm
    response = console_client.post(f"/organizer/registrations/{seated.id}/cancel",
                                   data={"note": "Double booking, sorry."})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organizer/events/{event.id}/attendees"
    assert fresh(seated.id).status == S.CANCELLED
    assert fresh(waiting.id).status == S.CONFIRMED
    rows = outbox_rows()
    assert sorted((k, r, c) for k, r, c, _ in rows) == [
        ("cancelled", seated.id, "CANCEL"), ("promoted", waiting.id, "REQUEST")]
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "cancelled"))
    assert message.payload["by_organizer"] is True
    assert message.payload["note"] == "Double booking, sorry."
    assert audit_rows()[-1] == ("registration.cancelled", organizer.id, event.id, seated.id)
    again = console_client.post(f"/organizer/registrations/{seated.id}/cancel",
                                follow_redirects=True)
    assert "already cancelled or declined; nothing changed" in page(again)
    assert len(outbox_rows()) == 2


def test_cancel_returns_to_the_list_it_came_from(console_client, make_event, make_registration):
    event = make_event()
    seated = make_registration(event)
    back = f"/organizer/events/{event.id}/attendees?status=confirmed&sort=name"
    confirm = page(console_client.get(f"/organizer/registrations/{seated.id}/cancel",
                                      query_string={"return_to": back}))
    assert f'name="return_to" type="hidden" value="{html.escape(back)}"' in confirm
    response = console_client.post(f"/organizer/registrations/{seated.id}/cancel",
                                   data={"return_to": back})
    assert response.headers["Location"] == back
    evil = console_client.post(f"/organizer/registrations/{seated.id}/cancel",
                               data={"return_to": "https://evil.example/"})
    assert evil.headers["Location"] == f"/organizer/events/{event.id}/attendees"


# --- Moving up the waiting list ----------------------------------------------------------------


def test_move_up_swaps_with_the_person_ahead(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    make_registration(event, name="First", status=S.WAITLISTED, queue_position=2)
    second = make_registration(event, name="Second", status=S.WAITLISTED, queue_position=5)
    third = make_registration(event, name="Third", status=S.WAITLISTED, queue_position=6)
    response = console_client.post(f"/organizer/registrations/{third.id}/move-up")
    assert response.status_code == 303
    body = page(console_client.get(response.headers["Location"]))
    assert "Moved up: now #2 on the waiting list." in body
    assert names_in(body) == ["First", "Third", "Second"]
    assert (fresh(third.id).queue_position, fresh(second.id).queue_position) == (5, 6)
    console_client.post(f"/organizer/registrations/{third.id}/move-up")
    body = page(console_client.get(f"/organizer/events/{event.id}/attendees?status=waitlisted"))
    assert names_in(body) == ["Third", "First", "Second"]
    refused = console_client.post(f"/organizer/registrations/{third.id}/move-up",
                                  follow_redirects=True)
    assert "already first on the waiting list" in page(refused)
    assert [a for a, o, _, r in audit_rows() if a == "registration.moved_up" and
            o == organizer.id and r == third.id] == ["registration.moved_up"] * 2


def test_move_to_the_top_in_one_step_keeps_the_others_in_order(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    first = make_registration(event, name="First", status=S.WAITLISTED, queue_position=2)
    make_registration(event, name="Second", status=S.WAITLISTED, queue_position=5)
    guest = make_registration(event, name="Keynote Guest", status=S.WAITLISTED, queue_position=6)
    response = console_client.post(f"/organizer/registrations/{guest.id}/move-to-top")
    body = page(console_client.get(response.headers["Location"]))
    assert "Moved to the top: now #1 on the waiting list." in body
    assert names_in(body) == ["Keynote Guest", "First", "Second"]
    assert [fresh(r.id).queue_position for r in (guest, first)] == [1, 2]
    again = console_client.post(f"/organizer/registrations/{guest.id}/move-to-top",
                                follow_redirects=True)
    assert "already first on the waiting list" in page(again)
    assert ("registration.moved_to_top", organizer.id, event.id, guest.id) in audit_rows()
    seat = console_client.get(f"/organizer/events/{event.id}/attendees?status=waitlisted")
    assert "Move to the top" in page(seat)


def test_only_waiting_people_move_up(console_client, make_event, make_registration) -> None:
    event = make_event()
    seated = make_registration(event)
    refused = console_client.post(f"/organizer/registrations/{seated.id}/move-up",
                                  follow_redirects=True)
    assert "Only someone on the waiting list can be moved up." in page(refused)


# --- Check-in ---------------------------------------------------------------------------------


def test_check_in_page_lists_seated_people_with_big_buttons(
    console_client, make_event, make_registration
) -> None:
    event = make_event(format=EventFormat.IN_PERSON, location="Berlin")
    make_registration(event, name="Zed Seated", company="Zeta")
    make_registration(event, name="Amy Seated", company="Alpha")
    make_registration(event, name="Wes Waiting", status=S.WAITLISTED, queue_position=1)
    body = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert 'name="viewport"' in body and 'type="search"' in body
    assert body.index("Amy Seated") < body.index("Zed Seated")
    assert "Wes Waiting" not in body
    assert body.count('class="btn btn-success btn-lg px-4">Check in</button>') == 2
    assert "0 of 2 arrived" in text(body)
    found = page(console_client.get(f"/organizer/events/{event.id}/check-in?q=ZETA"))
    assert "Zed Seated" in found and "Amy Seated" not in found


def test_check_in_and_undo(console_client, organizer, make_event, make_registration) -> None:
    event = make_event(format=EventFormat.IN_PERSON, location="Berlin")
    guest = make_registration(event, name="Guest One")
    back = f"/organizer/events/{event.id}/check-in?q=guest#r{guest.id}"
    response = console_client.post(f"/organizer/registrations/{guest.id}/check-in",
                                   data={"return_to": back})
    assert response.status_code == 303 and response.headers["Location"] == back
    assert fresh(guest.id).checked_in_at is not None
    body = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert "Guest One is checked in." in body and "1 of 1 arrived" in text(body)
    assert ">Undo</button>" in body
    twice = console_client.post(f"/organizer/registrations/{guest.id}/check-in",
                                follow_redirects=True)
    assert "Guest One was already checked in." in page(twice)
    console_client.post(f"/organizer/registrations/{guest.id}/undo-check-in")
    assert fresh(guest.id).checked_in_at is None
    actions = [a for a, o, _, r in audit_rows() if r == guest.id and o == organizer.id]
    assert actions == ["registration.checked_in", "registration.check_in_undone"]


def test_people_without_a_seat_cannot_be_checked_in(
    console_client, make_event, make_registration
) -> None:
    event = make_event()
    waiting = make_registration(event, status=S.WAITLISTED, queue_position=1)
    refused = console_client.post(f"/organizer/registrations/{waiting.id}/check-in",
                                  follow_redirects=True)
    assert "Only someone with a seat can be checked in." in page(refused)
    assert fresh(waiting.id).checked_in_at is None


def test_unknown_registration_is_a_404(console_client) -> None:
    assert console_client.post("/organizer/registrations/999/check-in").status_code == 404
    assert console_client.get("/organizer/registrations/999/cancel").status_code == 404


def test_re_adding_a_cancelled_person_starts_afresh(console_client, make_event,
                                                    make_registration) -> None:
    event = make_event()
    gone = make_registration(event, email="grace@navy.example", status=S.CANCELLED,
                             checked_in_at=datetime.now(UTC), confirmed_at=datetime.now(UTC))
    response = console_client.post(f"/organizer/events/{event.id}/attendees/new", data=PERSON)
    assert response.status_code == 303
    back = fresh(gone.id)
    assert back.status == S.CONFIRMED and back.added_by_organizer
    assert back.checked_in_at is None  # not shown as already arrived at the door
