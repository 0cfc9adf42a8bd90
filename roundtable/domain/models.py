"""Typed SQLAlchemy 2 models: events, registrations, organizers, the mail outbox, the audit log."""

from __future__ import annotations

import enum
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from roundtable.domain.addresses import address_key
from roundtable.domain.seniority import Seniority


def utcnow() -> datetime:
    """Return the current instant, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Store instants as UTC and always hand back aware UTC datetimes (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where a UTC instant is required")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that Alembic can diff and drop."""

    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """Store an enum by its value in a VARCHAR, portable across SQLite and PostgreSQL."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class EventFormat(enum.StrEnum):
    ONLINE = "online"
    IN_PERSON = "in_person"


class ApprovalMode(enum.StrEnum):
    AUTO = "auto"
    REVIEW_ALL = "review_all"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITLISTED = "waitlisted"
    PENDING_REVIEW = "pending_review"
    DECLINED = "declined"
    CANCELLED = "cancelled"
    # A seat freed in the last hours, held for this person until they accept or the offer lapses.
    OFFERED = "offered"


class Reconfirmation(enum.StrEnum):
    """A seat holder's answer to "Still coming?" (None: not answered)."""

    YES = "yes"  # keeps the seat
    RELEASED = "released"  # gave the seat back from the private page
    LAPSED = "lapsed"  # did not answer by the deadline at an event that releases such seats


class Attendance(enum.StrEnum):
    ATTENDED = "attended"
    NO_SHOW = "no_show"


class Event(Base):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("capacity >= 1", name="capacity_positive"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        CheckConstraint("company_cap IS NULL OR company_cap >= 1", name="company_cap_positive"),
        CheckConstraint("offer_hours >= 1", name="offer_hours_positive"),
        Index("ix_event_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    host: Mapped[str] = mapped_column(String(200))
    # Where replies go (Reply-To) and the ORGANIZER of invitations; required to publish.
    contact_email: Mapped[str | None] = mapped_column(String(320))
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat, "event_format"))
    location: Mapped[str | None] = mapped_column(String(300))
    join_url: Mapped[str | None] = mapped_column(String(500))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The last instant signups are taken; None means until the start.
    registration_deadline: Mapped[datetime | None] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    capacity: Mapped[int] = mapped_column(Integer)
    minimum_level: Mapped[Seniority] = mapped_column(
        _enum(Seniority, "seniority_level"), default=Seniority.DIRECTOR
    )
    approval_mode: Mapped[ApprovalMode] = mapped_column(
        _enum(ApprovalMode, "approval_mode"), default=ApprovalMode.AUTO
    )
    status: Mapped[EventStatus] = mapped_column(
        _enum(EventStatus, "event_status"), default=EventStatus.DRAFT
    )
    company_cap: Mapped[int | None] = mapped_column(Integer)
    # Double opt-in: a public signup holds nothing until its address answers the mail.
    confirm_email: Mapped[bool] = mapped_column(default=True, server_default=true())
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Its registrations that hold a seat (lifecycle.TAKES_SEAT), counted by the database itself:
    # triggers on registration move it with every insert, status change and delete (migration
    # e6b2d4f6a8c1). Never written here; the express lane reads it under the event's lock.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # No empty chairs (hours before the start; 0 turns a step off).
    reminder_hours: Mapped[int] = mapped_column(Integer, default=24, server_default="24")
    reconfirm_hours: Mapped[int] = mapped_column(Integer, default=72, server_default="72")
    reconfirm_deadline_hours: Mapped[int] = mapped_column(
        Integer, default=24, server_default="24"
    )
    # At the deadline, seats whose holders did not answer: kept (False) or released (True).
    release_unanswered: Mapped[bool] = mapped_column(default=False, server_default=false())
    # A seat freed this close to the start is offered, not given (0: always given at once).
    offer_window_hours: Mapped[int] = mapped_column(Integer, default=48, server_default="48")
    offer_hours: Mapped[int] = mapped_column(Integer, default=6, server_default="6")
    # Send people with two or more no-shows in the last twelve months to review.
    review_no_shows: Mapped[bool] = mapped_column(default=False, server_default=false())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closing_note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    registrations: Mapped[list[Registration]] = relationship(
        back_populates="event", lazy="raise", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Event {self.slug}>"


class Registration(Base):
    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "email", name="uq_registration_event_email"),
        UniqueConstraint("event_id", "queue_position", name="uq_registration_event_queue"),
        Index("ix_registration_event_status", "event_id", "status"),
        Index("ix_registration_event_email_key", "event_id", "email_key"),
        Index("ix_registration_email_key", "email_key"),  # a person's history across events
        Index("ix_registration_status_offer_expires_at", "status", "offer_expires_at"),
        # The latest change of an event's registrations stamps its seat figures (public pages).
        Index("ix_registration_event_updated", "event_id", "updated_at"),
        Index("ix_registration_event_queue", "event_id", "queue_position"),  # the list's end
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    # The address as the uniqueness rule compares it (no +tag; gmail without dots).
    email_key: Mapped[str | None] = mapped_column(String(320))
    company: Mapped[str | None] = mapped_column(String(200))
    company_key: Mapped[str | None] = mapped_column(String(200), index=True)
    job_title: Mapped[str | None] = mapped_column(String(300))
    seniority: Mapped[Seniority | None] = mapped_column(_enum(Seniority, "seniority_level"))
    discussion_topic: Mapped[str | None] = mapped_column(Text)
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus, "registration_status")
    )
    eligibility_outcome: Mapped[str | None] = mapped_column(String(16))
    eligibility_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    status_reason: Mapped[str | None] = mapped_column(String(300))
    queue_position: Mapped[int | None] = mapped_column(Integer)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    manage_salt: Mapped[str | None] = mapped_column(String(64))
    invite_revision: Mapped[int] = mapped_column(Integer, default=0)
    added_by_organizer: Mapped[bool] = mapped_column(default=False)
    # A seat an organizer gave beyond the capacity (add by hand at a full event): the room may
    # hold that many more confirmed people than its capacity, and promotion fills none of them.
    over_capacity: Mapped[bool] = mapped_column(default=False, server_default=false())
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # No empty chairs: the "Still coming?" question and answer, a last-minute offer, attendance.
    reconfirm_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reconfirmation: Mapped[Reconfirmation | None] = mapped_column(
        _enum(Reconfirmation, "reconfirmation")
    )
    reconfirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When a seat came from the waiting list (a promotion or an accepted offer).
    promoted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attendance: Mapped[Attendance | None] = mapped_column(_enum(Attendance, "attendance"))
    # Gave a seat back inside the last 48 hours (history counts it).
    late_cancellation: Mapped[bool] = mapped_column(default=False, server_default=false())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    event: Mapped[Event] = relationship(back_populates="registrations", lazy="raise")

    @validates("email")
    def _keep_email_key(self, _key: str, email: str | None) -> str | None:
        """Keep ``email_key`` in step with the address, whoever sets it."""
        self.email_key = address_key(email) if email else None
        return email

    def __repr__(self) -> str:
        return f"<Registration {self.id} {self.status}>"


class SignupRequest(Base):
    """A public signup whose address has not answered yet: it holds no seat and no place.

    The confirmation mail carries a link derived from the secret key and ``salt`` (only its
    hash is kept); confirming admits the person then, in confirmation order. It expires.
    """

    __tablename__ = "signup_request"
    __table_args__ = (
        Index("ix_signup_request_event_email_key", "event_id", "email_key"),
        Index("ix_signup_request_expires_at", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    email_key: Mapped[str] = mapped_column(String(320))
    company: Mapped[str] = mapped_column(String(200))
    job_title: Mapped[str] = mapped_column(String(300))
    seniority: Mapped[Seniority] = mapped_column(_enum(Seniority, "seniority_level"))
    discussion_topic: Mapped[str | None] = mapped_column(Text)
    salt: Mapped[str] = mapped_column(String(64))
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    mailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )

    def __repr__(self) -> str:
        return f"<SignupRequest {self.id}>"


class OutboxStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"
    DROPPED = "dropped"


class OutboxMessage(Base):
    """A message recorded in the transaction that caused it, delivered after commit."""

    __tablename__ = "outbox_message"
    __table_args__ = (Index("ix_outbox_message_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    recipient: Mapped[str | None] = mapped_column(String(320))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[OutboxStatus] = mapped_column(
        _enum(OutboxStatus, "outbox_status"), default=OutboxStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    # A scheduled message's identity (kind, registration, event revision): at most one is kept.
    dedup_key: Mapped[str | None] = mapped_column(String(120), unique=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} {self.kind} {self.status}>"


class Organizer(Base):
    """An organizer account; it follows Flask-Login's user protocol without importing Flask."""

    __tablename__ = "organizer"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Raised to end every session of the account: a session carries the version it began with.
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """Return what Flask-Login keeps in the session: the id and the session version."""
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<Organizer {self.id}>"


class AuditEntry(Base):
    """One organizer action: who did what, to which event, when."""

    __tablename__ = "audit_entry"
    __table_args__ = (Index("ix_audit_entry_event_created", "event_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("event.id", ondelete="CASCADE"))
    organizer_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizer.id", ondelete="SET NULL"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        ForeignKey("registration.id", ondelete="SET NULL")
    )
    action: Mapped[str] = mapped_column(String(60))
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    organizer: Mapped[Organizer | None] = relationship(lazy="raise")

    def __repr__(self) -> str:
        return f"<AuditEntry {self.id} {self.action}>"
