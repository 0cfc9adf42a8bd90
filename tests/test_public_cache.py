"""Public pages kept per event revision: never stale, answered 304, in a fixed number of queries."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from roundtable.domain.models import Event, Registration, RegistrationStatus
from roundtable.extensions import db

from conftest import DATABASE

S = RegistrationStatus


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _change(event: Event, **values: object) -> None:
    """Change the event as stored, as another process would (the ORM sets updated_at)."""
    for name, value in values.items():
        setattr(event, name, value)
    db.session.commit()


def test_event_page_follows_every_change_of_its_event(client, make_event) -> None:
    event = make_event(title="Platform leaders")
    assert "Platform leaders" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    _change(event, title="Platform leaders, second edition")
    assert "second edition" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    _change(event, host="Another Host")
    assert "Another Host" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    _change(event, status=event.status.CANCELLED)
    assert "has been cancelled" in client.get(f"/events/{event.slug}").get_data(as_text=True)


def test_a_change_made_through_one_process_shows_in_the_other(make_app, make_event) -> None:
    """Each app keeps its own pages, as each gunicorn worker does: none may show an old one."""
    event = make_event(capacity=5)
    first, second = make_app().test_client(), make_app().test_client()
    for client in (first, second):
        assert "5 of 5 seats left" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert second.post(f"/events/{event.slug}/register", data={
        "name": "Ada Lovelace", "email": "ada@analytical.example", "company": "Analytical",
        "job_title": "VP Engineering", "seniority": "vp", "consent": "y",
    }).status_code == 303
    assert "4 of 5 seats left" in first.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "4 of 5 seats left" in first.get("/").get_data(as_text=True)


def test_seat_figures_follow_every_status_change(client, make_event, make_registration) -> None:
    event = make_event(capacity=2)
    seated = make_registration(event)
    assert "1 of 2 seats left" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    make_registration(event)
    page = client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "Waiting list only" in page and "Join the waiting list" in page
    seated = db.session.get(Registration, seated.id)
    seated.status = S.CANCELLED
    db.session.commit()
    assert "1 of 2 seats left" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    assert "1 of 2 seats left" in client.get("/").get_data(as_text=True)


def test_event_page_follows_the_clock(client, make_event) -> None:
    """Whether registration is open is part of what decides the page, not only the row."""
    event = make_event(registration_deadline=datetime.now(UTC) + timedelta(seconds=2),
                       capacity=3)
    assert "Registration closes" in client.get(f"/events/{event.slug}").get_data(as_text=True)
    _change(event, registration_deadline=datetime.now(UTC) - timedelta(seconds=1))
    assert "Registration is closed." in client.get(f"/events/{event.slug}").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/events/{slug}.ics", "/calendar.ics", "/"])
def test_conditional_get_answers_304_until_the_event_changes(client, make_event, path) -> None:
    event = make_event(title="Platform leaders")
    url = path.format(slug=event.slug)
    first = client.get(url)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and "Platform leaders" in first.get_data(as_text=True)
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    assert again.headers["ETag"] == etag
    assert client.get(url, headers={"If-None-Match": '"something-else"'}).status_code == 200
    _change(event, title="Platform leaders moved")
    changed = client.get(url, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert "Platform leaders moved" in changed.get_data(as_text=True)


def test_listing_etag_follows_seat_figures(client, make_event, make_registration) -> None:
    event = make_event(capacity=3)
    etag = client.get("/").headers["ETag"]
    make_registration(event)
    response = client.get("/", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "2 of 3 seats left" in response.get_data(as_text=True)


def test_feed_etag_follows_a_new_event(client, make_event) -> None:
    make_event(title="First")
    etag = client.get("/calendar.ics").headers["ETag"]
    make_event(title="Second")
    response = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert "Second" in response.get_data(as_text=True)


def test_calendar_is_the_same_bytes_in_every_process(make_app, make_event) -> None:
    """Its stamp is the event's last change, so workers agree on the body and the ETag."""
    event = make_event()
    first = make_app().test_client().get(f"/events/{event.slug}.ics")
    second = make_app().test_client().get(f"/events/{event.slug}.ics")
    assert first.data == second.data
    assert first.headers["ETag"] == second.headers["ETag"]
    assert first.headers["Last-Modified"]
    stamp = event.updated_at.strftime("%Y%m%dT%H%M%SZ")
    assert f"DTSTAMP:{stamp}" in first.get_data(as_text=True)


def test_anonymous_pages_write_no_session(make_app, make_event) -> None:
    event = make_event()
    client = make_app(WTF_CSRF_ENABLED=True).test_client()
    for path in ("/", f"/events/{event.slug}.ics", "/calendar.ics"):
        assert "Set-Cookie" not in client.get(path).headers, path
    # The event page's form needs a CSRF token: the first visit stores it, later ones nothing.
    assert client.get(f"/events/{event.slug}").headers.get("Set-Cookie")
    for _ in range(2):
        assert "Set-Cookie" not in client.get(f"/events/{event.slug}").headers
        assert "Set-Cookie" not in client.get("/").headers


def test_each_browser_gets_its_own_token_from_a_kept_page(make_app, make_event) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    event = make_event()
    browsers = [app.test_client() for _ in range(2)]
    tokens = [_token(b.get(f"/events/{event.slug}").get_data(as_text=True)) for b in browsers]
    assert tokens[0] != tokens[1]
    for n, (browser, token) in enumerate(zip(browsers, tokens, strict=True)):
        response = browser.post(f"/events/{event.slug}/register", data={
            "name": f"Leader {n}", "email": f"leader{n}@firm.example", "company": "Firm",
            "job_title": "VP Engineering", "seniority": "vp", "consent": "y",
            "csrf_token": token,
        })
        assert response.status_code == 303, response.get_data(as_text=True)[-500:]


def _grow(make_event, make_registration, events: int, registrations: int) -> None:
    made = [make_event(capacity=50) for _ in range(events)]
    for n in range(registrations):
        status = S.CONFIRMED if n % 3 else S.WAITLISTED
        make_registration(made[n % len(made)], status=status,
                          queue_position=n if status == S.WAITLISTED else None)


@pytest.mark.parametrize("warm", [False, True], ids=["made afresh", "kept"])
def test_listing_runs_the_same_queries_for_3_or_30_events(
    client, make_event, make_registration, count_queries, warm
) -> None:
    _grow(make_event, make_registration, 3, 6)
    if warm:
        client.get("/")
    with count_queries() as few:
        assert client.get("/").status_code == 200
    _grow(make_event, make_registration, 27, 120)
    if warm:
        client.get("/")
    with count_queries() as many:
        assert client.get("/").status_code == 200
    assert len(many) == len(few) <= (1 if warm else 2), many


@pytest.mark.parametrize("warm", [False, True], ids=["made afresh", "kept"])
def test_event_page_runs_the_same_queries_for_1_or_60_registrations(
    client, make_event, make_registration, count_queries, warm
) -> None:
    event = make_event(capacity=40)
    url = f"/events/{event.slug}"
    make_registration(event)
    if warm:
        client.get(url)
    with count_queries() as few:
        assert client.get(url).status_code == 200
    for n in range(60):
        make_registration(event, status=S.CONFIRMED if n < 39 else S.WAITLISTED,
                          queue_position=None if n < 39 else n)
    if warm:
        client.get(url)
    with count_queries() as many:
        page = client.get(url).get_data(as_text=True)
    assert "21 waiting" in page
    assert len(many) == len(few) <= (1 if warm else 2), many


def test_listing_pages(client, make_event) -> None:
    soon = datetime.now(UTC) + timedelta(days=2)
    for n in range(25):
        make_event(title=f"Roundtable number {n:02d}", starts_at=soon + timedelta(hours=n))
    first = client.get("/").get_data(as_text=True)
    assert "Roundtable number 09" in first and "Roundtable number 10" not in first
    assert 'href="/?page=2"' in first
    last = client.get("/?page=3").get_data(as_text=True)
    assert "Roundtable number 24" in last and "Later roundtables" not in last
    assert 'href="/?page=2"' in last
    for missing in ("/?page=4", "/?page=0", "/?page=-1"):
        assert client.get(missing).status_code == 404


def test_kept_rows_answer_until_any_process_commits(app, make_event) -> None:
    """A read kept on SQLite (data_version) is read again once another process has committed."""
    import subprocess
    import sys

    from sqlalchemy import bindparam, select

    from roundtable import database

    event = make_event(title="Before")
    db.session.commit()
    engine = db.engine
    title = database.Prepared(select(Event.title).where(Event.id == bindparam("id")))
    first = title.rows(engine, {"id": event.id}, reuse=database.Reuse(event.id))
    assert first == [("Before",)]
    again = title.rows(engine, {"id": event.id}, reuse=database.Reuse(event.id))
    assert again is first  # kept: the database has not changed
    script = ("import sqlalchemy as sa, sys\n"
              "e = sa.create_engine(sys.argv[1])\n"
              "with e.begin() as c:\n"
              "    c.execute(sa.text('UPDATE event SET title = :t WHERE id = :i'),"
              " {'t': 'After', 'i': int(sys.argv[2])})\n")
    subprocess.run([sys.executable, "-c", script,
                    engine.url.render_as_string(hide_password=False), str(event.id)],
                   check=True, timeout=60)
    _shows_within_seconds(lambda: title.rows(engine, {"id": event.id},
                                             reuse=database.Reuse(event.id)), [("After",)])


def _shows_within_seconds(read: Callable[[], object], expected: object) -> None:
    """Assert ``read`` answers ``expected``: at once on SQLite (its data_version moves with the
    commit), on PostgreSQL once the commit's notification has come (a moment after it)."""
    deadline = time.monotonic() + 5
    while (found := read()) != expected:
        assert DATABASE == "postgresql", found
        assert time.monotonic() < deadline, f"the change never showed: {found}"
        time.sleep(0.005)


def test_every_table_announces_its_changes(postgres, app) -> None:
    """Each table has the trigger that notifies the readers' channel, whatever changes it."""
    untriggered = db.session.scalars(text(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = current_schema() AND c.relkind = 'r' "
        "AND c.relname != 'alembic_version' AND NOT EXISTS (SELECT 1 FROM pg_trigger t "
        "WHERE t.tgrelid = c.oid AND t.tgname = 'roundtable_changed')")).all()
    assert untriggered == []
    assert set(db.metadata.tables) <= set(db.session.scalars(text(
        "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
        "WHERE t.tgname = 'roundtable_changed'")).all())


def test_kept_rows_are_never_trusted_over_a_lost_connection(postgres, app, make_event) -> None:
    """The reader's connection ends (and with it its LISTEN) while rows are kept; a change
    made meanwhile by another client shows all the same."""
    import psycopg
    from sqlalchemy import bindparam, select

    from roundtable import database

    event = make_event(title="Before")
    db.session.commit()
    title = database.Prepared(select(Event.title).where(Event.id == bindparam("id")))

    def read() -> object:
        return title.rows(db.engine, {"id": event.id}, reuse=database.Reuse(event.id))

    assert read() == [("Before",)]
    lost = database._Reader.of(db.engine).connection.info.backend_pid
    # A client of its own (not SQLAlchemy's: this process's commits would forget kept rows).
    with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(
            hide_password=False), autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", (lost,)).fetchone() == (True,)
        other.execute("UPDATE event SET title = 'After' WHERE id = %s", (event.id,))
    _shows_within_seconds(read, [("After",)])
    assert database._Reader.of(db.engine).connection.info.backend_pid != lost


def test_a_commit_in_this_process_is_seen_at_once(postgres, make_app, make_event) -> None:
    """Two apps of one process (two engines, as in these tests): a change committed through
    either is seen by the other's reader at once, not only when the notification comes."""
    from roundtable import database

    event = make_event(title="Before")
    db.session.commit()
    first, second = make_app(), make_app()
    with first.app_context():
        assert "Before" in first.test_client().get(f"/events/{event.slug}").get_data(
            as_text=True)
        reader = database._Reader.of(db.engine)
        assert reader.kept  # the page's rows
    with second.app_context():
        db.session.execute(text("UPDATE event SET title = 'After' WHERE id = :id"),
                           {"id": event.id})
        db.session.commit()
    # Forgotten with the commit, before the server's notification is even looked for.
    assert reader.kept == {}
    with first.app_context():
        assert "After" in first.test_client().get(f"/events/{event.slug}").get_data(
            as_text=True)


def test_disposing_the_engine_closes_the_own_connections(make_app, make_event) -> None:
    """``engine.dispose()`` (a worker's or a test's end) closes the reading connection too:
    on PostgreSQL nothing stays behind listening."""
    from roundtable import database

    event = make_event()
    db.session.commit()
    other = make_app()
    with other.app_context():
        assert other.test_client().get(f"/events/{event.slug}").status_code == 200
        reader = database._Reader.of(db.engine)
        db.engine.dispose()
        assert reader.closed
        assert database._Reader.of(db.engine) is not reader


def test_listing_leaves_an_event_at_its_end_with_no_change_stored(app, make_event) -> None:
    """Kept upcoming rows are asked against the clock: an event that has ended is not listed."""
    from roundtable.domain import listings

    now = datetime.now(UTC).replace(microsecond=0)
    soon = make_event(title="Ends soon", starts_at=now - timedelta(minutes=30))
    soon.ends_at = now + timedelta(minutes=30)
    later = make_event(title="Later", starts_at=now + timedelta(days=1))
    db.session.commit()
    ids = [s.event_id for s in listings.upcoming(db.engine, now)[0]]
    assert ids == [soon.id, later.id]
    (shown,) = [s for s in listings.all_upcoming(db.engine, now) if s.event_id == soon.id]
    assert not shown.is_past and not shown.is_open  # started: it takes no more signups
    after = now + timedelta(minutes=31)
    assert [s.event_id for s in listings.upcoming(db.engine, after)[0]] == [later.id]
    assert [s.event_id for s in listings.all_upcoming(db.engine, after)] == [later.id]
    assert listings.by_slug(db.engine, soon.slug, after).is_past
