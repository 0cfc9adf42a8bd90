"""The review queue: pending signups with the engine's reasons, approve or decline in one click."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import EventStatus, OutboxMessage, Registration, RegistrationStatus
from roundtable.extensions import db
from roundtable.notify import compose

from conftest import NOW
from organizer_support import audit_rows, outbox_rows, page, text

S = RegistrationStatus
BORDERLINE = {"job_title": "Associate Director, Data", "seniority": "director"}


def fresh(registration_id: int) -> Registration:
    db.session.rollback()
    return db.session.get(Registration, registration_id)


def composed(kind: str) -> str:
    """Return the plain-text body of the last outbox message of ``kind`` as it would be sent."""
    message = db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id.desc())
    ).first()
    email = compose.compose(db.session, message, NOW)
    return email.get_body(("plain",)).get_content()


def test_borderline_signup_is_approved_into_a_seat_end_to_end(
    console_client, organizer, make_event, sign_up
) -> None:
    event = make_event(capacity=2, title="Data Leaders Roundtable")
    registration = sign_up(event, **BORDERLINE)
    assert registration.status == S.PENDING_REVIEW
    assert [(k, c) for k, _, c, _ in outbox_rows()] == [("pending_review", "PUBLISH")]

    body = page(console_client.get("/organizer/review"))
    assert "Ada Lovelace" in body and "Associate Director, Data" in body
    assert "Data Leaders Roundtable" in body and "2 seats left" in body
    assert ">Director<" in body  # the declared level
    reasons, rules = registrations.read_reasons(fresh(registration.id).eligibility_reasons)
    assert reasons  # the engine says why it could not decide, and the organizer sees it
    plain = html.unescape(text(body))
    for reason in reasons:
        assert reason[0].upper() + reason[1:] in plain  # shown as a sentence
    assert rules == ("R1",)  # and by the policy rule's id
    assert "Policy rules R1" in plain and "rules: R1" not in plain
    first_approve = re.search(r"<button[^>]*>Approve Ada Lovelace</button>", body).group(0)
    assert 'type="submit"' in first_approve and "autofocus" in first_approve

    response = console_client.post(f"/organizer/registrations/{registration.id}/approve")
    assert response.status_code == 303 and response.headers["Location"] == "/organizer/review"
    after = page(console_client.get("/organizer/review"))
    assert "Approved: they have a seat and will get the invitation." in after
    assert "Nothing to review" in after
    approved = fresh(registration.id)
    assert approved.status == S.CONFIRMED and approved.confirmed_at is not None
    rows = outbox_rows()
    assert [(k, r, c) for k, r, c, _ in rows][-1] == ("approved", registration.id, "REQUEST")
    assert rows[-1][3] > rows[0][3]  # the invitation supersedes the tentative hold
    assert "your seat is confirmed" in composed("approved")
    assert audit_rows()[-1] == ("registration.approved", organizer.id, event.id, registration.id)


def test_approval_when_full_goes_to_the_waiting_list(
    console_client, make_event, make_registration, sign_up
) -> None:
    event = make_event(capacity=1)
    make_registration(event)
    registration = sign_up(event, **BORDERLINE)
    response = console_client.post(f"/organizer/registrations/{registration.id}/approve",
                                   follow_redirects=True)
    assert "they are on the waiting list. The room is full." in page(response)
    approved = fresh(registration.id)
    assert approved.status == S.WAITLISTED and approved.queue_position is not None
    assert [(k, c) for k, _, c, _ in outbox_rows()][-1] == ("approved", "CANCEL")  # no hold


def test_decline_with_a_note(console_client, organizer, make_event, sign_up) -> None:
    event = make_event()
    registration = sign_up(event, **BORDERLINE)
    response = console_client.post(f"/organizer/registrations/{registration.id}/decline",
                                   data={"note": "This one is for people leading a team."})
    assert response.status_code == 303
    assert "Declined: they will be told by email." in page(console_client.get("/organizer/review"))
    declined = fresh(registration.id)
    assert declined.status == S.DECLINED and declined.status_reason == "Declined by an organizer."
    rows = outbox_rows()
    assert [(k, r, c) for k, r, c, _ in rows][-1] == ("declined", registration.id, "CANCEL")
    message = db.session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "declined"))
    assert message.payload["note"] == "This one is for people leading a team."
    assert "A note from the organizer: This one is for people leading a team." in composed(
        "declined")
    assert audit_rows()[-1] == ("registration.declined", organizer.id, event.id, registration.id)


def test_decline_without_a_note_is_one_click(console_client, make_event, sign_up) -> None:
    registration = sign_up(make_event(), **BORDERLINE)
    console_client.post(f"/organizer/registrations/{registration.id}/decline")
    assert fresh(registration.id).status == S.DECLINED
    assert "A note from the organizer" not in composed("declined")


def test_a_decision_is_taken_once(console_client, make_event, sign_up) -> None:
    registration = sign_up(make_event(), **BORDERLINE)
    console_client.post(f"/organizer/registrations/{registration.id}/approve")
    before = outbox_rows()
    again = console_client.post(f"/organizer/registrations/{registration.id}/approve",
                                follow_redirects=True)
    assert "Only a registration awaiting review can be approved." in page(again)
    late = console_client.post(f"/organizer/registrations/{registration.id}/decline",
                               follow_redirects=True)
    assert "Only a signup awaiting review can be declined" in page(late)
    assert fresh(registration.id).status == S.CONFIRMED
    assert outbox_rows() == before


def test_a_too_long_note_is_refused_and_nothing_changes(
    console_client, make_event, sign_up
) -> None:
    registration = sign_up(make_event(), **BORDERLINE)
    response = console_client.post(f"/organizer/registrations/{registration.id}/decline",
                                   data={"note": "x" * 1001}, follow_redirects=True)
    assert "Please keep the note under 1000 characters." in page(response)
    assert fresh(registration.id).status == S.PENDING_REVIEW


def test_queue_spans_events_and_skips_cancelled_or_past_ones(
    console_client, make_event, make_registration
) -> None:
    open_a = make_event(title="Open A")
    open_b = make_event(title="Open B")
    gone = make_event(title="Cancelled C", status=EventStatus.CANCELLED)
    past = make_event(title="Past D", starts_at=datetime.now(UTC) - timedelta(days=3))
    older = datetime.now(UTC) - timedelta(hours=2)
    make_registration(open_b, name="Second In", status=S.PENDING_REVIEW)
    make_registration(open_a, name="First In", status=S.PENDING_REVIEW, created_at=older)
    make_registration(gone, name="Hidden One", status=S.PENDING_REVIEW)
    make_registration(past, name="Hidden Two", status=S.PENDING_REVIEW)
    body = page(console_client.get("/organizer/review"))
    assert body.index("First In") < body.index("Second In")  # oldest first
    assert "Hidden One" not in body and "Hidden Two" not in body
    assert body.count("autofocus") == 1
    index = text(page(console_client.get("/organizer/")))
    assert "Review queue 2" in index


def test_cards_of_rows_kept_before_rule_ids_show_their_sentences(
    console_client, make_event, make_registration
) -> None:
    event = make_event()
    make_registration(event, name="Old Row", status=S.PENDING_REVIEW,
                      eligibility_reasons=["'Chief of Staff' has no clear level"])
    make_registration(event, name="New Row", status=S.PENDING_REVIEW,
                      eligibility_reasons=["'AVP' is an associate vice president", "rules: R2"])
    plain = html.unescape(text(page(console_client.get("/organizer/review"))))
    assert "'Chief of Staff' has no clear level" in plain
    assert "'AVP' is an associate vice president" in plain and "Policy rules R2" in plain
    assert plain.count("Policy rules") == 1 and "rules: R2" not in plain


def test_stored_reasons_keep_the_sentences_and_the_rule_ids() -> None:
    from roundtable.eligibility import assess

    verdict = assess("Engineer, CTO Office", "vp")
    stored = registrations.stored_reasons(verdict)
    assert stored[-1] == "rules: " + " ".join(verdict.rules)
    assert registrations.read_reasons(stored) == (list(verdict.reasons), verdict.rules)
    assert registrations.read_reasons(["an old sentence"]) == (["an old sentence"], ())
    assert registrations.read_reasons(None) == ([], ())


def test_review_all_events_say_why(console_client, make_event, make_registration) -> None:
    event = make_event(approval_mode="review_all")
    make_registration(event, status=S.PENDING_REVIEW, eligibility_reasons=[])
    assert "Every signup is reviewed for this roundtable." in page(
        console_client.get("/organizer/review"))


def test_the_queue_filters_by_event_and_sorts_by_waiting_time(
    console_client, make_event, make_registration
) -> None:
    from datetime import timedelta

    from conftest import NOW

    one, two = make_event(title="Breakfast One"), make_event(title="Dinner Two")
    make_registration(one, name="Early Bird", status=S.PENDING_REVIEW,
                      created_at=NOW - timedelta(days=2))
    make_registration(two, name="Late Owl", status=S.PENDING_REVIEW,
                      created_at=NOW - timedelta(hours=1))
    make_registration(one, name="Middle Way", status=S.PENDING_REVIEW,
                      created_at=NOW - timedelta(days=1))
    body = text(page(console_client.get("/organizer/review")))
    assert body.index("Early Bird") < body.index("Middle Way") < body.index("Late Owl")
    assert "waiting since" in body
    newest = text(page(console_client.get("/organizer/review?sort=newest")))
    assert newest.index("Late Owl") < newest.index("Middle Way") < newest.index("Early Bird")
    only_one = text(page(console_client.get(f"/organizer/review?event={one.id}")))
    assert "Early Bird" in only_one and "Middle Way" in only_one and "Late Owl" not in only_one
    index = page(console_client.get("/organizer/"))
    assert f'href="/organizer/review?event={one.id}">2</a>' in index
    assert page(console_client.get("/organizer/review?event=x99")).count("Late Owl") >= 1
