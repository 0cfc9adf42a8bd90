"""The organizer side of "no empty chairs": the event's settings, attendance at the check-in
page (close, import), a person's history on the review cards and lists, reconfirmation and the
dashboard's figures."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from test_organizer_events import NEW_EVENT, edit_form

from roundtable.domain.models import AuditEntry, Event
from roundtable.extensions import db

from organizer_support import page, snapshot, text

CHAIRS = ("reminder_hours", "reconfirm_hours", "reconfirm_deadline_hours", "release_unanswered",
          "offer_window_hours", "offer_hours", "review_no_shows")


def settings(event_id: int) -> tuple[object, ...]:
    """Return the event's no-empty-chairs settings, read afresh."""
    db.session.rollback()
    event = db.session.get(Event, event_id)
    assert event is not None
    return tuple(getattr(event, name) for name in CHAIRS)


def created() -> Event:
    db.session.rollback()
    event = db.session.scalar(select(Event).where(Event.slug == NEW_EVENT["slug"]))
    assert event is not None
    return event


# --- Settings -------------------------------------------------------------------------------------


def test_the_form_offers_the_settings_with_the_models_defaults(console_client) -> None:
    body = page(console_client.get("/organizer/events/new"))
    assert "<legend class=\"h5\">No empty chairs</legend>" in body
    assert 'id="reminder_hours"' in body and 'value="24"' in body
    assert 'value="72"' in body and 'value="48"' in body and 'value="6"' in body
    assert "Send people with two or more no-shows in the last 12 months to review" in body


def test_a_new_event_without_the_settings_gets_the_defaults(console_client) -> None:
    response = console_client.post("/organizer/events/new", data=NEW_EVENT)
    assert response.status_code == 303
    assert settings(created().id) == (24, 72, 24, False, 48, 6, False)


def test_the_settings_are_stored_shown_and_edited(console_client) -> None:
    response = console_client.post("/organizer/events/new", data={
        **NEW_EVENT, "reminder": "on", "reminder_hours": "12", "reconfirm": "on",
        "reconfirm_hours": "96", "reconfirm_deadline_hours": "36", "unanswered": "release",
        "offer_window_hours": "0", "offer_hours": "3", "review_no_shows": "y",
    })
    assert response.status_code == 303
    event = created()
    assert settings(event.id) == (12, 96, 36, True, 0, 3, True)

    form = page(console_client.get(f"/organizer/events/{event.id}/edit"))
    assert 'id="reminder_hours" name="reminder_hours" type="number" value="12"' in form
    assert '<option selected value="release">' in form
    assert 'id="review_no_shows" name="review_no_shows" type="checkbox" value="y"' in form

    data = edit_form(event, reminder="off", reminder_hours="12", reconfirm="off",
                     reconfirm_hours="96", reconfirm_deadline_hours="36", unanswered="keep",
                     offer_window_hours="24", offer_hours="6")
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=data)
    assert response.status_code == 303
    assert settings(event.id) == (None, None, 36, False, 24, 6, False)
    detail = db.session.scalars(select(AuditEntry.detail).where(
        AuditEntry.action == "event.updated")).one()
    assert "reminder: 12 hours before the start → off" in detail
    assert "“Still coming?” question: 96 hours before the start → off" in detail
    assert "unanswered seats: released to the waiting list → kept" in detail
    assert "last-minute offers: off → 24 hours before the start" in detail
    assert "time to accept an offer: 3 hours → 6 hours" in detail
    assert "review after two no-shows: on → off" in detail

    form = page(console_client.get(f"/organizer/events/{event.id}/edit"))
    assert '<option selected value="off">No reminder</option>' in form
    assert '<option selected value="off">Do not ask</option>' in form
    audit = text(page(console_client.get(f"/organizer/events/{event.id}/audit")))
    assert "reminder: 12 hours before the start → off" in audit


def test_an_edit_that_leaves_the_settings_alone_does_not_mention_them(
    console_client, make_event
) -> None:
    event = make_event(starts_at=datetime(2030, 6, 5, 16, 0, tzinfo=UTC))
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                    data=edit_form(event, title="Renamed",
                                                   contact_email="host@example.org"))
    assert response.status_code == 303
    detail = db.session.scalars(select(AuditEntry.detail).where(
        AuditEntry.action == "event.updated")).one()
    assert detail == "title: “Leadership roundtable 1” → “Renamed”"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"reminder_hours": "0"}, "reminder_hours",
         "The reminder goes between 1 and 336 hours (two weeks) before the start"),
        ({"reminder_hours": "337"}, "reminder_hours", "between 1 and 336 hours"),
        ({"reminder_hours": ""}, "reminder_hours", "or choose “No reminder”"),
        ({"reminder_hours": "a day"}, "reminder_hours", "Please enter a whole number of hours"),
        ({"reminder": "sometimes"}, "reminder", "Not a valid choice"),
        ({"reconfirm_hours": "0"}, "reconfirm_hours",
         "“Still coming?” is asked between 1 and 336 hours"),
        ({"reconfirm_hours": "400"}, "reconfirm_hours", "between 1 and 336 hours"),
        ({"reconfirm_hours": ""}, "reconfirm_hours", "or choose “Do not ask”"),
        ({"reconfirm_deadline_hours": "0"}, "reconfirm_deadline_hours",
         "The answer deadline is between 1 and 336 hours"),
        ({"reconfirm_deadline_hours": ""}, "reconfirm_deadline_hours",
         "Please enter the answer deadline"),
        ({"reconfirm_hours": "24", "reconfirm_deadline_hours": "48"},
         "reconfirm_deadline_hours", "The answer deadline must come after the question"),
        ({"reconfirm_hours": "24", "reconfirm_deadline_hours": "24"},
         "reconfirm_deadline_hours", "The answer deadline must come after the question"),
        ({"reconfirm_hours": "28", "reconfirm_deadline_hours": "24"},
         "reconfirm_deadline_hours", "ask at least 6 hours before the deadline"),
        ({"unanswered": "forget"}, "unanswered", "Not a valid choice"),
        ({"offer_window_hours": "-1"}, "offer_window_hours",
         "The last-minute window is between 0 (off"),
        ({"offer_window_hours": "337"}, "offer_window_hours", "and 336 hours before the start"),
        ({"offer_window_hours": ""}, "offer_window_hours", "(0 for none)"),
        ({"offer_hours": "0"}, "offer_hours", "An offer is held between 1 and 72 hours."),
        ({"offer_hours": "73"}, "offer_hours", "An offer is held between 1 and 72 hours."),
        ({"offer_hours": "6.5"}, "offer_hours", "Please enter a whole number of hours"),
    ],
)
def test_every_bad_setting_is_refused_with_its_message_and_nothing_is_stored(
    console_client, make_event, changes, field, message
) -> None:
    event = make_event(starts_at=datetime(2030, 6, 5, 16, 0, tzinfo=UTC))
    before, stored = snapshot(), settings(event.id)
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                   data=edit_form(event, title="Not saved", **changes))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body
    assert message in body.split(f'id="{field}-error">')[1].split("</div>")[0]
    assert snapshot() == before and settings(event.id) == stored

    response = console_client.post("/organizer/events/new", data={**NEW_EVENT, **changes})
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(Event).where(Event.slug == NEW_EVENT["slug"])) is None


def test_a_step_turned_off_ignores_its_empty_hours(console_client) -> None:
    response = console_client.post("/organizer/events/new", data={
        **NEW_EVENT, "reminder": "off", "reminder_hours": "", "reconfirm": "off",
        "reconfirm_hours": "", "reconfirm_deadline_hours": "",
    })
    assert response.status_code == 303
    assert settings(created().id) == (None, None, 24, False, 48, 6, False)


