"""With CSRF protection on (as in production), every form needs the token from its page."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from roundtable.domain.models import Registration
from roundtable.extensions import db

FORM = {
    "name": "Ada Lovelace",
    "email": "ada@analytical.example",
    "company": "Analytical Engines",
    "job_title": "CTO",
    "seniority": "c_level",
    "consent": "y",
}


@pytest.fixture
def csrf_client(make_app):
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app.test_client()


def _token(page: str) -> str:
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match, "the form carries a CSRF token"
    return match.group(1)


def _count() -> int:
    with db.engine.connect() as conn:  # a fresh snapshot, not the test's own session
        return conn.scalar(select(func.count()).select_from(Registration))


def test_signup_with_the_token_from_the_page_works(csrf_client, make_event) -> None:
    event = make_event()
    token = _token(csrf_client.get(f"/events/{event.slug}").get_data(as_text=True))
    response = csrf_client.post(
        f"/events/{event.slug}/register", data={**FORM, "csrf_token": token}
    )
    assert response.status_code == 303
    assert _count() == 1


@pytest.mark.parametrize("token", [None, "", "forged-token"])
def test_signup_without_a_valid_token_is_refused(csrf_client, make_event, token) -> None:
    event = make_event()
    csrf_client.get(f"/events/{event.slug}")  # a session exists, but the token is wrong
    data = dict(FORM) if token is None else {**FORM, "csrf_token": token}
    response = csrf_client.post(f"/events/{event.slug}/register", data=data)
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
    assert _count() == 0
