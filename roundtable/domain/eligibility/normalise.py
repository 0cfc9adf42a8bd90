"""Step 0, reading the title: undo markup, mojibake and odd characters, drop what is not the role.

``fold`` decodes HTML, mends mojibake, applies NFKC, folds case, accents and homoglyphs;
``normalise`` drops gender suffixes, requisition codes, job-ad phrases and employers and expands
abbreviations. ``display`` writes matched words back as a person would, for reasons.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable

from roundtable.domain.eligibility.vocabulary import (
    ABBREVIATIONS,
    ACCENTED,
    ACRONYMS,
    CXO,
    EMPLOYER_WORDS,
    INTERIM_WORDS,
    JOB_AD_PHRASES,
    OFFICE_WORDS,
    PLACEHOLDERS,
    SMALL_WORDS,
    TEAM_WORDS,
    any_of,
    entries,
)

MAX_TITLE_CHARS = 300
MAX_RAW_CHARS = 2000


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


def fold(raw: str) -> str:
    """Return the title decoded, lower-cased, accent-free and stripped of emoji and controls."""
    s = raw[:MAX_RAW_CHARS]
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
_Sub = tuple[re.Pattern[str], _Repl, re.Pattern[str] | None]


def hints_rx(hints: str | tuple[str, ...]) -> re.Pattern[str]:
    """Return a pattern that finds any of some literal hints (one C-level search)."""
    return re.compile("|".join(re.escape(h) for h in hints))


def _subs(*rows: tuple[str, _Repl] | tuple[str, _Repl, str | tuple[str, ...]]) -> list[_Sub]:
    """Compile (pattern, replacement[, hints]) rows; a pattern with hints needs one of them.

    A row with hints runs only when the text holds one of them, which keeps reading fast.
    """
    return [
        (re.compile(row[0]), row[1], hints_rx(row[2]) if len(row) == 3 else None)
        for row in rows
    ]


def _apply(subs: list[_Sub], s: str) -> str:
    """Return ``s`` with every substitution applied whose hints it holds."""
    for rx, repl, hints in subs:
        if hints is None or hints.search(s):
            s = rx.sub(repl, s)
    return s


_CXO = "|".join(CXO)
_JOB_AD = "|".join(rf"\b{phrase}\b" for phrase in entries(JOB_AD_PHRASES))
_LEADERS = rf"(?:{_CXO}|founders?|co-?founders?|president|chairman|chairwoman|chair|director|vp|md)"
_TOP = (
    rf"(?:{_CXO}|founders?|president|presidente|chairman|chair|director general|managing director|"
    r"pdg|dg|directeur general|directora? general|geschaftsfuhrung|vorstand|prasident)"
)

# What SQL_RX needs one of: checked first, since most titles hold none.
SQL_HINTS = (
    "select", "insert", "update", "delete", "drop", "union", "alter", "truncate", "create", "'",
    "--", "sleep", "waitfor", "xp_", "alert", "javascript", "onerror", "cookie", "${", "{{", "=",
)
SQL_RX = re.compile(
    r"\b(?:select|insert|update|delete|drop|union|alter|truncate|create)\b[^|]{0,80}"
    r"\b(?:from|into|table|set|where|select|database|all)\b"
    r"|'\s*or\s*'?\w*'?\s*=\s*'?\w|\bor\s+1\s*=\s*1\b|;\s*--|--\s*$|\bsleep\s*\(|\bwaitfor\b"
    r"|\bxp_cmdshell\b|\balert\s*\(|javascript:|\bonerror\b|document\.cookie|\$\{|\{\{"
)


_PRE = _subs(
    # Dotted abbreviations: a.i. (ad interim) first, then v.p., c.e.o., p.-d.g.
    (r"\ba\.\s?i\.", " interim ", "."),
    (r"\bp\.?\s?-?\s?d\.?\s?-?\s?g\b\.?", "pdg", "g"),
    (r"\b(?:[a-z]\.){2,}(?:[a-z]\b)?", lambda m: m.group().replace(".", ""), "."),
    # Gender suffixes: (m/w/d), (h/f), (all genders), Director/a, Leiter/in, directeur(rice) ...
    (
        r"[(\[]\s*(?:m|w|f|h|d|x|a|e|o|div|diverse|divers|all genders?|gn\*?|any gender)"
        r"(?:\s*[/,|*.]\s*(?:m|w|f|h|d|x|a|o|div|diverse|divers|i|inter))*\s*[)\]]",
        " ",
        "([",
    ),
    (r"(?<![\w/])[mwfh]\s*/\s*[mwfhd](?:\s*/\s*(?:[mwfhdx]|div))?(?![\w/])", " ", "/"),
    (
        r"(?<=[a-z]{3})(?:\(\s*(?:in|innen|a|as|ra|e|es|rice|trice|euse|ne)\s*\)"
        r"|(?:[/:*_·]\s*-?(?:in|innen|a|as|ra|e|es|r|rice|trice|euse|ne)){1,3}(?![\w-]))",
        "",
        "(/:*_·",
    ),
    # Requisition codes, salaries, job-ad phrases.
    (
        r"\b(?:req(?:uisition)?|job(?:\s*id)?|position|posting|vacancy|ref(?:erence)?|id)\b\.?"
        r"\s*(?:id|no|number|nr|#)?\.?\s*[:#-]?\s*[a-z]{0,4}[-_]?\d[\w-]*",
        " ",
        "0123456789",
    ),
    (r"#\s*[a-z]{0,4}-?\d[\w-]*|\b[a-z]{0,4}[-_]?\d{3,}[\w-]*", " ", "0123456789"),
    (r"[$€£]\s*\d[\d,.]*\s*k?\+?|\b\d[\d,.]*\s*k\b\+?", " ", "0123456789"),
    (_JOB_AD, " "),
    # Possessive leaders and CxO teams are not roles: "CEO's Assistant", "CTO Office".
    (rf"\b{_LEADERS}'s?(?=\s|$)|\b{_LEADERS}s'", " qqadj ", "'"),
    (r"\bfounders?\s+(?=associate|office|team|program)", " qqadj ", ("founder",)),
    # A leadership word naming a team, an office or a group (policy I7), in four languages:
    # "Office of the CTO", "Bureau du PDG", "CEO Council", "CFO Practice".
    (
        rf"\b{any_of(OFFICE_WORDS)}\s+(?:of|du|de|des|del|der|de la)\s+"
        rf"(?:(?:the|la|le|el|l)\s+)?{_TOP}\b",
        " qqadj ",
    ),
    (rf"\b(?:{_CXO}|founders?|president|chairman)\s+{any_of(TEAM_WORDS)}\b", " qqadj "),
    (r"\bhead ?office\b|\bheadquarters\b|\bhq\b", " qqorg ", ("head", "hq")),
    (r"\bhead[- ]hunter", "headhunter", ("head",)),
    # French elision: d'agence, l'equipe.
    (r"\b([dl])'(?=[a-z])", r"\1e ", "'"),
)

_AND_RX = re.compile(r"\s*(?:&|\+|\band\b)\s*")
_VICE_VP_RX = re.compile(r"\bvice\s+vp\b")
_ABBREV_RX = re.compile(r"\b(" + "|".join(re.escape(k) for k in ABBREVIATIONS) + r")\b\.?")
_VP_WORDS_RX = re.compile(
    r"\bvice[- ]?pres(?:ident(?:e|a|in)?)?\b\.?|\bvicepresident(?:e|a)?\b|\bvizeprasident(?:in)?\b"
)

_MID = _subs(
    (
        r"\b(vp|director|head of|of|for|manager|lead|cto|svp|evp|senior vp)\s+eng\b",
        r"\1 engineering",
        ("eng",),
    ),
    (r"\beng\b(?=\s+(?:manager|lead|director|team|org|operations))", "engineering", ("eng",)),
    (r"\beng\b", "engineer", ("eng",)),
    (
        r"\b(vp|director|head of|of|for|manager|lead|cto|senior vp)\s+dev\b",
        r"\1 development",
        ("dev",),
    ),
    (r"\bdev\b(?=\s+(?:manager|lead|director|team|org|operations))", "development", ("dev",)),
    (r"\bdev\b", "developer", ("dev",)),
    (r"\bco[- ](?=found|owner|fondat|fundad|grunder|gruender)", "co", ("co",)),
    (rf"\bco[- ](?=(?:{_CXO}|chair\w*|president)\b)", "", ("co",)),
    (r"\bvice[- ](?=chair|chancellor|principal|provost|dean|rector)", "vice ", ("vice",)),
    (r"\bnon[- ]exec(?:utive)?\b", "nonexecutive", ("non",)),
    (r"\bowner\s*[-/]?\s*operator", "owner operator", ("owner",)),
    (r"\bhead\s*[,:]\s*(?!of\b)", "head of ", ("head",)),
    (r"\bhead\s+[-–]\s+(?!of\b)", "head of ", ("head",)),
    # Interim and acting holders hold the role.
    (rf"\b{any_of(INTERIM_WORDS)}\b", " qqinterim "),
    # Employers: "@ Acme", "at Acme", "bei", "chez", "en" up to the next separator.
    (rf"\s*(?:@|\b{any_of(EMPLOYER_WORDS)}\b)\s*[^|,;/&()\[\]–+•·]*", " qqorg "),
    # Support and advice "to the CEO & Founder": the boss is not the signup's role.
    (
        r"\b(assistant|assistante|assistent|assistentin|assistenz|asistente|aide|"
        r"secretary(?! of state)|pa|support|advisor|adviser|chief of staff|associate|intern|"
        r"liaison|right[- ]hand)\s+"
        r"(?:to|for|of|de|del|der|des|du|au|aux|a)\s+(?:the\s+|la\s+|le\s+|el\s+)?"
        r"[^|;()\[\]–•·]*",
        r"\1",
    ),
    (r"\breport(?:s|ing)?\s+(?:in)?to\b[^|;()\[\]–•·]*", " ", ("report",)),
    # "Chief Diversity & Inclusion Officer" is one role.
    (
        r"\bchief\s+[a-z' -]*?(?:&|\+|\band\b)[a-z' -]*?\bofficer\b",
        lambda m: _AND_RX.sub(" ", m.group()),
        ("chief",),
    ),
    # Ranges spelled with "to"/"bis": "Manager to Director".
    (
        r"\b(manager|lead|supervisor|principal|director|head|vp)\s+(?:to|bis)\s+"
        r"(?=(?:senior\s+|associate\s+)?(?:director|vp|head|manager|cxo|c-level)\b)",
        r"\1 qqrange ",
        (" to ", " bis "),
    ),
)


def normalise(s: str) -> tuple[str, bool]:
    """Return a folded title without noise, abbreviations expanded, and whether it is interim."""
    s = _apply(_PRE, s)
    s = _VP_WORDS_RX.sub("vp", s)
    s = _ABBREV_RX.sub(lambda m: ABBREVIATIONS[m.group(1)], s)
    s = _VP_WORDS_RX.sub("vp", s)
    s = _VICE_VP_RX.sub("vp", s)
    interim = "qqinterim" in s
    s = _apply(_MID, s)
    interim = interim or "qqinterim" in s
    return s, interim


_VOWEL_RX = re.compile(r"[aeiouy]")
_MASH_RX = re.compile(
    r"qwer|wert|erty|rtyu|tyui|yuio|uiop|asdf|sdfg|dfgh|fghj|ghjk|hjkl|zxcv|xcvb|cvbn|vbnm|yxcv|"
    r"qwertz|azer|(.)\1\1|(..)\2\2"
)


def is_junk(text: str) -> bool:
    """Return True when an unrecognised role is a placeholder, a mash or numbers."""
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    if " ".join(words) in PLACEHOLDERS:
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


_CXO_WORD_RX = re.compile(_CXO)


_UPPER = frozenset(entries(ACRONYMS))
_LOWER = frozenset(entries(SMALL_WORDS))
_ACCENTED = {word: shown for words in ACCENTED.values() for word, shown in words.items()}


def display(text: str) -> str:
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
