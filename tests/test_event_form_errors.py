"""The event form shows every mistake at once; publishing an online event asks for its link."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from test_organizer_events import NEW_EVENT, edit_form

from roundtable.domain import events
from roundtable.domain.models import Event, EventFormat, EventStatus
from roundtable.extensions import db

from organizer_support import page, text

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def details(**changes: object) -> events.EventDetails:
    fields: dict[str, object] = {
        "title": "Platform Leaders", "slug": "platform-leaders", "host": "Olive",
        "format": EventFormat.ONLINE, "starts_local": datetime(2027, 6, 5, 18, 0),
        "ends_local": datetime(2027, 6, 5, 19, 30), "timezone": "Europe/Berlin",
        "capacity": 12, "contact_email": "olive@letter.example",
    }
    fields.update(changes)
    return events.EventDetails(**fields)  # type: ignore[arg-type]


def test_the_domain_lists_every_problem_with_its_field(app, organizer) -> None:
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.create_event(db.session, actor=organizer.id, now=NOW, details=details(
            slug="Bad Slug", ends_local=datetime(2027, 6, 5, 17, 0), capacity=0,
            format=EventFormat.IN_PERSON, contact_email="not an address",
            deadline_local=datetime(2027, 6, 6, 9, 0),
        ))
    db.session.rollback()
    assert [field for field, _ in refused.value.errors] == [
        "slug", "deadline_local", "ends_local", "capacity", "location", "contact_email",
    ]
    assert refused.value.field == "slug" and "address name" in refused.value.message
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_a_start_in_the_past_and_a_taken_slug_come_with_the_rest(app, organizer,
                                                                  make_event) -> None:
    make_event(slug="taken")
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.create_event(db.session, actor=organizer.id, now=NOW, details=details(
            slug="taken", host=" ", starts_local=datetime(2026, 1, 1, 10, 0),
            ends_local=datetime(2026, 1, 1, 11, 0),
        ))
    db.session.rollback()
    assert [field for field, _ in refused.value.errors] == ["host", "starts_local", "slug"]


def test_a_wrong_zone_does_not_hide_the_other_mistakes(app, organizer) -> None:
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.create_event(db.session, actor=organizer.id, now=NOW,
                            details=details(timezone="Mars/Olympus", title="", capacity=0))
    db.session.rollback()
    assert [field for field, _ in refused.value.errors] == ["title", "timezone", "capacity"]


def test_the_console_shows_each_mistake_beside_its_field(console_client) -> None:
    data = {**NEW_EVENT, "slug": "Bad Slug!", "ends_local": "2030-06-05T17:00",
            "format": "in_person", "location": "", "deadline_local": "2030-06-06T09:00"}
    response = console_client.post("/organizer/events/new", data=data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    for field, message in [
        ("slug", "lower-case letters, digits and single hyphens"),
        ("ends_local", "The end must be after the start."),
        ("location", "An in-person roundtable needs a place."),
        ("deadline_local", "Registration must close before the start"),
    ]:
        assert f'id="{field}-error"' in body and message in body
    assert body.count('aria-invalid="true"') == 4
    assert 'value="Platform Leaders Breakfast"' in body  # what was typed is kept
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0


def test_an_online_draft_may_lack_its_link_but_publishing_asks_for_it(console_client) -> None:
    response = console_client.post("/organizer/events/new", data={**NEW_EVENT, "join_url": ""})
    assert response.status_code == 303
    event = db.session.scalar(select(Event))
    assert event.status == EventStatus.DRAFT and event.join_url is None
    refused = console_client.post(f"/organizer/events/{event.id}/publish",
                                  follow_redirects=True)
    assert "Add the join link first (Edit): confirmed attendees get it in their invitation." \
        in text(page(refused))
    db.session.rollback()
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT
    console_client.post(f"/organizer/events/{event.id}/edit", data={
        **NEW_EVENT, "join_url": "https://meet.example.org/breakfast"})
    published = console_client.post(f"/organizer/events/{event.id}/publish",
                                    follow_redirects=True)
    assert "The roundtable is published." in page(published)


def test_publishing_names_everything_missing(app, organizer, make_event) -> None:
    event = make_event(status=EventStatus.DRAFT, contact_email=None, join_url=None)
    with pytest.raises(events.InvalidTransition) as refused:
        events.set_published(db.session, actor=organizer.id, now=NOW, event_id=event.id,
                             publish=True)
    db.session.rollback()
    assert refused.value.message.startswith(
        "Add the host's contact address and the join link first (Edit): ")


def test_an_in_person_event_publishes_without_a_link(app, organizer, make_event) -> None:
    event = make_event(status=EventStatus.DRAFT, format=EventFormat.IN_PERSON,
                       location="Berlin", join_url=None)
    events.set_published(db.session, actor=organizer.id, now=NOW, event_id=event.id,
                         publish=True)
    db.session.commit()
    assert db.session.get(Event, event.id).status == EventStatus.PUBLISHED


def test_a_published_online_event_keeps_its_link(console_client, make_event) -> None:
    event = make_event()
    response = console_client.post(f"/organizer/events/{event.id}/edit",
                                   data=edit_form(event, join_url="",
                                                  contact_email="host@example.org"))
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="join_url-error"' in body and "needs its join link" in body
    db.session.rollback()
    assert db.session.get(Event, event.id).join_url == "https://meet.example.org/room"


def test_shape_and_rule_mistakes_show_in_one_submit(console_client) -> None:
    """An empty title (the form's check) and an end before the start (the rules') at once."""
    data = {**NEW_EVENT, "title": "", "ends_local": "2030-06-05T17:00"}
    response = console_client.post("/organizer/events/new", data=data)
    assert response.status_code == 400
    body = text(response.get_data(as_text=True))
    assert "Please enter a title." in body  # the form's own check
    assert "The end must be after the start." in body  # the rules', in the same answer
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Event)) == 0
