"""Event times are bounded (from now to five years ahead, a week long at most) and zones are the
canonical IANA names of places (or UTC); the rest gets a message beside the field."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from roundtable import create_app
from roundtable.config import ConfigError
from roundtable.domain import events, zones
from roundtable.domain.models import Event, EventFormat
from roundtable.extensions import db

from conftest import NOW, base_config

SOON = (datetime.now(UTC) + timedelta(days=60)).replace(hour=18, minute=0, second=0, microsecond=0)
FORM = {
    "title": "Platform Leaders Breakfast",
    "slug": "platform-breakfast",
    "host": "Olive",
    "format": "online",
    "join_url": "https://meet.example.org/breakfast",
    "starts_local": f"{SOON:%Y-%m-%dT%H:%M}",
    "ends_local": f"{SOON + timedelta(minutes=90):%Y-%m-%dT%H:%M}",
    "timezone": "Europe/Berlin",
    "capacity": "12",
    "minimum_level": "director",
    "approval_mode": "auto",
}


def event_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Event)) or 0


def local(instant: datetime) -> str:
    return f"{instant:%Y-%m-%dT%H:%M}"


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"starts_local": "9999-12-31T23:00", "ends_local": "9999-12-31T23:30"},
     "starts_local", "between the years"),
    ({"starts_local": "0001-01-01T00:00", "ends_local": "0001-01-01T01:00"},
     "starts_local", "between the years"),
    ({"ends_local": "9999-12-31T23:59"}, "ends_local", "between the years"),
    ({"ends_local": f"{SOON + timedelta(days=15):%Y-%m-%dT%H:%M}"}, "ends_local",
     "at most 7 days"),
    ({"starts_local": local(datetime.now(UTC) + timedelta(days=5 * 366)),
      "ends_local": local(datetime.now(UTC) + timedelta(days=5 * 366, hours=1))},
     "starts_local", "at most five years ahead"),
])
def test_event_times_out_of_bounds_are_refused_beside_the_field(console_client, changes, field,
                                                                message) -> None:
    response = console_client.post("/organizer/events/new", data={**FORM, **changes})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert f'id="{field}-error"' in body and message in body
    assert event_count() == 0


def test_an_edit_to_year_9999_is_refused_and_the_event_keeps_its_times(console_client,
                                                                      make_event) -> None:
    event = make_event()
    before = (event.starts_at, event.ends_at)
    details = events.details_of(event)
    form = {**FORM, "slug": event.slug, "timezone": event.timezone,
            "starts_local": "9999-12-31T22:00", "ends_local": "9999-12-31T23:00"}
    response = console_client.post(f"/organizer/events/{event.id}/edit", data=form)
    assert response.status_code == 400
    db.session.rollback()
    stored = db.session.get(Event, event.id)
    assert (stored.starts_at, stored.ends_at) == before
    assert details.starts_local.year < 9999
    ics = console_client.get(f"/events/{event.slug}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.get_data()


def details(**changes: object) -> events.EventDetails:
    start = (NOW + timedelta(days=30)).replace(tzinfo=None)
    values: dict[str, object] = {
        "title": "T", "slug": "t", "host": "H", "format": EventFormat.ONLINE,
        "starts_local": start, "ends_local": start + timedelta(hours=1), "timezone": "UTC",
        "capacity": 5, **changes}
    return events.EventDetails(**values)  # type: ignore[arg-type]


def test_the_domain_bounds_the_start_to_five_years_ahead(app, organizer) -> None:
    near = (NOW + events.FURTHEST_AHEAD - timedelta(hours=1)).replace(tzinfo=None)
    event = events.create_event(db.session(), actor=organizer.id, now=NOW,
                                details=details(starts_local=near,
                                                ends_local=near + timedelta(hours=1)))
    assert event.starts_at.year == NOW.year + 5
    far = near + timedelta(hours=2)
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.create_event(db.session(), actor=organizer.id, now=NOW,
                            details=details(slug="u", starts_local=far,
                                            ends_local=far + timedelta(hours=1)))
    assert refused.value.field == "starts_local"
    with pytest.raises(events.InvalidEventDetails) as refused:
        events.update_event(db.session(), actor=organizer.id, now=NOW, event_id=event.id,
                            details=details(starts_local=far, ends_local=far + timedelta(hours=1)))
    assert refused.value.field == "starts_local"
    for year in (1, 9999):
        with pytest.raises(events.InvalidEventDetails):
            events.create_event(db.session(), actor=organizer.id, now=NOW, details=details(
                slug="v", starts_local=datetime(year, 1, 1, 12),
                ends_local=datetime(year, 1, 1, 13)))


def test_an_event_already_under_way_can_still_be_edited(app, organizer, make_event) -> None:
    started = datetime.now(UTC) - timedelta(days=1)
    event = make_event(starts_at=started.replace(second=0, microsecond=0),
                       ends_at=started + timedelta(days=2))
    current = events.details_of(event)
    update = events.update_event(db.session(), actor=organizer.id, now=datetime.now(UTC),
                                 event_id=event.id,
                                 details=events.EventDetails(**{**vars(current), "title": "New"}))
    assert update.changes == []


# --- Time zones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("entered", "message"), [
    ("EST", "EST: did you mean America/New_York or America/Toronto?"),
    ("est", "est: did you mean America/New_York or America/Toronto?"),
    ("CEST", "CEST: did you mean Europe/Berlin, Europe/Paris or Europe/Madrid?"),
    ("IST", "did you mean Asia/Kolkata, Europe/Dublin or Asia/Jerusalem?"),
    ("US/Eastern", "US/Eastern: did you mean America/New_York?"),
    ("Asia/Calcutta", "did you mean Asia/Kolkata?"),
    ("EST5EDT", "did you mean America/New_York?"),
    ("Etc/UTC", "did you mean UTC?"),
    ("Zulu", "did you mean UTC?"),
    ("europe/london", "did you mean Europe/London?"),
    ("localtime", "is not a time zone we know"),
    ("Factory", "is not a time zone we know"),
    ("posixrules", "is not a time zone we know"),
    ("Etc/GMT+5", "is not a time zone we know"),
    ("Mars/Olympus_Mons", "is not a time zone we know"),
    ("../../etc/passwd", "is not a time zone we know"),
])
def test_zones_must_be_places_and_abbreviations_get_likely_zones(console_client, entered,
                                                                 message) -> None:
    response = console_client.post("/organizer/events/new", data={**FORM, "timezone": entered})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="timezone-error"' in body and message in body
    assert event_count() == 0


@pytest.mark.parametrize("zone", ["UTC", "Europe/Oslo", "America/Argentina/Buenos_Aires",
                                  "Asia/Kolkata", "Pacific/Chatham"])
def test_canonical_zones_and_utc_are_accepted(console_client, zone) -> None:
    response = console_client.post("/organizer/events/new", data={**FORM, "timezone": zone})
    assert response.status_code == 303
    assert event_count() == 1


def test_the_zone_list_offers_only_places() -> None:
    names = zones.canonical_names()
    assert "Europe/London" in names and "UTC" in names
    for alias in ("EST", "US/Eastern", "Factory", "localtime", "Etc/GMT+5", "GMT", "Zulu",
                  "Asia/Calcutta", "CET"):
        assert alias not in names
    assert 400 < len(names) < 500


def test_every_suggested_zone_is_canonical() -> None:
    for abbreviation, suggested in zones.ABBREVIATIONS.items():
        assert suggested and all(zones.is_canonical(z) for z in suggested), abbreviation


@pytest.mark.parametrize("zone", ["EST", "US/Eastern", "localtime", "Etc/GMT-1"])
def test_the_default_zone_setting_must_be_a_place(database_url, zone) -> None:
    with pytest.raises(ConfigError, match="DEFAULT_TIMEZONE"):
        create_app(base_config(database_url, DEFAULT_TIMEZONE=zone))
