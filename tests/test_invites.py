"""Calendar files: RFC 5545/5546 shape, read back by icalendar, vobject and ical.js.

ical.js is Thunderbird's parser (npm, pinned in package.json, installed by ``make install``); it
reads the time zones only from the file's own VTIMEZONE, as Thunderbird and libical do, so it
sees what a wrong VTIMEZONE would do to an attendee.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from roundtable.domain.models import EventFormat, EventStatus
from roundtable.notify import calendar

BASE = "https://roundtable.example.org"
ROOT = Path(__file__).resolve().parent.parent
ICALJS_READER = Path(__file__).with_name("icaljs_read.mjs")
MARGIN_DAYS = 365  # ical.js's offsets are checked from a year before the events to a year after


def read_with_icaljs(*bodies: bytes) -> list[dict[str, Any]]:
    """Return what ical.js reads from each calendar (see tests/icaljs_read.mjs), in one process."""
    node = shutil.which("node")
    if node is None or not (ROOT / "node_modules" / "ical.js").is_dir():
        pytest.fail("ical.js is not installed: run `make install` (it runs `npm ci`)")
    result = subprocess.run(
        [node, str(ICALJS_READER), str(MARGIN_DAYS)],
        input=b"".join(bodies),
        capture_output=True,
        timeout=60,
        env={"PATH": os.environ.get("PATH", ""), "TZ": "UTC"},  # floating times would read as UTC
    )
    assert result.returncode == 0, result.stderr.decode()
    parsed: list[dict[str, Any]] = json.loads(result.stdout)
    assert len(parsed) == len(bodies)
    return parsed


def offset_mismatches(parsed: dict[str, Any]) -> list[str]:
    """Return the days on which ical.js's offset (12:00 local) differs from the IANA zone's."""
    wrong = []
    for tzid, days in parsed["offsets"].items():
        zone = ZoneInfo(tzid)
        for day, seconds in days.items():
            offset = datetime.combine(date.fromisoformat(day), time(12), zone).utcoffset()
            assert offset is not None
            if seconds != (expected := offset.total_seconds()):
                wrong.append(f"{tzid} {day}: ical.js {seconds} s, zoneinfo {expected:.0f} s")
    return wrong


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
    """Return (start, end) of each VEVENT as read by the three parsers, after checking they agree.

    ical.js must also resolve every TZID from the file and derive the IANA zone's offset on every
    day from a year before the events to a year after.
    """
    cal = icalendar.Calendar.from_ical(body)
    by_icalendar = [
        (c.decoded("dtstart").astimezone(UTC), c.decoded("dtend").astimezone(UTC))
        for c in cal.walk("VEVENT")
    ]
    parsed = vobject.readOne(body.decode("utf-8"))
    by_vobject = [
        (v.dtstart.value.astimezone(UTC), v.dtend.value.astimezone(UTC)) for v in parsed.vevent_list
    ]
    assert by_icalendar == by_vobject
    (by_icaljs,) = read_with_icaljs(body)
    assert by_icaljs["method"] == str(cal["METHOD"])
    events = by_icaljs["events"]
    assert [e["uid"] for e in events] == [str(c["UID"]) for c in cal.walk("VEVENT")]
    assert [
        (datetime.fromtimestamp(e["start"], UTC), datetime.fromtimestamp(e["end"], UTC))
        for e in events
    ] == by_icalendar
    assert "floating" not in {e["start_zone"] for e in events} | {e["end_zone"] for e in events}
    assert offset_mismatches(by_icaljs) == []
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
    assert instants(body) == [(event.starts_at, event.ends_at)]


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


def test_downloaded_invitation_is_read_alike_by_three_parsers(client, make_event, sign_up):
    from roundtable.domain import registrations

    from conftest import SECRET

    event = make_event(timezone="America/Santiago", starts_at=datetime(2030, 4, 6, 23, tzinfo=UTC))
    token = registrations.manage_token(SECRET, sign_up(event))
    body = client.get(f"/r/{token}/invite.ics").get_data()
    check_rfc5545(body)
    assert instants(body) == [(event.starts_at, event.ends_at)]


def test_mailed_hold_invitation_and_cancellation_are_read_alike(
    client, make_event, sign_up, organizer
) -> None:
    """The text/calendar part and the invite.ics attachment of each mail, read by three parsers."""
    from sqlalchemy import select

    from roundtable.domain import registrations
    from roundtable.domain.models import ApprovalMode, OutboxMessage
    from roundtable.extensions import db
    from roundtable.notify import compose

    from conftest import SECRET

    event = make_event(approval_mode=ApprovalMode.REVIEW_ALL, timezone="Europe/Dublin",
                       starts_at=datetime(2030, 10, 27, 9, 0, tzinfo=UTC))
    registration = sign_up(event)  # awaits review: a tentative hold
    registrations.approve(db.session, actor=organizer.id, now=datetime.now(UTC),
                          registration_id=registration.id)
    db.session.commit()
    client.post(f"/r/{registrations.manage_token(SECRET, registration)}/cancel")
    db.session.rollback()
    methods, uids = [], set()
    for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)):
        email = compose.compose(db.session, message, datetime.now(UTC))
        part = next(p for p in email.walk() if p.get_content_type() == "text/calendar")
        attached = next(p for p in email.walk() if p.get_content_type() == "application/ics")
        body = part.get_payload(decode=True)
        assert attached.get_payload(decode=True) == body
        check_rfc5545(body)
        assert instants(body) == [(event.starts_at, event.ends_at)]
        cal = icalendar.Calendar.from_ical(body)
        methods.append(part.get_param("method"))
        assert cal["METHOD"] == methods[-1]
        uids.add(str(cal.walk("VEVENT")[0]["UID"]))
    assert methods == ["PUBLISH", "REQUEST", "CANCEL"]
    assert uids == {calendar.invite_uid(event, "http://127.0.0.1:5000")}


# --- One entry per person: the public file and the personal invitation ------------------------


def test_public_file_and_personal_invitation_are_separate_calendar_objects(make_event) -> None:
    # The invitation is the organizer's scheduling object (ORGANIZER, ATTENDEE, REQUEST/CANCEL,
    # a SEQUENCE per attendee); the public file is a plain published copy. Sharing a UID would
    # make clients treat the copy as a stale or conflicting version of the invitation.
    event = make_event()
    public = icalendar.Calendar.from_ical(
        calendar.public_calendar([event], base_url=BASE, now=datetime.now(UTC), name="x")
    ).walk("VEVENT")[0]
    invite = icalendar.Calendar.from_ical(_invite(event, "REQUEST", 1)).walk("VEVENT")[0]
    assert str(public["UID"]) == calendar.public_uid(event, BASE)
    assert str(invite["UID"]) == calendar.invite_uid(event, BASE) != str(public["UID"])
    assert "ORGANIZER" not in public and "ATTENDEE" not in public
    # Someone who added the public file before registering is told what to do with it.
    assert "personal invitation" in str(public["DESCRIPTION"])


@pytest.mark.parametrize("approval_mode", ["auto", "review_all"])
def test_a_registrant_is_offered_only_the_personal_invitation(
    client, make_event, sign_up, approval_mode
) -> None:
    """The page after signing up, the private page and the mail never offer the public file."""
    from sqlalchemy import select

    from roundtable.domain import registrations
    from roundtable.domain.models import ApprovalMode, OutboxMessage
    from roundtable.extensions import db
    from roundtable.notify import compose

    from conftest import SECRET

    event = make_event(approval_mode=ApprovalMode(approval_mode))
    public_file = f"/events/{event.slug}.ics"
    assert public_file in client.get(f"/events/{event.slug}").get_data(as_text=True)
    registration = sign_up(event)
    outcome = client.get(f"/events/{event.slug}/registered").get_data(as_text=True)
    assert ("You have a seat" in outcome) == (approval_mode == "auto")
    token = registrations.manage_token(SECRET, registration)
    private = client.get(f"/r/{token}").get_data(as_text=True)
    assert (f'href="/r/{token}/invite.ics"' in private) == (approval_mode == "auto")
    (message,) = db.session.scalars(select(OutboxMessage))
    email = compose.compose(db.session, message, datetime.now(UTC))
    mail = [p.get_content() for p in email.walk() if p.get_content_type() in
            ("text/plain", "text/html")]
    for page in (outcome, private, *mail):
        assert public_file not in page


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


# --- Time zones, as Thunderbird reads them ---------------------------------------------------

# An event in each zone, on or near one of its clock changes where it has them.
SWEEP = {
    "Europe/London": datetime(2030, 3, 31, 9, 0, tzinfo=UTC),  # the day clocks go forward
    "America/New_York": datetime(2030, 11, 3, 14, 0, tzinfo=UTC),  # the day they go back
    "Australia/Sydney": datetime(2030, 4, 7, 0, 0, tzinfo=UTC),  # southern hemisphere
    "America/Santiago": datetime(2030, 4, 7, 15, 0, tzinfo=UTC),  # southern, at midnight
    "Asia/Kolkata": datetime(2030, 1, 10, 10, 30, tzinfo=UTC),  # +05:30
    "Asia/Kathmandu": datetime(2030, 6, 15, 6, 15, tzinfo=UTC),  # +05:45
    "Australia/Lord_Howe": datetime(2030, 10, 6, 1, 0, tzinfo=UTC),  # 30-minute DST
    "Pacific/Chatham": datetime(2030, 9, 29, 1, 0, tzinfo=UTC),  # +12:45 / +13:45
    "America/St_Johns": datetime(2030, 3, 10, 13, 30, tzinfo=UTC),  # -03:30 / -02:30
    "Africa/Casablanca": datetime(2030, 1, 20, 10, 0, tzinfo=UTC),  # +00 during Ramadan
    "Europe/Dublin": datetime(2030, 10, 27, 11, 0, tzinfo=UTC),  # negative DST in tzdata
    "UTC": datetime(2030, 6, 1, 9, 0, tzinfo=UTC),
}


def transient_event(zone: str, starts_at: datetime) -> Any:
    """Return an event that is never stored: the calendar module needs no database."""
    from roundtable.domain.models import Event

    stamp = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    return Event(
        id=7, slug="sweep", title=f"Roundtable in {zone}", summary="Sweep.", host="Host",
        format=EventFormat.IN_PERSON, location="Town hall", join_url=None,
        starts_at=starts_at, ends_at=starts_at + timedelta(hours=2), timezone=zone,
        capacity=10, status=EventStatus.PUBLISHED, sequence=0, created_at=stamp, updated_at=stamp,
    )


@pytest.fixture(scope="module")
def swept() -> dict[str, list[tuple[bytes, dict[str, Any]]]]:
    """Return each zone's public file and invitation with what ical.js read, one node run."""
    now = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    files: dict[str, list[bytes]] = {}
    for zone, start in SWEEP.items():
        event = transient_event(zone, start)
        files[zone] = [
            calendar.public_calendar([event], base_url=BASE, now=now, name=event.title),
            calendar.personal_invite(
                event, calendar.Invitee("Ada", "ada@analytical.example", 1, f"{BASE}/events/x"),
                method="REQUEST", status="CONFIRMED", base_url=BASE,
                organizer_name="Team", organizer_email="team@example.org", now=now,
            ),
        ]
    parsed = iter(read_with_icaljs(*(body for bodies in files.values() for body in bodies)))
    return {zone: [(body, next(parsed)) for body in bodies] for zone, bodies in files.items()}


@pytest.mark.parametrize("zone", SWEEP)
def test_icaljs_reads_the_iana_offset_every_day_from_a_year_before_to_a_year_after(swept, zone):
    start = SWEEP[zone]
    for body, parsed in swept[zone]:
        (event,) = parsed["events"]
        assert (event["start"], event["end"]) == (start.timestamp(), start.timestamp() + 7200)
        assert event["start_zone"] == event["end_zone"] == zone
        if zone == "UTC":
            assert parsed["offsets"] == {} and b"VTIMEZONE" not in body  # written as ...Z
            continue
        days = parsed["offsets"][zone]
        first, last = date.fromisoformat(min(days)), date.fromisoformat(max(days))
        local = start.astimezone(ZoneInfo(zone)).date()
        assert (first, last) == (local - timedelta(MARGIN_DAYS), local + timedelta(MARGIN_DAYS))
        assert len(days) == (last - first).days + 1
        wrong = offset_mismatches(parsed)
        assert not wrong, f"{len(wrong)} of {len(days)} days wrong, e.g. {wrong[:3]}"


@pytest.mark.parametrize(
    "start",
    [
        datetime(2030, 10, 27, 0, 30, tzinfo=UTC),  # 01:30 BST, the first of two 01:30s
        datetime(2030, 10, 27, 1, 30, tzinfo=UTC),  # 01:30 GMT, the second
    ],
)
def test_a_local_time_that_occurs_twice_is_written_in_utc(start) -> None:
    event = transient_event("Europe/London", start)
    body = calendar.public_calendar([event], base_url=BASE, now=start, name=event.title)
    assert f"DTSTART:{start:%Y%m%dT%H%M%S}Z".encode() in body
    assert b"DTEND;TZID=Europe/London:" in body  # two hours later is unambiguous again
    assert instants(body) == [(start, start + timedelta(hours=2))]


@pytest.mark.parametrize("zone", SWEEP)
def test_every_rdate_observance_repeats_its_dtstart(swept, zone) -> None:
    # ical.js and libical skip the DTSTART of an observance that has RDATEs but does not repeat
    # it among them, and ical.js reads only the first value of each RDATE line.
    for body, _ in swept[zone]:
        for vtimezone in icalendar.Calendar.from_ical(body).walk("VTIMEZONE"):
            for observance in vtimezone.subcomponents:
                rdates = observance.get("RDATE", [])
                rdates = rdates if isinstance(rdates, list) else [rdates]
                assert all(len(line.dts) == 1 for line in rdates)
                if rdates:
                    onsets = {line.dts[0].dt for line in rdates}
                    assert observance.decoded("DTSTART") in onsets, observance.to_ical()
