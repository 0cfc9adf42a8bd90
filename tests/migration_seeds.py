"""Rows as each revision's schema held them, for the upgrade walk in test_migrations.

``SEEDS`` has one function per revision in migrations/versions. The walk upgrades an empty
database one revision at a time and, at each, calls that revision's function, which writes
realistic rows into every table the schema then had: plain SQL naming that revision's columns
(never the current models), with the values the code of that time wrote. A new revision needs
an entry here; ``test_every_revision_has_a_seed`` fails until it has one, and the walk fails when
an entry leaves a table of its revision without a new row.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, text

from conftest import CHEAP_HASHER, SECRET

ORGANIZER_PASSWORD = "an organizer since the first revision"


@dataclass
class Person:
    """A registration the walk wrote, and what must still work for it at head."""

    revision: str
    registration_id: int
    event_slug: str
    name: str | None
    email: str | None
    token: str | None = None  # the private-link token issued when it was written, if any

    @property
    def erased(self) -> bool:
        return self.email is None


@dataclass
class Walk:
    """What the seeds wrote, for the checks after the upgrade to head."""

    starts_at: datetime
    events: dict[str, int] = field(default_factory=dict)  # slug -> id
    titles: dict[str, str] = field(default_factory=dict)  # slug -> title
    people: list[Person] = field(default_factory=list)
    organizer_email: str = ""  # the oldest account, which signs in at head

    def person(self, name: str) -> Person:
        """Return the registration written for ``name``."""
        return next(p for p in self.people if p.name == name)


# --- Plain SQL ---------------------------------------------------------------------------------


def insert(conn: Connection, table: str, **values: Any) -> int:
    """Insert one row with plain SQL and return its id."""
    columns = ", ".join(values)
    params = ", ".join(f":{name}" for name in values)
    row_id = conn.execute(
        text(f"INSERT INTO {table} ({columns}) VALUES ({params}) RETURNING id"),
        {name: stored(conn, value) for name, value in values.items()},
    ).scalar_one()
    return int(row_id)


def update(conn: Connection, table: str, row_id: int, **values: Any) -> None:
    """Change columns of one row with plain SQL."""
    assignments = ", ".join(f"{name} = :{name}" for name in values)
    conn.execute(
        text(f"UPDATE {table} SET {assignments} WHERE id = :row_id"),
        {"row_id": row_id, **{name: stored(conn, value) for name, value in values.items()}},
    )


def stored(conn: Connection, value: Any) -> Any:
    """Return ``value`` as SQLAlchemy's column types would have stored it."""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC)
        # SQLite keeps instants as naive UTC text in SQLAlchemy's DateTime format.
        return utc.strftime("%Y-%m-%d %H:%M:%S.%f") if conn.dialect.name == "sqlite" else utc
    if isinstance(value, dict | list):
        return json.dumps(value)
    return value


def token_as_issued_at_5d162091493b(secret_key: str, registration_id: int, salt: str) -> str:
    """Return a private-link token the way roundtable/tokens.py derived it from 5d162091493b on.

    A frozen copy (commit 8900e2f): if tokens.py ever derives differently, links already mailed
    must still open, and the walk's check of them fails.
    """
    digest = hmac.new(
        secret_key.encode(), f"manage:{registration_id}:{salt}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def token_hash(token: str) -> str:
    """Return the stored form of a token (SHA-256, hex), as every revision stored it."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- Rows of the initial schema, which later seeds extend --------------------------------------

WRITTEN = datetime(2026, 11, 1, 9, 30, tzinfo=UTC)


def event_row(walk: Walk, revision: str, **overrides: Any) -> dict[str, Any]:
    """Return an upcoming published event in the columns of 6c0f61de0979 (none changed since)."""
    starts_at = walk.starts_at
    return {
        "slug": f"walk-{revision}",
        "title": f"Roundtable stored at revision {revision}",
        "summary": "Engineering leaders compare notes on AI adoption.",
        "description": "An off-the-record hour.\n\nBring one thing that worked.",
        "host": "The Engineering Leadership Letter",
        "format": "online",
        "location": None,
        "join_url": "https://meet.example.org/walk",
        "starts_at": starts_at,
        "ends_at": starts_at + timedelta(hours=1),
        "timezone": "Europe/London",
        "capacity": 20,
        "minimum_level": "director",
        "approval_mode": "auto",
        "status": "published",
        "company_cap": None,
        "sequence": 0,
        "created_at": WRITTEN,
        "updated_at": WRITTEN,
        **overrides,
    }


def add_event(conn: Connection, walk: Walk, revision: str, **overrides: Any) -> int:
    """Store an event, remember it, and return its id."""
    row = event_row(walk, revision, **overrides)
    event_id = insert(conn, "event", **row)
    walk.events[row["slug"]] = event_id
    walk.titles[row["slug"]] = row["title"]
    return event_id


def organizer_row(email: str, name: str) -> dict[str, Any]:
    """Return an organizer account in the columns of 6c0f61de0979."""
    return {
        "email": email,
        "name": name,
        "password_hash": CHEAP_HASHER.hash(ORGANIZER_PASSWORD),
        "created_at": WRITTEN,
    }


def registration_row(event_id: int, name: str, email: str, **overrides: Any) -> dict[str, Any]:
    """Return a confirmed registration in the columns of 6c0f61de0979."""
    domain = email.rsplit("@", 1)[1]
    return {
        "event_id": event_id,
        "name": name,
        "email": email,
        "company": domain.split(".")[0].title(),
        "company_key": domain,
        "job_title": "Director of Engineering",
        "seniority": "director",
        "discussion_topic": "Review load after AI adoption",
        "status": "confirmed",
        "eligibility_outcome": "eligible",
        "eligibility_reasons": [],
        "status_reason": None,
        "queue_position": None,
        "manage_token_hash": None,
        "added_by_organizer": False,
        "checked_in_at": None,
        "confirmed_at": WRITTEN,
        "cancelled_at": None,
        "erased_at": None,
        "created_at": WRITTEN,
        "updated_at": WRITTEN,
        **overrides,
    }


def add_person(conn: Connection, walk: Walk, revision: str, slug: str, row: dict[str, Any],
               *, issue_link: bool) -> Person:
    """Store a registration; with ``issue_link``, give it a salt and token hash as signup did."""
    if issue_link:
        row = {**row, "manage_salt": secrets.token_hex(16)}
    registration_id = insert(conn, "registration", **row)
    token = None
    if issue_link:  # signup flushed for the id, then stored the hash of the derived token
        token = token_as_issued_at_5d162091493b(SECRET, registration_id, row["manage_salt"])
        update(conn, "registration", registration_id, manage_token_hash=token_hash(token))
    person = Person(revision, registration_id, slug, row["name"], row["email"], token)
    walk.people.append(person)
    return person


def outbox_row(person: Person, event_id: int, kind: str, **overrides: Any) -> dict[str, Any]:
    """Return a pending outbox message in the columns of 5d162091493b."""
    return {
        "kind": kind,
        "event_id": event_id,
        "registration_id": person.registration_id,
        "recipient": person.email,
        "payload": {},
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": WRITTEN,
        "last_error": None,
        "sent_at": None,
        "created_at": WRITTEN,
        **overrides,
    }


def invitation(sequence: int) -> dict[str, Any]:
    """Return the payload of a message that carries a calendar REQUEST."""
    return {"calendar": "REQUEST", "calendar_status": "CONFIRMED", "sequence": sequence}


# --- One seed per revision, oldest first -------------------------------------------------------


def seed_6c0f61de0979(conn: Connection, walk: Walk) -> None:
    """Foundation (fdcaea0): nothing issued private links yet, so no token hash was stored."""
    rev = "6c0f61de0979"
    walk.organizer_email = "first@organizers.example"
    insert(conn, "organizer", **organizer_row(walk.organizer_email, "First Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, capacity=1)
    add_person(conn, walk, rev, slug,
               registration_row(event_id, "Ada Lovelace", "ada@analytical.example"),
               issue_link=False)
    add_person(conn, walk, rev, slug,
               registration_row(event_id, "Grace Hopper", "grace@cobol.example",
                                status="waitlisted", queue_position=1, confirmed_at=None),
               issue_link=False)
    add_person(conn, walk, rev, slug,
               registration_row(event_id, "Linus Torvalds", "linus@kernel.example",
                                status="cancelled", cancelled_at=WRITTEN),
               issue_link=False)
    erased = registration_row(
        event_id, "", "x@x.example", status="cancelled", cancelled_at=WRITTEN, erased_at=WRITTEN,
        confirmed_at=None,
    )
    erased.update(name=None, email=None, company=None, company_key=None, job_title=None,
                  discussion_topic=None)
    add_person(conn, walk, rev, slug, erased, issue_link=False)


def seed_5d162091493b(conn: Connection, walk: Walk) -> None:
    """Signup and the outbox (8900e2f): salted private links, mail recorded with the change."""
    rev = "5d162091493b"
    insert(conn, "organizer", **organizer_row("second@organizers.example", "Second Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev)
    barbara = add_person(conn, walk, rev, slug,
                         registration_row(event_id, "Barbara Liskov", "barbara@clu.example"),
                         issue_link=True)
    insert(conn, "outbox_message", **outbox_row(barbara, event_id, "confirmed",
                                                payload=invitation(1)))
    # The first roundtable moved: its sequence went up and Ada's update is still in the outbox.
    first = walk.events["walk-6c0f61de0979"]
    update(conn, "event", first, sequence=1)
    ada = walk.person("Ada Lovelace")
    insert(conn, "outbox_message", **outbox_row(
        ada, first, "event_changed", payload={"changes": ["time"], **invitation(2)}
    ))


def seed_0cf47d4a2cee(conn: Connection, walk: Walk) -> None:
    """Invite revisions (8900e2f): each calendar message to a person counts one up."""
    rev = "0cf47d4a2cee"
    insert(conn, "organizer", **organizer_row("third@organizers.example", "Third Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, capacity=1)
    margaret = add_person(
        conn, walk, rev, slug,
        registration_row(event_id, "Margaret Hamilton", "margaret@apollo.example",
                         invite_revision=1),
        issue_link=True,
    )
    insert(conn, "outbox_message", **outbox_row(
        margaret, event_id, "confirmed", payload=invitation(1), status="sent", attempts=1,
        sent_at=WRITTEN,
    ))
    dorothy = add_person(
        conn, walk, rev, slug,
        registration_row(event_id, "Dorothy Vaughan", "dorothy@nasa.example", status="waitlisted",
                         queue_position=1, confirmed_at=None, invite_revision=0),
        issue_link=True,
    )
    insert(conn, "outbox_message", **outbox_row(dorothy, event_id, "waitlisted"))


def seed_f41082681ba2(conn: Connection, walk: Walk) -> None:
    """Audit log and last sign-in (86a9041): organizers' actions are recorded."""
    rev = "f41082681ba2"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, **organizer_row(
        "fourth@organizers.example", "Fourth Organizer"
    ))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev)
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=None, action="event.created", detail="", created_at=WRITTEN)
    katherine = add_person(
        conn, walk, rev, slug,
        registration_row(event_id, "Katherine Johnson", "katherine@langley.example",
                         added_by_organizer=True, eligibility_outcome=None, invite_revision=1),
        issue_link=True,
    )
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=katherine.registration_id, action="registration.added",
           detail="Met at the summit.", created_at=WRITTEN)
    insert(conn, "outbox_message", **outbox_row(katherine, event_id, "confirmed",
                                                payload=invitation(1)))
    linus = walk.person("Linus Torvalds")
    insert(conn, "audit_entry", event_id=walk.events["walk-6c0f61de0979"],
           organizer_id=organizer_id, registration_id=linus.registration_id,
           action="registration.cancelled", detail="", created_at=WRITTEN)


def seed_8a1e5c2d7b90(conn: Connection, walk: Walk) -> None:
    """Double opt-in and address keys: a signup waits for its address; keys on registrations."""
    rev = "8a1e5c2d7b90"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, **organizer_row(
        "fifth@organizers.example", "Fifth Organizer"
    ))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, confirm_email=True)
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=None, action="event.created", detail="", created_at=WRITTEN)
    frances = add_person(conn, walk, rev, slug,
                         registration_row(event_id, "Frances Allen", "frances.allen@gmail.com",
                                          email_key="francesallen@gmail.com", invite_revision=1),
                         issue_link=True)
    insert(conn, "outbox_message", **outbox_row(frances, event_id, "confirmed",
                                                payload=invitation(1)))
    signup_id = insert(conn, "signup_request", event_id=event_id, name="Radia Perlman",
           email="radia@spanning.example", email_key="radia@spanning.example",
           company="Spanning", job_title="VP Engineering", seniority="vp",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)
    insert(conn, "outbox_message", kind="confirm_signup", event_id=event_id,
           registration_id=None, recipient="radia@spanning.example",
           payload={"signup_id": signup_id}, status="pending", attempts=0,
           next_attempt_at=WRITTEN, last_error=None, sent_at=None, created_at=WRITTEN)


def seed_3c9d2e4f6a81(conn: Connection, walk: Walk) -> None:
    """The host's contact address: Reply-To and the invitations' ORGANIZER."""
    rev = "3c9d2e4f6a81"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, **organizer_row(
        "sixth@organizers.example", "Sixth Organizer"
    ))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@letter.example")
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=None, action="event.published", detail="", created_at=WRITTEN)
    person = add_person(conn, walk, rev, slug,
                        registration_row(event_id, "Annie Easley", "annie@glenn.example",
                                         email_key="annie@glenn.example", invite_revision=1),
                        issue_link=True)
    insert(conn, "outbox_message", **outbox_row(person, event_id, "confirmed",
                                                payload=invitation(1)))
    insert(conn, "signup_request", event_id=event_id, name="Mary Jackson",
           email="mary@langley.example", email_key="mary@langley.example",
           company="Langley", job_title="Director of Engineering", seniority="director",
           discussion_topic="Wind tunnels", salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


def seed_b3e1c5d7a902(conn: Connection, walk: Walk) -> None:
    """Session versions: signing out ends every session of the account."""
    rev = "b3e1c5d7a902"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, session_version=2,
                          **organizer_row("seventh@organizers.example", "Seventh Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@letter.example")
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=None, action="event.created", detail="", created_at=WRITTEN)
    person = add_person(conn, walk, rev, slug,
                        registration_row(event_id, "Evelyn Boyd", "evelyn@granville.example",
                                         email_key="evelyn@granville.example",
                                         invite_revision=1),
                        issue_link=True)
    insert(conn, "outbox_message", **outbox_row(person, event_id, "confirmed",
                                                payload=invitation(1)))
    insert(conn, "signup_request", event_id=event_id, name="Sophie Wilson",
           email="sophie@arm.example", email_key="sophie@arm.example",
           company="Arm", job_title="Director of Engineering", seniority="director",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


def seed_d7a4f2b9c311(conn: Connection, walk: Walk) -> None:
    """A registration deadline per event; seats an organizer gave over the capacity."""
    rev = "d7a4f2b9c311"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, session_version=0,
                          **organizer_row("eighth@organizers.example", "Eighth Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@letter.example", capacity=1,
                         registration_deadline=walk.starts_at - timedelta(days=1))
    person = add_person(conn, walk, rev, slug,
                        registration_row(event_id, "Karen Sparck Jones",
                                         "karen@cambridge.example",
                                         email_key="karen@cambridge.example",
                                         invite_revision=1, added_by_organizer=True),
                        issue_link=True)
    over = add_person(conn, walk, rev, slug,
                      registration_row(event_id, "Barbara Liskov", "barbara@mit.example",
                                       email_key="barbara@mit.example", invite_revision=1,
                                       added_by_organizer=True, over_capacity=True),
                      issue_link=True)
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=over.registration_id, action="registration.added",
           detail="a seat over the capacity", created_at=WRITTEN)
    insert(conn, "outbox_message", **outbox_row(person, event_id, "confirmed",
                                                payload=invitation(1)))
    insert(conn, "signup_request", event_id=event_id, name="Frances Allen",
           email="frances@ibm.example", email_key="frances@ibm.example",
           company="IBM", job_title="Director of Engineering", seniority="director",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


def seed_e5b7c9a1f402(conn: Connection, walk: Walk) -> None:
    """No empty chairs: event settings, a reconfirmed seat, an offer, attendance, a dedup key."""
    rev = "e5b7c9a1f402"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, session_version=0,
                          **organizer_row("ninth@organizers.example", "Ninth Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@letter.example", capacity=2,
                         registration_deadline=None, reminder_hours=24, reconfirm_hours=72,
                         reconfirm_deadline_hours=24, release_unanswered=True,
                         offer_window_hours=48, offer_hours=6, review_no_shows=True,
                         closed_at=None, closing_note=None)
    kept = add_person(conn, walk, rev, slug,
                      registration_row(event_id, "Radia Perlman", "radia@dec.example",
                                       email_key="radia@dec.example", invite_revision=1,
                                       reconfirm_asked_at=WRITTEN, reconfirmation="yes",
                                       reconfirmed_at=WRITTEN, late_cancellation=False),
                      issue_link=True)
    add_person(conn, walk, rev, slug,
               registration_row(event_id, "Adele Goldberg", "adele@parc.example",
                                email_key="adele@parc.example", status="offered",
                                offer_expires_at=WRITTEN + timedelta(hours=6),
                                invite_revision=0, late_cancellation=False),
               issue_link=True)
    add_person(conn, walk, rev, slug,
               registration_row(event_id, "Ivan Sutherland", "ivan@utah.example",
                                email_key="ivan@utah.example", status="cancelled",
                                cancelled_at=WRITTEN, reconfirmation="released",
                                late_cancellation=True, attendance=None,
                                invite_revision=1),
               issue_link=True)
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=kept.registration_id, action="registration.checked_in",
           detail="", created_at=WRITTEN)
    insert(conn, "outbox_message", **outbox_row(kept, event_id, "reminder",
                                                dedup_key=f"reminder:{kept.registration_id}:0"))
    insert(conn, "signup_request", event_id=event_id, name="Jean Sammet",
           email="jean@ibm.example", email_key="jean@ibm.example",
           company="IBM", job_title="Director of Engineering", seniority="director",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


def seed_e5b8c1d4a7f2(conn: Connection, walk: Walk) -> None:
    """An index for the stamp of an event's seat figures (no new column)."""
    rev = "e5b8c1d4a7f2"
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, session_version=0,
                          **organizer_row("tenth@organizers.example", "Tenth Organizer"))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@letter.example", capacity=1)
    person = add_person(conn, walk, rev, slug,
                        registration_row(event_id, "Adele Goldberg", "adele@parc.example",
                                         email_key="adele@parc.example", invite_revision=1),
                        issue_link=True)
    waiting = add_person(conn, walk, rev, slug,
                         registration_row(event_id, "Lynn Conway", "lynn@parc.example",
                                          email_key="lynn@parc.example", status="waitlisted",
                                          queue_position=1, confirmed_at=None,
                                          invite_revision=0),
                         issue_link=True)
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=waiting.registration_id, action="registration.added",
           detail="the waiting list", created_at=WRITTEN)
    insert(conn, "outbox_message", **outbox_row(person, event_id, "confirmed",
                                                payload=invitation(1)))
    insert(conn, "signup_request", event_id=event_id, name="Jean Sammet",
           email="jean@ibm.example", email_key="jean@ibm.example",
           company="IBM", job_title="Director of Engineering", seniority="director",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


def seed_e5b9d2f6c8a3(conn: Connection, walk: Walk) -> None:
    """An index for the end of an event's waiting list (no new column)."""
    _seed_every_table(conn, walk, "e5b9d2f6c8a3", "eleventh@organizers.example",
                      "Eleventh Organizer")


def seed_e6a1c3d5f7b9(conn: Connection, walk: Walk) -> None:
    """PostgreSQL: triggers announce every change (no new column)."""
    _seed_every_table(conn, walk, "e6a1c3d5f7b9", "twelfth@organizers.example",
                      "Twelfth Organizer")


def seed_e6b2d4f6a8c1(conn: Connection, walk: Walk) -> None:
    """event.seats_taken, counted by triggers: rows written after them count too."""
    _seed_every_table(conn, walk, "e6b2d4f6a8c1", "thirteenth@organizers.example",
                      "Thirteenth Organizer")


def _seed_every_table(conn: Connection, walk: Walk, rev: str, organizer_email: str,
                      organizer_name: str) -> None:
    """Write a row into every table: an organizer, an event with a seat taken and two waiting,
    their audit entry, a confirmation message and a signup awaiting its confirmation."""
    organizer_id = insert(conn, "organizer", last_login_at=WRITTEN, session_version=0,
                          **organizer_row(organizer_email, organizer_name))
    slug = f"walk-{rev}"
    event_id = add_event(conn, walk, rev, contact_email="host@queue.example", capacity=1)
    person = add_person(conn, walk, rev, slug,
                        registration_row(event_id, "Frances Allen", "frances@ibm.example",
                                         email_key="frances@ibm.example", invite_revision=1),
                        issue_link=True)
    waiting = []
    for place, (name, email) in enumerate([("Barbara Liskov", "barbara@mit.example"),
                                           ("Radia Perlman", "radia@dec.example")], start=1):
        waiting.append(add_person(
            conn, walk, rev, slug,
            registration_row(event_id, name, email, email_key=email, status="waitlisted",
                             queue_position=place, confirmed_at=None, invite_revision=0),
            issue_link=True))
    insert(conn, "audit_entry", event_id=event_id, organizer_id=organizer_id,
           registration_id=waiting[-1].registration_id, action="registration.added",
           detail="the waiting list", created_at=WRITTEN)
    insert(conn, "outbox_message", **outbox_row(person, event_id, "confirmed",
                                                payload=invitation(1)))
    insert(conn, "signup_request", event_id=event_id, name="Kathleen Booth",
           email="kathleen@birkbeck.example", email_key="kathleen@birkbeck.example",
           company="Birkbeck", job_title="VP Engineering", seniority="vp",
           discussion_topic=None, salt=secrets.token_hex(16), token_hash=None,
           created_at=WRITTEN, mailed_at=WRITTEN, expires_at=WRITTEN + timedelta(days=2),
           confirmed_at=None, registration_id=None)


SEEDS: dict[str, Callable[[Connection, Walk], None]] = {
    "6c0f61de0979": seed_6c0f61de0979,
    "5d162091493b": seed_5d162091493b,
    "0cf47d4a2cee": seed_0cf47d4a2cee,
    "f41082681ba2": seed_f41082681ba2,
    "8a1e5c2d7b90": seed_8a1e5c2d7b90,
    "3c9d2e4f6a81": seed_3c9d2e4f6a81,
    "b3e1c5d7a902": seed_b3e1c5d7a902,
    "d7a4f2b9c311": seed_d7a4f2b9c311,
    "e5b7c9a1f402": seed_e5b7c9a1f402,
    "e5b8c1d4a7f2": seed_e5b8c1d4a7f2,
    "e5b9d2f6c8a3": seed_e5b9d2f6c8a3,
    "e6a1c3d5f7b9": seed_e6a1c3d5f7b9,
    "e6b2d4f6a8c1": seed_e6b2d4f6a8c1,
}
