"""Public pages: the list of upcoming roundtables and one roundtable's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from roundtable.domain.models import EventFormat, EventStatus, RegistrationStatus


def test_index_lists_upcoming_published_events_soonest_first(client, make_event) -> None:
    soon = datetime.now(UTC) + timedelta(days=2)
    make_event(title="Later one", starts_at=soon + timedelta(days=5))
    make_event(title="Sooner one", starts_at=soon)
    make_event(title="A draft", status=EventStatus.DRAFT)
    make_event(title="A cancelled one", status=EventStatus.CANCELLED)
    make_event(title="A past one", starts_at=datetime.now(UTC) - timedelta(days=3))

    page = client.get("/").get_data(as_text=True)

    assert page.index("Sooner one") < page.index("Later one")
    for hidden in ("A draft", "A cancelled one", "A past one"):
        assert hidden not in page


def test_index_shows_time_in_event_zone_with_zone_named(client, make_event) -> None:
    start = datetime(2030, 1, 15, 16, 0, tzinfo=UTC)  # 17:00 in Berlin (CET)
    make_event(starts_at=start, timezone="Europe/Berlin", format=EventFormat.IN_PERSON)
    page = client.get("/").get_data(as_text=True)
    assert "Tuesday 15 January 2030, 17:00–18:00 CET (Europe/Berlin)" in page
    assert "In person" in page


def test_index_shows_seats_left_and_waiting_list(client, make_event, make_registration) -> None:
    roomy = make_event(title="Roomy", capacity=5)
    full = make_event(title="Full", capacity=2)
    make_registration(roomy)
    make_registration(roomy, status=RegistrationStatus.WAITLISTED, queue_position=1)
    make_registration(full)
    make_registration(full)
    page = client.get("/").get_data(as_text=True)
    assert "4 of 5 seats left" in page
    assert "Waiting list only" in page


def test_index_with_no_events_says_so(client) -> None:
    assert "No roundtables are scheduled" in client.get("/").get_data(as_text=True)


def test_index_query_count_does_not_grow_with_events(client, make_event, count_queries) -> None:
    make_event()
    with count_queries() as few:
        client.get("/")
    for _ in range(6):
        make_event()
    with count_queries() as many:
        client.get("/")
    assert len(many) == len(few) <= 2


def test_event_page_shows_details(client, make_event) -> None:
    event = make_event(title="Platform leaders", description="First part.\n\nSecond <b>part</b>.")
    response = client.get(f"/events/{event.slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Platform leaders" in page
    assert "<p>First part.</p><p>Second &lt;b&gt;part&lt;/b&gt;.</p>" in page
    assert "Request a seat" in page
    assert "meet.example.org" not in page  # the join URL is for confirmed attendees only


@pytest.mark.parametrize(
    ("overrides", "marker"),
    [
        ({"status": EventStatus.CANCELLED}, "This roundtable has been cancelled."),
        (
            {"starts_at": datetime.now(UTC) - timedelta(days=1)},
            "This roundtable has already taken place.",
        ),
    ],
)
def test_event_page_marks_cancelled_and_past(client, make_event, overrides, marker) -> None:
    event = make_event(**overrides)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert marker in page
    assert "Registration is closed" in page


@pytest.mark.parametrize("slug", ["no-such-roundtable", "draft"])
def test_unknown_or_draft_event_is_a_friendly_404(client, make_event, slug) -> None:
    make_event(slug="draft", status=EventStatus.DRAFT)
    response = client.get(f"/events/{slug}")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_unknown_url_is_a_friendly_404(client) -> None:
    response = client.get("/nowhere")
    assert response.status_code == 404
    assert "We could not find that page" in response.get_data(as_text=True)


def test_css_is_served_locally(client) -> None:
    page = client.get("/").get_data(as_text=True)
    assert "cdn" not in page.lower()
    assert "https://" not in page.split("<body")[0]
    for href in ("/bootstrap/static/css/bootstrap.min.css", "/static/roundtable.css"):
        assert href in page
        with client.get(href) as response:
            assert response.status_code == 200


def test_server_error_page_rolls_back(make_app) -> None:
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("boom")

    response = app.test_client().get("/boom")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.get_data(as_text=True)


def test_security_headers_keep_private_links_private(client, make_event, make_registration):
    from roundtable.domain import registrations

    from conftest import SECRET

    event = make_event()
    page = client.get(f"/events/{event.slug}")
    assert page.headers["Referrer-Policy"] == "same-origin"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    private = client.get(f"/r/{registrations.manage_token(SECRET, make_registration(event))}")
    assert private.status_code == 200
    assert private.headers["Cache-Control"] == "no-store"
    assert private.headers["Referrer-Policy"] == "same-origin"


def test_signups_are_rate_limited_per_address(make_app, make_event) -> None:
    app = make_app(RATELIMIT_ENABLED=True)
    event = make_event()
    client = app.test_client()
    codes = [client.post(f"/events/{event.slug}/register", data={}).status_code
             for _ in range(21)]
    assert codes[:20] == [400] * 20 and codes[20] == 429
