"""Double opt-in: a public signup holds nothing until its address answers the mail.

``request`` records what the person entered and mails a confirmation link; ``confirm`` (a POST
behind a page, so a mail scanner's GET changes nothing) admits them then, with eligibility,
seats and the waiting list as ``registrations.admit`` decides, in confirmation order. The page
after a signup is the same "check your inbox" whether the address was new, already registered
or already waiting to confirm, so nobody learns who is registered. Unconfirmed signups expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, select
from sqlalchemy.orm import Session

from roundtable.domain import lifecycle, registrations, seating, tokens
from roundtable.domain.addresses import address_key
from roundtable.domain.errors import DomainError, NotFound, RegistrationClosed
from roundtable.domain.models import Event, EventStatus, SignupRequest, UTCDateTime
from roundtable.notify import outbox

CONFIRM_WITHIN = timedelta(hours=24)
MAIL_AGAIN_AFTER = timedelta(hours=1)


class LinkExpired(DomainError):
    """The confirmation link is older than CONFIRM_WITHIN."""

    status_code = 410


def confirmation_token(secret_key: str, signup: SignupRequest) -> str:
    """Return the token of a signup's confirmation link."""
    return tokens.derive(secret_key, signup.id, signup.salt, purpose="confirm")


@dataclass(frozen=True)
class Confirmation:
    """What confirming led to: the registration, or the earlier one for a link used twice."""

    registration_id: int
    duplicate: bool = False  # the address was registered already (it was sent its status)
    again: bool = False  # the link had been used: this is its own earlier outcome


def request(
    session: Session,
    *,
    now: datetime,
    slug: str,
    applicant: registrations.Applicant,
    secret_key: str,
) -> Event:
    """Record a public signup and mail its confirmation link; return the event.

    A current registration of the same person is reminded instead (at most once an hour); a
    signup still waiting to be confirmed takes the new details and is mailed again at most once
    an hour. Raises NotFound for a draft, RegistrationClosed when the event takes no signups.
    """
    email = registrations.normalise_email(applicant.email)
    key = address_key(email)
    event = seating.lock_event(session, slug=slug)  # one queue with admissions: one person, one row
    if event.status == EventStatus.DRAFT:
        raise NotFound("There is no roundtable at this address.")
    reason = registrations.closed_reason(event, now)
    if reason:
        raise RegistrationClosed(reason)
    existing = registrations.find_by_address(session, event.id, email)
    if existing is not None and not lifecycle.is_cancelled(existing):
        registrations.remind_registered(session, existing, now)
        return event
    waiting = session.scalar(_WAITING, {"event_id": event.id, "key": key, "now": now})
    signup = waiting or SignupRequest(event_id=event.id, salt=tokens.new_salt(), created_at=now)
    signup.name = applicant.name.strip()
    signup.email = email
    signup.email_key = key
    signup.company = applicant.company.strip()
    signup.job_title = applicant.job_title.strip()
    signup.seniority = applicant.seniority
    signup.discussion_topic = applicant.discussion_topic.strip() or None
    signup.expires_at = now + CONFIRM_WITHIN
    if waiting is None:
        session.add(signup)
        session.flush()
        signup.token_hash = tokens.hash_token(confirmation_token(secret_key, signup))
    if signup.mailed_at is None or signup.mailed_at <= now - MAIL_AGAIN_AFTER:
        outbox.enqueue_signup(session, signup)
        signup.mailed_at = now
    session.flush()
    return event


# The signup of the same address still waiting to be confirmed: built once, bound per call.
_WAITING = (
    select(SignupRequest)
    .where(
        SignupRequest.event_id == bindparam("event_id"),
        SignupRequest.email_key == bindparam("key"),
        SignupRequest.confirmed_at.is_(None),
        SignupRequest.expires_at > bindparam("now", type_=UTCDateTime()),
    )
    .order_by(SignupRequest.id.desc())
    .limit(1)
)
_BY_TOKEN_HASH = select(SignupRequest).where(SignupRequest.token_hash == bindparam("hash"))


def by_token(session: Session, token: str) -> SignupRequest | None:
    """Return the signup whose confirmation token is ``token``, or None."""
    if not token or len(token) > 100:
        return None
    return session.scalar(_BY_TOKEN_HASH, {"hash": tokens.hash_token(token)})


def confirm(
    session: Session, *, now: datetime, token: str, secret_key: str, slug: str | None = None
) -> Confirmation:
    """Admit the person whose address answered: a seat, the waiting list, review or a no.

    A link used again shows the earlier outcome; an expired one raises LinkExpired, an unknown
    one (or one of another event than ``slug``'s, when given) NotFound. This is the full way,
    for every case; ``express.confirm`` takes the plain one faster, and leaves the rest here.
    """
    signup = by_token(session, token)
    if signup is None:
        raise NotFound("This confirmation link is not valid. Please sign up again.")
    event = seating.lock_event(session, event_id=signup.event_id)
    if slug is not None and event.slug != slug:
        raise NotFound("This confirmation link is not valid. Please sign up again.")
    seating.reread(session, signup)
    if signup.confirmed_at is not None and signup.registration_id is not None:
        return Confirmation(signup.registration_id, duplicate=True, again=True)
    if signup.expires_at <= now:
        raise LinkExpired(
            "This confirmation link has expired (links last 24 hours) and holds no place. "
            "Please sign up again."
        )
    applicant = registrations.Applicant(
        name=signup.name, email=signup.email, company=signup.company,
        job_title=signup.job_title, seniority=signup.seniority,
        discussion_topic=signup.discussion_topic or "",
    )
    admission = registrations.admit(
        session, actor=None, now=now, event_id=signup.event_id, applicant=applicant,
        secret_key=secret_key,
    )
    signup.confirmed_at = now
    signup.registration_id = admission.registration.id
    session.flush()
    return Confirmation(admission.registration.id, duplicate=admission.duplicate)


def purge_expired(session: Session, *, now: datetime) -> int:
    """Delete signups that were never confirmed and have expired (they hold personal data)."""
    result = session.execute(
        delete(SignupRequest).where(
            SignupRequest.confirmed_at.is_(None), SignupRequest.expires_at <= now
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


@dataclass(frozen=True)
class SignupOutcome:
    """A public signup's result: an admission now, or None while the address must confirm."""

    admission: registrations.Admission | None


def sign_up(
    session: Session,
    *,
    now: datetime,
    slug: str,
    applicant: registrations.Applicant,
    secret_key: str,
) -> SignupOutcome:
    """Take a leader's signup: mailed for confirmation first where the event asks for it."""
    event = seating.lock_event(session, slug=slug)  # what follows finds it locked already
    if event.confirm_email:
        request(session, now=now, slug=slug, applicant=applicant, secret_key=secret_key)
        return SignupOutcome(None)
    return SignupOutcome(registrations.admit(
        session, actor=None, now=now, slug=slug, applicant=applicant, secret_key=secret_key
    ))
