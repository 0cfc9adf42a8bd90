"""Organizer accounts: argon2id password hashes, creating accounts, signing in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from roundtable.database import begin_write
from roundtable.domain import audit, registrations
from roundtable.domain.errors import DomainError
from roundtable.domain.models import Organizer

# argon2-cffi's defaults: argon2id, t=3, m=64 MiB, p=4 (RFC 9106's second recommendation, above
# OWASP's minimums).
PRODUCTION_HASHER = PasswordHasher()
# The hasher in use: always PRODUCTION_HASHER, except that the test suite swaps in a cheap one
# (and one test proves these parameters).
hasher = PRODUCTION_HASHER
# A hash of no one's password with the same parameters, verified when the email is unknown so a
# failed login takes as long whether or not the account exists.
_DUMMY_HASH = (
    "$argon2id$v=19$m=65536,t=3,p=4$m4gxJwJy2AeHzgm8LzCcWg$aXUwzksL35Aj/0FJYNBavXIYSu3q5CqcirzL9XGNLGE"
)
MIN_PASSWORD = 12
MAX_PASSWORD = 1024


class AccountError(DomainError):
    """An organizer account cannot be created as asked."""

    status_code = 400


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if hasher.check_needs_rehash(_DUMMY_HASH):  # the library's defaults moved on
        _DUMMY_HASH = hasher.hash("roundtable: no account has this password")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """Return the argon2id hash of ``password``; refuse one too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"The password must have at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"The password may have at most {MAX_PASSWORD} characters.")
    return hasher.hash(password)


def create_organizer(
    session: Session, *, actor: int | None, now: datetime, email: str, password: str,
    name: str = "",
) -> Organizer:
    """Add an organizer account with an argon2id password hash (``actor``: who creates it)."""
    address = registrations.normalise_email(email)
    password_hash = hash_password(password)
    begin_write(session)
    if session.scalar(select(Organizer.id).where(Organizer.email == address)) is not None:
        raise AccountError(f"There is already an organizer account for {address}.")
    organizer = Organizer(email=address, name=name.strip(), password_hash=password_hash,
                          created_at=now)
    session.add(organizer)
    session.flush()
    audit.record(session, actor or organizer.id, "organizer.created", now)
    return organizer


@dataclass(frozen=True)
class SignIn:
    """A password that matched: the account, and its hash again if the parameters moved on."""

    organizer_id: int
    new_hash: str | None = None


def check_password(session: Session, email: str, password: str) -> SignIn | None:
    """Return the sign-in of the account whose email and password these are, else None.

    It only reads, so it runs before any write lock is taken (the check is slow on purpose). An
    unknown email costs the same password check as a wrong password, and both return None.
    """
    try:
        address = registrations.normalise_email(email)
    except registrations.InvalidEmail:
        address = ""
    organizer = (
        session.scalar(select(Organizer).where(Organizer.email == address)) if address else None
    )
    try:
        hasher.verify(organizer.password_hash if organizer else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if organizer is None:
        return None
    rehash = hasher.check_needs_rehash(organizer.password_hash)
    return SignIn(organizer.id, hasher.hash(password) if rehash else None)


def sign_in(session: Session, *, actor: SignIn, now: datetime) -> Organizer | None:
    """Record a successful sign-in (and any new hash); None if the account is gone meanwhile."""
    begin_write(session)
    organizer = session.get(Organizer, actor.organizer_id)
    if organizer is None:
        return None
    if actor.new_hash:
        organizer.password_hash = actor.new_hash
    organizer.last_login_at = now
    audit.record(session, organizer.id, "organizer.signed_in", now)
    return organizer


_SESSION_ID = re.compile(r"(?P<id>[0-9]{1,9}):(?P<version>[0-9]{1,9})")


def session_organizer(session: Session, session_id: str) -> Organizer | None:
    """Return the organizer of a session id ("id:version"), or None once that version is over.

    Every sign-out raises the account's version, so a copy of an older session cookie (another
    browser, or one taken from this one) opens nothing any more.
    """
    match = _SESSION_ID.fullmatch(session_id)
    if match is None:
        return None
    organizer = session.get(Organizer, int(match["id"]))
    if organizer is None or organizer.session_version != int(match["version"]):
        return None
    return organizer


def end_sessions(session: Session, *, actor: int, now: datetime) -> None:
    """End every session of the organizer ``actor``, in every browser, this one included."""
    begin_write(session)
    session.execute(
        update(Organizer)
        .where(Organizer.id == actor)
        .values(session_version=Organizer.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    audit.record(session, actor, "organizer.signed_out", now)
