"""Organizer accounts and access: login, logout, rate limit, safe redirects, the CLI command."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from roundtable.domain import accounts
from roundtable.domain.models import (
    AuditEntry,
    Event,
    EventStatus,
    Organizer,
    OutboxMessage,
    OutboxStatus,
    Registration,
    RegistrationStatus,
)
from roundtable.extensions import db

from conftest import NOW
from organizer_support import EMAIL, PASSWORD, audit_rows, page, text

S = RegistrationStatus

EVENT_FORM = {
    "title": "Changed by an intruder",
    "slug": "intruder",
    "host": "Mallory",
    "format": "online",
    "starts_local": "2030-01-01T18:00",
    "ends_local": "2030-01-01T19:00",
    "timezone": "Europe/Berlin",
    "capacity": "1",
    "minimum_level": "director",
    "approval_mode": "auto",
}
PERSON_FORM = {
    "name": "Mallory Intruder",
    "email": "mallory@intruder.example",
    "company": "Intruders",
    "job_title": "CTO",
    "seniority": "c_level",
}
MESSAGE_FORM = {"audience": "everyone", "subject": "From an intruder", "text": "Click here."}

# Every console URL, with a valid form for the POSTs: only the missing sign-in stops them.
GETS = [
    "/organizer/",
    "/organizer/review",
    "/organizer/events/new",
    "/organizer/events/{e}",
    "/organizer/events/{e}/edit",
    "/organizer/events/{e}/cancel",
    "/organizer/events/{e}/audit",
    "/organizer/events/{e}/attendees",
    "/organizer/events/{e}/attendees/new",
    "/organizer/events/{e}/check-in",
    "/organizer/events/{e}/mail",
    "/organizer/events/{e}/message",
    "/organizer/registrations/{r}/cancel",
]
POSTS = [
    ("/organizer/events/new", EVENT_FORM),
    ("/organizer/events/{e}/edit", EVENT_FORM),
    ("/organizer/events/{e}/publish", {}),
    ("/organizer/events/{e}/unpublish", {}),
    ("/organizer/events/{e}/cancel", {"note": "gone"}),
    ("/organizer/events/{e}/attendees/new", PERSON_FORM),
    ("/organizer/registrations/{r}/cancel", {}),
    ("/organizer/registrations/{w}/move-up", {}),
    ("/organizer/registrations/{w}/move-to-top", {}),
    ("/organizer/registrations/{r}/check-in", {}),
    ("/organizer/registrations/{r}/undo-check-in", {}),
    ("/organizer/events/{e}/close", {"note": "closed by an intruder"}),
    ("/organizer/events/{e}/attendance", {}),
    ("/organizer/registrations/{p}/approve", {}),
    ("/organizer/registrations/{p}/decline", {"note": "no"}),
    ("/organizer/registrations/{r}/undo-decision", {}),
    ("/organizer/registrations/{r}/reinstate", {}),
    ("/organizer/mail/{m}/retry", {}),
    ("/organizer/events/{e}/message", MESSAGE_FORM),
    ("/organizer/events/{e}/message/send", MESSAGE_FORM),
    ("/organizer/events/{e}/attendees.csv", {}),
    ("/organizer/logout", {}),
]


@pytest.fixture
def world(make_event, make_registration):
    """An event with a confirmed, a pending and two waiting registrations."""
    event = make_event(title="Secret Summit", capacity=1)
    ids = {
        "e": event.id,
        "r": make_registration(event, name="Confidential Person").id,
        "p": make_registration(event, status=S.PENDING_REVIEW).id,
        "w0": make_registration(event, status=S.WAITLISTED, queue_position=1).id,
        "w": make_registration(event, status=S.WAITLISTED, queue_position=2).id,
    }
    failed = OutboxMessage(kind="confirmed", event_id=event.id, registration_id=ids["r"],
                           recipient="confidential@example.com", status=OutboxStatus.FAILED,
                           attempts=20, last_error="550 no such user")
    db.session.add(failed)
    db.session.commit()
    ids["m"] = failed.id
    return ids


def snapshot():
    """Return everything a console action could change, read afresh."""
    db.session.rollback()
    events = [(e.id, e.title, e.slug, e.status, e.sequence, e.capacity)
              for e in db.session.scalars(select(Event).order_by(Event.id))]
    regs = [(r.id, r.status, r.queue_position, r.checked_in_at)
            for r in db.session.scalars(select(Registration).order_by(Registration.id))]
    regs += [(m.id, m.status, m.attempts, m.next_attempt_at)
             for m in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]
    counts = [db.session.scalar(select(func.count()).select_from(model))
              for model in (OutboxMessage, AuditEntry, Organizer)]
    return events, regs, counts


def test_every_console_route_is_in_the_access_lists(app) -> None:
    listed = {u for u in GETS} | {u for u, _ in POSTS} | {"/organizer/login"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("organizer."):
            path = (rule.rule.replace("<int:event_id>", "{e}")
                    .replace("<int:registration_id>", "{r}")
                    .replace("<int:message_id>", "{m}"))
            assert path in {u.replace("{w}", "{r}").replace("{p}", "{r}") for u in listed}, path


@pytest.mark.parametrize("url", GETS)
def test_anonymous_visitors_are_sent_to_login_and_see_no_data(client, world, url) -> None:
    response = client.get(url.format(**world))
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organizer/login?next=")
    body = response.get_data(as_text=True)
    assert "Secret Summit" not in body and "Confidential Person" not in body
    login = client.get(response.headers["Location"])
    assert "Please sign in to use the organizer console." in page(login)


@pytest.mark.parametrize(("url", "data"), POSTS)
def test_anonymous_posts_change_nothing(client, world, url, data) -> None:
    before = snapshot()
    response = client.post(url.format(**world), data=data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/organizer/login")
    assert snapshot() == before


def test_login_page_is_reachable_and_the_console_opens_after_login(client, organizer) -> None:
    assert 'type="password"' in page(client.get("/organizer/login"))
    response = client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
    assert response.status_code == 303 and response.headers["Location"] == "/organizer/"
    assert "Roundtables" in page(client.get("/organizer/"))
    db.session.rollback()
    account = db.session.get(Organizer, organizer.id)
    assert account.last_login_at is not None
    assert ("organizer.signed_in", organizer.id, None, None) in audit_rows()


def test_email_is_matched_without_regard_to_case(client, organizer) -> None:
    response = client.post("/organizer/login",
                           data={"email": " Olive@Organizers.EXAMPLE ", "password": PASSWORD})
    assert response.status_code == 303


def test_wrong_password_and_unknown_email_get_identical_answers(client, organizer) -> None:
    wrong = client.post("/organizer/login", data={"email": EMAIL, "password": "not it at all"})
    other = "nobody@organizers.example"
    unknown = client.post("/organizer/login", data={"email": other, "password": "not it at all"})
    assert wrong.status_code == unknown.status_code == 400
    wrong_body = wrong.get_data(as_text=True)
    assert wrong_body == unknown.get_data(as_text=True).replace(other, EMAIL)
    assert "That email and password do not match an organizer account." in wrong_body
    assert client.get("/organizer/").status_code == 302  # still signed out


def test_unknown_email_costs_a_password_check_too(app, organizer, monkeypatch) -> None:
    calls = []
    real = PasswordHasher()

    class Spy:
        def verify(self, hash_, password):
            calls.append(hash_)
            return real.verify(hash_, password)

        def __getattr__(self, name):
            return getattr(real, name)

    monkeypatch.setattr(accounts, "hasher", Spy())
    assert accounts.check_password(db.session, "nobody@example.org", PASSWORD) is None
    assert accounts.check_password(db.session, "not an address", PASSWORD) is None
    assert accounts.check_password(db.session, EMAIL, "wrong password!") is None
    assert len(calls) == 3
    assert calls[0].startswith("$argon2id$") and calls[0] != organizer.password_hash
    assert accounts.check_password(db.session, EMAIL, PASSWORD).organizer_id == organizer.id


def test_production_hashes_passwords_with_argon2id_at_owasp_cost() -> None:
    hasher = accounts.PRODUCTION_HASHER
    assert (hasher.type.name, hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (
        "ID", 3, 65536, 4
    )


def test_passwords_are_stored_as_argon2id_with_default_parameters(app, monkeypatch) -> None:
    monkeypatch.setattr(accounts, "hasher", accounts.PRODUCTION_HASHER)
    account = accounts.create_organizer(db.session, actor=None, now=NOW, email="New@Example.org",
                                        password="a long enough one")
    db.session.commit()
    assert account.email == "new@example.org"
    assert account.password_hash.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    assert "a long enough one" not in account.password_hash
    assert PasswordHasher().verify(account.password_hash, "a long enough one")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/organizer/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\\/evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "/%09/evil.example".replace("%09", "\t"),
        "organizer/",
    ],
)
def test_login_never_redirects_off_site(client, organizer, target) -> None:
    form_page = client.get("/organizer/login", query_string={"next": target})
    assert "evil" not in page(form_page)
    response = client.post("/organizer/login", query_string={"next": target},
                           data={"email": EMAIL, "password": PASSWORD, "next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/organizer/"


def test_login_returns_to_the_page_asked_for(client, world, organizer) -> None:
    response = client.get(f"/organizer/events/{world['e']}/attendees?status=confirmed")
    location = response.headers["Location"]
    login = page(client.get(location))
    target = f"/organizer/events/{world['e']}/attendees?status=confirmed"
    assert f'name="next" type="hidden" value="{target}"' in login
    response = client.post("/organizer/login",
                           data={"email": EMAIL, "password": PASSWORD, "next": target})
    assert response.headers["Location"] == target


def test_logout_is_a_post_and_ends_the_session(console_client) -> None:
    assert console_client.get("/organizer/logout").status_code == 405
    assert console_client.get("/organizer/").status_code == 200
    response = console_client.post("/organizer/logout")
    assert response.status_code == 303 and response.headers["Location"] == "/organizer/login"
    assert console_client.get("/organizer/").status_code == 302


def test_signed_in_organizer_visiting_login_goes_to_the_console(console_client) -> None:
    response = console_client.get("/organizer/login")
    assert response.status_code == 302 and response.headers["Location"] == "/organizer/"


def _log_in(client, email: str, password: str, address: str = "127.0.0.1", forwarded_for=None):
    """Post the login form as if from ``address`` (through a proxy); return the status code."""
    headers = {"X-Forwarded-For": forwarded_for} if forwarded_for else {}
    return client.post("/organizer/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": address}, headers=headers).status_code


def test_failed_logins_are_rate_limited_per_address(make_app, organizer) -> None:
    limited = make_app(RATELIMIT_ENABLED=True)
    with limited.app_context():
        client = limited.test_client()
        for n in range(10):  # ten different accounts: the limit of the address itself
            assert _log_in(client, f"guess{n}@organizers.example", "wrong") == 400
        assert _log_in(client, EMAIL, PASSWORD) == 429
        assert client.get("/organizer/").status_code == 302
        assert _log_in(limited.test_client(), EMAIL, PASSWORD, "127.0.0.2") == 303


def test_a_stranger_cannot_lock_the_organizer_out(make_app, organizer) -> None:
    limited = make_app(RATELIMIT_ENABLED=True)
    with limited.app_context():
        stranger, own = limited.test_client(), limited.test_client()
        codes = [_log_in(stranger, EMAIL, "guessing", "127.0.0.66") for _ in range(7)]
        assert codes == [400] * 5 + [429] * 2  # five tries at one account from one address
        assert _log_in(stranger, EMAIL, PASSWORD, "127.0.0.66") == 429  # even the right one
        for n in range(5):  # the address's other five failures
            assert _log_in(stranger, f"other{n}@organizers.example", "x", "127.0.0.66") == 400
        assert _log_in(stranger, "another@organizers.example", "x", "127.0.0.66") == 429
        # The organizer, elsewhere, is not locked out, nor by a mistyped password of their own.
        assert _log_in(own, EMAIL, "mistyped", "127.0.0.1") == 400
        assert _log_in(own, EMAIL, PASSWORD, "127.0.0.1") == 303


def test_the_account_limit_matches_the_email_as_the_login_does(make_app, organizer) -> None:
    limited = make_app(RATELIMIT_ENABLED=True)
    with limited.app_context():
        client = limited.test_client()
        spellings = [EMAIL, EMAIL.upper(), f"  {EMAIL}", EMAIL.title(), EMAIL]
        assert [_log_in(client, e, "wrong") for e in spellings] == [400] * 5
        assert _log_in(client, EMAIL.upper(), PASSWORD) == 429


@pytest.mark.parametrize(("proxies", "locked"), [(0, True), (1, False)])
def test_behind_a_proxy_the_forwarded_address_is_limited(make_app, organizer, proxies, locked):
    limited = make_app(RATELIMIT_ENABLED=True, TRUSTED_PROXIES=proxies)
    with limited.app_context():
        client = limited.test_client()
        for n in range(10):  # every failure claims to come from another address
            forwarded = f"127.0.0.{100 + n}"
            code = _log_in(client, f"guess{n}@organizers.example", "x", forwarded_for=forwarded)
            assert code == 400
        # No trusted proxy: the header is ignored, all ten came from one address, now locked.
        # One trusted proxy: ten addresses with one failure each, none locked.
        expected = 429 if locked else 303
        assert _log_in(client, EMAIL, PASSWORD, forwarded_for="127.0.0.100") == expected


def test_successful_logins_do_not_use_up_the_limit(make_app, organizer) -> None:
    limited = make_app(RATELIMIT_ENABLED=True)
    with limited.app_context():
        client = limited.test_client()
        for _ in range(11):
            response = client.post("/organizer/login", data={"email": EMAIL, "password": PASSWORD})
            assert response.status_code == 303
            client.post("/organizer/logout")


def test_another_client_is_not_signed_in_by_someone_elses_login(console_client, app) -> None:
    assert console_client.get("/organizer/").status_code == 200
    assert app.test_client().get("/organizer/").status_code == 302


def test_a_session_of_a_deleted_account_is_anonymous(console_client, organizer) -> None:
    db.session.rollback()
    db.session.delete(db.session.get(Organizer, organizer.id))
    db.session.commit()
    assert console_client.get("/organizer/").status_code == 302


# --- roundtable create-organizer ---------------------------------------------------------------


def test_create_organizer_reads_the_password_from_stdin(runner, client) -> None:
    result = runner.invoke(
        args=["create-organizer", "Ann@Example.org", "--name", "Ann", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 0, result.output
    assert "ann@example.org" in result.output
    account = db.session.scalar(select(Organizer))
    assert account.name == "Ann" and account.password_hash.startswith("$argon2id$")
    response = client.post("/organizer/login",
                           data={"email": "ann@example.org", "password": "a long enough password"})
    assert response.status_code == 303


def test_create_organizer_prompts_twice_for_the_password(runner) -> None:
    result = runner.invoke(args=["create-organizer", "bo@example.org"],
                           input="another good password\nanother good password\n")
    assert result.exit_code == 0, result.output
    assert "Repeat for confirmation" in result.output
    assert "another good password" not in result.output  # hidden input is not echoed
    account = db.session.scalar(select(Organizer))
    assert PasswordHasher().verify(account.password_hash, "another good password")


def test_create_organizer_refuses_mismatched_confirmation(runner) -> None:
    result = runner.invoke(args=["create-organizer", "bo@example.org"],
                           input="another good password\nsomething else\n")
    assert result.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(Organizer)) == 0


@pytest.mark.parametrize(
    ("email", "password", "message"),
    [
        ("cy@example.org", "short", "at least 12 characters"),
        ("not-an-address", "a long enough password", "does not look right"),
        (EMAIL, "a long enough password", "already an organizer account"),
    ],
)
def test_create_organizer_refuses_bad_input(runner, organizer, email, password, message) -> None:
    result = runner.invoke(args=["create-organizer", email, "--password-stdin"],
                           input=password + "\n")
    assert result.exit_code == 1
    assert message in result.stderr
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Organizer)) == 1


def test_console_pages_are_not_cached(console_client) -> None:
    assert console_client.get("/organizer/").headers["Cache-Control"] == "no-store"


def test_login_with_empty_fields_explains_what_is_missing(client) -> None:
    response = client.post("/organizer/login", data={"email": "", "password": ""})
    assert response.status_code == 400
    body = text(response.get_data(as_text=True))
    assert "Please enter your email." in body and "Please enter your password." in body


def test_event_list_shows_drafts_and_counts(console_client, make_event, make_registration):
    draft = make_event(title="Draft Dinner", status=EventStatus.DRAFT)
    past = make_event(title="Old Breakfast", starts_at=NOW - timedelta(days=400))
    make_registration(draft)
    make_registration(draft, status=S.PENDING_REVIEW)
    body = text(page(console_client.get("/organizer/")))
    assert "Draft Dinner" in body and "Old Breakfast" in body and "Draft" in body
    assert body.index("Draft Dinner") < body.index("Old Breakfast")  # upcoming first
    assert "1 / 20" in body
    assert past.id


def test_an_outdated_hash_is_upgraded_at_login(client, organizer, monkeypatch) -> None:
    monkeypatch.setattr(accounts, "hasher", accounts.PRODUCTION_HASHER)
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(PASSWORD)
    organizer.password_hash = weak
    db.session.commit()
    assert client.post("/organizer/login",
                       data={"email": EMAIL, "password": PASSWORD}).status_code == 303
    db.session.rollback()
    upgraded = db.session.get(Organizer, organizer.id).password_hash
    assert upgraded != weak and upgraded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")


# --- With CSRF protection on, as in production ---------------------------------------------------


def _token(html: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def test_console_forms_need_the_token_from_their_page(
    make_app, organizer, make_event, make_registration
) -> None:
    event = make_event()
    guest = make_registration(event, name="Guest With Seat")
    protected = make_app(WTF_CSRF_ENABLED=True)
    with protected.app_context():
        client = protected.test_client()
        credentials = {"email": EMAIL, "password": PASSWORD}
        assert client.post("/organizer/login", data=credentials).status_code == 400
        token = _token(page(client.get("/organizer/login")))
        response = client.post("/organizer/login", data={**credentials, "csrf_token": token})
        assert response.status_code == 303
        url = f"/organizer/registrations/{guest.id}/check-in"
        for forged in ({}, {"csrf_token": "forged"}):
            assert client.post(url, data=forged).status_code == 400
        assert db.session.get(Registration, guest.id).checked_in_at is None
        door = page(client.get(f"/organizer/events/{event.id}/check-in"))
        assert 'id="csrf_token"' not in door  # repeated forms: no duplicate ids
        response = client.post(url, data={"csrf_token": _token(door)})
        assert response.status_code == 303
        db.session.rollback()
        assert db.session.get(Registration, guest.id).checked_in_at is not None
        logout = client.post("/organizer/logout", data={"csrf_token": _token(door)})
        assert logout.headers["Location"] == "/organizer/login"
