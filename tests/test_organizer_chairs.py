"""The organizer side of "no empty chairs": the event's settings, attendance at the check-in
page (close, import), a person's history on the review cards and lists, reconfirmation and the
dashboard's figures."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from test_organizer_events import NEW_EVENT, edit_form

from roundtable.domain.models import (
    Attendance,
    AuditEntry,
    Event,
    EventFormat,
    EventStatus,
    OutboxMessage,
    Reconfirmation,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from organizer_support import EMAIL, PASSWORD, audit_rows, outbox_rows, page, snapshot, text

S = RegistrationStatus

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
    assert settings(event.id) == (0, 0, 36, False, 24, 6, False)
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
    assert settings(created().id) == (0, 0, 24, False, 48, 6, False)




# --- Attendance: the check-in page, closing, importing ------------------------------------------

# Fixed instants: one roundtable that took place, one far ahead (the views read the real clock).
PAST_START = datetime(2026, 11, 20, 17, 0, tzinfo=UTC)
FUTURE_START = datetime(2030, 6, 5, 16, 0, tzinfo=UTC)


def fresh(registration_id: int) -> Registration:
    db.session.rollback()
    registration = db.session.get(Registration, registration_id)
    assert registration is not None
    return registration


def state() -> list[tuple[object, ...]]:
    """Return what attendance touches: each registration's arrival and outcome, each event's
    closing, the outbox and the audit log, read afresh."""
    db.session.rollback()
    return [
        *[(r.id, r.checked_in_at, r.attendance) for r in db.session.scalars(
            select(Registration).order_by(Registration.id))],
        *[(e.id, e.closed_at, e.closing_note) for e in db.session.scalars(
            select(Event).order_by(Event.id))],
        *outbox_rows(), *audit_rows(),
    ]


def test_an_online_roundtable_records_attendance(console_client, make_event,
                                                 make_registration) -> None:
    event = make_event(starts_at=FUTURE_START)
    guest = make_registration(event, name="Guest Online")
    body = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert "<h1 class=\"h3\">Attendance</h1>" in body
    assert ">Mark attended</button>" in body and "0 of 1 attended" in text(body)
    # Not started: nothing to close or import yet.
    assert "Close the roundtable" not in body and "Import attendance" not in body
    response = console_client.post(f"/organizer/registrations/{guest.id}/check-in",
                                   follow_redirects=True)
    assert "Guest Online is marked as attended." in page(response)
    assert fresh(guest.id).checked_in_at is not None


def test_closing_records_attendance_and_sends_the_follow_ups(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event(starts_at=PAST_START, format=EventFormat.IN_PERSON, location="Berlin")
    later = make_event(starts_at=FUTURE_START, slug="next-one")
    came = make_registration(event, name="Came Along")
    missed = make_registration(event, name="Missed Out")
    waiting = make_registration(event, name="Still Waiting", status=S.WAITLISTED,
                                queue_position=1)
    console_client.post(f"/organizer/registrations/{came.id}/check-in")
    body = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert "Close the roundtable" in body and 'name="note"' in body
    assert 'enctype="multipart/form-data"' in body and 'name="attendance_file"' in body

    response = console_client.post(f"/organizer/events/{event.id}/close",
                                   data={"note": "  Slides are on the wiki.  "})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/organizer/events/{event.id}/check-in"
    assert fresh(came.id).attendance == Attendance.ATTENDED
    assert fresh(missed.id).attendance == Attendance.NO_SHOW
    assert fresh(waiting.id).attendance is None
    db.session.rollback()
    closed = db.session.get(Event, event.id)
    assert closed.closed_at is not None and closed.closing_note == "Slides are on the wiki."
    messages = db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.kind.in_(["thank_you", "missed_you"])).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.registration_id) for m in messages] == [
        ("thank_you", came.id), ("missed_you", missed.id)]
    assert messages[0].payload["note"] == "Slides are on the wiki."
    assert messages[1].payload["next_slug"] == later.slug
    assert ("event.closed", organizer.id, event.id, None) in audit_rows()

    body = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert "The roundtable is closed: 1 person attended, 1 person did not come." in body
    assert "1 attended, 1 no-show" in text(body)
    assert '<span class="badge text-bg-success attendance">Attended</span>' in body
    assert '<span class="badge text-bg-warning attendance">No-show</span>' in body
    assert "Close the roundtable</button>" not in body  # closed once
    assert ">Mark no-show</button>" in body and ">Mark attended</button>" in body

    # The toggles still work: they correct the record.
    response = console_client.post(f"/organizer/registrations/{missed.id}/check-in",
                                   follow_redirects=True)
    assert "Missed Out is marked as attended." in page(response)
    assert fresh(missed.id).attendance == Attendance.ATTENDED
    response = console_client.post(f"/organizer/registrations/{came.id}/undo-check-in",
                                   follow_redirects=True)
    assert "Came Along is a no-show." in page(response)
    assert fresh(came.id).attendance == Attendance.NO_SHOW

    # Closing twice is refused, and changes nothing.
    before = state()
    response = console_client.post(f"/organizer/events/{event.id}/close", data={"note": "x"})
    assert response.status_code == 400
    assert "This roundtable is already closed; its attendance is recorded." in \
        response.get_data(as_text=True)
    assert state() == before


def test_a_roundtable_cannot_be_closed_before_it_starts(console_client, make_event,
                                                        make_registration) -> None:
    event = make_event(starts_at=FUTURE_START)
    make_registration(event)
    before = state()
    response = console_client.post(f"/organizer/events/{event.id}/close", data={"note": "hi"})
    assert response.status_code == 400
    assert "A roundtable can be closed once it has started, not before." in \
        response.get_data(as_text=True)
    assert state() == before


def test_a_note_too_long_is_refused(console_client, make_event) -> None:
    event = make_event(starts_at=PAST_START)
    before = state()
    response = console_client.post(f"/organizer/events/{event.id}/close",
                                   data={"note": "x" * 2001})
    assert response.status_code == 400
    assert "Please keep the note under 2000 characters." in response.get_data(as_text=True)
    assert state() == before


def upload(client, event_id: int, data: bytes, name: str = "attendance.csv"):
    return client.post(f"/organizer/events/{event_id}/attendance",
                       data={"attendance_file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


ZOOM_EXPORT = (
    b"Meeting ID,Topic,Start Time\r\n"
    b"123 456 789,Leadership roundtable,11/20/2026 06:00:00 PM\r\n"
    b"\r\n"
    b"Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes)\r\n"
    b"Ada L,ADA@Analytical.Example,11/20/2026 06:01:00 PM,11/20/2026 07:00:00 PM,59\r\n"
    b"Ada L,ada@analytical.example,11/20/2026 06:30:00 PM,11/20/2026 07:00:00 PM,30\r\n"
    b"Grace H,grace@navy.example,11/20/2026 06:02:00 PM,11/20/2026 07:00:00 PM,58\r\n"
    b"Stranger,stranger@elsewhere.example,11/20/2026 06:02:00 PM,11/20/2026 06:10:00 PM,8\r\n"
    b"Dial-in user,,11/20/2026 06:05:00 PM,11/20/2026 06:50:00 PM,45\r\n"
)


def test_importing_the_video_tools_list_marks_the_right_people(
    console_client, organizer, make_event, make_registration
) -> None:
    event = make_event(starts_at=PAST_START)
    ada = make_registration(event, name="Ada", email="ada@analytical.example")
    grace = make_registration(event, name="Grace", email="grace@navy.example",
                              checked_in_at=PAST_START)
    absent = make_registration(event, name="Absent", email="absent@example.com")
    cancelled = make_registration(event, email="stranger@elsewhere.example",
                                  status=S.CANCELLED)
    response = upload(console_client, event.id, ZOOM_EXPORT)
    assert response.status_code == 303
    body = text(page(console_client.get(response.headers["Location"])))
    assert ("Attendance imported: 1 person marked as attended, 1 already marked. 1 address in "
            "the file has no seat here: stranger@elsewhere.example. 1 row has no address."
            ) in body
    assert fresh(ada.id).checked_in_at is not None
    assert fresh(grace.id).checked_in_at == PAST_START
    assert fresh(absent.id).checked_in_at is None
    assert fresh(cancelled.id).checked_in_at is None
    assert ("attendance.imported", organizer.id, event.id, None) in audit_rows()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"   \r\n", "The file is empty."),
        (b"Name,Duration\r\nAda,59\r\n", "No email column found"),
        (bytes(range(256)) * 4, "nothing was changed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "nothing was changed"),
    ],
)
def test_a_bad_attendance_file_is_refused_and_changes_nothing(
    console_client, make_event, make_registration, data, message
) -> None:
    event = make_event(starts_at=PAST_START)
    make_registration(event, email="ada@analytical.example")
    before = state()
    response = upload(console_client, event.id, data)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert 'id="attendance_file-error"' in body and message in body
    assert state() == before


def test_an_import_without_a_file_asks_for_one(console_client, make_event) -> None:
    event = make_event(starts_at=PAST_START)
    before = state()
    response = console_client.post(f"/organizer/events/{event.id}/attendance", data={},
                                   content_type="multipart/form-data")
    assert response.status_code == 400
    assert "Please choose the attendance file (CSV) to import." in \
        response.get_data(as_text=True)
    assert state() == before


# --- History -----------------------------------------------------------------------------------


def past_record(make_event, make_registration, email: str) -> None:
    """Give ``email`` a history at two earlier roundtables: attended one, missed the other."""
    for n, outcome in enumerate((Attendance.ATTENDED, Attendance.NO_SHOW)):
        earlier = make_event(starts_at=PAST_START - timedelta(days=30 * (n + 1)),
                             closed_at=PAST_START)
        make_registration(earlier, email=email, attendance=outcome)


def test_history_shows_on_the_review_card_attendee_list_and_door_list(
    console_client, make_event, make_registration
) -> None:
    event = make_event(starts_at=FUTURE_START)
    past_record(make_event, make_registration, "Regular@Example.com")
    pending = make_registration(event, name="Regular Pending", email="regular@example.com",
                                status=S.PENDING_REVIEW, eligibility_outcome="review")
    newcomer = make_registration(event, name="New Comer", status=S.PENDING_REVIEW,
                                 eligibility_outcome="review")
    badge = '<span class="badge text-bg-light border history" title="At other roundtables">'

    review = page(console_client.get("/organizer/review"))
    card = review.split(f'id="r{pending.id}"')[1].split("</li>")[0]
    assert f"{badge}1 attended, 1 no-show</span>" in card
    assert "Came before" in card and "1 no-show in the last 12 months" in text(card)
    other = review.split(f'id="r{newcomer.id}"')[1].split("</li>")[0]
    assert badge not in other and "Came before" not in other

    listed = page(console_client.get(f"/organizer/events/{event.id}/attendees"))
    row = listed.split(f'id="r{pending.id}"')[1].split("</tr>")[0]
    assert f"{badge}1 attended, 1 no-show</span>" in row

    db.session.get(Registration, pending.id).status = S.CONFIRMED
    db.session.commit()
    door = page(console_client.get(f"/organizer/events/{event.id}/check-in"))
    assert f"{badge}1 attended, 1 no-show</span>" in door.split(f'id="r{pending.id}"')[1]


# --- Reconfirmation and the dashboard -------------------------------------------------------


def test_the_attendee_list_shows_still_coming_answers_and_offers(
    console_client, make_event, make_registration
) -> None:
    event = make_event(starts_at=FUTURE_START, timezone="UTC")
    asked = datetime(2030, 6, 2, 16, 0, tzinfo=UTC)
    yes = make_registration(event, reconfirm_asked_at=asked, reconfirmation=Reconfirmation.YES,
                            reconfirmed_at=asked)
    quiet = make_registration(event, reconfirm_asked_at=asked)
    gave_back = make_registration(event, status=S.CANCELLED, reconfirm_asked_at=asked,
                                  reconfirmation=Reconfirmation.RELEASED)
    lapsed = make_registration(event, status=S.CANCELLED, reconfirm_asked_at=asked,
                               reconfirmation=Reconfirmation.LAPSED)
    offered = make_registration(event, status=S.OFFERED,
                                offer_expires_at=datetime(2030, 6, 4, 22, 0, tzinfo=UTC))
    never = make_registration(event)
    body = page(console_client.get(f"/organizer/events/{event.id}/attendees"))

    def row(r: Registration) -> str:
        return text(body.split(f'id="r{r.id}"')[1].split("</tr>")[0])

    assert "Still coming: yes" in row(yes)
    assert "Still coming: no answer yet (asked Sun 2 Jun 16:00 )" in row(quiet)
    assert "Still coming: released their seat" in row(gave_back)
    assert "Still coming: no answer by the deadline: seat released" in row(lapsed)
    assert "Offered a seat" in row(offered)
    assert "Offer open until Tue 4 Jun 22:00" in row(offered)
    assert "Still coming" not in row(never)


def test_the_dashboard_shows_the_no_empty_chairs_figures(
    console_client, make_event, make_registration
) -> None:
    event = make_event(starts_at=PAST_START, timezone="UTC")
    asked = PAST_START - timedelta(hours=72)
    for _ in range(3):
        make_registration(event, reconfirm_asked_at=asked, reconfirmation=Reconfirmation.YES)
    make_registration(event, reconfirm_asked_at=asked)
    make_registration(event, status=S.CANCELLED, reconfirm_asked_at=asked,
                      reconfirmation=Reconfirmation.RELEASED)
    make_registration(event, status=S.CANCELLED, late_cancellation=True)
    make_registration(event, promoted_at=PAST_START - timedelta(hours=30))
    make_registration(event, status=S.OFFERED,
                      offer_expires_at=PAST_START - timedelta(hours=2))
    body = text(page(console_client.get(f"/organizer/events/{event.id}")))
    assert "No empty chairs" in body
    assert "Still coming 60% 3 of 5 asked, 1 no answer yet" in body
    assert "Seats released 2 1 released, 0 not answered, 1 cancelled late" in body
    assert "Refilled 1 from the waiting list" in body
    assert "Offers open 1 awaiting acceptance" in body
    assert "No-show rate" not in body  # not closed yet

    response = console_client.post(f"/organizer/events/{event.id}/close")
    assert response.status_code == 303
    body = text(page(console_client.get(f"/organizer/events/{event.id}")))
    assert "Attended 0 No-shows 5 No-show rate 100%" in body


def test_the_dashboard_says_when_a_roundtable_does_not_ask(console_client, make_event) -> None:
    event = make_event(starts_at=FUTURE_START, reconfirm_hours=0, offer_window_hours=0)
    body = text(page(console_client.get(f"/organizer/events/{event.id}")))
    assert "This roundtable does not ask “Still coming?”." in body
    assert "A freed seat always goes to the next person at once." in body
    assert "Still coming — 0 of 0 asked" in body


@pytest.mark.parametrize("url", ["/organizer/review", "/organizer/events/{e}/attendees",
                                 "/organizer/events/{e}/check-in", "/organizer/events/{e}"])
def test_history_and_figures_cost_a_fixed_number_of_queries(
    console_client, make_event, make_registration, count_queries, url
) -> None:
    event = make_event(starts_at=FUTURE_START, capacity=100)
    earlier = make_event(starts_at=PAST_START - timedelta(days=60), closed_at=PAST_START)
    counter = iter(range(10_000))

    def grow(n: int) -> None:
        for _ in range(n):
            i = next(counter)
            email = f"regular{i}@example.com"
            make_registration(earlier, email=email, attendance=Attendance.NO_SHOW)
            make_registration(event, email=email, status=S.PENDING_REVIEW if i % 2
                              else S.CONFIRMED, reconfirm_asked_at=PAST_START)

    target = url.format(e=event.id)
    grow(2)
    console_client.get(target)
    db.session.expire_all()
    with count_queries() as few:
        body = page(console_client.get(target))
        assert "1 no-show" in body or url.endswith("{e}")
    grow(20)
    db.session.expire_all()
    with count_queries() as many:
        assert console_client.get(target).status_code == 200
    assert len(many) == len(few), many


def test_close_and_import_need_the_token_from_the_page(make_app, organizer) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        event = Event(slug="csrf-check", title="Took place", host="Olive",
                      contact_email="host@example.org", format=EventFormat.ONLINE,
                      join_url="https://meet.example.org/room", starts_at=PAST_START,
                      ends_at=PAST_START + timedelta(hours=1), timezone="UTC", capacity=5,
                      status=EventStatus.PUBLISHED)
        db.session.add(event)
        db.session.commit()
        client = app.test_client()
        login = client.get("/organizer/login").get_data(as_text=True)
        client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD,
                                              "csrf_token": token_of(login)})
        before = state()
        refused = client.post(f"/organizer/events/{event.id}/close", data={"note": "x"})
        assert refused.status_code == 400 and state() == before
        refused = client.post(f"/organizer/events/{event.id}/attendance",
                              data={"attendance_file": (io.BytesIO(b"Email\r\n"), "a.csv")},
                              content_type="multipart/form-data")
        assert refused.status_code == 400 and state() == before

        body = page(client.get(f"/organizer/events/{event.id}/check-in"))
        # Both forms carry the token (one per session).
        for action in ("attendance", "close"):
            form = body.split(f'action="/organizer/events/{event.id}/{action}"')[1]
            assert 'name="csrf_token" type="hidden"' in form.split("</form>")[0]
        token = token_of(body)
        imported = client.post(
            f"/organizer/events/{event.id}/attendance",
            data={"attendance_file": (io.BytesIO(b"Email\r\nnobody@example.com\r\n"), "a.csv"),
                  "csrf_token": token},
            content_type="multipart/form-data")
        assert imported.status_code == 303
        closed = client.post(f"/organizer/events/{event.id}/close",
                             data={"csrf_token": token})
        assert closed.status_code == 303
        db.session.rollback()
        assert db.session.get(Event, event.id).closed_at is not None


def token_of(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match
    return match[1]
