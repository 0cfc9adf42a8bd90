"""The one ordered set of seniority levels used everywhere (forms, models, eligibility)."""

from __future__ import annotations

import enum


class Seniority(enum.StrEnum):
    """A declared or inferred seniority level, ordered from junior to senior."""

    INDIVIDUAL_CONTRIBUTOR = "individual_contributor"
    MANAGER = "manager"
    SENIOR_MANAGER = "senior_manager"
    DIRECTOR = "director"
    SENIOR_DIRECTOR = "senior_director"
    VP = "vp"
    C_LEVEL = "c_level"
    FOUNDER = "founder"

    @property
    def rank(self) -> int:
        """Return the position of this level in the ordered set (0 is the most junior)."""
        return _ORDER.index(self)

    @property
    def label(self) -> str:
        """Return the human label shown in forms and lists."""
        return _LABELS[self]

    @classmethod
    def parse(cls, value: str | Seniority | None) -> Seniority | None:
        """Return the level named by ``value``, or None when it names none."""
        if isinstance(value, Seniority):
            return value
        try:
            return cls((value or "").strip().lower())
        except ValueError:
            return None

    def at_least(self, other: Seniority) -> bool:
        """Return True when this level is ``other`` or more senior."""
        return self.rank >= other.rank


_ORDER: list[Seniority] = list(Seniority)
_LABELS: dict[Seniority, str] = {
    Seniority.INDIVIDUAL_CONTRIBUTOR: "Individual contributor",
    Seniority.MANAGER: "Manager",
    Seniority.SENIOR_MANAGER: "Senior manager",
    Seniority.DIRECTOR: "Director",
    Seniority.SENIOR_DIRECTOR: "Senior director",
    Seniority.VP: "Vice president",
    Seniority.C_LEVEL: "C-level executive",
    Seniority.FOUNDER: "Founder / owner",
}

CHOICES: list[tuple[str, str]] = [(level.value, level.label) for level in _ORDER]
