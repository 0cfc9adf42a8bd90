"""End to end in a real browser: Debian's Chromium driven by Playwright, against gunicorn.

Every page a test visits with scripts on is checked with axe-core (see conftest.py).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from roundtable.domain import registrations, schedule
from roundtable.domain.models import Registration, RegistrationStatus
from roundtable.extensions import db

from conftest import SECRET

pytestmark = pytest.mark.browser


def fill_signup(page: Page, email: str = "ada@analytical.example", title: str = "CTO") -> None:
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Company").fill("Analytical Engines")
    page.get_by_label("Job title").fill(title)
    page.get_by_label("Seniority level").select_option("c_level")
    page.get_by_label("I agree").check()


def test_leader_signs_up_and_learns_at_once_they_have_a_seat(server, page, make_event,
                                                            accessible) -> None:
    event = make_event(title="AI Adoption Roundtable")
    page.goto(server + "/")
    accessible(page)
    page.get_by_role("link", name="AI Adoption Roundtable").click()
    expect(page.get_by_role("heading", name="AI Adoption Roundtable")).to_be_visible()
    fill_signup(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="You have a seat")).to_be_visible()
    # The form is sent to its #signup anchor; the redirect keeps the fragment, which names nothing.
    assert urlsplit(page.url).path == f"/events/{event.slug}/registered"
    accessible(page)


def test_leader_confirms_the_address_from_the_mail_on_a_phone(server, open_page, make_event,
                                                              accessible) -> None:
    from roundtable.domain import signups
    from roundtable.domain.models import SignupRequest

    event = make_event(title="Confirmed Roundtable", confirm_email=True)
    page = open_page(375)
    page.goto(f"{server}/events/{event.slug}")
    fill_signup(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
    db.session.rollback()
    assert db.session.scalars(select(Registration)).all() == []  # nothing held yet
    request = db.session.scalars(select(SignupRequest)).one()
    page.goto(f"{server}/events/{event.slug}/confirm/"
              f"{signups.confirmation_token(SECRET, request)}")
    accessible(page)
    page.get_by_role("button", name="Confirm my signup").click()
    expect(page.get_by_role("heading", name="You have a seat")).to_be_visible()


def test_mistakes_are_shown_beside_the_fields_and_values_kept(server, page, make_event,
                                                             accessible) -> None:
    event = make_event()
    page.goto(f"{server}/events/{event.slug}")
    fill_signup(page, email="not-an-email")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_label("Work email")).to_have_accessible_description(
        re.compile("Please enter a valid email address"))
    expect(page.get_by_label("Full name")).to_have_value("Ada Lovelace")
    expect(page.get_by_label("Work email")).to_have_attribute("aria-invalid", "true")
    accessible(page)
    db.session.rollback()
    assert db.session.scalars(select(Registration)).all() == []


def test_attendee_cancels_from_the_private_link(server, page, make_event, sign_up,
                                                accessible) -> None:
    event = make_event(capacity=1)
    seated = sign_up(event)
    waiting = sign_up(event, email="grace@navy.example", name="Grace Hopper")
    page.goto(f"{server}/r/{registrations.manage_token(SECRET, seated)}")
    expect(page.get_by_text("You have a seat.")).to_be_visible()
    accessible(page)
    page.get_by_role("link", name="Cancel my registration").click()
    accessible(page)
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text("Your registration is cancelled.").first).to_be_visible()
    accessible(page)
    db.session.rollback()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.CONFIRMED


def test_works_without_javascript_and_fits_a_phone(server, browser, make_event) -> None:
    event = make_event()
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375,
                                                                        "height": 740})
    page = context.new_page()
    page.goto(f"{server}/events/{event.slug}")
    page.get_by_role("button", name="Sign up").click()  # nothing filled in
    # Without a script, the error summary still takes focus (its autofocus) and the title says so.
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_focused()
    expect(page).to_have_title(f"Error: {event.title} · Roundtable")
    fill_signup(page)
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", name="You have a seat")).to_be_visible()
    context.close()
    phone = browser.new_context(viewport={"width": 375, "height": 740}).new_page()
    phone.goto(f"{server}/events/{event.slug}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.context.close()


def test_organizer_signs_in_and_approves_a_borderline_signup(server, page, make_event,
                                                             sign_up, accessible) -> None:
    from roundtable.domain import accounts

    event = make_event(title="Platform Leaders")
    pending = sign_up(event, job_title="Associate Director, Data", seniority="director")
    assert pending.status == RegistrationStatus.PENDING_REVIEW
    accounts.create_organizer(db.session, actor=None, now=datetime.now(UTC),
                              email="host@example.org", password="correct horse battery",
                              name="Host")
    db.session.commit()
    page.goto(f"{server}/organizer/review")
    expect(page.get_by_role("heading", name="Organizer sign-in")).to_be_visible()
    accessible(page)
    page.get_by_label("Email").fill("host@example.org")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Associate Director, Data")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Approve Ada Lovelace").click()
    expect(page.get_by_text("Approved").first).to_be_visible()
    accessible(page)
    db.session.rollback()
    assert db.session.get(Registration, pending.id).status == RegistrationStatus.CONFIRMED


def test_on_a_phone_a_leader_keeps_the_seat_and_another_takes_an_offer(
    server, open_page, make_event, make_registration, accessible
) -> None:
    # 30 hours before the start: the question was asked, and offers are made, not seats given.
    event = make_event(title="Last Days Roundtable", capacity=1,
                       starts_at=datetime.now(UTC) + timedelta(hours=30),
                       reconfirm_deadline_hours=12)
    holder = make_registration(event, confirmed_at=datetime.now(UTC) - timedelta(days=9))
    waiting = make_registration(event, status=RegistrationStatus.WAITLISTED, queue_position=1)
    schedule.run_event(db.session, event.id, datetime.now(UTC) - timedelta(hours=40))
    db.session.commit()
    page = open_page(390)
    page.goto(f"{server}/r/{registrations.manage_token(SECRET, holder)}#still-coming")
    expect(page.get_by_role("heading", name="Still coming?")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Release my seat").click()
    expect(page.get_by_text("Your seat is released")).to_be_visible()
    db.session.rollback()
    assert db.session.get(Registration, waiting.id).status == RegistrationStatus.OFFERED
    page.goto(f"{server}/r/{registrations.manage_token(SECRET, waiting)}#offer")
    expect(page.get_by_role("heading", name="Do you want the seat?")).to_be_visible()
    accessible(page)
    page.get_by_role("button", name="Yes, I take the seat").click()
    expect(page.get_by_text("The seat is yours.")).to_be_visible()
    expect(page.get_by_text("You have a seat.")).to_be_visible()
