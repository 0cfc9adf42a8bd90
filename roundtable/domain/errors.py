"""The refusals of the domain: each names the rule, and its message is safe to show a person."""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused an action; the message is safe to show to the user."""

    status_code = 409

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    """The thing named does not exist."""

    status_code = 404


class RegistrationClosed(DomainError):
    """The event takes no registrations (draft, cancelled, started or past)."""


class CapacityBelowConfirmed(DomainError):
    """A capacity lower than the number of confirmed attendees was asked for."""


class InvalidTransition(DomainError):
    """The registration or event is not in a state that allows the action."""
