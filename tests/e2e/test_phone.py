"""The leader on a phone (and at a desk): the signup journey in Chromium at 390 and 1280 px.

Every page a test visits is checked with axe-core (no serious or critical violation). The
journey saves its screenshots, at phone width, under docs/screenshots/ for the README.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from roundtable.domain import signups
from roundtable.domain.models import (
    ApprovalMode,
    RegistrationStatus,
    SignupRequest,
)
from roundtable.extensions import db

from conftest import SECRET

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)  # an iPhone 12-15 held upright, and a laptop
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# A fixed instant keeps the screenshots the same from run to run: 17:00 in Berlin (CET, UTC+1),
# and in the reader's New York already 12:00 (EDT, UTC-4: America moves its clocks first).
STARTS = datetime(2035, 3, 15, 16, 0, tzinfo=UTC)
BERLIN = "Thursday 15 March 2035, 17:00–18:00 CET (Europe/Berlin), UTC+1"
NEW_YORK = "Your time: Thursday 15 March 2035, 12:00–13:00 (America/New_York, UTC\u22124)"
SEAT_PROMISE = "You will see at once whether you have a seat"

# The focus ring: its width, and its contrast with what lies behind it (WCAG's formula).
FOCUS_RING = """el => {
  const rgb = c => c.match(/[\\d.]+/g).slice(0, 4).map(Number);
  const lum = c => { const v = rgb(c).slice(0, 3).map(x => { x /= 255;
    return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]; };
  let behind = el.parentElement;
  while (behind && (getComputedStyle(behind).backgroundColor === 'rgba(0, 0, 0, 0)'))
    behind = behind.parentElement;
  const bg = behind ? getComputedStyle(behind).backgroundColor : 'rgb(255, 255, 255)';
  const style = getComputedStyle(el);
  const [a, b] = [lum(style.outlineColor), lum(bg)].sort((x, y) => y - x);
  return {width: parseFloat(style.outlineWidth), style: style.outlineStyle,
          contrast: (a + 0.05) / (b + 0.05)};
}"""


def fill_signup(page: Page, email: str, title: str = "CTO") -> None:
    page.get_by_label("Full name").fill("Ada Lovelace")
    page.get_by_label("Work email").fill(email)
    page.get_by_label("Company").fill("Analytical Engines")
    page.get_by_label("Job title").fill(title)
    page.get_by_label("Seniority level").select_option("c_level")
    page.get_by_label("I agree").check()


def fits(page: Page) -> bool:
    """Return True when the page needs no sideways scrolling at its width."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def shoot(page: Page, name: str) -> None:
    """Save what the phone shows now (the viewport, not the whole page: small PNGs)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", animations="disabled", caret="hide")


def leader_event(make_event: Callable[..., Any], **overrides: Any) -> Any:
    return make_event(**{
        "title": "AI Adoption Roundtable",
        "summary": "How engineering leaders run AI adoption without losing review quality.",
        "host": "Grace Hopper",
        "starts_at": STARTS, "ends_at": STARTS + timedelta(hours=1),
        "timezone": "Europe/Berlin", "capacity": 12, **overrides,
    })


def test_leaders_journey_from_the_event_page_to_the_seat(
    server, open_page, accessible, make_event, make_registration
) -> None:
    event = leader_event(make_event, confirm_email=True)
    for _ in range(3):
        make_registration(event)
    # Under the site's own CSP (no axe here): the script runs, and nothing is refused.
    strict = open_page(390, csp=True)
    refused: list[str] = []
    strict.on("console", lambda m: refused.append(m.text) if m.type == "error" else None)
    strict.goto(f"{server}/events/{event.slug}")
    expect(strict.locator("dd .local-time")).to_have_text(NEW_YORK)
    assert refused == []
    for width in WIDTHS:
        phone = width < 600
        page = open_page(width)
        page.goto(f"{server}/events/{event.slug}")
        time = page.locator("dd time.event-time")
        expect(time).to_have_text(BERLIN)  # the event's own time, its UTC offset named
        expect(page.locator("dd .local-time")).to_have_text(NEW_YORK)  # and the reader's
        expect(page.get_by_role("heading", name="Request a seat")).to_be_visible()
        expect(page.locator("meta[property='og:title']")).to_have_attribute(
            "content", "AI Adoption Roundtable")
        expect(page.locator("meta[name=description]")).to_have_attribute(
            "content", f"{event.summary} {BERLIN.rsplit(',', 1)[0]}, online.")
        assert fits(page)
        accessible(page)
        if phone:
            shoot(page, "1-event-page")

        # A first try with mistakes: the page comes back at the form, focus on the summary.
        page.get_by_label("Full name").fill("Ada Lovelace")
        page.get_by_label("Work email").fill("ada at analytical")
        page.get_by_role("button", name="Sign up").click()
        summary = page.get_by_role("alert").filter(has_text="There is a problem")
        expect(summary).to_be_focused()
        expect(summary).to_be_in_viewport()
        expect(page).to_have_title("Error: AI Adoption Roundtable · Roundtable")
        assert page.url.endswith(f"/events/{event.slug}/register#signup")
        links = summary.get_by_role("link")
        expect(links).to_have_count(5)  # email, company, job title, level, consent
        for href in links.evaluate_all("links => links.map(a => a.getAttribute('href'))"):
            assert page.locator(href).count() == 1, href
        assert fits(page)
        accessible(page)
        if phone:  # the same view every run: the browser's own scroll may differ by a pixel
            page.locator("#error-summary").evaluate(
                "el => el.closest('.card').scrollIntoView({block: 'start', behavior: 'instant'})")
            shoot(page, "2-error-summary")
        summary.get_by_role("link", name="Please enter a valid email address").click()
        expect(page.get_by_label("Work email")).to_be_focused()

        fill_signup(page, email=f"ada.{width}@analytical.example")
        page.get_by_role("button", name="Sign up").click()
        expect(page.get_by_role("heading", name="Check your inbox")).to_be_visible()
        expect(page).to_have_title("Check your inbox · AI Adoption Roundtable · Roundtable")
        accessible(page)
        if phone:
            shoot(page, "3-check-your-inbox")

        db.session.rollback()
        request = db.session.scalars(
            select(SignupRequest).where(SignupRequest.email == f"ada.{width}@analytical.example")
        ).one()
        page.goto(f"{server}/events/{event.slug}/confirm/"
                  f"{signups.confirmation_token(SECRET, request)}")
        confirm = page.get_by_role("button", name="Confirm my signup")
        expect(confirm).to_be_focused()
        accessible(page)
        if phone:
            shoot(page, "4-confirm-your-signup")

        confirm.click()
        expect(page.get_by_role("heading", name="You have a seat")).to_be_visible()
        calendar = page.get_by_role("group", name="Put it in your calendar now")
        google = calendar.get_by_role("link", name="Google Calendar")
        outlook = calendar.get_by_role("link", name="Outlook")
        expect(google).to_have_attribute("href", re.compile(r"^https://calendar\.google\.com/"))
        expect(google).to_have_attribute("href", re.compile(r"meet\.example\.org"))  # personal
        expect(outlook).to_have_attribute("href", re.compile(r"^https://outlook\."))
        expect(google).to_be_in_viewport()  # right there, no scrolling on a phone
        ics = calendar.get_by_role("link", name="(.ics)").get_attribute("href")
        invite = page.request.get(f"{server}{ics}")  # with the page's session cookie
        assert invite.ok and "METHOD:REQUEST" in invite.text()
        assert fits(page)
        accessible(page)
        if phone:
            shoot(page, "5-seat-page")

        page.get_by_role("link", name="Open your private page").click()
        expect(page.get_by_text("You have a seat.")).to_be_visible()
        assert "/r/" in page.url
        accessible(page)


def test_a_full_event_offers_the_waiting_list_and_says_how_long_it_is(
    server, open_page, accessible, make_event, make_registration
) -> None:
    event = leader_event(make_event, capacity=2)
    for _ in range(2):
        make_registration(event)
    for position in (1, 2):
        make_registration(event, status=RegistrationStatus.WAITLISTED, queue_position=position)
    for waiting, width in enumerate(WIDTHS, start=2):  # the first width's signup waits too
        page = open_page(width)
        page.goto(f"{server}/")
        expect(page.get_by_text(f"Waiting list only · {waiting} waiting")).to_be_visible()
        accessible(page)

        page.get_by_role("link", name="AI Adoption Roundtable").click()
        form = page.locator("form.signup-form")
        expect(form.get_by_role("heading", name="Join the waiting list")).to_be_visible()
        expect(form).to_contain_text(
            f"All 2 seats are taken. {waiting} people are already waiting.")
        expect(form).to_contain_text("You will see at once your place on the waiting list.")
        expect(page.locator("body")).not_to_contain_text(SEAT_PROMISE)
        expect(page.get_by_role("button", name="Sign up")).to_have_count(0)
        expect(page.get_by_text("Request a seat")).to_have_count(0)
        accessible(page)

        # The keyboard's focus ring: at least 3 px, 3:1 against what lies behind it.
        page.keyboard.press("Tab")
        skip = page.get_by_role("link", name="Skip to content")
        expect(skip).to_be_focused()
        button = page.get_by_role("button", name="Join the waiting list")
        for element in (skip, button):
            element.focus()
            ring = element.evaluate(FOCUS_RING)
            assert ring["style"] == "solid" and ring["width"] >= 3, ring
            assert ring["contrast"] >= 3, ring

        fill_signup(page, email=f"ada.{width}@analytical.example")
        button.click()
        expect(page.get_by_role("heading", name=f"You are #{waiting + 1} on the waiting list")
               ).to_be_visible()
        accessible(page)


def test_an_event_that_reviews_every_signup_promises_a_review_not_a_seat(
    server, open_page, accessible, make_event
) -> None:
    event = leader_event(make_event, approval_mode=ApprovalMode.REVIEW_ALL)
    for width in WIDTHS:
        page = open_page(width)
        page.goto(f"{server}/events/{event.slug}")
        form = page.locator("form.signup-form")
        expect(form.get_by_role("heading", name="Request a seat")).to_be_visible()
        expect(form).to_contain_text(
            "An organizer reviews every request for this roundtable and emails you the answer.")
        expect(page.locator("body")).not_to_contain_text(SEAT_PROMISE)
        accessible(page)

        fill_signup(page, email=f"ada.{width}@analytical.example")
        page.get_by_role("button", name="Request a seat").click()
        expect(page.get_by_role("heading", name="an organizer will confirm soon")).to_be_visible()
        expect(page.get_by_role("link", name="Google Calendar")).to_have_count(0)  # no seat yet
        accessible(page)
