"""Step 2: combine the title's class with the declared level; ``STEP_TWO`` is the table."""

from __future__ import annotations

import enum
import re

from roundtable.domain.eligibility.roles import Reading
from roundtable.domain.eligibility.rules import (
    ADJECTIVE,
    CRAFT,
    ELIGIBLE,
    EMPTY,
    GRADED,
    IC,
    LEARNER,
    MANAGER,
    NO_ROLE,
    REVIEW,
    RUNG,
    SENIOR_IC,
    SUPPORT,
    UNKNOWN,
)
from roundtable.domain.seniority import Seniority

S = Seniority


class Outcome(enum.StrEnum):
    """The decision on one signup."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    REVIEW = "review"


_Cell = tuple[Outcome, str]  # an outcome and its reason

# Step 2: a title class and whether the declared level reaches the minimum decide the outcome.
# {name} is the declared level, {what} how the title reads, {threshold} the minimum.
STEP_TWO: dict[tuple[str, ...], tuple[_Cell, _Cell]] = {
    # title classes: (declared >= minimum, declared < minimum)
    (ELIGIBLE,): (
        (Outcome.ELIGIBLE, "declared {name}, consistent with the title"),
        (Outcome.REVIEW, "declared {name}, below {threshold}, which contradicts the title "
                         "(title inflation or a mis-click)"),
    ),
    (REVIEW,): (
        (Outcome.REVIEW, "the title needs an organizer's judgement whatever level is declared"),
        (Outcome.REVIEW, "the title needs an organizer's judgement whatever level is declared"),
    ),
    (MANAGER, RUNG, SENIOR_IC): (
        (Outcome.REVIEW, "declared {name} but the title reads as {what}; the employer may grade "
                         "it so"),
        (Outcome.INELIGIBLE, "declared {name} and the title reads as {what}"),
    ),
    (SUPPORT, LEARNER, IC, CRAFT, ADJECTIVE, NO_ROLE): (
        (Outcome.INELIGIBLE, "declared {name} but the title reads as {what}"),
        (Outcome.INELIGIBLE, "declared {name} but the title reads as {what}"),
    ),
    (EMPTY, UNKNOWN): (
        (Outcome.REVIEW, "declared {name} but the title gives no role to check it against"),
        (Outcome.INELIGIBLE, "declared {name} and the title gives no role at {threshold} level"),
    ),
}
_ROW = {cls: row for classes, row in STEP_TWO.items() for cls in classes}


# How a reason says what the title reads as ({what}).
_DESCRIBE = {
    MANAGER: "a manager-track role",
    RUNG: "one rung below director",
    SENIOR_IC: "a senior individual contributor role",
    SUPPORT: "a support or administrative role",
    LEARNER: "a learner's role",
    IC: "an individual contributor role",
    CRAFT: "a craft or occupational use of a leadership word",
    ADJECTIVE: "a leadership word used as an adjective or a team name",
    NO_ROLE: "no current role",
}
# How a reason names a level ({name}, {threshold}).
_SHORT_LEVEL = {
    Seniority.INDIVIDUAL_CONTRIBUTOR: "individual contributor",
    Seniority.MANAGER: "manager",
    Seniority.SENIOR_MANAGER: "senior manager",
    Seniority.DIRECTOR: "director",
    Seniority.SENIOR_DIRECTOR: "senior director",
    Seniority.VP: "VP",
    Seniority.C_LEVEL: "C-level",
    Seniority.FOUNDER: "founder/owner",
}


def _level_key(value: str) -> str:
    """Return a declared level folded for lookup ("C-level executive" -> "c level executive")."""
    return " ".join(re.sub(r"[\s_\-/]+", " ", value[:60].casefold()).split())


_LEVEL_ALIASES = {
    **{_level_key(level.value): level for level in Seniority},
    **{_level_key(level.label): level for level in Seniority},
    "ic": S.INDIVIDUAL_CONTRIBUTOR, "individual": S.INDIVIDUAL_CONTRIBUTOR,
    "mgr": S.MANAGER, "sr manager": S.SENIOR_MANAGER, "sr director": S.SENIOR_DIRECTOR,
    "vice president": S.VP, "svp": S.VP, "evp": S.VP, "c level": S.C_LEVEL, "clevel": S.C_LEVEL,
    "c suite": S.C_LEVEL, "cxo": S.C_LEVEL, "owner": S.FOUNDER, "founder owner": S.FOUNDER,
    "co founder": S.FOUNDER, "cofounder": S.FOUNDER,
}


def _parse_level(value: object) -> Seniority | None:
    """Return the Seniority a declared value names, or None."""
    if isinstance(value, Seniority):
        return value
    if not isinstance(value, str):
        return None
    return _LEVEL_ALIASES.get(_level_key(value))


def _shown(value: object) -> str:
    """Return a short printable rendering of a declared value for a reason."""
    text = "".join(ch for ch in str(value)[:40] if ch.isprintable())
    return text if len(str(value)) <= 40 else text + "…"


def combine(
    reading: Reading,
    declared_level: str | Seniority | None,
    minimum_level: str | Seniority,
) -> tuple[Outcome, tuple[str, ...]]:
    """Combine a title's reading with the declared and minimum levels (policy step 2)."""
    reasons = list(reading.reasons)
    minimum = _parse_level(minimum_level)
    if minimum is None:
        minimum = S.DIRECTOR
        reasons.append(f"minimum level '{_shown(minimum_level)}' is unknown, so director applies")
    threshold = _SHORT_LEVEL[minimum]
    declared = _parse_level(declared_level)
    if declared is None:
        said = (
            "no declared level" if declared_level is None or not str(declared_level).strip()
            else f"declared level '{_shown(declared_level)}' is not a known level"
        )
        reasons.append(f"{said}, so it counts as below {threshold}")
        high = False
        name = "nothing"
    else:
        high = declared.at_least(minimum)
        name = _SHORT_LEVEL[declared]
    outcome, combined = _decide(reading, minimum, high, name, threshold)
    reasons.append(combined)
    return outcome, tuple(reasons)


def _decide(reading: Reading, minimum: Seniority, high: bool, name: str,
            threshold: str) -> tuple[Outcome, str]:
    """Apply the step-2 table and return the outcome with its reason."""
    cls, level = reading.cls, reading.level
    reaches = level is not None and level.at_least(minimum)
    # A minimum other than director moves a title between the eligible and the graded row by
    # the level the title reads at.
    if cls == ELIGIBLE and not reaches:
        cls = MANAGER
        what = f"a role below the {threshold} minimum of this roundtable"
    elif cls in GRADED and reaches:
        cls = ELIGIBLE
        what = ""
    else:
        what = _DESCRIBE.get(cls, "")
    at_or_above, below = _ROW[cls]
    outcome, reason = at_or_above if high else below
    return outcome, reason.format(name=name, what=what, threshold=threshold)
