"""Hostile requests at every route: never a 5xx, and nothing stored from a refused request.

Hypothesis throws values of the classes in issue 12 (controls, line and paragraph separators,
bidi overrides, invisible-only text, huge strings and numbers, odd encodings, missing and
repeated fields, nameless multipart parts, JSON bodies) at every form field and every URL and
query parameter of every route in ``app.url_map`` (so a new route is covered without being
listed), anonymously, signed in as an organizer, and with CSRF protection on.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.routing import Rule

from roundtable.domain import registrations, text
from roundtable.domain.models import (
    Event,
    EventStatus,
    Organizer,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db
from roundtable.web import forms

from conftest import SECRET
from organizer_support import EMAIL, PASSWORD

S = RegistrationStatus

NASTY_CHARS = ["\x00", "\x01", "\x07", "\t", "\n", "\r", "\r\n", "\x0b", "\x1b", "\x7f", "\x85",
               "\x9b", "\u2028", "\u2029", "\u202a", "\u202e", "\u2066", "\u2069", "\u200b",
               "\u200d", "\ufeff", "\u3164", "\u0301", "\ufffd", "%", "%00", "%2F", "/", "\\",
               "..", "<", ">", '"', "'", "&", ";", ",", "=", "?", "#", "+", " ", "😀", "é"]
FIXED = [
    "", " ", "0", "-1", "1", "2147483647", "2147483648", "9" * 25, "1e309", "NaN", "-0",
    "0001-01-01T00:00", "9999-12-31T23:59", "2027-02-30T10:00", "2027-06-05T18:00",
    "EST", "localtime", "Factory", "US/Eastern", "UTC", "Europe/Berlin", "../../etc/passwd",
    "<script>alert(1)</script>", "javascript:alert(1)", "//evil.example/", "/\\evil.example",
    "https://evil.example", "' OR 1=1 --", "Robert'); DROP TABLE event;--",
    "ada@analytical.example", "a@b", "Ada\r\nBcc: victim@example.com", "\u202egnp.exe",
    "director", "c_level", "vp", "online", "in_person", "auto", "review_all", "y", "true",
    "confirmed", "waitlisted", "all", "desc", "name", "x" * 5000,
]
HOSTILE = st.one_of(
    st.sampled_from(FIXED),
    st.lists(st.sampled_from(NASTY_CHARS + ["a", "Ada", "1"]), max_size=8).map("".join),
    st.text(st.characters(exclude_categories=("Cs",)), max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
)


def form_field_names() -> list[str]:
    """Return the field names of every form of the site (and the CSRF token's)."""
    names = {"csrf_token", "next", "return_to"}
    for value in vars(forms).values():
        if isinstance(value, type) and issubclass(value, forms.FlaskForm):
            names.update(n for n, v in vars(value).items() if hasattr(v, "field_class"))
    return sorted(names)


FIELD_NAMES = form_field_names()
QUERY_NAMES = ["q", "status", "sort", "dir", "page", "next", "return_to", "y"]


def routes(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda r: (r.rule, r.endpoint))


@st.composite
def bodies(draw: st.DrawFn, field_names: list[str]) -> dict[str, Any]:
    """Return test-client keyword arguments for a request body."""
    kind = draw(st.sampled_from(["form", "form", "form", "multipart", "raw", "json", "huge"]))
    pairs = draw(st.lists(st.tuples(st.one_of(st.sampled_from(field_names), HOSTILE), HOSTILE),
                          max_size=12))
    if kind == "form":  # missing fields, repeated fields, anything in them
        return {"data": MultiDict(pairs)}
    if kind == "multipart":
        boundary = "fuzz-boundary"
        parts = [f'Content-Disposition: form-data; name="{quote(k)}"\r\n\r\n{v}' for k, v in pairs]
        if draw(st.booleans()):
            parts.append("Content-Disposition: form-data\r\n\r\nnameless")
        if draw(st.booleans()):
            parts.append('Content-Disposition: form-data; filename="f.txt"\r\n\r\nfile')
        body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
        return {"data": body.encode("utf-8", "surrogatepass"),
                "content_type": f"multipart/form-data; boundary={boundary}"}
    if kind == "raw":  # bytes that are not UTF-8, odd percent-escapes, odd content types
        raw = draw(st.binary(max_size=200))
        content_type = draw(st.sampled_from([
            "application/x-www-form-urlencoded",
            "application/x-www-form-urlencoded; charset=latin1", "text/plain",
            "multipart/form-data", "multipart/form-data; boundary=", "application/octet-stream"]))
        return {"data": b"name=%ff%fe&email=%C0%AF&" + raw, "content_type": content_type}
    if kind == "json":
        return {"data": json.dumps(dict(pairs) if draw(st.booleans()) else [v for _, v in pairs]),
                "content_type": "application/json"}
    return {"data": {"name": "x" * (300 * 1024)}}


def fill(rule: Rule, values: dict[str, str]) -> str:
    """Return the rule's path with its arguments replaced by (quoted) ``values``."""
    path = rule.rule
    for name, value in values.items():
        safe = "/" if name == "filename" else ""
        path = re.sub(rf"<(?:\w+:)?{name}>", quote(value, safe=safe), path)
    return path


def snapshot() -> list[tuple[Any, ...]]:
    """Return everything a request could change, read afresh."""
    db.session.rollback()
    rows: list[tuple[Any, ...]] = [
        (e.id, e.title, e.slug, e.host, e.summary, e.description, e.location, e.join_url,
         e.timezone, e.starts_at, e.ends_at, e.status, e.capacity, e.company_cap, e.sequence)
        for e in db.session.scalars(select(Event).order_by(Event.id))]
    rows += [(r.id, r.name, r.email, r.company, r.job_title, r.seniority, r.discussion_topic,
              r.status, r.queue_position, r.checked_in_at, r.erased_at)
             for r in db.session.scalars(select(Registration).order_by(Registration.id))]
    rows += [(m.id, m.status, m.attempts)
             for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    rows += [(o.id, o.email, o.name, o.password_hash)
             for o in db.session.scalars(select(Organizer).order_by(Organizer.id))]
    return rows


def assert_stored_text_is_plain() -> None:
    """No stored text holds what the text rules refuse."""
    db.session.rollback()
    for event in db.session.scalars(select(Event)):
        for value in (event.title, event.slug, event.host, event.summary, event.location or "",
                      event.join_url or "", event.timezone):
            assert text.single_line_problem(value) is None, (event.id, value)
        assert text.multi_line_problem(event.description) is None, event.id
    for r in db.session.scalars(select(Registration)):
        for value in (r.name, r.email, r.company, r.job_title):
            assert value is None or text.single_line_problem(value) is None, (r.id, value)
        assert r.discussion_topic is None or text.multi_line_problem(r.discussion_topic) is None


@pytest.fixture
def fuzz(make_app, make_event, make_registration, organizer) -> dict[str, Any]:
    """Two apps on one database (CSRF off and on), clients, and a world to aim at."""
    plain = make_app()
    guarded = make_app(WTF_CSRF_ENABLED=True)
    with plain.app_context():
        published = make_event(title="Fuzzed", capacity=2)
        draft = make_event(status=EventStatus.DRAFT)
        seated = make_registration(published)
        pending = make_registration(published, status=S.PENDING_REVIEW)
        waiting = make_registration(published, status=S.WAITLISTED, queue_position=1)
        failed = OutboxMessage(kind="confirmed", event_id=published.id,
                               registration_id=seated.id, recipient=seated.email,
                               status=OutboxStatus.FAILED, attempts=20)
        db.session.add(failed)
        db.session.commit()
        world = {
            "ids": [published.id, draft.id, seated.id, pending.id, waiting.id, failed.id],
            "slugs": [published.slug, draft.slug, "no-such-event"],
            "tokens": [registrations.manage_token(SECRET, r) for r in (seated, pending, waiting)]
            + ["lost"],
        }
    organizer_client = plain.test_client()
    return {"plain": plain, "guarded": guarded, "world": world,
            "anonymous": plain.test_client(), "organizer": organizer_client,
            "csrf": guarded.test_client()}


def sign_in(client: FlaskClient) -> None:
    response = client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code in (302, 303)


@settings(max_examples=300, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_hostile_requests_never_fail_and_never_store_refused_input(fuzz, data) -> None:
    app: Flask = fuzz["plain"]
    world = fuzz["world"]
    rule = data.draw(st.sampled_from(routes(app)), label="route")
    who = data.draw(st.sampled_from(["anonymous", "organizer", "organizer", "csrf"]), label="who")
    client: FlaskClient = fuzz[who]
    methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
    method = data.draw(st.sampled_from([*methods, *methods, "PUT", "DELETE"]), label="method")
    values = {}
    for name in sorted(rule.arguments):
        converter = type(rule._converters[name]).__name__
        known = {"IdConverter": [str(i) for i in world["ids"]], "PathConverter": ["roundtable.css"]}
        known_values = known.get(converter, world["slugs"] + world["tokens"])
        values[name] = data.draw(st.one_of(st.sampled_from(known_values), HOSTILE), label=name)
    query = data.draw(st.lists(st.tuples(st.sampled_from(QUERY_NAMES), HOSTILE), max_size=4),
                      label="query")
    body = data.draw(bodies(FIELD_NAMES), label="body") if method != "GET" else {}
    with app.app_context():
        if who == "organizer":
            sign_in(fuzz["organizer"])  # a request before may have signed it out
        before = snapshot()
        response = client.open(fill(rule, values), method=method,
                               query_string=MultiDict(query), **body)
        response.close()  # a static file's response holds the file open
        assert response.status_code < 500, (response.status_code, rule.rule, method)
        if response.status_code >= 400:
            assert snapshot() == before, (response.status_code, rule.rule, method)
        assert_stored_text_is_plain()
