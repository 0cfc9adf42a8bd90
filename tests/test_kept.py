"""Kept calendar files answered ahead of Flask (web/kept.py): the same answer, and only then."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask, request_started
from sqlalchemy import text

from roundtable.domain.models import EventStatus
from roundtable.extensions import db


@contextmanager
def _flask_requests(app: Flask) -> Iterator[list[str]]:
    """Yield the paths Flask itself handled (the layer answers without starting a request)."""
    seen: list[str] = []

    def started(sender: Flask, **_: object) -> None:
        from flask import request

        seen.append(request.path)

    with request_started.connected_to(started, app):
        yield seen


def _answer(response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.headers.items()), response.get_data()


@pytest.mark.parametrize("feed", [False, True])
def test_a_kept_calendar_is_answered_as_flask_answers_it(client, app, make_event, feed) -> None:
    event = make_event(title="Platform leaders")
    path = "/calendar.ics" if feed else f"/events/{event.slug}.ics"
    with _flask_requests(app) as seen:
        made = client.get(path)  # made by the view, and kept
        kept = client.get(path)
        # A conditional GET that names another body goes to Flask, which sends the whole body.
        through_flask = client.get(path, headers={"If-None-Match": '"another"'})
    assert seen == [path, path], "the second GET was answered ahead of Flask"
    assert made.status_code == 200 and b"Platform leaders" in made.get_data()
    assert _answer(kept) == _answer(made) == _answer(through_flask)
    names = [name for name, _ in kept.headers.items()]
    own = ["Content-Disposition", *(() if feed else ("Last-Modified",)), "ETag",
           "Cache-Control", "Content-Type", "Content-Length"]
    assert names[:len(own)] == own
    assert "Content-Security-Policy" in names and "X-Frame-Options" in names


@pytest.mark.parametrize("feed", [False, True])
def test_a_kept_calendar_follows_every_change_of_its_event(client, app, make_event,
                                                           feed) -> None:
    """A change made elsewhere (plain SQL here) changes the key: Flask makes the new one."""
    event = make_event(title="Platform leaders")
    path = "/calendar.ics" if feed else f"/events/{event.slug}.ics"
    assert b"Platform leaders" in client.get(path).get_data()
    db.session.execute(text("UPDATE event SET title = 'Data leaders' WHERE id = :id"),
                       {"id": event.id})
    db.session.commit()
    with _flask_requests(app) as seen:
        assert b"Data leaders" in client.get(path).get_data()
        assert b"Data leaders" in client.get(path).get_data()
    assert seen == [path]
    db.session.execute(text("UPDATE event SET status = :draft WHERE id = :id"),
                       {"id": event.id, "draft": EventStatus.DRAFT.value})
    db.session.commit()
    gone = client.get(path)
    if feed:
        assert b"Data leaders" not in gone.get_data()
    else:
        assert gone.status_code == 404


@pytest.mark.parametrize("case", [
    "query", "head", "if-none-match", "untrusted host", "unknown slug", "mounted below the root",
    "application-wide rate limit", "meta rate limit",
])
def test_anything_but_a_plain_get_of_a_kept_calendar_goes_to_flask(make_app, make_event,
                                                                   case) -> None:
    app = make_app(**{"application-wide rate limit": {"RATELIMIT_APPLICATION": "1000/minute"},
                      "meta rate limit": {"RATELIMIT_META": "1000/hour"}}.get(case, {}))
    client = app.test_client()
    with app.app_context():
        event = make_event()
        path = f"/events/{event.slug}.ics"
        made = client.get(path)
        etag = made.headers["ETag"]
    asked = {
        "query": dict(path=path, query_string={"v": "1"}),
        "head": dict(path=path, method="HEAD"),
        "if-none-match": dict(path=path, headers={"If-None-Match": etag}),
        "untrusted host": dict(path=path, headers={"Host": "attacker.example"}),
        "unknown slug": dict(path="/events/no-such-roundtable.ics"),
        "mounted below the root": dict(path=path, environ_overrides={"SCRIPT_NAME": "/app"}),
        "application-wide rate limit": dict(path=path),
        "meta rate limit": dict(path=path),
    }[case]
    method = asked.pop("method", "GET")
    with _flask_requests(app) as seen:
        response = client.open(method=method, **asked)
    assert len(seen) == 1, "Flask answered it"
    expected = {"if-none-match": 304, "untrusted host": 400, "unknown slug": 404}.get(case, 200)
    assert response.status_code == expected


def test_with_rate_limits_on_both_ways_answer_alike(make_app, make_event) -> None:
    """The production default (limits on, none on calendars): Flask adds no header either."""
    app = make_app(RATELIMIT_ENABLED=True)
    client = app.test_client()
    with app.app_context():
        path = f"/events/{make_event().slug}.ics"
    with _flask_requests(app) as seen:
        made, kept = client.get(path), client.get(path)
    assert seen == [path]
    assert _answer(kept) == _answer(made)
