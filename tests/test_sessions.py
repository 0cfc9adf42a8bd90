"""Organizer sessions: signing out ends them everywhere, a copied cookie opens nothing, an idle
session expires after 12 hours, and a session moved to another browser is dropped."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from roundtable.domain import accounts
from roundtable.domain.models import AuditEntry, Organizer
from roundtable.extensions import db
from roundtable.web.organizer.base import SEEN

from conftest import NOW
from organizer_support import EMAIL, PASSWORD, page

CONSOLE = "/organizer/"


def signed_in(client) -> bool:
    """Return True when the client's session opens the console."""
    return client.get(CONSOLE).status_code == 200


def sign_in(client) -> None:
    response = client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 303


def test_signing_out_ends_a_copied_session_cookie(console_client) -> None:
    copied = console_client.get_cookie("session").value
    assert signed_in(console_client)
    console_client.post("/organizer/logout")
    assert not signed_in(console_client)
    console_client.set_cookie("session", copied)  # the cookie as it was, replayed
    response = console_client.get(CONSOLE)
    assert response.status_code == 302 and response.headers["Location"].startswith(
        "/organizer/login")


def test_sign_out_everywhere_ends_the_sessions_of_other_browsers(app, console_client) -> None:
    other = app.test_client()
    sign_in(other)
    assert signed_in(other) and signed_in(console_client)
    body = page(console_client.get(CONSOLE))
    assert "Sign out everywhere" in body
    response = console_client.post("/organizer/logout")
    assert response.status_code == 303
    assert "signed out, in this browser and everywhere else" in page(
        console_client.get(response.headers["Location"]))
    assert not signed_in(other) and not signed_in(console_client)
    db.session.rollback()
    organizer = db.session.scalar(select(Organizer))
    assert organizer.session_version == 1
    assert [e.action for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))] == [
        "organizer.signed_in", "organizer.signed_in", "organizer.signed_out"]
    sign_in(other)  # signing in again works, with the new version
    assert signed_in(other)


def test_a_session_cookie_of_another_browser_is_dropped(console_client) -> None:
    cookie = console_client.get_cookie("session").value
    assert signed_in(console_client)
    console_client.set_cookie("session", cookie)
    response = console_client.get(CONSOLE, headers={"User-Agent": "Another browser/1.0"})
    assert response.status_code == 302  # session protection "strong": the session is gone
    assert not signed_in(console_client)


@pytest.mark.parametrize(("idle", "still_in"), [
    (timedelta(hours=11, minutes=59), True),
    (timedelta(hours=12, minutes=1), False),
])
def test_an_organizer_session_ends_after_twelve_hours_idle(console_client, idle, still_in
                                                           ) -> None:
    with console_client.session_transaction() as session:
        session[SEEN] = int(time.time() - idle.total_seconds())
    assert signed_in(console_client) == still_in


def test_each_request_keeps_an_active_session_alive(console_client) -> None:
    with console_client.session_transaction() as session:
        session[SEEN] = int(time.time() - 11 * 3600)
    assert signed_in(console_client)
    with console_client.session_transaction() as session:
        assert time.time() - session[SEEN] < 60


def test_the_idle_limit_is_a_setting(make_app, organizer) -> None:
    client = make_app(ORGANIZER_IDLE_SECONDS=60).test_client()
    sign_in(client)
    with client.session_transaction() as session:
        session[SEEN] = int(time.time() - 61)
    assert not signed_in(client)


def test_a_session_of_an_old_version_opens_nothing(app, organizer) -> None:
    assert accounts.session_organizer(db.session(), f"{organizer.id}:0") is not None
    accounts.end_sessions(db.session(), actor=organizer.id, now=NOW)
    db.session.commit()
    for stale in (f"{organizer.id}:0", str(organizer.id), "", "x:1", f"{organizer.id}:²",
                  "99999999999999999999:1"):
        assert accounts.session_organizer(db.session(), stale) is None
    assert accounts.session_organizer(db.session(), f"{organizer.id}:1") is not None


def test_session_cookies_are_read_alike_compressed_or_not(app) -> None:
    """A small session is signed without trying zlib; either kind reads as Flask's own does."""
    from flask.sessions import SecureCookieSessionInterface

    from roundtable.web.cookies import SessionCookies

    ours = SessionCookies().get_signing_serializer(app)
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    small = {"csrf_token": "a" * 40}
    big = {"signup": {"id": 1}, "notes": ["the same words again"] * 20}
    assert not ours.dumps(small).startswith(".")
    assert ours.dumps(big).startswith(".")  # compressed where it pays
    for data in (small, big):
        assert stock.loads(ours.dumps(data)) == data
        assert ours.loads(stock.dumps(data)) == data


def test_plain_sessions_are_written_as_flasks_tagged_serializer_writes_them(app) -> None:
    """The direct JSON of a session of text values is byte for byte Flask's; others go to it."""
    from flask.sessions import SecureCookieSessionInterface, session_json_serializer
    from markupsafe import Markup

    from roundtable.web.cookies import SessionCookies

    ours = SessionCookies().get_signing_serializer(app)
    plain = [{"csrf_token": "a" * 40}, {"z": "last", "a": "first", "é": "Grüße ☕"}, {}]
    for data in plain:
        assert ours._plain(data) == session_json_serializer.dumps(data).encode()
    for other in ({"signup": {"id": 1, "duplicate": False}}, {"note": Markup("<b>x</b>")},
                  {"n": 1}, {"_flashes": [("info", "Saved.")]}):
        assert ours._plain(other) is None
    stock = SecureCookieSessionInterface().get_signing_serializer(app)
    for data in (*plain, {"signup": {"id": 1, "duplicate": False}}):
        assert stock.loads(ours.dumps(data)) == data


def test_csrf_tokens_are_flask_wtfs(app) -> None:
    """csrf_token() gives the token Flask-WTF would: validate_csrf takes it, and within one
    request both ways give the same token from the same session value."""
    from flask import g, session
    from flask_wtf.csrf import generate_csrf, validate_csrf

    from roundtable.web.cookies import csrf_token

    with app.test_request_context("/"):
        token = csrf_token()
        raw = session["csrf_token"]
        validate_csrf(token)
        assert generate_csrf() == token
    with app.test_request_context("/"):
        stock = generate_csrf()
        assert csrf_token() == stock
    with app.test_request_context("/"):
        session["csrf_token"] = raw  # a later request of the same session
        again = csrf_token()
        assert session["csrf_token"] == raw and again != ""
        validate_csrf(again)
        g.pop("csrf_token")
        validate_csrf(generate_csrf())
