"""Step 1 for a whole title: cut it into roles, read their markers and combine their classes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from roundtable.domain.eligibility.normalise import (
    SQL_HINTS,
    SQL_RX,
    display,
    fold,
    hints_rx,
    is_junk,
    normalise,
)
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
    classify,
)
from roundtable.domain.eligibility.vocabulary import (
    AND_WORDS,
    LEARNER_WORDS,
    NOW_WORDS,
    OR_WORDS,
    PAST_WORDS,
    PLACEHOLDERS,
    RETIRED_WORDS,
    SOLO_WORDS,
    any_of,
    entries,
)
from roundtable.domain.seniority import Seniority

_SPLIT_RX = re.compile(
    r"\s*(\|+|/|\\|&|\+|,|;|:|•|·|\(|\)|\[|\]|\{|\}|!|\?|\*|~|<|>|=|\"|–|\s-+\s|\s-+(?=\S)"
    r"|(?<=\S)-+\s|\.(?=\s|$)|\bqqrange\b|\b" + any_of(entries(AND_WORDS) + entries(OR_WORDS))
    + r"\b)\s*"
)
_ALT_SEPARATORS = frozenset({"/", "\\", *entries(OR_WORDS), "qqrange"})
# Between two ranks a dash reads as a range too ("Manager – Director").
_RANGE_SEPARATORS = _ALT_SEPARATORS | {"–", "-"}

# Which ineligible class describes a title best when several roles are below director.
_BELOW_PRIORITY = (RUNG, MANAGER, SENIOR_IC, IC, ADJECTIVE, CRAFT, SUPPORT, LEARNER, NO_ROLE)

# Markers inside one role.
_NOW_RX = re.compile(rf"\b{any_of(NOW_WORDS)}\b")
_PAST_RX = re.compile(rf"\b{any_of(PAST_WORDS)}\b")
_RETIRED_RX = re.compile(rf"\b{any_of(RETIRED_WORDS)}\b")
_EMERITUS_RX = re.compile(r"\bemerit(?:us|a|i)\b")
_SOLO_RX = re.compile(rf"\b{any_of(SOLO_WORDS)}\b")
_MARKERS = ((_NOW_RX, "now"), (_PAST_RX, "past"), (_RETIRED_RX, "retired"),
            (_EMERITUS_RX, "emeritus"), (_SOLO_RX, "solo"))
# Most roles carry no marker: one search finds out.
_ANY_MARKER_RX = re.compile("|".join(f"(?:{rx.pattern})" for rx, _ in _MARKERS))
_LEARNER_BARE_RX = re.compile(
    r"^(?:summer |student |graduate |management )?" + any_of(LEARNER_WORDS) + "$"
)
_SQL_HINTS_RX = hints_rx(SQL_HINTS)
_LATIN_RX = re.compile(r"[a-z]")
_NOT_ALNUM_RX = re.compile(r"[^a-z0-9]+")
_TOKEN_RX = re.compile(r"\bqq(?:org|adj|interim)\b")
_CLEAN_RX = re.compile(r"[^a-z0-9' -]+")
_SPACE_RX = re.compile(r"\s+")
_EDGE_RX = re.compile(r"(?:^[\s'-]+|[\s'-]+$)")


@dataclass(slots=True)
class _Role:
    """One role of a title, as read."""

    text: str
    sep: str = ""  # the separator before this role
    cls: str = UNKNOWN
    level: Seniority | None = None
    family: str = ""
    reason: str = ""
    rule_id: str = ""
    past: bool = False
    retired: bool = False
    emeritus: bool = False
    solo: bool = False
    learner: bool = False
    now: bool = False
    adjective: bool = False
    modifier: bool = False
    consumed: bool = False
    in_segment_ic: bool = False
    notes: list[str] = field(default_factory=list)


def _split(text: str) -> list[_Role]:
    """Cut the normalised title into roles, remembering each separator."""
    parts = _SPLIT_RX.split(text)
    roles: list[_Role] = []
    sep = ""
    for i, part in enumerate(parts):
        if i % 2:
            token = part.strip()
            # An alternative separator wins over a weak one around it ("Manager - / Director").
            if token in _ALT_SEPARATORS or not sep:
                sep = token or sep
            continue
        cleaned = _EDGE_RX.sub("", _SPACE_RX.sub(" ", _CLEAN_RX.sub(" ", part)))
        if cleaned:
            roles.append(_Role(cleaned, sep))
            sep = ""
    return roles


def _read_markers(role: _Role) -> None:
    """Set the status flags of a role and strip the words that carried them."""
    text = role.text
    if _ANY_MARKER_RX.search(text):
        for rx, attr in _MARKERS:
            if rx.search(text):
                setattr(role, attr, True)
                text = rx.sub(" ", text)
    if "qqadj" in text:
        role.adjective = True
    had_org = "qqorg" in text
    text = _EDGE_RX.sub("", _SPACE_RX.sub(" ", _TOKEN_RX.sub(" ", text)))
    if _LEARNER_BARE_RX.match(text) and not (role.past or role.retired):
        role.learner = True
        role.notes.append(f"'{display(text)}' is a learner's role")
        text = ""
    role.text = text
    flagged = role.past or role.retired or role.emeritus or role.solo or role.learner
    role.modifier = not text and flagged and not had_org and not role.adjective


@dataclass(frozen=True, slots=True)
class Reading:
    """What the title alone says, and the ids of the policy rules that decided it."""

    cls: str
    level: Seniority | None
    reasons: tuple[str, ...]
    rules: tuple[str, ...] = ()


_EMPTY_READING = Reading(EMPTY, None, ("the title is empty or a placeholder",))
_UNREADABLE = "the title could not be read: it is written in a script this engine does not read"
# Letters of the scripts the four languages are written in (Latin, with its accents).
_OTHER_SCRIPT_RX = re.compile(r"[^\W\d_a-z\u00c0-\u024f\u1e00-\u1eff]")


def _ids(roles: list[_Role]) -> tuple[str, ...]:
    """Return the distinct rule ids of some roles, in order."""
    return tuple(dict.fromkeys(r.rule_id for r in roles if r.rule_id))


@lru_cache(maxsize=4096)
def read_title(raw: str) -> Reading:
    """Classify a title on its own (policy step 0 and step 1)."""
    s = fold(raw)
    if not _LATIN_RX.search(s):
        if any(ch.isalpha() for ch in s):
            return Reading(UNKNOWN, None, (_UNREADABLE,))
        return Reading(EMPTY, None, ("the title has no letters (only markup, symbols, numbers or "
                                     "nothing)",))
    flat = " ".join(_NOT_ALNUM_RX.sub(" ", s).split())
    if flat in PLACEHOLDERS:
        return _EMPTY_READING
    if _SQL_HINTS_RX.search(s) and SQL_RX.search(s):
        return Reading(EMPTY, None, ("the title is markup or SQL, not a job title",))
    other_script = _OTHER_SCRIPT_RX.search(s) is not None
    s, interim = normalise(s)
    roles = _split(s)
    for role in roles:
        _read_markers(role)
    reading = _combine_roles(roles, interim)
    if other_script and reading.cls in (UNKNOWN, EMPTY):
        # Latin letters beside another script that name no role: the title was not read.
        return Reading(UNKNOWN, None, (_UNREADABLE,))
    return reading


def _classify_roles(roles: list[_Role]) -> list[_Role]:
    """Classify each role, folding words that name no role into their neighbour."""
    for role in roles:
        if role.modifier:
            continue
        if not role.text:
            role.cls = ADJECTIVE if role.adjective else UNKNOWN
            if role.adjective:
                role.reason = "a leadership word names a team or an office here, not a role"
                role.level = Seniority.INDIVIDUAL_CONTRIBUTOR
                role.rule_id = "I7"
            continue
        (role.cls, role.level, role.family, role.reason, role.in_segment_ic, _, _,
         role.rule_id) = classify(role.text)
    kept: list[_Role] = []
    for role in roles:
        foldable = (
            role.cls == UNKNOWN and role.text and not role.modifier
            and not (role.past or role.retired or role.emeritus or role.solo)
        )
        prev = next((r for r in reversed(kept) if not r.modifier and r.text), None)
        if foldable and prev is not None and prev.cls not in (UNKNOWN, EMPTY):
            # Words naming no role qualify the role before them ("Director, Creative"); the new
            # reading counts only when its match reaches into those words.
            merged = f"{prev.text} {role.text}"
            cls, level, family, reason, bank, _, end, rule_id = classify(merged)
            if cls != UNKNOWN and end > len(prev.text):
                prev.text, prev.cls, prev.level, prev.family = merged, cls, level, family
                prev.reason, prev.in_segment_ic, prev.rule_id = reason, bank, rule_id
            continue
        kept.append(role)
    # A leading role with no role word folds into the role after it ("Recruitment – Director").
    if len(kept) >= 2 and kept[0].cls == UNKNOWN and kept[0].text and not kept[0].modifier \
            and kept[1].cls not in (UNKNOWN, EMPTY) and not kept[1].modifier \
            and not (kept[0].past or kept[0].retired):
        merged = f"{kept[0].text} {kept[1].text}"
        cls, level, family, reason, bank, start, _, rule_id = classify(merged)
        if cls != UNKNOWN and start < len(kept[0].text):
            kept[1] = replace(kept[1], text=merged, cls=cls, level=level, family=family,
                              reason=reason, in_segment_ic=bank, rule_id=rule_id,
                              notes=list(kept[1].notes))
        kept = kept[1:]
    return kept


def _apply_modifiers(roles: list[_Role]) -> None:
    """Apply status-only parts ("(retired)", "(former)", "freelance") to the roles they qualify."""
    for i, mod in enumerate(roles):
        if not mod.modifier:
            continue
        before = [r for r in roles[:i] if not r.modifier and r.cls not in (UNKNOWN, EMPTY)]
        after = [r for r in roles[i + 1:] if not r.modifier and r.cls not in (UNKNOWN, EMPTY)]
        targets = before or after[:1]
        for role in targets:
            if role.now:
                continue
            role.past = role.past or mod.past
            role.retired = role.retired or mod.retired
            role.emeritus = role.emeritus or mod.emeritus
            role.solo = role.solo or mod.solo
            role.learner = role.learner or mod.learner
            if mod.learner:
                role.notes.append(f"{mod.notes[0]}, whatever the team ('{display(role.text)}')")
        mod.consumed = bool(targets)


def _status_adjust(role: _Role) -> None:
    """Turn a role's status flags into its class."""
    if role.cls in (UNKNOWN, EMPTY) and not role.modifier:
        return
    if role.modifier:
        if role.consumed:
            role.cls = EMPTY
        elif role.retired:
            role.cls, role.reason, role.rule_id = NO_ROLE, "'Retired' means no current role", "I8"
        elif role.learner:
            role.cls, role.level = LEARNER, Seniority.INDIVIDUAL_CONTRIBUTOR
            role.reason = role.notes[0] if role.notes else "the title is a learner's role"
            role.rule_id = "I2"
        elif role.solo:
            role.cls, role.rule_id = REVIEW, "R10"
            role.reason = ("a freelance or self-employed marker without a role: a solo or unclear "
                           "owner")
        elif role.emeritus:
            role.cls, role.rule_id = REVIEW, "R11"
            role.reason = "'Emeritus' is an honorary former role"
        elif role.past:
            role.cls, role.reason = UNKNOWN, ""
        return
    if role.learner and role.cls != NO_ROLE:
        role.cls, role.level, role.rule_id = LEARNER, Seniority.INDIVIDUAL_CONTRIBUTOR, "I2"
        role.reason = role.notes[-1] if role.notes else "the title is a learner's role"
        return
    if role.retired:
        role.past = True
        role.cls, role.level, role.rule_id = NO_ROLE, None, "I8"
        role.reason = "'Retired' means no current role"
        return
    if role.emeritus:
        role.cls, role.level, role.rule_id = REVIEW, None, "R11"
        role.reason = f"'{display(role.text)} Emeritus' is an honorary former role"
        return
    if role.solo and role.cls == ELIGIBLE:
        role.cls, role.rule_id = REVIEW, "R10"
        role.reason = (f"'{display(role.text)}' with a freelance, fractional or sole-trader "
                       "marker is a solo or unclear founder or owner")


def _combine_roles(roles: list[_Role], interim: bool) -> Reading:
    """Combine the roles of one title into one reading."""
    roles = _classify_roles(roles)
    _apply_modifiers(roles)
    for role in roles:
        _status_adjust(role)
    notes: list[str] = []
    if interim:
        notes.append("interim or acting holders hold the role")
    # "MD" beside a clinical or individual role is a degree, not Managing Director.
    if any(r.cls in (IC, SENIOR_IC, LEARNER, CRAFT, SUPPORT) for r in roles):
        roles = [r for r in roles if not (r.family == "md" and r.text == "md")]
    named = [r for r in roles if r.cls not in (UNKNOWN, EMPTY)]
    current = [r for r in named if not r.past]
    past = [r for r in named if r.past]
    for r in past:
        if r.cls != NO_ROLE:
            notes.append(f"'{display(r.text)}' is a former role and does not count")
    working = [r for r in current if r.cls != NO_ROLE]
    if not working:
        if current or any(r.retired for r in roles):
            why = next((r.reason for r in current if r.reason), "'Retired' means no current role")
            return Reading(NO_ROLE, None, (why, *notes), ("I8",))
        if any(r.cls in (ELIGIBLE, REVIEW) for r in past):
            return Reading(REVIEW, None, ("only a former role at director level or above is "
                                          "given, and no current role", *notes), ("R11",))
        if past:
            return Reading(NO_ROLE, None, ("only a former role is given, and no current role",
                                           *notes), ("I8",))
        words = [r for r in roles if r.cls == UNKNOWN and r.text]
        if words and not all(is_junk(r.text) for r in words):
            return Reading(UNKNOWN, None, ("no words in the title name a role", *notes))
        return Reading(EMPTY, None, ("the title is empty, a placeholder or keyboard mash",
                                     *notes))
    eligible = [r for r in working if r.cls == ELIGIBLE]
    if eligible:
        for a, b in zip(working, working[1:], strict=False):
            if b.sep not in _RANGE_SEPARATORS:
                continue
            pair = (a, b) if a.cls == ELIGIBLE else (b, a)
            top, low = pair
            if top.cls != ELIGIBLE or top.family not in ("director", "head", "vp", "gm", "c", "md"):
                continue
            if low.cls in GRADED or (low.cls == REVIEW and low.family == "rank"):
                return Reading(REVIEW, None, (
                    f"'{display(a.text)}' or '{display(b.text)}' is a range or a choice that "
                    "spans the director threshold", *notes), ("R7",))
        if all(r.family == "vp" for r in eligible) and (
            any(r.in_segment_ic for r in eligible)
            or any(r.cls in (IC, SENIOR_IC, MANAGER) or r.family == "individual" for r in working)
        ):
            return Reading(REVIEW, None, (
                "VP here reads as a bank officer grade attached to an individual role",
                *notes), ("R3",))
        best = max(eligible, key=lambda r: r.level.rank if r.level else 0)
        reasons = [r.reason for r in eligible[:3]]
        return Reading(ELIGIBLE, best.level, (*dict.fromkeys(reasons), *notes),
                       _ids(eligible[:3]))
    reviews = [r for r in working if r.cls == REVIEW]
    if reviews:
        return Reading(REVIEW, None, (*dict.fromkeys(r.reason for r in reviews[:3]), *notes),
                       _ids(reviews[:3]))
    for cls in _BELOW_PRIORITY:
        picked = [r for r in working if r.cls == cls]
        if picked:
            level = max((r.level for r in picked if r.level), key=lambda v: v.rank, default=None)
            # A leadership word naming a team beside the role (policy I7) decided it too.
            teams = [r for r in working if r.cls == ADJECTIVE and r not in picked[:2]]
            reasons = [r.reason for r in picked[:2] + teams[:1]]
            return Reading(cls, level, (*dict.fromkeys(reasons), *notes),
                           _ids(picked[:2] + teams))
    return _EMPTY_READING  # pragma: no cover - every class is in _BELOW_PRIORITY
