"""Issue 14: the audit log, the mail page and the zone picker speak in words, not in stored
names (no field names, no enum values, no UTC stamps)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from test_organizer_events import edit_form

from roundtable.domain import edit_words, events
from roundtable.domain.models import AuditEntry, Event, OutboxMessage, OutboxStatus
from roundtable.extensions import db
from roundtable.notify import compose
from roundtable.web import display

from organizer_support import page

RAW = ("starts_at", "ends_at", "registration_deadline", "+00:00", "join_url", "company_cap",
       "in_person", "review_all", "America/New_York")
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


def visible(body: str) -> str:
    """Return the text a reader sees: the main content without tags or attributes."""
    main = body[body.index("<main"):body.index("</main>")] if "<main" in body else body
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def no_raw_names(body: str) -> None:
    text = visible(body)
    for raw in RAW:
        assert raw not in text, raw
    kinds = [kind for kind in compose.SUBJECTS if "_" in kind]
    assert not [kind for kind in kinds if kind in text]
    assert "+00:00" not in body  # not even in a <time> attribute: times are the event's own
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)


def stored(event_id: int) -> Event:
    db.session.rollback()
    return db.session.get_one(Event, event_id)


def test_every_kind_of_message_has_words() -> None:
    assert set(compose.SUBJECTS) <= set(display.MESSAGE_KINDS)
    assert display.MESSAGE_KINDS["confirmed"] == "Seat confirmed"
    assert display.MESSAGE_KINDS["promoted"] == "Moved from the waiting list to a seat"
    assert display.MESSAGE_KINDS["event_changed"] == "Calendar update"
    assert all("_" not in label for label in display.MESSAGE_KINDS.values())


def test_an_edit_is_stored_in_words_in_the_events_zone(console_client, make_event) -> None:
    # Tue 4 Jun 2030, 14:00 in New York (UTC−4).
    event = make_event(timezone="America/New_York", capacity=20,
                       starts_at=datetime(2030, 6, 4, 18, 0, tzinfo=UTC))
    form = edit_form(stored(event.id), capacity="24", starts_local="2030-06-04T15:00",
                     ends_local="2030-06-04T16:30", format="in_person", location="Room 4")
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=form)
    assert response.status_code == 303, response.get_data(as_text=True)[-2000:]
    detail = db.session.scalars(
        db.select(AuditEntry.detail).where(AuditEntry.action == "event.updated")).one()
    assert "moved the start from Tue 4 Jun 14:00 to Tue 4 Jun 15:00 New York time" in detail
    assert "capacity: 20 → 24" in detail
    assert "format: online → in person" in detail
    assert "place: none → “Room 4”" in detail
    for raw in RAW:
        assert raw not in detail
    body = page(console_client.get(f"/organizer/events/{event.id}/audit"))
    assert "moved the start from Tue 4 Jun 14:00 to Tue 4 Jun 15:00 New York time" in body
    no_raw_names(body)


OLD_DETAIL = ("starts_at: 2030-06-05T16:00+00:00 → 2030-06-05T17:00+00:00; "
              "ends_at: 2030-06-05T17:30+00:00 → 2030-06-05T18:30+00:00; "
              "registration_deadline: None → 2030-06-04T12:00+00:00; "
              "format: online → in_person; approval_mode: auto → review_all; "
              "minimum_level: director → senior_manager; company_cap: None → 2; "
              "join_url: https://meet.example/a → ; confirm_email: True → False; "
              "timezone: Europe/London → America/New_York; capacity: 20 → 24; description; "
              "3 people sent an update; 1 promoted from the waiting list")


def test_old_raw_edit_lines_are_shown_in_words() -> None:
    words = edit_words.readable(OLD_DETAIL, "America/New_York")
    assert "moved the start from Wed 5 Jun 12:00 to Wed 5 Jun 13:00 New York time" in words
    assert "set the registration deadline to Tue 4 Jun 08:00 New York time" in words
    assert "format: online → in person" in words
    assert "approval: automatic for eligible leaders → an organizer reviews every signup" in words
    assert "seats per company: no limit → 2" in words
    assert "address confirmation by email: on → off" in words
    assert "time zone: London (Europe) → New York (America)" in words
    assert "capacity: 20 → 24" in words and "changed the description" in words
    assert words.endswith("3 people sent an update; 1 promoted from the waiting list")
    for raw in RAW:
        assert raw not in words, raw
    # Words already stored stay as they are.
    assert edit_words.readable(words, "America/New_York") == words


def test_audit_and_mail_pages_show_a_realistic_record_in_words(
    console_client, organizer, make_event, sign_up
) -> None:
    event = make_event(timezone="America/New_York")
    registration = sign_up(event)
    db.session.add_all([
        AuditEntry(organizer_id=organizer.id, event_id=event.id, action="event.updated",
                   detail=OLD_DETAIL, created_at=NOW),
        AuditEntry(organizer_id=organizer.id, event_id=event.id, action="mail.retried",
                   registration_id=registration.id, detail="pending_review_after_edit",
                   created_at=NOW),
        AuditEntry(organizer_id=organizer.id, event_id=event.id,
                   action="registration.moved_to_top", registration_id=registration.id,
                   detail="to #1", created_at=NOW),
    ])
    for n, kind in enumerate(compose.SUBJECTS):
        db.session.add(OutboxMessage(
            kind=kind, event_id=event.id, registration_id=registration.id,
            recipient=registration.email, created_at=NOW, next_attempt_at=NOW,
            status=[OutboxStatus.PENDING, OutboxStatus.SENT, OutboxStatus.FAILED][n % 3],
            sent_at=NOW if n % 3 == 1 else None,
            payload={"calendar": "REQUEST"} if kind == "confirmed" else {},
        ))
    db.session.commit()
    audit = page(console_client.get(f"/organizer/events/{event.id}/audit"))
    assert "Request to be reviewed again after an edit" in audit
    assert "Times are New York time (New York (America))" in audit
    no_raw_names(audit)
    mail = page(console_client.get(f"/organizer/events/{event.id}/mail"))
    for label in (display.MESSAGE_KINDS[kind] for kind in compose.SUBJECTS):
        assert label in mail
    assert "calendar invitation" in mail
    assert "Tue 1 Jan 07:00" in mail  # 12:00 UTC in New York
    no_raw_names(mail)


def options(body: str) -> list[tuple[str, str]]:
    select = body[body.index('id="timezone"'):body.index("</select>", body.index('id="timezone"'))]
    return re.findall(r'<option (?:selected )?value="([^"]+)">([^<]+)</option>', select)


def selected(body: str) -> list[str]:
    select = body[body.index('id="timezone"'):body.index("</select>", body.index('id="timezone"'))]
    return re.findall(r'<option selected value="([^"]+)">', select)


def test_the_zone_picker_lists_places_most_used_first(console_client) -> None:
    body = page(console_client.get("/organizer/events/new"))
    assert '<optgroup label="Most used">' in body and '<optgroup label="All places">' in body
    assert 'type="text" name="timezone"' not in body and 'list="timezones"' not in body
    listed = options(body)
    common = listed[:15]
    assert common[0] == ("Europe/London", "London (Europe)")
    assert ("America/New_York", "New York (America)") in common
    rest = [label for _, label in listed[15:]]
    assert rest == sorted(rest, key=str.casefold)
    assert {value for value, _ in listed[15:]} == set(events.zone_names())
    assert not {"EST", "CET", "US/Eastern", "GMT"} & {value for value, _ in listed}
    assert selected(body) == ["Europe/London"]


def test_every_option_is_a_zone_the_domain_accepts(console_client) -> None:
    for value, _ in options(page(console_client.get("/organizer/events/new"))):
        assert events.zone(value).key == value


def test_the_picker_preselects_the_events_zone(console_client, make_event) -> None:
    event = make_event(timezone="America/New_York")
    body = page(console_client.get(f"/organizer/events/{event.id}/edit"))
    assert '<option selected value="America/New_York">New York (America)</option>' in body
    assert selected(body) == ["America/New_York"]


def test_the_picker_starts_at_the_default_zone_setting(app, console_client) -> None:
    app.config["DEFAULT_TIMEZONE"] = "Asia/Tokyo"
    body = page(console_client.get("/organizer/events/new"))
    assert '<option selected value="Asia/Tokyo">Tokyo (Asia)</option>' in body


@pytest.mark.parametrize("posted", ["EST", "US/Eastern", "CET"])
def test_the_picker_cannot_take_an_abbreviation(console_client, make_event, posted) -> None:
    event = make_event(timezone="America/New_York")
    form = edit_form(stored(event.id), timezone=posted)
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=form)
    assert response.status_code == 400
    assert "did you mean" in response.get_data(as_text=True)
    assert stored(event.id).timezone == "America/New_York"
