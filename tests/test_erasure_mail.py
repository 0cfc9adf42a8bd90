"""Erasing a person removes the copies of their mail the site keeps (.eml files), too."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import select

from roundtable.domain import registrations
from roundtable.domain.models import Registration, utcnow
from roundtable.extensions import db
from roundtable.notify import compose, outbox, transports

from conftest import SECRET, SIGNUP_FORM


def deliver_to_files() -> None:
    outbox.deliver_due(db.session, utcnow, lambda m: compose.compose(db.session, m, utcnow()),
                       transports.transport(), outbox.DeliveryPolicy())


def mail_to(folder: Path) -> list[str]:
    """Return the To header of every .eml file in ``folder``."""
    found = []
    for path in sorted(folder.glob("*.eml")):
        for line in path.read_bytes().decode("utf-8", "replace").splitlines():
            if line.startswith("To: "):
                found.append(line.removeprefix("To: "))
    return found


def test_erasing_removes_the_persons_eml_files_only(make_app, make_event, tmp_path) -> None:
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    folder = tmp_path / "instance" / "mail"
    with app.app_context():
        event = make_event()
        client = app.test_client()
        for email, name in (("ada@analytical.example", "Ada"), ("Grace@Navy.example", "Grace")):
            response = client.post(f"/events/{event.slug}/register",
                                   data={**SIGNUP_FORM, "email": email, "name": name})
            assert response.status_code == 303
        deliver_to_files()
        assert sorted(mail_to(folder)) == ["ada@analytical.example", "grace@navy.example"]
        db.session.rollback()
        ada = db.session.scalar(
            select(Registration).where(Registration.email == "ada@analytical.example"))
        token = registrations.manage_token(SECRET, ada)
        response = client.post(f"/r/{token}/erase")
        assert response.status_code == 303
        assert mail_to(folder) == ["grace@navy.example"]


def test_purge_removes_the_eml_files_of_the_people_it_erases(make_app, make_event,
                                                             make_registration, tmp_path
                                                             ) -> None:
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))
    folder = tmp_path / "instance" / "mail"
    with app.app_context():
        old = make_event(starts_at=datetime.now(UTC) - timedelta(days=120))
        recent = make_event()
        for event, email in ((old, "old@example.org"), (recent, "recent@example.org")):
            registration = make_registration(event, email=email)
            outbox.enqueue(db.session(), "confirmed", registration)
        db.session.commit()
        deliver_to_files()
        assert sorted(mail_to(folder)) == ["old@example.org", "recent@example.org"]
        result = app.test_cli_runner().invoke(args=["purge", "--older-than", "90d"])
        assert result.exit_code == 0, result.output
        assert mail_to(folder) == ["recent@example.org"]


def test_forgetting_with_smtp_or_no_folder_removes_nothing(make_app, tmp_path) -> None:
    app = make_app(INSTANCE_PATH=str(tmp_path / "none"))
    with app.test_request_context():
        assert transports.forget(["a@example.org"]) == 0
    app = make_app(SMTP_URL="smtp://127.0.0.1:2525")
    with app.test_request_context():
        assert transports.forget(["a@example.org"]) == 0
