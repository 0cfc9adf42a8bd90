"""Organizer event actions: create, edit (with updates), publish, unpublish, cancel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from roundtable.domain.models import (
    AuditEntry,
    Event,
    EventFormat,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from organizer_support import audit_rows, outbox_rows, page, text

S = RegistrationStatus

NEW_EVENT = {
    "title": "Platform Leaders Breakfast",
    "slug": "platform-breakfast-2030",
    "summary": "Coffee and candour.",
    "description": "We talk.\n\nThen we eat.",
    "host": "Olive",
    "format": "online",
    "join_url": "https://meet.example.org/breakfast",
    "location": "",
    "starts_local": "2030-06-05T18:00",
    "ends_local": "2030-06-05T19:30",
    "timezone": "Europe/Berlin",
    "capacity": "12",
    "company_cap": "",
    "minimum_level": "director",
    "approval_mode": "auto",
    "contact_email": "olive@letter.example",
}


def stored_event(event_id: int) -> Event:
    db.session.rollback()
    return db.session.get(Event, event_id)


def edit_form(event: Event, **changes: str) -> dict[str, str]:
    """Return the edit form as the page fills it in, with some fields changed."""
    local = event.starts_at.astimezone(ZoneInfo(event.timezone))
    end = event.ends_at.astimezone(local.tzinfo)
    data = {
        "title": event.title,
        "slug": event.slug,
        "summary": event.summary,
        "description": event.description,
        "host": event.host,
        "format": event.format.value,
        "join_url": event.join_url or "",
        "location": event.location or "",
        "starts_local": f"{local:%Y-%m-%dT%H:%M}",
        "ends_local": f"{end:%Y-%m-%dT%H:%M}",
        "timezone": event.timezone,
        "capacity": str(event.capacity),
        "company_cap": "" if event.company_cap is None else str(event.company_cap),
        "minimum_level": event.minimum_level.value,
        "approval_mode": event.approval_mode.value,
    }
    data.update(changes)
    return data


def test_new_event_form_proposes_the_default_zone(console_client) -> None:
    body = page(console_client.get("/organizer/events/new"))
    assert 'type="datetime-local"' in body
    assert '<select aria-describedby="timezone-help" class="form-select" id="timezone"' in body
    assert '<option selected value="Europe/London">London (Europe)</option>' in body
    assert '<option value="America/New_York">New York (America)</option>' in body


def test_create_event_stores_local_times_as_utc_as_a_draft(console_client, organizer) -> None:
    response = console_client.post("/organizer/events/new", data=NEW_EVENT)
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    assert response.headers["Location"] == f"/organizer/events/{event.id}"
    assert event.status == EventStatus.DRAFT
    assert event.starts_at == datetime(2030, 6, 5, 16, 0, tzinfo=UTC)  # CEST is UTC+2
    assert event.ends_at == datetime(2030, 6, 5, 17, 30, tzinfo=UTC)
    assert event.capacity == 12 and event.company_cap is None and event.sequence == 0
    assert event.description == "We talk.\n\nThen we eat."
    assert audit_rows()[-1] == ("event.created", organizer.id, event.id, None)
    assert "saved as a draft" in page(console_client.get(response.headers["Location"]))


def test_edit_form_shows_times_in_the_events_zone(console_client, make_event) -> None:
    event = make_event(starts_at=datetime(2030, 1, 10, 17, 0, tzinfo=UTC),
                       timezone="America/New_York")
    body = page(console_client.get(f"/organizer/events/{event.id}/edit"))
    assert 'value="2030-01-10T12:00"' in body and 'value="2030-01-10T13:00"' in body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"ends_local": "2030-06-05T17:00"}, "ends_local", "The end must be after the start."),
        ({"ends_local": "2030-06-05T18:00"}, "ends_local", "The end must be after the start."),
        ({"timezone": "Mars/Olympus_Mons"}, "timezone", "is not a time zone we know"),
        ({"timezone": "CEST"}, "timezone", "CEST: did you mean Europe/Berlin"),
        ({"capacity": "0"}, "capacity", "Seats must be between 1 and 10000."),
        ({"capacity": "many"}, "capacity", "Not a valid integer value."),
        ({"company_cap": "0"}, "company_cap", "Seats per company must be at least 1."),
        ({"slug": "Bad Slug!"}, "slug", "lower-case letters, digits and single hyphens"),
        ({"slug": "taken"}, "slug", "Another roundtable already uses the address name"),
        ({"format": "in_person", "location": ""}, "location", "An in-person roundtable needs"),
        ({"join_url": "not a link"}, "join_url", "Please enter a full link"),
        ({"starts_local": "2020-01-01T10:00", "ends_local": "2020-01-01T11:00"},
         "starts_local", "The start must be in the future."),
        ({"starts_local": "2030-03-31T02:30", "ends_local": "2030-03-31T04:00"},
         "starts_local", "does not exist in Europe/Berlin"),
        ({"starts_local": "tomorrow"}, "starts_local", "Not a valid datetime value."),
        ({"title": ""}, "title", "Please enter a title."),
    ],
)
def test_bad_event_details_are_refused_beside_the_field(
    console_client, make_event, changes, field, message
) -> None:
    make_event(slug="taken")
    response = console_client.post("/organizer/events/new", data={**NEW_EVENT, **changes})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body and message in body
    assert 'aria-invalid="true"' in body
    if field != "title":
        assert 'value="Platform Leaders Breakfast"' in body  # what was typed is kept
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 1


def test_moving_the_time_updates_every_attendee_and_applicant(
    console_client, organizer, make_event, make_registration, sign_up
) -> None:
    event = make_event(capacity=1)
    confirmed = sign_up(event)
    waiting = sign_up(event, email="bea@waiting.example")
    pending = make_registration(event, status=S.PENDING_REVIEW)
    first = outbox_rows()
    assert [(k, c) for k, _, c, _ in first] == [("confirmed", "REQUEST"), ("waitlisted", None)]
    stored = stored_event(event.id)
    later = stored.starts_at.replace(second=0, microsecond=0) + timedelta(days=1)
    local = later.astimezone(ZoneInfo(stored.timezone))
    data = edit_form(stored, starts_local=f"{local:%Y-%m-%dT%H:%M}",
                     ends_local=f"{local + timedelta(hours=2):%Y-%m-%dT%H:%M}",
                     join_url="https://meet.example.org/new-room")
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=data)
    assert response.status_code == 303
    assert "2 attendees and applicants will get an updated invitation" in page(
        console_client.get(response.headers["Location"]))
    stored = stored_event(event.id)
    assert stored.sequence == 1 and stored.starts_at == later
    assert stored.join_url == "https://meet.example.org/new-room"
    new = outbox_rows()[len(first):]
    assert [(k, r, c) for k, r, c, _ in new] == [("event_changed", confirmed.id, "REQUEST"),
                                                 ("event_changed", pending.id, "PUBLISH")]
    assert new[0][3] > first[0][3]  # a higher SEQUENCE than the invitation they hold
    message = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc())).first()
    assert message.registration_id == pending.id  # a tentative hold, moved: never a REQUEST
    assert message.payload["changes"] == ["start time", "end time", "join link"]
    assert waiting.id and pending.id
    assert audit_rows()[-1][:3] == ("event.updated", organizer.id, event.id)


def test_editing_text_only_sends_nothing(console_client, make_event, sign_up) -> None:
    event = make_event()
    sign_up(event)
    before = outbox_rows()
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                   data=edit_form(stored_event(event.id), title="New title"))
    assert response.status_code == 303
    stored = stored_event(event.id)
    assert stored.title == "New title" and stored.sequence == 0
    assert outbox_rows() == before


def test_capacity_below_confirmed_is_refused_and_nothing_changes(
    console_client, make_event, make_registration
) -> None:
    event = make_event(capacity=3)
    for _ in range(3):
        make_registration(event)
    before = outbox_rows()
    data = edit_form(stored_event(event.id), capacity="2", title="Should not be saved")
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="capacity-error"' in body
    assert "3 people already have a seat, so the capacity cannot go below 3." in body
    assert 'value="Should not be saved"' in body
    stored = stored_event(event.id)
    assert stored.capacity == 3 and stored.title != "Should not be saved"
    assert outbox_rows() == before
    assert audit_rows() == [("organizer.signed_in", 1, None, None)]


def test_more_seats_go_to_the_waiting_list_at_once(
    console_client, make_event, make_registration
) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    waiting = make_registration(event, status=S.WAITLISTED, queue_position=1)
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                   data=edit_form(stored_event(event.id), capacity="2"))
    assert response.status_code == 303
    assert db.session.get(Registration, waiting.id).status == S.CONFIRMED
    assert [(k, r, c) for k, r, c, _ in outbox_rows()] == [("promoted", waiting.id, "REQUEST")]


def test_publish_and_unpublish(console_client, organizer, make_event, client) -> None:
    event = make_event(status=EventStatus.DRAFT, title="Quiet Draft")
    assert client.get(f"/events/{event.slug}").status_code == 404
    response = console_client.post(f"/organizer/events/{event.id}/publish")
    assert response.status_code == 303
    assert "The roundtable is published." in page(console_client.get(response.headers["Location"]))
    assert stored_event(event.id).status == EventStatus.PUBLISHED
    assert "Quiet Draft" in page(client.get(f"/events/{event.slug}"))
    again = console_client.post(f"/organizer/events/{event.id}/publish", follow_redirects=True)
    assert "Only a draft can be published; this roundtable is already published." in page(again)
    console_client.post(f"/organizer/events/{event.id}/unpublish")
    assert stored_event(event.id).status == EventStatus.DRAFT
    actions = [a for a, o, e, _ in audit_rows() if e == event.id and o == organizer.id]
    assert actions == ["event.published", "event.unpublished"]


def test_cancel_event_tells_everyone_registered(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event()
    seat = make_registration(event)
    pending = make_registration(event, status=S.PENDING_REVIEW)
    waiting = make_registration(event, status=S.WAITLISTED, queue_position=1)
    make_registration(event, status=S.CANCELLED)
    make_registration(event, status=S.DECLINED)
    confirm = text(page(console_client.get(f"/organizer/events/{event.id}/cancel")))
    assert "1 confirmed, 1 awaiting review and 1 waiting people will be told" in confirm
    response = console_client.post(f"/organizer/events/{event.id}/cancel",
                                   data={"note": "The venue flooded."})
    assert response.status_code == 303
    assert "3 registered people will be told" in page(
        console_client.get(response.headers["Location"]))
    stored = stored_event(event.id)
    assert stored.status == EventStatus.CANCELLED and stored.sequence == 1
    rows = outbox_rows()
    assert [(k, r, c) for k, r, c, _ in rows] == [
        ("event_cancelled", seat.id, "CANCEL"),
        ("event_cancelled", pending.id, "CANCEL"),
        ("event_cancelled", waiting.id, None),
    ]
    assert rows[0][3] == 2  # event sequence 1 + the attendee's first revision
    assert audit_rows()[-1][:3] == ("event.cancelled", organizer.id, event.id)
    again = console_client.post(f"/organizer/events/{event.id}/cancel", follow_redirects=True)
    assert "already cancelled" in page(again)
    edit = console_client.post(f"/organizer/events/{event.id}/edit",
                               data=edit_form(stored, title="Revived"))
    assert edit.status_code == 400 and "can no longer be changed" in edit.get_data(as_text=True)
    assert len(outbox_rows()) == 3


def test_in_person_event_keeps_its_place(console_client) -> None:
    data = {**NEW_EVENT, "format": "in_person", "location": "The Library, 1 Main St",
            "join_url": ""}
    assert console_client.post("/organizer/events/new", data=data).status_code == 303
    event = db.session.scalar(select(Event))
    assert event.format == EventFormat.IN_PERSON and event.location == "The Library, 1 Main St"
    assert event.join_url is None


def test_unknown_event_is_a_404(console_client) -> None:
    assert console_client.get("/organizer/events/999").status_code == 404
    assert console_client.post("/organizer/events/999/publish").status_code == 404


def test_a_past_roundtable_cannot_be_cancelled(console_client, make_event, sign_up) -> None:
    event = make_event(starts_at=datetime.now(UTC) - timedelta(days=2))
    before = outbox_rows()
    response = console_client.post(f"/organizer/events/{event.id}/cancel", data={"note": "x"})
    assert "already taken place" in page(console_client.get(response.headers["Location"]))
    assert stored_event(event.id).status == EventStatus.PUBLISHED
    assert outbox_rows() == before


def test_the_start_cannot_be_moved_into_the_past(console_client, make_event) -> None:
    event = make_event()
    stored = stored_event(event.id)
    past = (datetime.now(UTC) - timedelta(days=1)).astimezone(ZoneInfo(stored.timezone))
    data = edit_form(stored, starts_local=f"{past:%Y-%m-%dT%H:%M}",
                     ends_local=f"{past + timedelta(hours=1):%Y-%m-%dT%H:%M}")
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=data)
    assert response.status_code == 400
    assert "A new start must be in the future." in response.get_data(as_text=True)
    assert stored_event(event.id).starts_at == stored.starts_at


def test_an_edit_keeps_the_second_of_two_repeated_wall_times(console_client, make_event):
    # 01:30 happens twice in London on 27 Oct 2030; this event is at the second one (GMT).
    second = datetime(2030, 10, 27, 1, 30, tzinfo=UTC)
    event = make_event(timezone="Europe/London", starts_at=second)
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                   data=edit_form(stored_event(event.id), title="Renamed"))
    assert response.status_code == 303
    stored = stored_event(event.id)
    assert (stored.title, stored.starts_at, stored.sequence) == ("Renamed", second, 0)


def test_the_audit_log_says_what_an_edit_changed(console_client, make_event) -> None:
    event = make_event(capacity=5)
    console_client.post(f"/organizer/events/{event.id}/edit",
                        data=edit_form(stored_event(event.id), capacity="50"))
    (detail,) = [e.detail for e in db.session.scalars(select(AuditEntry))
                 if e.action == "event.updated"]
    assert "capacity: 5 → 50" in detail


def test_publishing_asks_for_the_hosts_contact_address(console_client, make_event) -> None:
    from roundtable.domain.models import Event, EventStatus

    event = make_event(status=EventStatus.DRAFT, contact_email=None)
    response = console_client.post(f"/organizer/events/{event.id}/publish")
    assert "Add the host&#39;s contact address first" in page(
        console_client.get(response.headers["Location"]))
    db.session.rollback()
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT
    data = {**NEW_EVENT, "slug": event.slug, "contact_email": "not an address"}
    refused = console_client.post(f"/organizer/events/{event.id}/edit", data=data)
    assert refused.status_code == 400 and "Please enter a valid email address" in text(
        refused.get_data(as_text=True))


def test_cancelling_an_event_also_tells_people_offered_a_seat(
    console_client, make_event, make_registration
) -> None:
    from datetime import UTC, datetime, timedelta

    event = make_event()
    make_registration(event)
    offered = make_registration(event, status=S.OFFERED,
                                offer_expires_at=datetime.now(UTC) + timedelta(hours=5))
    confirm = text(page(console_client.get(f"/organizer/events/{event.id}/cancel")))
    assert "1 confirmed, 0 awaiting review, 1 offered a seat and 0 waiting people" in confirm
    assert console_client.post(f"/organizer/events/{event.id}/cancel").status_code == 303
    assert ("event_cancelled", offered.id, None) in [(k, r, c) for k, r, c, _ in outbox_rows()]
