"""Calendar files: RFC 5545/5546 shape, read back by icalendar and by vobject (independent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import icalendar
import pytest
import vobject

from roundtable.domain.models import EventFormat, EventStatus
from roundtable.notify import calendar

BASE = "https://roundtable.example.org"


def check_rfc5545(body: bytes) -> None:
    """Assert the generic rules: CRLF endings, lines folded at 75 octets, UTC DTSTAMP."""
    assert body.endswith(b"\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and b"\r" not in line for line in lines)
    assert all(len(line) <= 75 for line in lines), max(lines, key=len)
    unfolded = body.replace(b"\r\n ", b"")
    stamps = [line for line in unfolded.split(b"\r\n") if line.startswith(b"DTSTAMP")]
    assert stamps and all(s.endswith(b"Z") and b"TZID" not in s for s in stamps)


def instants(body: bytes) -> list[tuple[datetime, datetime]]:
    """Return (start, end) of each VEVENT as read by both parsers, after checking they agree."""
    by_icalendar = [
        (c.decoded("dtstart").astimezone(UTC), c.decoded("dtend").astimezone(UTC))
        for c in icalendar.Calendar.from_ical(body).walk("VEVENT")
    ]
    parsed = vobject.readOne(body.decode("utf-8"))
    by_vobject = [
        (v.dtstart.value.astimezone(UTC), v.dtend.value.astimezone(UTC)) for v in parsed.vevent_list
    ]
    assert by_icalendar == by_vobject
    return by_icalendar


@pytest.mark.parametrize(
    ("zone", "start"),
    [
        ("Europe/Berlin", datetime(2030, 3, 31, 8, 0, tzinfo=UTC)),  # the day clocks go forward
        ("America/New_York", datetime(2030, 11, 3, 14, 0, tzinfo=UTC)),  # the day they go back
        ("Europe/London", datetime(2030, 7, 1, 16, 0, tzinfo=UTC)),
        ("Asia/Kolkata", datetime(2030, 1, 10, 10, 30, tzinfo=UTC)),
        ("Australia/Lord_Howe", datetime(2030, 4, 7, 2, 0, tzinfo=UTC)),  # half-hour DST
    ],
)
def test_event_file_gives_the_exact_instants_in_any_zone(client, make_event, zone, start):
    event = make_event(timezone=zone, starts_at=start)
    response = client.get(f"/events/{event.slug}.ics")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="{event.slug}.ics"' in response.headers["Content-Disposition"]
    body = response.get_data()
    check_rfc5545(body)
    assert instants(body) == [(start, start + timedelta(hours=1))]
    assert f"DTSTART;TZID={zone}:".encode() in body
    assert f"TZID:{zone}".encode() in body


def test_public_file_is_publish_without_the_private_join_url(client, make_event) -> None:
    event = make_event(title="Leaders; candid, and \\ frank", summary="Line one\nline two")
    body = client.get(f"/events/{event.slug}.ics").get_data()
    cal = icalendar.Calendar.from_ical(body)
    assert cal["METHOD"] == "PUBLISH"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == "Leaders; candid, and \\ frank"
    assert b"SUMMARY:Leaders\\; candid\\, and \\\\ frank" in body  # escaped text
    assert b"meet.example.org" not in body
    assert str(vevent["UID"]) == calendar.public_uid(event, "http://127.0.0.1:5000")


def test_feed_lists_upcoming_published_events_only(client, make_event) -> None:
    shown = [make_event(title="Shown one"), make_event(title="Shown two")]
    make_event(title="Draft", status=EventStatus.DRAFT)
    make_event(title="Past", starts_at=datetime.now(UTC) - timedelta(days=2))
    response = client.get("/calendar.ics")
    body = response.get_data()
    check_rfc5545(body)
    cal = icalendar.Calendar.from_ical(body)
    assert sorted(str(v["SUMMARY"]) for v in cal.walk("VEVENT")) == [e.title for e in shown]
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT6H" in body
    assert len(instants(body)) == 2


def test_unknown_event_file_is_404(client) -> None:
    assert client.get("/events/nope.ics").status_code == 404


def _invite(event, method, sequence, name="Ada Lovelace"):
    return calendar.personal_invite(
        event,
        calendar.Invitee(name, "ada@analytical.example", sequence, f"{BASE}/events/{event.slug}"),
        method=method,
        status={"REQUEST": "CONFIRMED", "CANCEL": "CANCELLED", "PUBLISH": "TENTATIVE"}[method],
        base_url=BASE,
        organizer_name="Roundtable Team",
        organizer_email="team@example.org",
        now=datetime.now(UTC),
    )


def test_personal_invite_is_a_full_request(make_event) -> None:
    event = make_event(timezone="America/Chicago", starts_at=datetime(2030, 6, 4, 15, tzinfo=UTC))
    body = _invite(event, "REQUEST", 1, name='Ada "the Countess" Lovelace, FRS')
    check_rfc5545(body)
    cal = icalendar.Calendar.from_ical(body)
    assert cal["METHOD"] == "REQUEST"
    (vevent,) = cal.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.id}.invite@roundtable.example.org"
    assert vevent["SEQUENCE"] == 1 and str(vevent["STATUS"]) == "CONFIRMED"
    assert str(vevent["ORGANIZER"]) == "mailto:team@example.org"
    assert str(vevent["ATTENDEE"]) == "mailto:ada@analytical.example"
    assert vevent["ATTENDEE"].params["CN"] == 'Ada "the Countess" Lovelace, FRS'
    assert "https://meet.example.org/room" in str(vevent["DESCRIPTION"])
    assert "/r/" not in body.decode()  # no private link in a calendar others may see
    assert str(vevent["LOCATION"]) == "https://meet.example.org/room"
    (alarm,) = vevent.walk("VALARM")
    assert alarm.decoded("TRIGGER") == timedelta(minutes=-30)
    assert len(cal.walk("VTIMEZONE")) == 1
    assert instants(body) == [(event.starts_at, event.ends_at)]
    parsed = vobject.readOne(body.decode())
    assert parsed.vevent.attendee.value == "mailto:ada@analytical.example"


def test_cancel_and_hold_keep_the_uid_and_never_carry_the_join_url(make_event) -> None:
    event = make_event(format=EventFormat.IN_PERSON, location="Hotel Adlon, Berlin")
    request, cancel = _invite(event, "REQUEST", 1), _invite(event, "CANCEL", 2)
    hold = _invite(event, "PUBLISH", 3)
    parsed = [icalendar.Calendar.from_ical(b) for b in (request, cancel, hold)]
    uids = {str(c.walk("VEVENT")[0]["UID"]) for c in parsed}
    assert len(uids) == 1
    assert [c["METHOD"] for c in parsed] == ["REQUEST", "CANCEL", "PUBLISH"]
    assert [str(c.walk("VEVENT")[0]["STATUS"]) for c in parsed] == [
        "CONFIRMED",
        "CANCELLED",
        "TENTATIVE",
    ]
    assert str(parsed[0].walk("VEVENT")[0]["LOCATION"]) == "Hotel Adlon, Berlin"
    for body in (request, cancel, hold):
        check_rfc5545(body)
        assert instants(body) == [(event.starts_at, event.ends_at)]  # both parsers agree
    for body in (cancel, hold):
        assert b"meet.example.org" not in body and b"VALARM" not in body


def test_add_to_calendar_links(make_event) -> None:
    event = make_event(starts_at=datetime(2030, 1, 2, 9, 0, tzinfo=UTC))
    google = calendar.google_calendar_url(event, "details", "Online")
    assert google.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE")
    assert "dates=20300102T090000Z%2F20300102T100000Z" in google
    outlook = calendar.outlook_calendar_url(event, "details", "Online")
    assert "startdt=2030-01-02T09%3A00%3A00%2B00%3A00" in outlook


def test_event_page_links_the_calendar_file_and_services(client, make_event) -> None:
    event = make_event()
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert f'href="/events/{event.slug}.ics"' in page
    assert "calendar.google.com" in page and "outlook.live.com" in page
    assert 'href="/calendar.ics"' in page
