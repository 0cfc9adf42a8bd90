"""Read a job title and a declared level and decide Director+ eligibility.

This module implements the organizers' policy (``shared/ELIGIBILITY_POLICY.md``) and is pure:
standard library plus :mod:`roundtable.seniority`, no Flask, no I/O. ``assess`` never raises.

Step 0, reading the title: HTML entities and tags, mojibake (``DirectorÂ``), NFKC, casing, accents,
emoji and control characters are undone; gender suffixes (``(m/w/d)``, ``H/F``, ``Director/a``),
requisition codes, job-ad phrases (``Full Time``, ``$10k signing bonus``) and employers (``@ Acme``,
``at Acme``, ``bei``, ``chez``) are dropped; abbreviations are expanded (``Sr Dir``, ``Exec Dir``,
``Hd. of``, ``SVP``, ``GM``, ``Dir.``). The title is then cut into roles at ``| / \\ & + , ; :``,
brackets, dashes, ``and/und/et/y`` and ``or/oder/ou/o`` (``/``, ``or`` and ``to`` mark
*alternatives*).
Interim and acting holders hold the role; ``ex-``/``former`` roles are past, ``retired`` means no
current role. Only the first 300 characters of a title are read.

Step 1, the title alone (first matching row wins inside one role; ``class`` is ``title_class``):

=================  ===========================================================================
class              reads as
=================  ===========================================================================
eligible           C-level: Chief … Officer, CEO/CTO/CIO/CISO/CPO/CDO/CAIO/…, Chief Executive,
                   President, Chair / Executive Chairman, heads of organisations under another
                   name (Provost, Rector, school Principal, Headmaster, Police/Fire Chief, Dean,
                   Secretary-General, Director-General); VP, SVP, EVP, Vice President; Director,
                   Senior/Executive Director, Director of X, X Director, Medical Director, Chief
                   of a clinical department; Head of X, X Head; Managing Director, MD; General
                   Manager; Founder, Co-founder, Owner; Partner (bare or Managing/Senior/Equity
                   …); Geschäftsführer, Vorstand, Bereichsleiter, IT-Leiter, technischer Leiter,
                   Leiter X; directeur général, PDG, DG, directeur de X, fondateur, associé;
                   director general, consejero delegado, director de X, fundador, socio, dueño
review             Associate/Deputy/Adjunct/Vice Director, Head, Partner …; Associate VP, AVP;
                   VP as a bank grade on an individual role ("VP – Derivatives Structurer");
                   Chief of Staff, Chief Engineer/Architect/Scientist, Distinguished Engineer,
                   Section Chief and any other chief without a clear level; Creative, Technical,
                   Artistic, Audio Director; Account, Client, Project, Program, Site, Store
                   directors and recruiter directors; Plant/Country Manager; a one-outlet GM
                   (restaurant, hotel, store …); Head Teacher, Head of a school subject/year/
                   department; Abteilungsleiter, other -leiter, jefe de …, responsable, gérant,
                   chef de service; founders/owners/execs with a freelance, fractional or
                   sole-trader marker, bare self-employed, entrepreneur (in residence); board
                   members, NED, trustees; emeritus; former roles only; a range or alternatives
                   spanning the threshold ("Manager / Director"); a bare Head, Chief, Executive
manager_track      Manager, Senior Manager, Engineering Manager, Supervisor, Team/Group/Tech Lead,
                   Assistant GM, Store/Branch Manager, Teamleiter, gerente de, chef de projet
one_rung_below     Assistant Director/Principal/Head/Dean, Assistant Vice President, Second VP
senior_ic          Principal or Staff + an individual-contributor noun (Principal Engineer)
support            (executive) assistant to anyone, aide, secretary, office manager, receptionist
learner            intern, trainee, working student, apprentice, PhD student, resident
ic                 engineers, analysts, consultants, product owners, HR business partners, …
craft              funeral/art/casting/choir/film/fire safety director, director of photography,
                   broadcast technical director, head chef, chief petty officer, head gardener …
adjective          Account Executive, Executive Driver, "CTO Office", "Founder's Associate"
no_role            unemployed, student, retired, open to work, joke titles
empty              blank, placeholders (N/A, -, null, ???), keyboard mash, numbers, markup, SQL
unknown            words, but none that name a role ("Growth Hacker", "Pastor")
=================  ===========================================================================

Several current roles: eligible if one is eligible, unless the eligible role is a rank joined by
an alternative or a dash (``/``, ``or``, ``to``, ``–``) to a lower rank (a range: review), or every
eligible role is a VP grade beside an individual-contributor or manager role (bank grade: review).
Otherwise review if one is review, else the most senior ineligible class.

Step 2, combining with the declared level (unknown or missing counts as below the minimum):

==================================================  =====================  =====================
title class                                         declared >= minimum    declared < minimum
==================================================  =====================  =====================
eligible                                            eligible               review
review                                              review                 review
manager_track, one_rung_below, senior_ic            review                 ineligible
support, learner, ic, craft, adjective, no_role     ineligible             ineligible
empty, unknown                                      review                 ineligible
==================================================  =====================  =====================

Where the policy is silent these readings were chosen (review is the cautious answer): a bare
General Manager, Gerente General and Dean are eligible (company size is not guessed); manager-titled
individual roles (Product Manager) are on the manager track; a deputy, associate or vice form of any
eligible rank (Deputy CEO, Associate Partner, Vice Chair) is review; fractional, freelance and bare
self-employed are solo markers (review); "(Director level)" states a grade, not a role (review);
an explicit "unemployed" or "retired" beats a former role (no_role), while a former role alone at
director level or above is review and a former role below it is no_role; VP beside a manager or a
Distinguished Engineer is a bank grade like VP beside an individual role; words that name no role
combine like an empty title; a company secretary is a secretary (support).

``minimum_level`` is director by default. A higher minimum (e.g. vp) sends an eligible title whose
level reads below it to the one_rung_below row; a lower one (e.g. manager) lets manager_track and
one_rung_below titles at or above it use the eligible row. An unknown minimum falls back to
director.
"""

from __future__ import annotations

import enum
import html
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

from roundtable.domain.seniority import Seniority

__all__ = ["Outcome", "Verdict", "assess", "TITLE_CLASSES"]

MAX_TITLE_CHARS = 300
_MAX_RAW_CHARS = 2000


class Outcome(enum.StrEnum):
    """The decision on one signup."""

    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    REVIEW = "review"


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of an assessment, its readable reasons and how the title read."""

    outcome: Outcome
    reasons: tuple[str, ...]
    title_class: str
    title_level: Seniority | None


# Title classes (Verdict.title_class).
ELIGIBLE = "eligible"
REVIEW = "review"
MANAGER = "manager_track"
RUNG = "one_rung_below"
SENIOR_IC = "senior_ic"
SUPPORT = "support"
LEARNER = "learner"
IC = "ic"
CRAFT = "craft"
ADJECTIVE = "adjective"
NO_ROLE = "no_role"
EMPTY = "empty"
UNKNOWN = "unknown"

TITLE_CLASSES: tuple[str, ...] = (
    ELIGIBLE, REVIEW, MANAGER, RUNG, SENIOR_IC, SUPPORT, LEARNER, IC, CRAFT, ADJECTIVE, NO_ROLE,
    EMPTY, UNKNOWN,
)
_GRADED = frozenset({MANAGER, RUNG, SENIOR_IC})
_NO_EVIDENCE = frozenset({EMPTY, UNKNOWN})
# Which ineligible class describes a title best when several roles are below director.
_BELOW_PRIORITY = (RUNG, MANAGER, SENIOR_IC, IC, ADJECTIVE, CRAFT, SUPPORT, LEARNER, NO_ROLE)

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

S = Seniority


# --------------------------------------------------------------------------- step 0: normalise


def _mojibake_table() -> dict[str, str]:
    """Return UTF-8-read-as-cp1252 sequences mapped back to the characters they encode."""
    table: dict[str, str] = {}
    chars = [chr(c) for c in range(0xA0, 0x180)] + list("–—‘’‚“”„•…€™")
    for ch in chars:
        for codec in ("cp1252", "latin-1"):
            try:
                garbled = ch.encode("utf-8").decode(codec)
            except UnicodeDecodeError:
                continue
            if garbled != ch:
                table.setdefault(garbled, ch)
    return table


_MOJIBAKE = _mojibake_table()
_MOJIBAKE_RX = re.compile("|".join(re.escape(k) for k in sorted(_MOJIBAKE, key=len, reverse=True)))
_MOJIBAKE_HINT = re.compile("[ÃÂâÅ]")
_SCRIPT_RX = re.compile(r"<(script|style)\b.*?(?:</\1\s*>|$)", re.I | re.S)
_TAG_RX = re.compile(r"<[!/?a-zA-Z][^<>]{0,200}>?")
_ASCII_CTRL_RX = re.compile(r"[\x00-\x1f\x7f]")
_CHAR_MAP = str.maketrans({
    "‐": "-", "‑": "-", "‒": " – ", "–": " – ", "—": " – ", "―": " – ", "−": " – ",
    "’": "'", "‘": "'", "ʼ": "'", "`": "'", "´": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "„": '"', "・": "·", "∙": "·", "‧": "·", "\u00a0": " ",
})


# Cyrillic and Greek letters that look Latin, folded only inside words that mix them with Latin.
_HOMOGLYPHS = str.maketrans("аеорсухіјѕԁԛԝοαεικνρτυχ", "aeopcyxijsdqwoaeikvptyx")
_MIXED_WORD_RX = re.compile(r"\w*[a-z]\w*")


def _fold_homoglyphs(s: str) -> str:
    """Return ``s`` with look-alike letters inside Latin words replaced by Latin ones."""
    return _MIXED_WORD_RX.sub(lambda m: m.group().translate(_HOMOGLYPHS), s)


def _fix_mojibake(s: str) -> str:
    """Return ``s`` with UTF-8 that was read as cp1252 or Latin-1 put back."""
    if not _MOJIBAKE_HINT.search(s):
        return s
    for codec in ("cp1252", "latin-1"):
        try:
            return s.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return _MOJIBAKE_RX.sub(lambda m: _MOJIBAKE[m.group()], s).replace("Â", " ")


def _fold(raw: str) -> str:
    """Return the title decoded, lower-cased, accent-free and stripped of emoji and controls."""
    s = raw[:_MAX_RAW_CHARS]
    if "&" in s:
        s = html.unescape(html.unescape(s))
    if "<" in s:
        s = _TAG_RX.sub(" ", _SCRIPT_RX.sub(" ", s))
    s = _fix_mojibake(s)
    s = unicodedata.normalize("NFKC", s)[:MAX_TITLE_CHARS].translate(_CHAR_MAP).casefold()
    if s.isascii():
        return _ASCII_CTRL_RX.sub(" ", s)
    s = _fold_homoglyphs(s)
    out = []
    for ch in unicodedata.normalize("NFKD", s):
        cat = unicodedata.category(ch)
        if cat in ("Mn", "Cf"):
            continue  # accents, zero-width joiners, soft hyphens
        out.append(" " if cat[0] in "CZ" or cat in ("So", "Sk") else ch)
    return "".join(out)


_Repl = str | Callable[[re.Match[str]], str]


def _subs(*pairs: tuple[str, _Repl]) -> list[tuple[re.Pattern[str], _Repl]]:
    """Compile (pattern, replacement) pairs."""
    return [(re.compile(p), r) for p, r in pairs]


_CXO = (
    "ceo|cfo|coo|cto|cio|ciso|cso|cpo|cdo|cao|caio|cmo|cro|cco|chro|cpto|clo|cxo|cbo|cno|cdao|"
    "cmio|csco|cgo|cko|cvo|cbdo|cino|cdio|ctpo|cuo|cqo|cito|cpro|ccso|cfoo|chco|csmo|caso|ceto"
)
_LEADERS = rf"(?:{_CXO}|founders?|co-?founders?|president|chairman|chairwoman|chair|director|vp|md)"

_PLACEHOLDERS = frozenset({
    "", "na", "n a", "none", "null", "nil", "nan", "undefined", "unknown", "tbd", "tba", "tbc",
    "test", "testing", "x", "xx", "xxx", "xxxx", "asdf", "title", "job title", "your title",
    "my title", "position", "role", "no", "nothing", "nope", "idk", "dunno", "n", "a", "aa",
    "abc", "foo", "bar", "foobar", "lorem ipsum", "object object", "none of your business",
    "other", "misc", "various", "see above", "see resume", "see cv", "same", "etc", "ok",
    "not applicable", "prefer not to say", "rather not say", "private", "confidential",
})
_SQL_RX = re.compile(
    r"\b(?:select|insert|update|delete|drop|union|alter|truncate|create)\b[^|]{0,80}"
    r"\b(?:from|into|table|set|where|select|database|all)\b"
    r"|'\s*or\s*'?\w*'?\s*=\s*'?\w|\bor\s+1\s*=\s*1\b|;\s*--|--\s*$|\bsleep\s*\(|\bwaitfor\b"
    r"|\bxp_cmdshell\b|\balert\s*\(|javascript:|\bonerror\b|document\.cookie|\$\{|\{\{"
)

_PRE = _subs(
    # Dotted abbreviations: a.i. (ad interim) first, then v.p., c.e.o., p.-d.g.
    (r"\ba\.\s?i\.", " interim "),
    (r"\bp\.?\s?-?\s?d\.?\s?-?\s?g\b\.?", "pdg"),
    (r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?", lambda m: m.group().replace(".", "")),
    # Gender suffixes: (m/w/d), (h/f), (all genders), Director/a, Leiter/in, directeur(rice) ...
    (
        r"[(\[]\s*(?:m|w|f|h|d|x|a|e|o|div|diverse|divers|all genders?|gn\*?|any gender)"
        r"(?:\s*[/,|*.]\s*(?:m|w|f|h|d|x|a|o|div|diverse|divers|i|inter))*\s*[)\]]",
        " ",
    ),
    (r"(?<![\w/])[mwfh]\s*/\s*[mwfhd](?:\s*/\s*(?:[mwfhdx]|div))?(?![\w/])", " "),
    (
        r"(?<=[a-z]{3})(?:\(\s*(?:in|innen|a|as|ra|e|es|rice|trice|euse|ne)\s*\)"
        r"|[/:*_·]\s*-?(?:in|innen|a|as|ra|e|es|rice|trice|euse|ne)(?![\w-]))",
        "",
    ),
    # Requisition codes, salaries, job-ad phrases.
    (
        r"\b(?:req(?:uisition)?|job(?:\s*id)?|position|posting|vacancy|ref(?:erence)?|id)\b\.?"
        r"\s*(?:id|no|number|nr|#)?\.?\s*[:#-]?\s*[a-z]{0,4}[-_]?\d[\w-]*",
        " ",
    ),
    (r"#\s*[a-z]{0,4}-?\d[\w-]*|\b[a-z]{0,4}[-_]?\d{3,}[\w-]*", " "),
    (r"[$€£]\s*\d[\d,.]*\s*k?\+?|\b\d[\d,.]*\s*k\b\+?", " "),
    (
        r"\b(?:(?:sign(?:ing)?[- ]?on|signing|joining|retention|relocation|annual|performance)\s+)?"
        r"bonus(?:es)?\b|\bfull[- ]?time\b|\bpart[- ]?time\b|\bfte\b|\bremote(?:ly)?\b|\bhybrid\b"
        r"|\bon[- ]?site\b|\bwork from home\b|\bwfh\b|\bhome ?office\b|\bimmediate start\b"
        r"|\b(?:urgent(?:ly)?|now|we'?re)?\s*hiring(?: now)?\b(?! manager)|\bapply (?:now|today)\b"
        r"|\bcompetitive salary\b|\bper (?:hour|year|annum)\b|\b(?:un)?befristet\b|\bvollzeit\b"
        r"|\bteilzeit\b|\bcdi\b|\bcdd\b|\btemps (?:plein|partiel)\b|\bteletravail\b"
        r"|\btiempo (?:completo|parcial)\b|\bjornada completa\b|\bremoto\b",
        " ",
    ),
    # Possessive leaders and CxO teams are not roles: "CEO's Assistant", "CTO Office".
    (rf"\b{_LEADERS}'s?(?=\s|$)|\b{_LEADERS}s'", " qqadj "),
    (r"\bfounders?\s+(?=associate|office|team|program)", " qqadj "),
    (
        rf"\boffice of (?:the )?(?:{_CXO}|founders?|president|chairman|chair|ceo|"
        rf"director general|managing director)\b",
        " qqadj ",
    ),
    (
        rf"\b(?:{_CXO}|founders?|president|chairman)\s+(?:office|team|org|organi[sz]ation|staff|"
        r"group|unit|department|dept|club|award|circle|list|council)\b",
        " qqadj ",
    ),
    (r"\bhead ?office\b|\bheadquarters\b|\bhq\b", " qqorg "),
    (r"\bhead[- ]hunter", "headhunter"),
    # French elision: d'agence, l'equipe.
    (r"\b([dl])'(?=[a-z])", r"\1e "),
)

_ABBREVIATIONS = {
    "sr": "senior", "snr": "senior", "jr": "junior", "jnr": "junior", "dir": "director",
    "dirs": "directors", "mgr": "manager", "mngr": "manager", "mgmt": "management",
    "mgt": "management", "exec": "executive", "execs": "executives", "asst": "assistant",
    "ass't": "assistant", "assoc": "associate", "hd": "head", "pres": "president",
    "chmn": "chairman", "svp": "senior vp", "evp": "executive vp", "gvp": "group vp",
    "cvp": "corporate vp", "rvp": "regional vp", "dvp": "divisional vp", "gm": "general manager",
    "agm": "assistant general manager", "dgm": "deputy general manager", "ops": "operations",
    "swe": "software engineer", "sde": "software engineer", "engr": "engineer", "mng": "managing",
    "ea": "executive assistant", "tpm": "technical program manager",
}
_ABBREV_RX = re.compile(r"\b(" + "|".join(re.escape(k) for k in _ABBREVIATIONS) + r")\b\.?")
_VP_WORDS_RX = re.compile(
    r"\bvice[- ]?pres(?:ident(?:e|a|in)?)?\b\.?|\bvicepresident(?:e|a)?\b|\bvizeprasident(?:in)?\b"
)

_MID = _subs(
    (
        r"\b(vp|director|head of|of|for|manager|lead|cto|svp|evp|senior vp)\s+eng\b",
        r"\1 engineering",
    ),
    (r"\beng\b(?=\s+(?:manager|lead|director|team|org|operations))", "engineering"),
    (r"\beng\b", "engineer"),
    (r"\b(vp|director|head of|of|for|manager|lead|cto|senior vp)\s+dev\b", r"\1 development"),
    (r"\bdev\b(?=\s+(?:manager|lead|director|team|org|operations))", "development"),
    (r"\bdev\b", "developer"),
    (r"\bco[- ](?=found|owner|fondat|fundad|grunder|gruender)", "co"),
    (rf"\bco[- ](?=(?:{_CXO}|chair\w*|president)\b)", ""),
    (r"\bvice[- ](?=chair|chancellor|principal|provost|dean|rector)", "vice "),
    (r"\bnon[- ]exec(?:utive)?\b", "nonexecutive"),
    (r"\bowner\s*[-/]?\s*operator", "owner operator"),
    (r"\bhead\s*[,:]\s*(?!of\b)", "head of "),
    (r"\bhead\s+[-–]\s+(?!of\b)", "head of "),
    # Interim and acting holders hold the role.
    (
        r"\b(?:ad interim|interim|acting|kommissarisch\w*|interimistisch\w*|par interim|"
        r"interimaire|en funciones|interin[oa]|provisional)\b",
        " qqinterim ",
    ),
    # Employers: "@ Acme", "at Acme", "bei", "chez", "en" up to the next separator.
    (r"\s*(?:@|\b(?:at|bei|chez|en|presso)\b)\s*[^|,;/&()\[\]–+•·]*", " qqorg "),
    # Support and advice "to the CEO & Founder": the boss is not the signup's role.
    (
        r"\b(assistant|assistante|assistent|assistentin|assistenz|asistente|aide|"
        r"secretary(?! of state)|pa|support|advisor|adviser|chief of staff|associate|intern|"
        r"liaison|right[- ]hand)\s+"
        r"(?:to|for|of|de|del|der|des|du|au|aux|a)\s+(?:the\s+|la\s+|le\s+|el\s+)?"
        r"[^|;()\[\]–•·]*",
        r"\1",
    ),
    (r"\breport(?:s|ing)?\s+(?:in)?to\b[^|;()\[\]–•·]*", " "),
    # "Chief Diversity & Inclusion Officer" is one role.
    (
        r"\bchief\s+[a-z' -]*?(?:&|\+|\band\b)[a-z' -]*?\bofficer\b",
        lambda m: re.sub(r"\s*(?:&|\+|\band\b)\s*", " ", m.group()),
    ),
    # Ranges spelled with "to"/"bis": "Manager to Director".
    (
        r"\b(manager|lead|supervisor|principal|director|head|vp)\s+(?:to|bis)\s+"
        r"(?=(?:senior\s+|associate\s+)?(?:director|vp|head|manager|cxo|c-level)\b)",
        r"\1 qqrange ",
    ),
)

_SPLIT_RX = re.compile(
    r"\s*(\|+|/|\\|&|\+|,|;|:|•|·|\(|\)|\[|\]|\{|\}|!|\?|\*|~|<|>|=|\"|–|\s-+\s|\s-+(?=\S)"
    r"|(?<=\S)-+\s|\.(?=\s|$)|\bqqrange\b|\b(?:and|und|et|y|or|oder|ou|o|plus)\b)\s*"
)
_ALT_SEPARATORS = frozenset({"/", "\\", "or", "oder", "ou", "o", "qqrange"})
# Between two ranks a dash reads as a range too ("Manager – Director").
_RANGE_SEPARATORS = _ALT_SEPARATORS | {"–", "-"}


# ------------------------------------------------------------------------- step 1: the rules


@dataclass(frozen=True, slots=True)
class _Rule:
    """One pattern that classifies a role."""

    rx: re.Pattern[str]
    cls: str
    level: Seniority | None
    family: str
    why: str
    label: str | None


_IC = (
    r"(?:engineers?|developers?(?!\s+(?:relations|experience|platform|marketing|productivity|"
    r"advocacy|ecosystem|tools|programs?|success|community))|programmers?|coders?|architects?|"
    r"analysts?|consultants?|scientists?|researchers?|designers?|specialists?|technicians?|"
    r"technologists?|administrators?|accountants?|auditors?|bookkeepers?|actuar(?:y|ies)|"
    r"economists?|strategists?|associates?|representatives?|reps?|agents?|advisors?|advisers?|"
    r"officers?|coordinators?|planners?|buyers?|traders?|structurers?|quants?|bankers?|"
    r"underwriters?|brokers?|writers?|copywriters?|editors?|journalists?|reporters?|producers?|"
    r"marketers?|recruiters?|sourcers?|headhunters?|teachers?|tutors?|lecturers?|professors?|"
    r"instructors?|trainers?|coach(?:es)?|nurses?|rn|physicians?|doctors?|surgeons?|pharmacists?|"
    r"dentists?|therapists?|psychologists?|paramedics?|paralegals?|lawyers?|attorneys?|"
    r"solicitors?|barristers?|counsel|clerks?|cashiers?|salesperson|sales(?:wo)?man|sellers?|"
    r"drivers?|chauffeurs?|couriers?|mechanics?|electricians?|plumbers?|carpenters?|welders?|"
    r"operators?|workers?|labou?rers?|testers?|qa|sre|devops|scrum master|product owner|"
    r"process owner|owner operator|business partner|hrbp|people partner|talent partner|"
    r"generalists?|experts?|evangelists?|advocates?|ambassadors?|contributors?|"
    r"member of (?:the )?(?:technical )?staff|mts|fellows?|postdoc\w*|contractors?|artists?|"
    r"illustrators?|animators?|photographers?|videographers?|translators?|interpreters?|"
    r"librarians?|biologists?|chemists?|physicists?|statisticians?|mathematicians?|geologists?|"
    r"surveyors?|inspectors?|investigators?|detectives?|firefighters?|soldiers?|pilots?|"
    r"flight attendants?|waiters?|waitress(?:es)?|bartenders?|baristas?|cooks?|bakers?|"
    r"butchers?|cleaners?|janitors?|custodians?|housekeepers?|gardeners?|farmers?|nann(?:y|ies)|"
    r"caregivers?|carers?|guards?|lifeguards?|models?|actors?|actress(?:es)?|musicians?|singers?|"
    r"dancers?|athletes?|players?|streamers?|influencers?|creators?|bloggers?|youtubers?|"
    r"volunteers?|tellers?|estimators?|dispatchers?|machinists?|assemblers?|handlers?|"
    r"ingenieur(?:in)?|ingeniero|ingeniera|entwickler(?:in)?|softwareentwickler(?:in)?|"
    r"informatiker(?:in)?|developpeu(?:r|se)|desarrollador(?:a)?|programador(?:a)?|"
    r"berater(?:in)?|consultor(?:a)?|consultante?|analista|sachbearbeiter(?:in)?|referent(?:in)?|"
    r"mitarbeiter(?:in)?|angestellte[rn]?|emplead[oa]|employee?|comptable|contador(?:a)?|"
    r"buchhalter(?:in)?|abogad[oa]|avocat(?:e)?|anwalt|anwaltin|rechtsanwalt\w*|arzt|arztin|"
    r"medecin|medic[oa]|enfermer[oa]|krankenpfleger\w*|pflegekraft|lehrer(?:in)?|profesor(?:a)?|"
    r"professeur|vendedor(?:a)?|vendeu(?:r|se)|verkaufer(?:in)?|disenador(?:a)?|"
    r"technicien(?:ne)?|tecnic[oa]|techniker(?:in)?|spezialist(?:in)?|especialista|specialiste|"
    r"redakteur(?:in)?|redact(?:eur|rice)|periodista|journaliste|chargee? de|"
    r"conseill(?:er|ere)|asesor(?:a)?|kauf(?:mann|frau)|fachkraft|wissenschaftler(?:in)?|"
    r"forscher(?:in)?|chercheu(?:r|se)|investigador(?:a)?|coordinador(?:a|es)?|"
    r"coordinat(?:eur|rice)|administrador(?:a)?|administrat(?:eur|rice)|oberarzt\w*|"
    r"facharzt\w*|gestor(?:a)?|tecnico|auxiliar)"
)
_IC_RX = re.compile(rf"\b{_IC}\b")
# What makes a VP a bank officer grade when it sits in the same role ("SVP Relationship Manager").
_GRADE_RX = re.compile(rf"\b(?:{_IC}|manag(?:er|ers)|lead|leads)\b")
_SCHOOL_SUBJECTS = (
    r"(?:maths?|mathematics|english|science|sciences|history|geography|physics|chemistry|"
    r"biology|music|art|arts|drama|pe|physical education|languages|modern languages|mfl|french|"
    r"german|spanish|latin|computing|ict|re|religious education|year(?: \d+)?|key stage \d?|"
    r"ks\d|sixth form|lower school|upper school|house|department|dept|faculty|subject|section|"
    r"class|grade|science department|maths department)"
)
_MEDICAL_DEPTS = (
    r"(?:cardiology|surgery|medicine|radiology|pediatrics|paediatrics|oncology|neurology|"
    r"psychiatry|anesthesiology|anaesthesia|anaesthetics|emergency medicine|nursing|pathology|"
    r"orthopa?edics|obstetrics|gynaecology|gynecology|urology|dermatology|neurosurgery|"
    r"critical care|intensive care|[a-z]+ology)"
)
_UNIT_WORDS = (
    r"(?:key )?(?:account|accounts|client|clients|project|projects|program|programs|programme|"
    r"programmes|site|sites|store|stores|branch|branches|shop|restaurant|hotel|plant|factory)"
)
_NOT_FUNCTION = (
    r"(?!\s+(?:management|operations|services|success|development|delivery|strategy|relations|"
    r"marketing|sales|experience|engineering|reliability|planning|office|governance|portfolio|"
    r"leadership|excellence|solutions|partnerships|acquisition)\b)"
)
_OUTLETS = (
    r"(?:restaurant|hotel|store|shop|outlet|branch|club|gym|bar|pub|cafe|coffee shop|dealership|"
    r"spa|casino|location|franchise|resort|kitchen|bistro|diner|motel|inn|boutique)"
)
_DIRECTOR = r"(?:director|directors|directeur|directrice|directora|direktor(?:in)?|diretor(?:a)?)"
_PARTNER_MODS = (
    r"(?:managing|senior|equity|founding|general|name|salaried|junior|full|executive|audit|tax|"
    r"advisory|legal|law|operating|venture|investment|deal|practice|global|regional|country|"
    r"office|industry|lead|co-?managing|national|local|transaction|litigation|corporate)"
)


def _r(cls: str, level: Seniority | None, family: str, pattern: str, why: str,
       label: str | None = None) -> _Rule:
    """Build one rule."""
    return _Rule(re.compile(pattern), cls, level, family, why, label)


_JOKE = "is a joke title, not a current role"
_GROUPS: list[list[_Rule]] = [
    [  # jokes and no current role
        _r(NO_ROLE, None, "", rf"\b(?:{_CXO}|chief|head|director|president|manager|boss|queen|king)"
           r"\s+of\s+(?:my|the|our|his|her)?\s*(?:own\s+)?(?:house|household|home|family|life|"
           r"kids|couch|sofa|dog|cat|universe|world|vibes|fun|nothing|everything|me)\b"
           r"|\bme\s+inc\b", _JOKE),
        _r(NO_ROLE, None, "", r"\bchief\s+(?:fun|happiness|vibes?|meme|snack|coffee|cheerleading|"
           r"napping|nap|troublemaker|everything|chaos|cat herder|dreamer|daydreamer|unicorn|"
           r"ninja|wizard|party|beer|pizza|donut|cookie|bottle washer|cook and bottle washer|"
           r"doer|hugging|hug|fire ?fighting)\b", _JOKE),
        _r(NO_ROLE, None, "", r"\b(?:ninja|rock ?star|guru|wizard|jedi|overlord|supreme leader|"
           r"head honcho|big cheese|top dog|grand poobah|superhero|thought leader|nobody|"
           r"jack of all trades|professional napper|couch potato|world traveler|potato|"
           r"chief cook and bottle washer)\b", _JOKE),
        _r(NO_ROLE, None, "", r"\b(?:stay[- ]at[- ]home|full[- ]time)\s+(?:mom|mum|dad|parent|"
           r"mother|father)\b|\bhomemaker\b|\bhousewife\b|\bhousehusband\b|\bsah[md]\b",
           "is not a current job"),
    ],
    [  # learners
        _r(LEARNER, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"(?<!\bof )(?<!\bfor )(?:\binterns?\b(?!\s+(?:programs?|programme|recruit\w*|"
           r"coordinator|manager|cohort|class|hiring|experience|relations)\b)|\binternship\b"
           r"|\btrainees?\b|\bworking student\b|\bwerkstudent(?:in)?\b|\bapprentice(?:ship)?\b"
           r"|\bazubi\b|\bauszubildende[rn]?\b|\bpraktikant(?:in)?\b|\bpraktikum\b"
           r"|\bstagiaire\b|\balternante?\b|\balternance\b|\bapprentie?\b|\bbecari[oa]\b"
           r"|\bpracticante\b|\bpasante\b|\bphd (?:student|candidate|researcher|fellow)\b"
           r"|\bdoctoral (?:student|candidate|researcher)\b|\bdoktorand(?:in)?\b"
           r"|\bdoctorante?\b|\bdoctorand[oa]\b|\bgrad(?:uate)? student\b|\bmaster'?s student\b"
           r"|\bmba (?:student|candidate)\b|\bundergrad(?:uate)?\b|\bco-?op(?: student)?\b"
           r"|\bstudent (?:intern|assistant|worker|researcher|trainee)\b|\bteaching assistant\b"
           r"|\bresearch assistant\b|\bgraduate assistant\b|\bchief resident\b"
           r"|\bresident (?:physician|doctor)\b|\bmedical resident\b|\bassistenzarzt\w*"
           r"|\bsummer associate\b)", "is a learner's role"),
    ],
    [  # no current role
        _r(NO_ROLE, None, "", r"\bunemployed\b|\bjobless\b|\bjob[- ]?seek(?:er|ing)\b"
           r"|\blooking for (?:work|a job|a new role|new opportunities|opportunities|my next)\b"
           r"|\bseeking (?:new )?(?:opportunities|employment|work|a role|roles|a position)\b"
           r"|\bopen ?to ?(?:work|opportunities|new opportunities)\b|\bbetween (?:jobs|roles|"
           r"positions)\b|\bcareer break\b|\bin transition\b|\barbeits(?:los|suchend)\w*"
           r"|\barbeitsuchend\w*|\berwerbslos\w*|\bauf jobsuche\b|\bsans emploi\b"
           r"|\bchomeu(?:r|se)\b|\bdemandeu(?:r|se) de emploi\b|\ben recherche de emploi\b"
           r"|\bdesemplead[oa]\b|\ben paro\b|\bparad[oa]\b|\bbuscando (?:empleo|trabajo)\b",
           "says there is no current role"),
        _r(NO_ROLE, None, "", r"^(?!.*\b(?:director|head|manager|dean|officer|lead|coordinator|"
           r"advisor|counsel\w*|teacher|ambassador|recruit\w*)\b)(?:[a-z'-]+\s+){0,3}"
           r"(?:students?|studentin|schuler(?:in)?|etudiante?|estudiante)$",
           "is a student, not a current job"),
    ],
    [  # explicit individual roles that contain a leadership or support word
        _r(IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\b(?:physician|medical|dental|nursing|pharmacy|"
           r"veterinary|vet|care|healthcare|health care|lab|laboratory|clinical|shop|store|retail|"
           r"sales|customer service|kitchen|production|camera|editorial|library)\s+assistants?\b"
           r"|\b(?:assistant|associate|adjunct)\s+professors?\b|\bassistant\s+" + _IC + r"\b",
           "is an individual contributor role"),
        _r(IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\bowner operator\b|\bproduct owner\b"
           r"|\bprocess owner\b|\b(?:hr|people|finance|financial|talent|human resources)?\s*"
           r"business partners?\b|\bhrbp\b|\b(?:people|talent|hr|learning|finance)\s+partner\b",
           "is an individual contributor role"),
    ],
    [  # one rung below by name
        _r(RUNG, S.SENIOR_MANAGER, "rank", r"\b(?:assistant|1st assistant|first assistant)\s+"
           r"(?:director|directors|vp|principal|head|dean|superintendent)\b"
           r"|\b(?:second|2nd)\s+vp\b", "is one rung below director by name"),
    ],
    [  # manager track spelled with assistant / deputy or a store
        _r(MANAGER, S.MANAGER, "rank", r"\b(?:assistant|deputy)\s+(?:[a-z]+\s+){0,2}manager\b",
           "is on the manager track"),
        _r(MANAGER, S.MANAGER, "rank", r"\b(?:store|branch|shop|retail|outlet|boutique|shift|"
           r"floor|department store)\s+manager\b", "is on the manager track"),
        _r(MANAGER, S.MANAGER, "rank", r"\bteamleit(?:er|erin|ung)\b|\bgruppenleit(?:er|erin|ung)\b"
           r"|\bvorarbeiter\w*|\bschichtleit\w*|\bprojektleit\w*|\bfilialleit\w*|\bmarktleit\w*"
           r"|\bstationsleit\w*|\bniederlassungsleit\w*|\bleit(?:er|erin|ung)\s+(?:des\s+|der\s+)?"
           r"(?:team|gruppe|projekt|filiale|schicht)\w*|\bjef[ea] de (?:equipo|proyecto|turno|"
           r"grupo|obra)\b|\bteam head\b", "is on the manager track"),
    ],
    [  # support to a leader and admin
        _r(SUPPORT, S.INDIVIDUAL_CONTRIBUTOR, "", r"\bdirector of first impressions\b"
           r"|\bchief first impressions officer\b", "is a receptionist's title"),
        _r(SUPPORT, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\b(?:(?:executive|personal|administrative|admin|office|team|virtual|private|legal|"
           r"board|management)\s+)?\w*assist(?:ants?|antes?|ent|entin|enz|entes?)\b|^pa$|\baides?\b"
           r"|(?<!permanent )\bsecretar(?:y|ies|ia|io)\b(?!\s+(?:general|of state)\b)"
           r"|\bsecretaire\b(?!\s+generale?\b)|\bsekretar(?:in)?\b|\bsekretariat\b"
           r"|\boffice (?:manager|administrator|coordinator|clerk)\b|\bburo(?:leiter(?:in)?|"
           r"leitung|kauf(?:mann|frau)|kraft)\b|\breceptionist\b|\bfront desk\b"
           r"|\badministrative (?:coordinator|officer|specialist|support)\b"
           r"|(?<!system )(?<!systems )(?<!database )(?<!network )(?<!it )\badmin\b"
           r"|\bauxiliar administrativ[oa]\b|\basistentes?\b|\bright[- ]hand\b",
           "is a support or administrative role, whoever the boss is"),
    ],
    [  # craft and occupational uses of leadership words
        _r(CRAFT, None, "", r"\bfuneral (?:services? )?(?:director|directors|arranger)\b"
           r"|\bdirector of funeral services\b|\bbestatter\w*|\bdirect(?:eur|rice) funeraire\b"
           r"|\bconseill(?:er|ere) funeraire\b|\bdirector de funeraria\b|\bmortician\b"
           r"|\bundertaker\b", "is an occupation (a funeral director), not a leadership role"),
        _r(CRAFT, None, "", r"\bdirectors? of photography\b|\bdop\b|\bcinematographer\b"
           r"|\bdirect(?:eur|rice) de la photo(?:graphie)?\b|\bdirector de fotografia\b"
           r"|\bkamera(?:mann|frau)\b|\bchef operateur\b",
           "is a film craft (director of photography), not a leadership role"),
        _r(CRAFT, None, "", r"\bart directors?\b|\bdirector of art\b|\bdirector de arte\b"
           r"|\bartdirector\b", "is a design craft (art director), not a leadership role"),
        _r(CRAFT, None, "", r"\bcasting directors?\b|\bdirector of casting\b"
           r"|\bdirect(?:eur|rice|or|ora) de casting\b",
           "is a craft (casting director), not a leadership role"),
        _r(CRAFT, None, "", r"\b(?:choir|choral|chorus|church music|band|orchestra|music|musical)"
           r"\s+directors?\b|\bdirector of (?:music|choirs?|choral (?:music|activities)|bands?|"
           r"orchestras?)\b|\bchorleiter(?:in)?\b|\bdirigent(?:in)?\b|\bkapellmeister\b"
           r"|\bdirector de (?:orquesta|coro)\b|\bchef de orchestre\b|\bchef de choeur\b"
           r"|\b(?:reise|kurs|spiel|chor|band)leit(?:er|erin|ung)\b",
           "is a musical craft (choir or music director), not a leadership role"),
        _r(CRAFT, None, "", r"\bfire (?:and life )?safety directors?\b|\bdirector of fire safety\b",
           "is an occupational certificate (fire safety director), not a leadership role"),
        _r(CRAFT, None, "", r"\b(?:broadcast|tv|television|live|studio|news|newscast|theatre|"
           r"theater|stage|concert|event|live production)\s+technical directors?\b"
           r"|\btechnical director\b.*\b(?:broadcast|tv|television|newscast|live)\b",
           "is a production craft (broadcast technical director), not a leadership role"),
        _r(CRAFT, None, "", r"\b(?:film|movie|stage|theatre|theater|music video|video|"
           r"documentary|commercials|tv|television|animation|opera|dance|cruise|activit(?:y|ies))"
           r"\s+directors?\b", "is a craft or occupational director, not a leadership role"),
        _r(CRAFT, None, "", r"\b(?:head|executive|sous|pastry|private|personal|line|commis|junior|"
           r"senior|chef de)?\s*chefs?\b(?!\s+(?:de|du|des)\b)|\bchef de (?:cuisine|partie|rang)\b"
           r"|\bjefe de cocina\b|\bkuchenchef\w*|\bkuechenchef\w*|\bchefkoch\w*",
           "is a kitchen craft (chef), not a leadership role"),
        _r(CRAFT, None, "", r"\bhead (?:cook|waiter|waitress|bartender|barista|gardener|"
           r"groundsman|groundskeeper|lifeguard|porter|custodian|janitor|housekeeper|baker|brewer|"
           r"butcher|butler|coach|trainer|cashier|teller|caretaker|concierge|sommelier|server|"
           r"driver|mechanic|nurse|mistress of|boy|girl|cheerleader|librarian|usher|steward)\b",
           "is a craft or occupational 'head', not the head of a function"),
        _r(CRAFT, None, "", r"\bchief (?:petty|warrant|master|mate|steward|stewardess|cook|purser|"
           r"boatswain|bosun|radio officer|yeoman)(?: officer)?\b|\bchief (?:master )?sergeant\b"
           r"|\bcommand master chief\b",
           "is a military or maritime rank, not an executive role"),
    ],
    [  # leadership words as adjectives or team names
        _r(ADJECTIVE, S.INDIVIDUAL_CONTRIBUTOR, "", r"\baccount executives?\b",
           "uses 'executive' as an adjective: an individual sales role"),
        _r(ADJECTIVE, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\bexecutive (?:driver|chauffeur|protection)\b",
           "uses 'executive' as an adjective: the role is the driver"),
    ],
    [  # review: genuinely debatable
        _r(REVIEW, None, "board", r"^(?!.*\b(?:chair\w*|president|presidente|vorsitzende[rn]?|"
           r"prasident\w*)\b).*?(?:\bboard (?:member|director|of directors|of trustees|advisor|"
           r"adviser|observer|trustee|seat)\b|\bmember of (?:the )?(?:\w+ )?board\b"
           r"|\b(?:nonexecutive|independent|outside|lead independent)\s+(?:nonexecutive\s+)?"
           r"directors?\b|\b(?:ned|ined)\b|\btrustees?\b|\badvisory board\b|\bboard advisor\b"
           r"|\baufsichtsrat(?:in|smitglied)?\b|\bbeirat(?:smitglied)?\b|\bverwaltungsrat\b"
           r"|\bmembre du conseil\b|\bconseil de administration\b"
           r"|\badministrat(?:eur|rice)\b(?!\s+(?:systemes?|reseaux?|bases?|de|web|it)\b)"
           r"|\bconsejer[oa]\b(?!\s+delegad[oa])|\bmiembro del consejo\b|\bgovernors?\b)",
           "is a board seat: not an executive role in itself"),
        _r(REVIEW, None, "rank", r"\b(?:associate|deputy|adjunct|vice|sub|stellvertretende[rn]?|"
           r"stv|stellv)\s+(?:[a-z]+\s+)?(?:" + _DIRECTOR + r"|head|dean|partner|vp|"
           r"general manager|managing director|" + _CXO + r"|president|chair\w*|principal|"
           r"geschaftsfuhr\w*|leiter\w*|leitung|provost|rector)\b(?<!vice chancellor)"
           r"|\bsub-?direct(?:or|ora|eur|rice)\b|\bsous-?direct(?:eur|rice)\b"
           r"|\b(?:directeur|directrice|director|directora)(?: generale?)? "
           r"(?:adjointe?|adjunt[oa])\b|\bdga\b|\bavp\b",
           "is a deputy or associate rank: director-level in some organisations only"),
        _r(REVIEW, None, "individual",
           r"\bchief of staff\b|\bchief (?:engineer|architect|scientist|technologist|economist|"
           r"strategist|designer|evangelist|storyteller|of party|inspector)\b"
           r"|\bdistinguished (?:engineer|architect|scientist|technologist|member)\b"
           r"|\b(?:section|bureau|division|branch|unit|crew|deputy)\s+chief\b"
           r"|\btechnical fellow\b", "is a chief or distinguished title without a clear level"),
        _r(REVIEW, None, "", r"\b(?:creative|technical|artistic|audio|sound|game|narrative)\s+"
           r"directors?\b|\bdirectors?,? (?:of )?(?:creative|technical|artistic|audio)\b"
           r"(?!\s+(?:services|operations|support|sales|accounts?|programs?|strategy)\b)"
           r"|\b(?:directeur|directrice|director|directora)\s+(?:technique|tecnic[oa]|"
           r"artistique|artistic[oa]|creati(?:f|ve|vo|va)|de (?:la )?creation)\b"
           r"|\btechnische[rn]? direktor\b|\bkreativdirektor\w*",
           "is an industry-specific director title (creative, technical, artistic, audio)"),
        _r(REVIEW, None, "", r"\b" + _UNIT_WORDS + r"\s+directors?\b|\bdirectors?\s+(?:of\s+)?"
           r"(?:the\s+)?(?:key\s+)?(?:accounts?|clients?|projects?|programs?|programmes?|sites?|"
           r"stores?|branch(?:es)?)\b" + _NOT_FUNCTION
           + r"|\b(?:directeur|directrice|director|directora)\s+de\s+(?:la\s+|le\s+|las?\s+|"
           r"los\s+)?(?:magasin|agence|site|usine|projets?|programmes?|comptes?|clientele|tienda|"
           r"sucursal|obra|proyectos?|programas?|cuentas?|planta|fabrica|hotel|restaurante?|"
           r"succursale|filiale)\b",
           "is a unit-level director title (account, project, program, site, store)"),
        _r(REVIEW, None, "", r"\b(?:recruit\w*|recruitment|talent acquisition|executive search|"
           r"staffing|headhunting|resourcing)\s+directors?\b|\bdirectors?\b.*\b(?:recruit\w*|"
           r"talent acquisition|executive search|staffing|headhunting|resourcing)\b",
           "is a recruiter's director title, often a sales grade"),
        _r(REVIEW, None, "", r"\b(?:plant|country|factory|mill|works|refinery|mine)\s+managers?\b"
           r"|\bwerksleit(?:er|erin|ung)\b|\bstandortleit(?:er|erin|ung)\b",
           "is a manager who runs a whole unit"),
        _r(REVIEW, None, "", r"\b" + _OUTLETS + r"\s+general managers?\b"
           r"|\bgeneral managers?\b.*\b" + _OUTLETS + r"\b",
           "is the general manager of one outlet"),
        _r(REVIEW, None, "", r"\bhead ?teachers?\b|\bhead of (?:the )?" + _SCHOOL_SUBJECTS
           + r"\b|\b(?:department|dept|section|subject|year)\s+head\b",
           "is an ambiguous head (a school subject, a department or a head teacher)"),
        _r(REVIEW, None, "", r"\babteilungsleit(?:er|erin|ung)\b|\bleit(?:er|erin|ung)\s+"
           r"(?:der\s+|des\s+)?abteilung\b|\bjef[ea] de (?:departamento|area|seccion|servicio|"
           r"division)\b|\bresponsables?\b|\bchef de (?:service|departement|division|pole|bureau)\b"
           r"|\bco-?gerante?s?\b|(?<!associe )(?<!associee )\bgerante?s?\b",
           "is a non-English title that spans manager to director"),
        _r(REVIEW, None, "", r"\b(?:entrepreneur|founder|executive) in residence\b|\beir\b"
           r"|\b(?:serial |tech |social )?entrepreneur\b|\bsolopreneur\b",
           "is an entrepreneur title without a clear current business"),
        _r(REVIEW, None, "", r"\b(?:director|vp|executive|senior director)[- ]level\b",
           "states a grade, not a role"),
        _r(REVIEW, None, "", r"\bpro[- ]?vice chancellor\b|\bdean of students\b",
           "is a deputy to the head of a university"),
    ],
    [  # senior individual contributors
        _r(SENIOR_IC, S.INDIVIDUAL_CONTRIBUTOR, "rank",
           r"\b(?:principal|staff)\s+(?:[a-z-]+\s+){0,3}?(?:engineers?|developers?|scientists?|"
           r"designers?|architects?|researchers?|swe|sre|analysts?|product managers?|"
           r"program managers?|technical program managers?|engineering managers?|"
           r"data scientists?)\b"
           r"|\bprincipal\s+(?:[a-z-]+\s+){0,3}?" + _IC + r"\b",
           "is a senior individual contributor role (principal / staff)"),
    ],
    [  # eligible
        _r(ELIGIBLE, S.C_LEVEL, "c", rf"\b(?:{_CXO})\b", "is a C-level title"),
        _r(ELIGIBLE, S.C_LEVEL, "c", r"\bchief\s+(?:[a-z&'-]+\s+){0,5}?officer\b"
           r"|\bchief executive\b|\bc-?(?:level|suite)\b|\bc level\b", "is a C-level title"),
        _r(ELIGIBLE, S.C_LEVEL, "c", r"\bpresident(?:e|a)?\b|\bprasident(?:in)?\b",
           "heads an organisation"),
        _r(ELIGIBLE, S.C_LEVEL, "c", r"\b(?:executive |nonexecutive )?chair(?:man|woman|person|"
           r"men|women)?\b|\b(?:vorstands|aufsichtsrats)?vorsitzende[rn]?\b"
           r"|\bverwaltungsratsprasident\w*", "chairs a board"),
        _r(ELIGIBLE, S.C_LEVEL, "org", r"\b(?:provost|rector|rektor(?:in)?|vice chancellor|"
           r"chancellor|headmaster|headmistress|head of (?:the )?school|schulleit(?:er|erin|ung)|"
           r"proviseur|superintendent of schools|school superintendent|police chief|fire chief|"
           r"chief of (?:the )?(?:police|fire(?: department)?)|chief constable|"
           r"police commissioner|fire commissioner|secretary[- ]general|secretaire generale?|"
           r"secretari[oa] general|generalsekretar(?:in)?|permanent secretary|secretary of state|"
           r"director[- ]general|directeur general|directrice generale|directora? general|"
           r"generaldirektor(?:in)?|direct(?:or|ora|eur|rice) de (?:escuela|colegio|instituto|"
           r"ecole|college|lycee)|chef de (?:entreprise|etablissement))\b",
           "is the head of an organisation under another name"),
        _r(ELIGIBLE, S.C_LEVEL, "org", r"^(?:school\s+)?principal(?:\s+of\b.*)?$",
           "is the head of a school or a firm principal"),
        _r(ELIGIBLE, S.DIRECTOR, "director", r"\bdeans?\b(?! of students\b)",
           "heads an academic faculty"),
        _r(ELIGIBLE, S.FOUNDER, "founder", r"\b(?:co)?found(?:er|ers|ress)\b"
           r"|\b(?:mit|mitbe|co)?gr(?:u|ue)nder(?:in)?\b|\b(?:co)?fondat(?:eur|rice)s?\b"
           r"|\b(?:co)?fundador(?:a|es)?\b", "founded the business"),
        _r(ELIGIBLE, S.FOUNDER, "owner", r"\b(?:co)?owners?\b|\binhaber(?:in)?\b"
           r"|\bgeschaftsinhaber\w*|\bproprietaire\b|\bpropietari[oa]\b|\bduen[oa]\b"
           r"|\bproprietor\b|\bteilhaber(?:in)?\b", "owns the business"),
        _r(ELIGIBLE, S.FOUNDER, "partner", r"^(?:" + _PARTNER_MODS + r"\s+){0,2}partners?"
           r"(?:\s*$|\s+(?:of|in|at|for|with)\b)|^(?:associee?|soci[oa])(?:\s+(?:gerante?|director"
           r"|directora|fundador|fundadora|gerente|principal|fondat(?:eur|rice)))?$",
           "is a partner at a firm"),
        _r(ELIGIBLE, S.C_LEVEL, "md", r"\bmanaging directors?\b|^md$|\bgeschaftsfuhr(?:er|erin|ung|"
           r"ende[rn]?)\b|\bgeschaeftsfuehr\w*|\bgeschaftsleit(?:er|erin|ung)\b|\bvorstand\w*"
           r"|\bpdg\b|\bdg\b|\bconsejer[oa] delegad[oa]\b|\bdirect(?:or|ora) ejecutiv[oa]\b",
           "runs a company"),
        _r(ELIGIBLE, S.DIRECTOR, "director", r"\b(?:drh|dsi|daf|daf|dcg|dircom)\b",
           "is a French director title (directeur des ...)"),
        _r(ELIGIBLE, S.VP, "gm", r"\bgeneral managers?\b|\bgerente general\b"
           r"|\bgeneralbevollmachtigte?r?\b",
           "runs a company, division or business unit"),
        _r(ELIGIBLE, S.VP, "vp", r"\b(?:(?:senior|executive|group|corporate|regional|divisional|"
           r"global|area|first|1st|country)\s+)?vps?\b", "is in the VP family"),
        _r(ELIGIBLE, S.DIRECTOR, "director", r"\bchief of (?:the )?" + _MEDICAL_DEPTS + r"\b"
           r"|\bchefarzt\w*|\bpflegedienstleit\w*|\barztliche[rn]? direktor\w*",
           "heads a licensed care department"),
        _r(ELIGIBLE, S.SENIOR_DIRECTOR, "director", r"\bsenior\s+(?:[a-z]+\s+)?directors?\b",
           "is a senior director title"),
        _r(ELIGIBLE, S.VP, "director", r"\bexecutive directors?\b", "is a director-level title"),
        _r(ELIGIBLE, S.DIRECTOR, "director", r"\b" + _DIRECTOR + r"\b",
           "is a director-level title"),
        _r(ELIGIBLE, S.DIRECTOR, "head", r"\bhead of\s+[a-z0-9]", "is a director-level title",
           "Head of"),
        _r(ELIGIBLE, S.DIRECTOR, "head", r"\bhead\s+(?!of\b)[a-z]+|[a-z]+\s+head\b",
           "is a director-level title (the head of a function)"),
        _r(ELIGIBLE, S.DIRECTOR, "head", r"\b(?:bereichs|it-?|it |vertriebs|marketing|finanz|"
           r"personal|entwicklungs|einkaufs|forschungs|betriebs|geschaftsbereichs|produktions|"
           r"technik|logistik|rechts|verwaltungs|hauptabteilungs|ressort|divisions|sparten)"
           r"leit(?:er|erin|ung)\b|\b(?:technische|kaufmannische)[rn]? leit(?:er|erin|ung)\b"
           r"|\bleit(?:er|erin|ung)\s+(?!(?:der\s+|des\s+)?(?:abteilung|team|gruppe|projekt|"
           r"filiale|schicht)\b)[a-z]+", "is a German head-of-function title"),
    ],
    [  # late review: a leadership word without enough to place it
        _r(REVIEW, None, "", r"\bchiefs?\b", "is a chief title without a clear level"),
        _r(REVIEW, None, "", r"^head$|^head of$", "is 'Head' without a function"),
        _r(REVIEW, None, "", r"^(?:senior |top |business |group )?executives?$",
           "is 'Executive' without a level: a senior role in some organisations, a junior "
           "grade in others"),
        _r(REVIEW, None, "", r"\b[a-z]*leit(?:er|erin|ung)\b|\bjef[ea]s?\b|\bsuperintendent\b",
           "is a non-English title that spans manager to director"),
    ],
    [  # the manager track
        _r(MANAGER, S.SENIOR_MANAGER, "rank", r"\bsenior\s+(?:[a-z-]+\s+){0,3}?managers?\b",
           "is on the manager track (senior manager)"),
        _r(MANAGER, S.MANAGER, "rank", r"\bmanag(?:er|ers|erin)\b|\bteam ?lead(?:er)?s?\b"
           r"|\bgroup lead(?:er)?\b|\btech(?:nical)? lead\b|\bteamleit(?:er|erin|ung)\b"
           r"|\bgruppenleit(?:er|erin|ung)\b|\bsupervis(?:or|ora|ors)\b|\bforem[ae]n\b"
           r"|\bforewoman\b|\bvorarbeiter\w*|\bschichtleit\w*|\bshift lead\b"
           r"|\bcrew (?:lead|leader)\b|\bchef de (?:projet|equipe|produit|rayon|chantier|atelier|"
           r"groupe)\b|\bjef[ea] de (?:equipo|proyecto|turno|grupo|obra|ventas)\b"
           r"|\bencargad[oa]\b|\bgerente\b|\bprojektleit\w*|\bfilialleit\w*|\bmarktleit\w*"
           r"|\bstationsleit\w*|\bniederlassungsleit\w*|\bteam head\b|\bsuperviseu(?:r|se)\b",
           "is on the manager track"),
        _r(MANAGER, S.MANAGER, "rank", r"\blead(?:er|ers)?\b(?!\s+(?:[a-z-]+\s+){0,2}?" + _IC
           + r"\b)", "is a team lead, on the manager track"),
    ],
    [  # individual contributors
        _r(IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\b[a-z]+\s+executives?\b",
           "is an individual contributor role ('executive' as a grade)"),
        _r(IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\b" + _IC + r"\b",
           "is an individual contributor role"),
        _r(IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\bpartners?\b|\bowners?\b",
           "is an individual contributor role (not a partner or owner of a firm)"),
    ],
]


def _group_union(rules: list[_Rule]) -> re.Pattern[str]:
    """Compile one pattern that matches when any rule of a group may match."""
    return re.compile("|".join(f"(?:{rule.rx.pattern})" for rule in rules))


_COMPILED_GROUPS = [(_group_union(g), g) for g in _GROUPS]

# Markers inside one role.
_NOW_RX = re.compile(r"\b(?:now|currently|current|aktuell|derzeit|actuellement|actualmente)\b")
_PAST_RX = re.compile(
    r"\b(?:ex|former|formerly|previously|prev|past|ehemalig\w*|ehem|fruher\w*|vormals|ancien(?:ne)?|"
    r"anciennement|anteriormente|antigu[oa]|alumn(?:us|a|i))\b"
)
_RETIRED_RX = re.compile(
    r"\b(?:semi-?retired|retired|ret|pensioniert\w*|im ruhestand|ruhestand|rentner(?:in)?|"
    r"pensionar\w*|retraitee?|jubilad[oa]|retirad[oa])\b"
)
_EMERITUS_RX = re.compile(r"\bemerit(?:us|a|i)\b")
_SOLO_RX = re.compile(
    r"\b(?:freelance|freelancer|freelancing|self-?employed|self employed|sole (?:trader|"
    r"proprietor|proprietorship)|solo|one[- ](?:person|man|woman)|fractional|indie|"
    r"auto-?entrepreneur|micro-?entrepreneur|autonom[oa]|freiberufl\w*|selbststandig\w*|"
    r"selbstandig\w*|einzelunternehm\w*|independiente)\b"
)
_LEARNER_BARE_RX = re.compile(
    r"^(?:summer |student |graduate |management )?(?:interns?|trainee|apprentice|"
    r"werkstudent(?:in)?|praktikant(?:in)?|stagiaire|becari[oa]|alternante?|working student|azubi)$"
)
_TOKEN_RX = re.compile(r"\bqq(?:org|adj|interim)\b")
_CLEAN_RX = re.compile(r"[^a-z0-9' -]+")
_SPACE_RX = re.compile(r"\s+")
_EDGE_RX = re.compile(r"(?:^[\s'-]+|[\s'-]+$)")
_VOWEL_RX = re.compile(r"[aeiouy]")
_MASH_RX = re.compile(
    r"qwer|wert|erty|rtyu|tyui|yuio|uiop|asdf|sdfg|dfgh|fghj|ghjk|hjkl|zxcv|xcvb|cvbn|vbnm|yxcv|"
    r"qwertz|azer|(.)\1\1|(..)\2\2"
)


@dataclass(slots=True)
class _Role:
    """One role of a title, as read."""

    text: str
    sep: str = ""  # the separator before this role
    cls: str = UNKNOWN
    level: Seniority | None = None
    family: str = ""
    reason: str = ""
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


_CXO_WORD_RX = re.compile(_CXO)


_UPPER = frozenset({
    "vp", "vps", "md", "gm", "pdg", "dg", "avp", "ned", "hr", "it", "ai", "hrbp", "qa", "sre",
    "ux", "ui", "pr", "emea", "apac", "uk", "us", "eu", "dop", "eir", "drh", "dsi", "daf", "dga",
    "cdl", "mba", "phd", "rn",
})
_LOWER = frozenset({
    "of", "de", "du", "des", "la", "le", "der", "the", "and", "to", "in", "at", "for", "with",
    "a", "y", "et", "el", "del", "los", "las", "en",
})
_ACCENTED = {
    "geschaftsfuhrer": "Geschäftsführer", "geschaftsfuhrerin": "Geschäftsführerin",
    "geschaftsfuhrung": "Geschäftsführung", "grunder": "Gründer", "grunderin": "Gründerin",
    "mitgrunder": "Mitgründer", "mitgrunderin": "Mitgründerin", "kuchenchef": "Küchenchef",
    "prasident": "Präsident", "prasidentin": "Präsidentin", "kaufmannischer": "Kaufmännischer",
    "sekretarin": "Sekretärin", "schuler": "Schüler", "etudiant": "Étudiant",
    "etudiante": "Étudiante", "generale": "générale",
    "geschaftsfuhrender": "Geschäftsführender", "geschaftsfuhrende": "Geschäftsführende",
    "dueno": "Dueño", "duena": "Dueña", "associe": "Associé", "associee": "Associée",
    "gerant": "Gérant", "gerante": "Gérante",
}


def _display(text: str) -> str:
    """Return matched words as a person would write them."""
    words = []
    for i, word in enumerate(text.strip().split()):
        if _CXO_WORD_RX.fullmatch(word) or word in _UPPER:
            words.append(word.upper())
        elif i and word in _LOWER:
            words.append(word)
        else:
            words.append(_ACCENTED.get(word) or word[:1].upper() + word[1:])
    return " ".join(words)


_Match = tuple[str, Seniority | None, str, str, bool, int, int]
_NO_MATCH: _Match = (UNKNOWN, None, "", "", False, 0, 0)


def _classify(text: str) -> _Match:
    """Return (class, level, family, reason, VP-with-individual-role, start, end) for a role."""
    for union, rules in _COMPILED_GROUPS:
        if not union.search(text):
            continue
        for rule in rules:
            m = rule.rx.search(text)
            if m is None:
                continue
            label = rule.label or _display(m.group())
            reason = f"'{label}' {rule.why}"
            bank_grade = False
            if rule.family == "vp":
                rest = text[: m.start()] + " " + text[m.end():]
                bank_grade = _GRADE_RX.search(rest) is not None
            return rule.cls, rule.level, rule.family, reason, bank_grade, m.start(), m.end()
    return _NO_MATCH


def _is_junk(text: str) -> bool:
    """Return True when an unrecognised role is a placeholder, a mash or numbers."""
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if " ".join(words) in _PLACEHOLDERS:
        return True
    for word in words:
        if word.isdigit():
            continue
        letters = re.sub(r"[^a-z]", "", word)
        if not letters:
            continue
        if len(letters) >= 4 and not _VOWEL_RX.search(letters):
            continue
        if _MASH_RX.search(letters):
            continue
        return False
    return True


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
    for rx, attr in ((_NOW_RX, "now"), (_PAST_RX, "past"), (_RETIRED_RX, "retired"),
                     (_EMERITUS_RX, "emeritus"), (_SOLO_RX, "solo")):
        if rx.search(text):
            setattr(role, attr, True)
            text = rx.sub(" ", text)
    if "qqadj" in text:
        role.adjective = True
    had_org = "qqorg" in text
    text = _EDGE_RX.sub("", _SPACE_RX.sub(" ", _TOKEN_RX.sub(" ", text)))
    if _LEARNER_BARE_RX.match(text) and not (role.past or role.retired):
        role.learner = True
        role.notes.append(f"'{_display(text)}' is a learner's role")
        text = ""
    role.text = text
    flagged = role.past or role.retired or role.emeritus or role.solo or role.learner
    role.modifier = not text and flagged and not had_org and not role.adjective


@dataclass(frozen=True, slots=True)
class _Reading:
    """What the title alone says."""

    cls: str
    level: Seniority | None
    reasons: tuple[str, ...]


_EMPTY_READING = _Reading(EMPTY, None, ("the title is empty or a placeholder",))


@lru_cache(maxsize=4096)
def _read_title(raw: str) -> _Reading:
    """Classify a title on its own (policy step 0 and step 1)."""
    s = _fold(raw)
    if not re.search(r"[a-z]", s):
        if any(ch.isalpha() for ch in s):
            return _Reading(UNKNOWN, None, ("the title is in a script this engine does not read",))
        return _Reading(EMPTY, None, ("the title has no letters (only markup, symbols, numbers or "
                                      "nothing)",))
    flat = " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())
    if flat in _PLACEHOLDERS:
        return _EMPTY_READING
    if _SQL_RX.search(s):
        return _Reading(EMPTY, None, ("the title is markup or SQL, not a job title",))
    for rx, repl in _PRE:
        s = rx.sub(repl, s)
    s = _VP_WORDS_RX.sub("vp", s)
    s = _ABBREV_RX.sub(lambda m: _ABBREVIATIONS[m.group(1)], s)
    s = _VP_WORDS_RX.sub("vp", s)
    s = re.sub(r"\bvice\s+vp\b", "vp", s)
    interim = "qqinterim" in s
    for rx, repl in _MID:
        s = rx.sub(repl, s)
    interim = interim or "qqinterim" in s
    roles = _split(s)
    for role in roles:
        _read_markers(role)
    return _combine_roles(roles, interim)


def _classify_roles(roles: list[_Role]) -> list[_Role]:
    """Classify each role, folding words that name no role into their neighbour."""
    for role in roles:
        if role.modifier:
            continue
        if not role.text:
            role.cls = ADJECTIVE if role.adjective else UNKNOWN
            if role.adjective:
                role.reason = "a leadership word names a team or an office here, not a role"
                role.level = S.INDIVIDUAL_CONTRIBUTOR
            continue
        role.cls, role.level, role.family, role.reason, role.in_segment_ic, _, _ = _classify(
            role.text)
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
            cls, level, family, reason, bank, _, end = _classify(merged)
            if cls != UNKNOWN and end > len(prev.text):
                prev.text, prev.cls, prev.level, prev.family = merged, cls, level, family
                prev.reason, prev.in_segment_ic = reason, bank
            continue
        kept.append(role)
    # A leading role with no role word folds into the role after it ("Recruitment – Director").
    if len(kept) >= 2 and kept[0].cls == UNKNOWN and kept[0].text and not kept[0].modifier \
            and kept[1].cls not in (UNKNOWN, EMPTY) and not kept[1].modifier \
            and not (kept[0].past or kept[0].retired):
        merged = f"{kept[0].text} {kept[1].text}"
        cls, level, family, reason, bank, start, _ = _classify(merged)
        if cls != UNKNOWN and start < len(kept[0].text):
            kept[1] = replace(kept[1], text=merged, cls=cls, level=level, family=family,
                              reason=reason, in_segment_ic=bank, notes=list(kept[1].notes))
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
                role.notes.append(f"{mod.notes[0]}, whatever the team ('{_display(role.text)}')")
        mod.consumed = bool(targets)


def _status_adjust(role: _Role) -> None:
    """Turn a role's status flags into its class."""
    if role.cls in (UNKNOWN, EMPTY) and not role.modifier:
        return
    if role.modifier:
        if role.consumed:
            role.cls = EMPTY
        elif role.retired:
            role.cls, role.reason = NO_ROLE, "'Retired' means no current role"
        elif role.learner:
            role.cls, role.level = LEARNER, S.INDIVIDUAL_CONTRIBUTOR
            role.reason = role.notes[0] if role.notes else "the title is a learner's role"
        elif role.solo:
            role.cls = REVIEW
            role.reason = ("a freelance or self-employed marker without a role: a solo or unclear "
                           "owner")
        elif role.emeritus:
            role.cls, role.reason = REVIEW, "'Emeritus' is an honorary former role"
        elif role.past:
            role.cls, role.reason = UNKNOWN, ""
        return
    if role.learner and role.cls != NO_ROLE:
        role.cls, role.level = LEARNER, S.INDIVIDUAL_CONTRIBUTOR
        role.reason = role.notes[-1] if role.notes else "the title is a learner's role"
        return
    if role.retired:
        role.past = True
        role.cls, role.level = NO_ROLE, None
        role.reason = "'Retired' means no current role"
        return
    if role.emeritus:
        role.cls, role.level = REVIEW, None
        role.reason = f"'{_display(role.text)} Emeritus' is an honorary former role"
        return
    if role.solo and role.cls == ELIGIBLE:
        role.cls = REVIEW
        role.reason = (f"'{_display(role.text)}' with a freelance, fractional or sole-trader "
                       "marker is a solo or unclear founder or owner")


def _combine_roles(roles: list[_Role], interim: bool) -> _Reading:
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
            notes.append(f"'{_display(r.text)}' is a former role and does not count")
    working = [r for r in current if r.cls != NO_ROLE]
    if not working:
        if current or any(r.retired for r in roles):
            why = next((r.reason for r in current if r.reason), "'Retired' means no current role")
            return _Reading(NO_ROLE, None, (why, *notes))
        if any(r.cls in (ELIGIBLE, REVIEW) for r in past):
            return _Reading(REVIEW, None, ("only a former role at director level or above is "
                                           "given, and no current role", *notes))
        if past:
            return _Reading(NO_ROLE, None, ("only a former role is given, and no current role",
                                            *notes))
        words = [r for r in roles if r.cls == UNKNOWN and r.text]
        if words and not all(_is_junk(r.text) for r in words):
            return _Reading(UNKNOWN, None, ("no words in the title name a role", *notes))
        return _Reading(EMPTY, None, ("the title is empty, a placeholder or keyboard mash",
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
            if low.cls in _GRADED or (low.cls == REVIEW and low.family == "rank"):
                return _Reading(REVIEW, None, (
                    f"'{_display(a.text)}' or '{_display(b.text)}' is a range or a choice that "
                    "spans the director threshold", *notes))
        if all(r.family == "vp" for r in eligible) and (
            any(r.in_segment_ic for r in eligible)
            or any(r.cls in (IC, SENIOR_IC, MANAGER) or r.family == "individual" for r in working)
        ):
            return _Reading(REVIEW, None, (
                "VP here reads as a bank officer grade attached to an individual role",
                *notes))
        best = max(eligible, key=lambda r: r.level.rank if r.level else 0)
        reasons = [r.reason for r in eligible[:3]]
        return _Reading(ELIGIBLE, best.level, (*dict.fromkeys(reasons), *notes))
    reviews = [r for r in working if r.cls == REVIEW]
    if reviews:
        return _Reading(REVIEW, None, (*dict.fromkeys(r.reason for r in reviews[:3]), *notes))
    for cls in _BELOW_PRIORITY:
        picked = [r for r in working if r.cls == cls]
        if picked:
            level = max((r.level for r in picked if r.level), key=lambda v: v.rank, default=None)
            reasons = [r.reason for r in picked[:2]]
            return _Reading(cls, level, (*dict.fromkeys(reasons), *notes))
    return _EMPTY_READING  # pragma: no cover - every class is in _BELOW_PRIORITY


# ----------------------------------------------------------------------- step 2: combine


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


def assess(
    title: str | None,
    declared_level: str | Seniority | None,
    minimum_level: str | Seniority = Seniority.DIRECTOR,
) -> Verdict:
    """Assess a job title and a declared level against the Director+ policy."""
    raw = title if isinstance(title, str) else ("" if title is None else str(title))
    reading = _read_title(raw[:_MAX_RAW_CHARS])
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
    return Verdict(outcome, tuple(reasons), reading.cls, reading.level)


def _decide(reading: _Reading, minimum: Seniority, high: bool, name: str,
            threshold: str) -> tuple[Outcome, str]:
    """Apply the step-2 table and return the outcome with its reason."""
    cls, level = reading.cls, reading.level
    reaches = level is not None and level.at_least(minimum)
    if cls == ELIGIBLE and not reaches:
        cls = MANAGER
        what = f"a role below the {threshold} minimum of this roundtable"
    elif cls in _GRADED and reaches:
        cls = ELIGIBLE
        what = ""
    else:
        what = _DESCRIBE.get(cls, "")
    if cls == ELIGIBLE:
        if high:
            return Outcome.ELIGIBLE, f"declared {name}, consistent with the title"
        return Outcome.REVIEW, (f"declared {name}, below {threshold}, which contradicts the title "
                                "(title inflation or a mis-click)")
    if cls == REVIEW:
        return Outcome.REVIEW, "the title needs an organizer's judgement whatever level is declared"
    if cls in _GRADED:
        if high:
            return Outcome.REVIEW, (f"declared {name} but the title reads as {what}; the employer "
                                    "may grade it so")
        return Outcome.INELIGIBLE, f"declared {name} and the title reads as {what}"
    if cls in _NO_EVIDENCE:
        if high:
            return Outcome.REVIEW, (f"declared {name} but the title gives no role to check it "
                                    "against")
        return Outcome.INELIGIBLE, (f"declared {name} and the title gives no role at {threshold} "
                                    "level")
    return Outcome.INELIGIBLE, f"declared {name} but the title reads as {what}"
