"""Pieces every form shares: trimming, email checks, the seniority choices."""

from __future__ import annotations

from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

from roundtable.seniority import CHOICES


def strip(value: str | None) -> str | None:
    """Return submitted text without surrounding white space."""
    return value.strip() if isinstance(value, str) else value


def email_validators(missing: str) -> list[object]:
    """Return the checks every email field makes (syntax only, never DNS)."""
    return [
        DataRequired(missing),
        Length(max=320),
        Email("Please enter a valid email address, like name@company.com.",
              check_deliverability=False),
    ]


def seniority_choices() -> list[SelectChoice]:
    """Return the seniority levels as select options: identifiers as values, labels as text."""
    return [SelectChoice(value, label) for value, label in CHOICES]
