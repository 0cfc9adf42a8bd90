"""Bad input gets a 400 (or 404, 405, 413, 415) with a message, never a 500, and stores nothing:
nameless form parts, JSON bodies, NULs and huge ids in addresses, oversized forms, expired forms
(text fields: test_text_fields.py)."""

from __future__ import annotations

import logging
import re
import time
from typing import Any

import pytest
from flask import Flask
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from roundtable.domain import events
from roundtable.domain.models import (
    Event,
    Registration,
    RegistrationStatus,
)
from roundtable.domain.seniority import Seniority
from roundtable.extensions import db

from conftest import NOW, SECRET, SIGNUP_FORM
from organizer_support import EMAIL, PASSWORD, counts, snapshot, world

S = RegistrationStatus


# --- Multipart parts without a name ------------------------------------------------------------


def nameless_multipart(fields: dict[str, str]) -> tuple[bytes, str]:
    """Return a multipart body with the given fields and a part with no name (and a file)."""
    boundary = "roundtable-boundary"
    parts = [f'Content-Disposition: form-data; name="{k}"\r\n\r\n{v}' for k, v in fields.items()]
    parts.append("Content-Disposition: form-data\r\n\r\nwho am I")
    parts.append('Content-Disposition: form-data; filename="x.txt"\r\n'
                 "Content-Type: text/plain\r\n\r\nno name either")
    body = "".join(f"--{boundary}\r\n{p}\r\n" for p in parts) + f"--{boundary}--\r\n"
    return body.encode(), f"multipart/form-data; boundary={boundary}"


def post_routes(app: Flask, ids: dict[str, Any]) -> list[str]:
    """Return a URL for every route that takes POST, ids filled in from ``ids``."""
    urls = []
    for rule in app.url_map.iter_rules():
        if "POST" not in (rule.methods or ()):
            continue
        url = rule.rule
        for name in rule.arguments:
            value = {"event_id": ids["e"], "registration_id": ids["r"], "message_id": 1,
                     "slug": ids["slug"], "token": "not-a-token"}[name]
            url = re.sub(rf"<(?:\w+:)?{name}>", str(value), url)
        urls.append(url)
    return urls


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "organizer"])
def test_a_nameless_form_part_is_a_400_on_every_post_route(make_app, make_event,
                                                           make_registration, organizer,
                                                           signed_in) -> None:
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        ids = world(make_event, make_registration)
        client = app.test_client()
        token = ""
        if signed_in:
            page = client.get("/organizer/login").get_data(as_text=True)
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
            client.post("/organizer/login",
                        data={"email": EMAIL, "password": PASSWORD, "csrf_token": token})
        before = (counts(), snapshot())
        urls = post_routes(app, ids)
        assert len(urls) >= 15
        for url in urls:
            body, content_type = nameless_multipart(
                {"csrf_token": token, **SIGNUP_FORM, "title": "Changed"})
            response = client.post(url, data=body, content_type=content_type)
            assert response.status_code == 400, (url, response.status_code)
            assert "A part of the form has no name." in response.get_data(as_text=True), url
        assert (counts(), snapshot()) == before


def test_a_json_body_is_refused(client, make_event) -> None:
    event = make_event()
    for body in ("5", "[1, 2]", '{"name": ["x"]}', "{not json"):
        response = client.post(f"/events/{event.slug}/register", data=body,
                               content_type="application/json")
        assert response.status_code == 415, body
    assert counts()["Registration"] == 0


# --- URLs --------------------------------------------------------------------------------------


def id_routes(app: Flask) -> list[tuple[str, str]]:
    """Return (method, rule) for every route with an integer id in it."""
    found = []
    for rule in app.url_map.iter_rules():
        if any(type(c).__name__ == "IdConverter" for c in rule._converters.values()):
            found += [(method, rule.rule) for method in sorted(rule.methods or ())
                      if method in ("GET", "POST")]
    return found


def test_ids_beyond_the_database_range_are_404(console_client, app) -> None:
    routes = id_routes(app)
    assert len(routes) >= 15
    for huge in ("99999999999999999999", str(2**31), str(2**63), "0"):
        for method, rule in routes:
            url = re.sub(r"<int:\w+>", huge, rule)
            response = console_client.open(url, method=method)
            assert response.status_code == 404, (method, url, response.status_code)


def test_the_largest_id_is_an_ordinary_404(console_client) -> None:
    assert console_client.get(f"/organizer/events/{2**31 - 1}").status_code == 404


@pytest.mark.parametrize("url", ["/events/a%00b", "/r/a%00b", "/events/x.ics?y=%00",
                                 "/organizer/login?next=%00"])
def test_a_nul_in_the_address_is_a_400(client, url) -> None:
    response = client.get(url)
    assert response.status_code == 400 and "NUL" in response.get_data(as_text=True)


def test_a_405_keeps_its_allow_header(client, make_event) -> None:
    event = make_event()
    response = client.get(f"/events/{event.slug}/register")
    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) == {"POST", "OPTIONS"}
    response = client.delete(f"/events/{event.slug}")
    assert response.status_code == 405 and "GET" in response.headers["Allow"]


# --- Private pages stay out of caches ------------------------------------------------------


def test_the_signup_outcome_and_forms_shown_again_are_not_stored(client, make_event,
                                                                 sign_up) -> None:
    event = make_event()
    assert "no-store" not in client.get(f"/events/{event.slug}").headers.get(
        "Cache-Control", "")
    sign_up(event)
    outcome = client.get(f"/events/{event.slug}/registered")
    assert outcome.status_code == 200 and "seat" in outcome.get_data(as_text=True)
    assert outcome.headers["Cache-Control"] == "no-store"
    again = client.post(f"/events/{event.slug}/register", data={**SIGNUP_FORM, "email": "bad"})
    assert again.status_code == 400 and again.headers["Cache-Control"] == "no-store"
    lost = client.post("/r/lost", data={"email": "not an address"})
    assert lost.status_code == 400 and lost.headers["Cache-Control"] == "no-store"


# --- Size limits ---------------------------------------------------------------------------------


def test_a_form_over_the_size_limit_gets_a_friendly_413(client, make_event) -> None:
    event = make_event()
    response = client.post(f"/events/{event.slug}/register",
                           data={**SIGNUP_FORM, "discussion_topic": "x" * (300 * 1024)})
    assert response.status_code == 413
    body = response.get_data(as_text=True)
    assert "That was too much to send" in body and "256 KiB" in body
    assert counts()["Registration"] == 0


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "organizer"])
def test_an_oversized_console_form_is_a_413_too(client, organizer, signed_in) -> None:
    # The console's template helpers read the form again while the 413 page was drawn: a 500.
    if signed_in:
        client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
    response = client.post("/organizer/events/new", data={"title": "x" * (300 * 1024)})
    assert response.status_code == 413
    assert counts()["Event"] == 0


def test_the_size_limit_is_a_setting(make_app, make_event) -> None:
    app = make_app(MAX_CONTENT_LENGTH=1024)
    with app.app_context():
        event = make_event()
        response = app.test_client().post(f"/events/{event.slug}/register",
                                          data={**SIGNUP_FORM, "discussion_topic": "x" * 2000})
        assert response.status_code == 413


def failed_insert(event_id: int) -> IntegrityError:
    """Return the error of an INSERT that repeats a stored registration's address."""
    db.session.add(Registration(event_id=event_id, email="dup@example.com", name="Ada",
                                status=S.CONFIRMED, seniority=Seniority.VP))
    db.session.commit()
    try:
        db.session.execute(
            text("INSERT INTO registration (event_id, email, name, status, invite_revision, "
                 "added_by_organizer, eligibility_reasons, created_at, updated_at) VALUES "
                 "(:e, :email, :name, 'confirmed', 0, false, '[]', :t, :t)"),
            {"e": event_id, "email": "dup@example.com", "name": "Ada Secret-Surname",
             "t": NOW.replace(tzinfo=None)},
        )
    except IntegrityError as exc:
        db.session.rollback()
        return exc
    raise AssertionError("the INSERT should have failed")


def test_a_database_error_hides_its_parameters(app, make_event) -> None:
    error = failed_insert(make_event().id)
    assert "Secret-Surname" not in str(error)
    assert "SQL parameters hidden" in str(error)


def test_a_logged_database_error_quotes_no_stored_value(make_app, make_event, caplog) -> None:
    # PostgreSQL's own message quotes the violated key's values, whatever hide_parameters says.
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    with app.app_context():
        error = failed_insert(make_event().id)
        with app.test_request_context("/"), caplog.at_level(logging.ERROR):
            try:
                raise error
            except IntegrityError as exc:
                response = app.handle_exception(exc)  # Flask's log line, then the 500 page
        assert response.status_code == 500
    assert "IntegrityError" in caplog.text and "message hidden" in caplog.text
    assert "test_bad_input.py" in caplog.text  # the frames are kept
    assert "dup@example.com" not in caplog.text and "Secret-Surname" not in caplog.text
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR]) >= 2


# --- Forms that waited too long ----------------------------------------------------------------


class _DayOldSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 86_400 - 60


def expired_token(raw: str, secret: str = SECRET) -> str:
    """Return a CSRF token for the session's raw token, signed a day and a minute ago."""
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=_DayOldSigner).dumps(raw)


@pytest.fixture
def csrf_app(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


def raw_session_token(client, url: str) -> str:
    client.get(url)
    with client.session_transaction() as session:
        return str(session["csrf_token"])


def test_an_expired_signup_form_comes_back_with_what_was_typed(csrf_app, make_event) -> None:
    event = make_event()
    client = csrf_app.test_client()
    raw = raw_session_token(client, f"/events/{event.slug}")
    typed = {**SIGNUP_FORM, "name": "Ada Typed-Carefully", "csrf_token": expired_token(raw)}
    response = client.post(f"/events/{event.slug}/register", data=typed)
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "This form was open for more than a day" in body
    assert 'value="Ada Typed-Carefully"' in body
    assert response.headers["Cache-Control"] == "no-store"
    assert counts()["Registration"] == 0
    fresh = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', body)[1]
    again = client.post(f"/events/{event.slug}/register", data={**typed, "csrf_token": fresh})
    assert again.status_code == 303 and counts()["Registration"] == 1


def test_an_expired_token_of_another_session_is_a_plain_400(csrf_app, make_event) -> None:
    event = make_event()
    attacker, victim = csrf_app.test_client(), csrf_app.test_client()
    stale = expired_token(raw_session_token(attacker, f"/events/{event.slug}"))
    raw_session_token(victim, f"/events/{event.slug}")
    response = victim.post(f"/events/{event.slug}/register",
                           data={**SIGNUP_FORM, "csrf_token": stale})
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "CSRF" in body and "open for more than a day" not in body
    assert 'value="Ada Lovelace"' not in body
    assert counts()["Registration"] == 0


def test_an_expired_console_action_changes_nothing(csrf_app, make_event, organizer) -> None:
    event = make_event(status=events.EventStatus.DRAFT)
    client = csrf_app.test_client()
    page = client.get("/organizer/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)[1]
    client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD,
                                          "csrf_token": token})
    raw = raw_session_token(client, f"/organizer/events/{event.id}")
    response = client.post(f"/organizer/events/{event.id}/publish",
                           data={"csrf_token": expired_token(raw)})
    assert response.status_code == 303
    follow = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "open for more than a day" in follow
    db.session.rollback()
    assert db.session.get(Event, event.id).status == events.EventStatus.DRAFT


def test_forms_expire_after_a_day_by_default(app) -> None:
    assert app.config["WTF_CSRF_TIME_LIMIT"] == 86_400
