"""Step 1 for one role: the title classes and the policy's rules, first match wins.

Each rule carries the id of the policy rule it implements (E1…E8, I1…I8, R1…R11); a verdict
names the ids that decided it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from roundtable.domain.eligibility.normalise import display
from roundtable.domain.eligibility.vocabulary import (
    AGENT_ENDINGS,
    COMPANY_FUNCTIONS,
    CRAFT_DIRECTORS,
    CRAFT_NOUNS,
    CXO,
    DIRECTOR_WORDS,
    IC_NOUNS,
    MEDICAL_DEPARTMENTS,
    OUTLET_WORDS,
    OUTLETS,
    PARTNER_MODIFIERS,
    PUBLIC_UNITS,
    SCHOOL_SUBJECTS,
    UNIT_FUNCTIONS,
    UNITS,
    any_of,
)
from roundtable.domain.seniority import Seniority

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
# Below director by rank: a lower minimum lifts them; beside an eligible rank they make a range.
GRADED = frozenset({MANAGER, RUNG, SENIOR_IC})

S = Seniority  # short, for the rule table


@dataclass(frozen=True, slots=True)
class _Rule:
    """One pattern that classifies a role, with the id of the policy rule it implements."""

    rule_id: str
    rx: re.Pattern[str]
    cls: str
    level: Seniority | None
    family: str
    why: str
    label: str | None


_CXO = "|".join(CXO)
_IC = any_of(IC_NOUNS)
# What makes a VP a bank officer grade when it sits in the same role ("SVP Relationship Manager").
_GRADE_RX = re.compile(rf"\b(?:{_IC}|manag(?:er|ers)|lead|leads)\b")
_SCHOOL_SUBJECTS = any_of(SCHOOL_SUBJECTS)
_MEDICAL_DEPTS = any_of(MEDICAL_DEPARTMENTS)
_UNIT_WORDS = "(?:key )?" + any_of(UNITS)
_NOT_FUNCTION = rf"(?!\s+{any_of(UNIT_FUNCTIONS)}\b)"
_OUTLETS = any_of(OUTLETS)
_DIRECTOR = any_of(DIRECTOR_WORDS)
_PARTNER_MODS = any_of(PARTNER_MODIFIERS)
_CRAFT = any_of(CRAFT_NOUNS)
_CRAFT_DIRECTORS = any_of(CRAFT_DIRECTORS)
_OUTLET_WORDS = any_of(OUTLET_WORDS)
_PUBLIC_UNITS = any_of(PUBLIC_UNITS)
_AGENT = r"\b[a-z]{3,}" + any_of(AGENT_ENDINGS) + r"\b"
_COMPANY_FUNCTIONS = any_of(COMPANY_FUNCTIONS)

# Every rule id of the policy; a test checks that each one decides at least one corpus title.
RULE_IDS: tuple[str, ...] = (
    *(f"E{n}" for n in range(1, 9)), *(f"I{n}" for n in range(1, 9)),
    *(f"R{n}" for n in range(1, 12)),
)


def _r(rule_id: str, cls: str, level: Seniority | None, family: str, pattern: str, why: str,
       label: str | None = None) -> _Rule:
    """Build one rule."""
    return _Rule(rule_id, re.compile(pattern), cls, level, family, why, label)


_JOKE = "is a joke title, not a current role"
_GROUPS: list[list[_Rule]] = [
    [  # jokes and no current role
        _r("I8", NO_ROLE, None, "",
           rf"\b(?:{_CXO}|chief|head|director|president|manager|boss|queen|king)"
           r"\s+of\s+(?:my|the|our|his|her)?\s*(?:own\s+)?(?:house|household|home|family|life|"
           r"kids|couch|sofa|dog|cat|universe|world|vibes|fun|nothing|everything|me)\b"
           r"|\bme\s+inc\b", _JOKE),
        _r("I8", NO_ROLE, None, "",
           r"\bchief\s+(?:fun|happiness|vibes?|meme|snack|coffee|cheerleading|"
           r"napping|nap|troublemaker|everything|chaos|cat herder|dreamer|daydreamer|unicorn|"
           r"ninja|wizard|party|beer|pizza|donut|cookie|bottle washer|cook and bottle washer|"
           r"doer|hugging|hug|fire ?fighting)\b", _JOKE),
        _r("I8", NO_ROLE, None, "",
           r"\b(?:ninja|rock ?star|guru|wizard|jedi|overlord|supreme leader|"
           r"head honcho|big cheese|top dog|grand poobah|superhero|thought leader|nobody|"
           r"jack of all trades|professional napper|couch potato|world traveler|potato|"
           r"chief cook and bottle washer)\b", _JOKE),
        _r("I8", NO_ROLE, None, "",
           r"\b(?:stay[- ]at[- ]home|full[- ]time)\s+(?:mom|mum|dad|parent|"
           r"mother|father)\b|\bhomemaker\b|\bhousewife\b|\bhousehusband\b|\bsah[md]\b",
           "is not a current job"),
    ],
    [  # learners
        _r("I2", LEARNER, S.INDIVIDUAL_CONTRIBUTOR, "",
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
        _r("I8", NO_ROLE, None, "", r"\bunemployed\b|\bjobless\b|\bjob[- ]?seek(?:er|ing)\b"
           r"|\blooking for (?:work|a job|a new role|new opportunities|opportunities|my next)\b"
           r"|\bseeking (?:new )?(?:opportunities|employment|work|a role|roles|a position)\b"
           r"|\bopen ?to ?(?:work|opportunities|new opportunities)\b|\bbetween (?:jobs|roles|"
           r"positions)\b|\bcareer break\b|\bin transition\b|\barbeits(?:los|suchend)\w*"
           r"|\barbeitsuchend\w*|\berwerbslos\w*|\bauf jobsuche\b|\bsans emploi\b"
           r"|\bchomeu(?:r|se)\b|\bdemandeu(?:r|se) de emploi\b|\ben recherche de emploi\b"
           r"|\bdesemplead[oa]\b|\ben paro\b|\bparad[oa]\b|\bbuscando (?:empleo|trabajo)\b",
           "says there is no current role"),
        _r("I8", NO_ROLE, None, "",
           r"^(?!.*\b(?:director|head|manager|dean|officer|lead|coordinator|"
           r"advisor|counsel\w*|teacher|ambassador|recruit\w*)\b)(?:[a-z'-]+\s+){0,3}"
           r"(?:students?|studentin|schuler(?:in)?|etudiante?|estudiante)$",
           "is a student, not a current job"),
    ],
    [  # explicit individual roles that contain a leadership or support word
        _r("I3", IC, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\b(?:physician|medical|dental|nursing|pharmacy|"
           r"veterinary|vet|care|healthcare|health care|lab|laboratory|clinical|shop|store|retail|"
           r"sales|customer service|kitchen|production|camera|editorial|library)\s+assistants?\b"
           r"|\b(?:assistant|associate|adjunct)\s+professors?\b|\bassistant\s+" + _IC + r"\b",
           "is an individual contributor role"),
        _r("I3", IC, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\bowner operator\b|\b(?:product|service|system|application|data|platform|content|"
           r"risk|control|asset|feature)\s+owner\b"
           r"|\b(?:bankruptcy|insolvency)\s+trustees?\b|\btrustees? in (?:bankruptcy|insolvency)\b"
           r"|\btrustee officer\b"
           r"|\bprocess owner\b|\b(?:hr|people|finance|financial|talent|human resources)?\s*"
           r"business partners?\b|\bhrbp\b|\b(?:people|talent|hr|learning|finance)\s+partner\b",
           "is an individual contributor role"),
    ],
    [  # one rung below by name
        _r("I5", RUNG, S.SENIOR_MANAGER, "rank", r"\b(?:assistant|1st assistant|first assistant)\s+"
           r"(?:director|directors|vp|principal|head|head ?teacher|headmaster|headmistress|dean|"
           r"superintendent|(?:[a-z]+\s+)?chief)\b"
           r"|\bassistenzleit(?:er|erin|ung)\b"
           r"|\b(?:second|2nd)\s+vp\b", "is one rung below director by name"),
    ],
    [  # manager track spelled with assistant / deputy or a store
        _r("I4", MANAGER, S.MANAGER, "rank",
           r"\b(?:assistant|deputy)\s+(?:[a-z]+\s+){0,2}manager\b",
           "is on the manager track"),
        _r("I4", MANAGER, S.MANAGER, "rank", r"\b(?:store|branch|shop|retail|outlet|boutique|shift|"
           r"floor|department store)\s+manager\b", "is on the manager track"),
        _r("I4", MANAGER, S.MANAGER, "rank", r"\b(?:gerante?|responsable|chef|cheffe|encargad[oa]|"
           r"gerente|jef[ea]|leit(?:er|erin|ung))\s+(?:(?:de|du|des|d|la|le|del|einer|eines|der|des)"
           r"\s+)*(?:(?:seccion|section|rayon)\s+(?:de|du|del)\s+(?:la\s+|le\s+)?)?"
           + _OUTLET_WORDS + r"\b"
           r"|\b(?:filial|zweigstellen|niederlassungs|verkaufsstellen|markt|werkstatt)\w*leit\w*"
           r"|\b\w+(?:team|gruppen?)leit(?:er|erin|ung)\b|\bleit(?:er|erin|ung)\s+(?:des|der|eines|"
           r"einer)\s+\w*(?:team|gruppe|projekt|schicht)\w*"
           r"|\b(?:werk|industrie|schicht|hallen|bau|polier)meister\w*|\bpolier\w*",
           "is a store, branch or team manager, or a foreman, "
           "on the manager track"),
        _r("I4", MANAGER, S.MANAGER, "rank",
           r"\bteamleit(?:er|erin|ung)\b|\bgruppenleit(?:er|erin|ung)\b"
           r"|\bvorarbeiter\w*|\bschichtleit\w*|\bprojektleit\w*|\bfilialleit\w*|\bmarktleit\w*"
           r"|\bstationsleit\w*|\bniederlassungsleit\w*|\bleit(?:er|erin|ung)\s+(?:des\s+|der\s+)?"
           r"(?:team|gruppe|projekt|filiale|schicht)\w*|\bjef[ea] de (?:equipo|proyecto|turno|"
           r"grupo|obra)\b|\bteam head\b", "is on the manager track"),
    ],
    [  # support to a leader and admin
        _r("I1", SUPPORT, S.INDIVIDUAL_CONTRIBUTOR, "", r"\bdirector of first impressions\b"
           r"|\bchief first impressions officer\b", "is a receptionist's title"),
        _r("I1", SUPPORT, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\b(?:(?:executive|personal|administrative|admin|office|team|virtual|private|legal|"
           r"board|management)\s+)?\w*assist(?:ants?|antes?|ent|entin|enz|entes?)\b|^pa$|\baides?\b"
           r"|(?<!permanent )\bsecretar(?:y|ies|ia|io)\b(?!\s+(?:general|of state)\b)"
           r"|\bsecretaire\b(?!\s+generale?\b)|\bsekretar(?:in)?\b|\bsekretariat\b"
           r"|\boffice (?:manager|administrator|coordinator|clerk)\b|\bburo(?:leiter(?:in)?|"
           r"leitung|kauf(?:mann|frau)|kraft)\b|\breceptionist\b|\bfront desk\b"
           r"|(?<!chief )\badministrative (?:coordinator|officer|specialist|support)\b"
           r"|(?<!system )(?<!systems )(?<!database )(?<!network )(?<!it )\badmin\b"
           r"|\bauxiliar administrativ[oa]\b|\basistentes?\b|\bright[- ]hand\b",
           "is a support or administrative role, whoever the boss is"),
    ],
    [  # craft and occupational uses of leadership words
        _r("I6", CRAFT, None, "", r"\b" + _CRAFT_DIRECTORS + r"\b",
           "is a craft or occupational director (music, funeral, photography, art, casting, a "
           "kitchen), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\b" + _CRAFT + r"s?\s+(?:jef[ea]|en chef|in chief|chief)\b"
           r"|\b(?:jef[ea]|chef|cheffe)\s+(?:de\s+)?" + _CRAFT + r"\b"
           r"|\b(?:ober|chef|demichef|oberst)(?:kellner|koch|kochin|portier|steward|gartner|sommelier"
           r"|konditor|backer|stewardess|maschinist)\w*"
           r"|\b(?:division|district|battalion|deputy|assistant)\s+chief\b.*\b(?:fire|rescue|ems)\b"
           r"|\b(?:shift|facility|plant|building|station|watch|junior|second|first)\s+"
           r"chief engineers?\b"
           r"|\bchief engineer\b.*\b(?:shift|facility|building|vessel|ship)\b"
           r"|\bchief\s+" + _CRAFT + r"\b"
           r"|\bmaitre d\b|\bmaitre de hotel\b|\bmaitre d'hotel\b"
           r"|\btechnische[rn]? leit(?:er|erin|ung)\b.*\b(?:buhne|film|fernsehen|theater|studio)\b"
           r"|\bdirect(?:eur|rice|or|ora)\s+tecnic[oa]?\s+(?:de\s+)?(?:spectacle|escena|teatro)\w*"
           r"|\bdirecteur technique spectacle\b",
           "uses 'chief' or 'head' as a rank of a craft, not a leadership role"),
        _r("I6", CRAFT, None, "", r"\bfuneral (?:services? )?(?:director|directors|arranger)\b"
           r"|\bdirector of funeral services\b|\bbestatter\w*|\bdirect(?:eur|rice) funeraire\b"
           r"|\bconseill(?:er|ere) funeraire\b|\bdirector de funeraria\b|\bmortician\b"
           r"|\bundertaker\b", "is an occupation (a funeral director), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\bdirectors? of photography\b|\bdop\b|\bcinematographer\b"
           r"|\bdirect(?:eur|rice) de la photo(?:graphie)?\b|\bdirector de fotografia\b"
           r"|\bkamera(?:mann|frau)\b|\bchef operateur\b",
           "is a film craft (director of photography), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\bart directors?\b|\bdirector of art\b|\bdirector de arte\b"
           r"|\bartdirector\b", "is a design craft (art director), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\bcasting directors?\b|\bdirector of casting\b"
           r"|\bdirect(?:eur|rice|or|ora) de casting\b",
           "is a craft (casting director), not a leadership role"),
        _r("I6", CRAFT, None, "",
           r"\b(?:choir|choral|chorus|church music|band|orchestra|music|musical)"
           r"\s+directors?\b|\bdirector of (?:music|choirs?|choral (?:music|activities)|bands?|"
           r"orchestras?)\b|\bchorleiter(?:in)?\b|\bdirigent(?:in)?\b|\bkapellmeister\b"
           r"|\bdirector de (?:orquesta|coro)\b|\bchef de orchestre\b|\bchef de choeur\b"
           r"|\b(?:reise|kurs|spiel|chor|band)leit(?:er|erin|ung)\b",
           "is a musical craft (choir or music director), not a leadership role"),
        _r("I6", CRAFT, None, "",
           r"\bfire (?:and life )?safety directors?\b|\bdirector of fire safety\b",
           "is an occupational certificate (fire safety director), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\b(?:broadcast|tv|television|live|studio|news|newscast|theatre|"
           r"theater|stage|concert|event|live production)\s+technical directors?\b"
           r"|\btechnical director\b.*\b(?:broadcast|tv|television|newscast|live)\b",
           "is a production craft (broadcast technical director), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\b(?:film|movie|stage|theatre|theater|music video|video|"
           r"documentary|commercials|tv|television|animation|opera|dance|cruise|activit(?:y|ies))"
           r"\s+directors?\b", "is a craft or occupational director, not a leadership role"),
        _r("I6", CRAFT, None, "",
           r"\b(?:head|executive|sous|pastry|private|personal|line|commis|junior|"
           r"senior|chef de)?\s*chefs?\b(?!\s+(?:de|du|des)\b)|\bchef de (?:cuisine|partie|rang)\b"
           r"|\bjefe de cocina\b|\bkuchenchef\w*|\bkuechenchef\w*|\bchefkoch\w*",
           "is a kitchen craft (chef), not a leadership role"),
        _r("I6", CRAFT, None, "", r"\bhead (?:cook|waiter|waitress|bartender|barista|gardener|"
           r"groundsman|groundskeeper|lifeguard|porter|custodian|janitor|housekeeper|baker|brewer|"
           r"butcher|butler|coach|trainer|cashier|teller|caretaker|concierge|sommelier|server|"
           r"driver|mechanic|nurse|mistress of|boy|girl|cheerleader|librarian|usher|steward)\b",
           "is a craft or occupational 'head', not the head of a function"),
        _r("I6", CRAFT, None, "",
           r"\bchief (?:petty|warrant|master|mate|steward|stewardess|cook|purser|"
           r"boatswain|bosun|radio officer|yeoman)(?: officer)?\b|\bchief (?:master )?sergeant\b"
           r"|\bcommand master chief\b",
           "is a military or maritime rank, not an executive role"),
    ],
    [  # leadership words as adjectives or team names
        _r("I7", ADJECTIVE, S.INDIVIDUAL_CONTRIBUTOR, "", r"\baccount executives?\b",
           "uses 'executive' as an adjective: an individual sales role"),
        _r("I7", ADJECTIVE, S.INDIVIDUAL_CONTRIBUTOR, "",
           r"\bexecutive (?:driver|chauffeur|protection)\b",
           "uses 'executive' as an adjective: the role is the driver"),
    ],
    [  # eligible by name, before the deputy and vice ranks
        _r("E1", ELIGIBLE, S.C_LEVEL, "c", r"\bvice[- ]chair(?:man|woman|person)?\b",
           "is a board's vice chair, at the top of an organisation"),
        _r("E2", ELIGIBLE, S.VP, "vp", r"\bvice[- ](?:provost|dean)\b|\bvicerrector(?:a)?\b"
           r"|\bvice-?doyen(?:ne)?\b|\bprorektor(?:in)?\b|\bvizeprasident\w*",
           "is in the VP family (vice provost, vice dean)"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "org",
           r"\b(?:school|college|academy|conservatory|kindergarten|"
           r"institute|education)\s+principal\b|\bprincipal\s+(?:of|at)\s+(?:the\s+)?"
           r"(?:[a-z]+\s+){0,3}(?:school|college|academy)\b"
           r"|\b(?:recteur|rectrice|rector|rectora)\b(?:\s+(?:de|d|del)\b.*)?$"
           r"|\bjef[ea] (?:de |del )?(?:cuerpo de )?(?:bomberos|policia)\b"
           r"|\bchef (?:de la |des )?(?:police|pompiers)\b",
           "is the head of an organisation under another name (a school, a university, a city's "
           "fire or police service)"),
    ],
    [  # review: genuinely debatable
        _r("R11", REVIEW, None, "board",
           r"^(?!.*\b(?:chair\w*|president|presidente|vorsitzende[rn]?|"
           r"prasident\w*)\b).*?(?:\bboard (?:member|director|of directors|of trustees|advisor|"
           r"adviser|observer|trustee|seat)\b|\bmember of (?:the )?(?:\w+ )?board\b"
           r"|\b(?:nonexecutive|independent|outside|lead independent)\s+(?:nonexecutive\s+)?"
           r"directors?\b|\b(?:ned|ined)\b|\btrustees?\b|\badvisory board\b|\bboard advisor\b"
           r"|\baufsichtsrat(?:in|smitglied)?\b|\bbeirat(?:smitglied)?\b|\bverwaltungsrat\b"
           r"|\bmembre du conseil\b|\bconseil de administration\b"
           r"|\badministrat(?:eur|rice)\b(?!\s+(?:systemes?|reseaux?|bases?|de|web|it)\b)"
           r"|\bconsejer[oa]\b(?!\s+delegad[oa])|\bmiembro del consejo\b|\bgovernors?\b)",
           "is a board seat: not an executive role in itself"),
        _r("R2", REVIEW, None, "rank", r"\bavp\b|\bassociate\s+(?:[a-z]+\s+)?vp\b",
           "is an associate vice president: director-level in some organisations only"),
        _r("R1", REVIEW, None, "rank", r"\b(?:direct\w*|chef|cheffe|jef[ea]|responsable|gerente|"
           r"president\w*|secretari\w*|direktor\w*|leiter\w*|head)\b.*\b(?:adjointe?s?|adjunt[oa]s?|"
           r"asociad[oa]s?|associee?s?|delegu(?:e|ee))\b(?<!\bconsejero delegado)"
           r"|\bdeputy\s+chief\s+(?:[a-z]+\s+){0,3}officer\b"
           r"|\b(?:assoziierte[rn]?|stellvertretende[rn]?|stellv|stv)\s+\w*(?:direktor|leit|"
           r"geschaftsfuhr|vorstand)\w*",
           "is a deputy or associate rank: director-level in some organisations only"),
        _r("R1", REVIEW, None, "rank",
           r"\b(?:associate|deputy|adjunct|vice|sub|stellvertretende[rn]?|"
           r"stv|stellv)\s+(?:[a-z]+\s+)?(?:" + _DIRECTOR + r"|head|dean|partner|vp|"
           r"general manager|managing director|" + _CXO + r"|president|chair\w*|principal|"
           r"geschaftsfuhr\w*|leiter\w*|leitung|provost|rector)\b(?<!vice chancellor)"
           r"|\bsub-?direct(?:or|ora|eur|rice)\b|\bsous-?direct(?:eur|rice)\b"
           r"|\b(?:directeur|directrice|director|directora)(?: generale?)? "
           r"(?:adjointe?|adjunt[oa])\b|\bdga\b|\bavp\b",
           "is a deputy or associate rank: director-level in some organisations only"),
        _r("R4", REVIEW, None, "individual", r"\bchief\s+(?:[a-z]+\s+)?" + _PUBLIC_UNITS
           + r"(?:\s+officer)?\b|(?<!chief )\bexecutive officer\b",
           "is the chief of a public-service unit or an executive officer: no clear level"),
        _r("R4", REVIEW, None, "individual",
           r"\bchief of staff\b|\bchief (?:engineer|architect|scientist|technologist|economist|"
           r"strategist|designer|evangelist|storyteller|of party|inspector)\b"
           r"|\bdistinguished (?:engineer|architect|scientist|technologist|member)\b"
           r"|\b(?:section|bureau|division|branch|unit|crew|deputy)\s+chief\b"
           r"|\btechnical fellow\b", "is a chief or distinguished title without a clear level"),
        _r("R5", REVIEW, None, "",
           r"\b(?:creative|technical|artistic|audio|sound|game|narrative)\s+"
           r"directors?\b|\bdirectors?,? (?:of )?(?:creative|technical|artistic|audio)\b"
           r"(?!\s+(?:services|operations|support|sales|accounts?|programs?|strategy)\b)"
           r"|\b(?:directeur|directrice|director|directora)\s+(?:technique|tecnic[oa]|"
           r"artistique|artistic[oa]|creati(?:f|ve|vo|va)|de (?:la )?creation)\b"
           r"|\btechnische[rn]? direktor\b|\bkreativdirektor\w*",
           "is an industry-specific director title (creative, technical, artistic, audio)"),
        _r("R6", REVIEW, None, "",
           r"\b" + _UNIT_WORDS + r"\s+directors?\b|\bdirectors?\s+(?:of\s+)?"
           r"(?:the\s+)?(?:key\s+)?(?:accounts?|clients?|projects?|programs?|programmes?|sites?|"
           r"stores?|branch(?:es)?)\b" + _NOT_FUNCTION
           + r"|\b(?:directeur|directrice|director|directora)\s+de\s+(?:la\s+|le\s+|las?\s+|"
           r"los\s+)?(?:magasin|agence|site|usine|projets?|programmes?|comptes?|clientele|tienda|"
           r"sucursal|obra|proyectos?|programas?|cuentas?|planta|fabrica|hotel|restaurante?|"
           r"succursale|filiale)\b",
           "is a unit-level director title (account, project, program, site, store)"),
        _r("R6", REVIEW, None, "",
           r"\b(?:direct(?:eur|rice|or|ora)|directores)\s+(?:(?:de|du|des|d|la|"
           r"le|del|los|las)\s+)*(?:" + _OUTLET_WORDS + r"|cuentas|programas?|programmes?|sites?|"
           r"usine|planta|fabrica)\b"
           r"|\b(?:bezirks|gebiets|hotel|filial|regional|niederlassungs|markt|werks|zweigstellen|"
           r"verkaufs|vertriebs|store)direktor(?:in)?\b",
           "is a unit-level director title (a store, a branch, a site, a district)"),
        _r("R6", REVIEW, None, "",
           r"\b(?:recruit\w*|recruitment|talent acquisition|executive search|"
           r"staffing|headhunting|resourcing)\s+directors?\b|\bdirectors?\b.*\b(?:recruit\w*|"
           r"talent acquisition|executive search|staffing|headhunting|resourcing)\b",
           "is a recruiter's director title, often a sales grade"),
        _r("R8", REVIEW, None, "",
           r"\b(?:plant|country|factory|mill|works|refinery|mine)\s+managers?\b"
           r"|\bwerksleit(?:er|erin|ung)\b|\bstandortleit(?:er|erin|ung)\b",
           "is a manager who runs a whole unit"),
        _r("R8", REVIEW, None, "", r"\b" + _OUTLETS + r"\s+general managers?\b"
           r"|\bgeneral managers?\b.*\b" + _OUTLETS + r"\b",
           "is the general manager of one outlet"),
        _r("R8", REVIEW, None, "", r"\bhead ?teachers?\b|\bhead of (?:the )?" + _SCHOOL_SUBJECTS
           + r"\b|\b(?:department|dept|section|subject|year)\s+head\b",
           "is an ambiguous head (a school subject, a department or a head teacher)"),
        _r("R9", REVIEW, None, "",
           r"\b\w*(?:abteilungs|regional|bezirks|gebiets|verkaufs|vertriebs|"
           r"aussendienst|innendienst|geschaftsstellen|sparten)leit(?:er|erin|ung)\b"
           r"|\bleit(?:er|erin|ung)\s+(?:(?:der|des|einer|eines|von|fur)\s+)?(?:[a-z-]+\s+){0,3}"
           r"\w*(?:abteilung|vertrieb|verkauf|region|bezirk|aussendienst)\w*",
           "is a German head of a department, a region or sales: between manager and director"),
        _r("R9", REVIEW, None, "", r"\babteilungsleit(?:er|erin|ung)\b|\bleit(?:er|erin|ung)\s+"
           r"(?:der\s+|des\s+)?abteilung\b|\bjef[ea] de (?:departamento|area|seccion|servicio|"
           r"division)\b|\bresponsables?\b|\bchef de (?:service|departement|division|pole|bureau)\b"
           r"|\bco-?gerante?s?\b|(?<!associe )(?<!associee )\bgerante?s?\b",
           "is a non-English title that spans manager to director"),
        _r("R10", REVIEW, None, "", r"\b(?:entrepreneur|founder|executive) in residence\b|\beir\b"
           r"|\b(?:serial |tech |social )?entrepreneur\b|\bsolopreneur\b",
           "is an entrepreneur title without a clear current business"),
        _r("R7", REVIEW, None, "", r"\b(?:director|vp|executive|senior director)[- ]level\b",
           "states a grade, not a role"),
        _r("R1", REVIEW, None, "", r"\bpro[- ]?vice chancellor\b|\bdean of students\b",
           "is a deputy to the head of a university"),
    ],
    [  # senior individual contributors
        _r("I3", SENIOR_IC, S.INDIVIDUAL_CONTRIBUTOR, "rank",
           r"\b(?:principal|staff)\s+(?:[a-z-]+\s+){0,3}?(?:engineers?|developers?|scientists?|"
           r"designers?|architects?|researchers?|swe|sre|analysts?|product managers?|"
           r"program managers?|technical program managers?|engineering managers?|"
           r"data scientists?)\b"
           r"|\bprincipal\s+(?:[a-z-]+\s+){0,3}?" + _IC + r"\b",
           "is a senior individual contributor role (principal / staff)"),
    ],
    [  # eligible
        _r("E1", ELIGIBLE, S.C_LEVEL, "c", rf"\b(?:{_CXO})\b", "is a C-level title"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "c", r"\bchief\s+(?:[a-z&'-]+\s+){0,5}?officer\b"
           r"|\bchief executive\b|\bc-?(?:level|suite)\b|\bc level\b", "is a C-level title"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "c", r"\bpresident(?:e|a)?\b|\bprasident(?:in)?\b",
           "heads an organisation"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "c",
           r"\b(?:executive |nonexecutive )?chair(?:man|woman|person|"
           r"men|women)?\b|\b(?:vorstands|aufsichtsrats)?vorsitzende[rn]?\b"
           r"|\bverwaltungsratsprasident\w*", "chairs a board"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "org", r"\b(?:provost|rector|rektor(?:in)?|vice chancellor|"
           r"chancellor|headmaster|headmistress|head of (?:the )?school|schulleit(?:er|erin|ung)|"
           r"proviseur|superintendent of schools|school superintendent|police chief|fire chief|"
           r"chief of (?:the )?(?:police|fire(?: department)?)|chief constable|"
           r"police commissioner|fire commissioner|secretary[- ]general|secretaire generale?|"
           r"secretari[oa] general|generalsekretar(?:in)?|permanent secretary|secretary of state|"
           r"director[- ]general|directeur general|directrice generale|directora? general|"
           r"generaldirektor(?:in)?|direct(?:or|ora|eur|rice) de (?:escuela|colegio|instituto|"
           r"ecole|college|lycee)|chef de (?:entreprise|etablissement))\b",
           "is the head of an organisation under another name"),
        _r("E1", ELIGIBLE, S.C_LEVEL, "org", r"^(?:school\s+)?principal(?:\s+of\b.*)?$",
           "is the head of a school or a firm principal"),
        _r("E1", ELIGIBLE, S.DIRECTOR, "director", r"\bdeans?\b(?! of students\b)",
           "heads an academic faculty"),
        _r("E6", ELIGIBLE, S.FOUNDER, "founder", r"\b(?:co)?found(?:er|ers|ress)\b"
           r"|\b(?:mit|mitbe|co)?gr(?:u|ue)nder(?:in)?\b|\b(?:co)?fondat(?:eur|rice)s?\b"
           r"|\b(?:co)?fundador(?:a|es)?\b", "founded the business"),
        _r("E6", ELIGIBLE, S.FOUNDER, "owner", r"\b(?:co)?owners?\b|\binhaber(?:in)?\b"
           r"|\bgeschaftsinhaber\w*|\bproprietaire\b|\bpropietari[oa]\b|\bduen[oa]\b"
           r"|\bproprietor\b|\bteilhaber(?:in)?\b", "owns the business"),
        _r("E7", ELIGIBLE, S.FOUNDER, "partner", r"^(?:" + _PARTNER_MODS + r"\s+){0,2}partners?"
           r"(?:\s*$|\s+(?:of|in|at|for|with)\b)|^(?:associee?|soci[oa])(?:\s+(?:gerante?|director"
           r"|directora|fundador|fundadora|gerente|principal|fondat(?:eur|rice)))?$",
           "is a partner at a firm"),
        _r("E8", ELIGIBLE, S.C_LEVEL, "md", r"\b\w+geschaftsfuhr(?:er|erin|ung|ende[rn]?)\b"
           r"|\bdirigeante?s?\b|\b\w+bereichsleit(?:er|erin|ung)\b",
           "runs a company (a German, French or Spanish title)"),
        _r("E5", ELIGIBLE, S.C_LEVEL, "md", r"\bmanaging directors?\b|^md$", "runs a company"),
        _r("E8", ELIGIBLE, S.C_LEVEL, "md",
           r"\bgeschaftsfuhr(?:er|erin|ung|ende[rn]?)\b|\bgeschaeftsfuehr\w*"
           r"|\bgeschaftsleit(?:er|erin|ung)\b|\bvorstand\w*"
           r"|\bpdg\b|\bdg\b|\bconsejer[oa] delegad[oa]\b|\bdirect(?:or|ora) ejecutiv[oa]\b",
           "runs a company"),
        _r("E8", ELIGIBLE, S.DIRECTOR, "director", r"\b(?:drh|dsi|daf|daf|dcg|dircom)\b",
           "is a French director title (directeur des ...)"),
        _r("E5", ELIGIBLE, S.VP, "gm", r"\bgeneral managers?\b|\bgerente general\b"
           r"|\bgeneralbevollmachtigte?r?\b",
           "runs a company, division or business unit"),
        _r("E2", ELIGIBLE, S.VP, "vp",
           r"\b(?:(?:senior|executive|group|corporate|regional|divisional|"
           r"global|area|first|1st|country)\s+)?vps?\b", "is in the VP family"),
        _r("E3", ELIGIBLE, S.DIRECTOR, "director", r"\bchief of (?:the )?" + _MEDICAL_DEPTS + r"\b"
           r"|\bchefarzt\w*|\bpflegedienstleit\w*|\barztliche[rn]? direktor\w*",
           "heads a licensed care department"),
        _r("E3", ELIGIBLE, S.SENIOR_DIRECTOR, "director", r"\bsenior\s+(?:[a-z]+\s+)?directors?\b",
           "is a senior director title"),
        _r("E3", ELIGIBLE, S.VP, "director",
           r"\bexecutive directors?\b", "is a director-level title"),
        _r("E8", ELIGIBLE, S.DIRECTOR, "director", r"\b(?:direktor(?:in)?|directeur|directrice|"
           r"directora|director(?:es)?\s+(?:de|del|general)\b|diretor(?:a)?)\b|\b[a-z]+direktor(?:in)?\b",
           "is a director-level title"),
        _r("E3", ELIGIBLE, S.DIRECTOR, "director", r"\b" + _DIRECTOR + r"\b",
           "is a director-level title"),
        _r("E4", ELIGIBLE, S.DIRECTOR, "head", r"\bhead of\s+[a-z0-9]", "is a director-level title",
           "Head of"),
        _r("E4", ELIGIBLE, S.DIRECTOR, "head", r"\bhead\s+(?!of\b)[a-z]+|[a-z]+\s+head\b",
           "is a director-level title (the head of a function)"),
        _r("E8", ELIGIBLE, S.DIRECTOR, "head", r"\b(?:bereichs|it-?|it |vertriebs|marketing|finanz|"
           r"personal|entwicklungs|einkaufs|forschungs|betriebs|geschaftsbereichs|produktions|"
           r"technik|logistik|rechts|verwaltungs|hauptabteilungs|ressort|divisions|sparten)"
           r"leit(?:er|erin|ung)\b|\b(?:technische|kaufmannische)[rn]? leit(?:er|erin|ung)\b"
           r"|\bleit(?:er|erin|ung)\s+(?:(?:der|des|einer|eines|von|fur)\s+)?(?:gesamt\w*\s+)?"
           + _COMPANY_FUNCTIONS + r"\b", "is a German head-of-function title"),
    ],
    [  # late review: a leadership word without enough to place it
        _r("R4", REVIEW, None, "", r"\bchiefs?\b", "is a chief title without a clear level"),
        _r("R8", REVIEW, None, "", r"^head$|^head of$", "is 'Head' without a function"),
        _r("R4", REVIEW, None, "", r"^(?:senior |top |business |group )?executives?$",
           "is 'Executive' without a level: a senior role in some organisations, a junior "
           "grade in others"),
        _r("R9", REVIEW, None, "",
           r"\b[a-z]*(?<!beg)leit(?:er|erin|ung)\b|\bjef[ea]s?\b|\bsuperintendent\b",
           "is a non-English title that spans manager to director"),
    ],
    [  # the manager track
        _r("I4", MANAGER, S.SENIOR_MANAGER, "rank", r"\bsenior\s+(?:[a-z-]+\s+){0,3}?managers?\b",
           "is on the manager track (senior manager)"),
        _r("I4", MANAGER, S.MANAGER, "rank", r"\bmanag(?:er|ers|erin)\b|\bteam ?lead(?:er)?s?\b"
           r"|\bgroup lead(?:er)?\b|\btech(?:nical)? lead\b|\bteamleit(?:er|erin|ung)\b"
           r"|\bgruppenleit(?:er|erin|ung)\b|\bsupervis(?:or|ora|ors)\b|\bforem[ae]n\b"
           r"|\bforewoman\b|\bvorarbeiter\w*|\bschichtleit\w*|\bshift lead\b"
           r"|\bcrew (?:lead|leader)\b|\bchef de (?:projet|equipe|produit|rayon|chantier|atelier|"
           r"groupe)\b|\bjef[ea] de (?:equipo|proyecto|turno|grupo|obra|ventas)\b"
           r"|\bencargad[oa]\b|\bgerente\b|\bprojektleit\w*|\bfilialleit\w*|\bmarktleit\w*"
           r"|\bstationsleit\w*|\bniederlassungsleit\w*|\bteam head\b|\bsuperviseu(?:r|se)\b",
           "is on the manager track"),
        _r("I4", MANAGER, S.MANAGER, "rank", r"\blead(?:er|ers)?\b(?!\s+(?:[a-z-]+\s+){0,2}?" + _IC
           + r"\b)", "is a team lead, on the manager track"),
    ],
    [  # individual contributors
        _r("I7", IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\b[a-z]+\s+executives?\b",
           "is an individual contributor role ('executive' as a grade)"),
        _r("I3", IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\b" + _IC + r"\b",
           "is an individual contributor role"),
        _r("I3", IC, S.INDIVIDUAL_CONTRIBUTOR, "", _AGENT,
           "names an occupation: an individual contributor role"),
        _r("I3", IC, S.INDIVIDUAL_CONTRIBUTOR, "", r"\bpartners?\b|\bowners?\b",
           "is an individual contributor role (not a partner or owner of a firm)"),
    ],
]


def _group_union(rules: list[_Rule]) -> re.Pattern[str]:
    """Compile one pattern that matches when any rule of a group may match."""
    return re.compile("|".join(f"(?:{rule.rx.pattern})" for rule in rules))


# Words one of which a role must hold for any rule of a large group to match: a cheap first look
# that skips the group (each gate was checked against every title of the public lists the corpus
# draws on, 74,792 role texts, with no change in any reading). Keyed by the group's place above.
_GATES: dict[int, str] = {
    6: (  # support to a leader and admin (I1)
        r"assist|aide|secret|sekret|office|buro|receptionist|front desk|admin|auxiliar|asistente"
        r"|right|^pa$|first impressions"
    ),
    7: (  # craft and occupational uses of leadership words (I6)
        r"direct|direkt|leit|chef|chief|jef|head|ober|maitre|funer|bestatt|mortician|undertaker"
        r"|\bdop\b|cinematographer|kamera|kapellmeister|dirigent|caporal|sergent"
    ),
    10: (  # review (R1, R2, R4 … R11)
        r"board|member|nonexecutive|independent|outside|\bi?ned\b|trustee|aufsichtsrat|beirat"
        r"|verwaltungsrat|conseil|administrat|consej|governor|avp|associ|asociad|adjoint|adjunt"
        r"|adjunct|delegu|deputy|assoziiert|stellv|\bstv\b|vice|\bsub|sous|\bdga\b|chief"
        r"|executive officer|distinguished|fellow|direct|direkt|manager|leit|head|teacher|jef"
        r"|responsable|chef|gerant|residence|\beir\b|preneur|level|chancellor|dean"
    ),
    12: (  # eligible (E1 … E8)
        r"\bc[a-z]{1,4}o\b|\bc-?(?:level|suite)|\bc level|chief|presid|prasid|chair|vorsitz"
        r"|provost|rector|rektor|chancellor|head|leit|proviseur|superintendent|police"
        r"|commissioner|secret|sekret|direct|direkt|diretor|chef|principal|dean|found|grunder"
        r"|gruender|fondat|fundador|owner|inhaber|propri|propiet|duen|teilhaber|partner|associe"
        r"|\bsoci[oa]\b|geschaftsfuhr|geschaeftsfuehr|dirigeant|\bmd\b|vorstand|\bpdg\b|\bdg\b"
        r"|consejer|\bdrh\b|\bdsi\b|\bdaf\b|\bdcg\b|dircom|general manager|gerente general"
        r"|generalbevollmachtig|\bvps?\b"
    ),
}
_COMPILED_GROUPS = [
    (re.compile(_GATES[i]) if i in _GATES else None, _group_union(g), g)
    for i, g in enumerate(_GROUPS)
]


Match = tuple[str, Seniority | None, str, str, bool, int, int, str]
_NO_MATCH: Match = (UNKNOWN, None, "", "", False, 0, 0, "")


def classify(text: str) -> Match:
    """Return (class, level, family, reason, VP-with-individual-role, start, end, rule id)."""
    for gate, union, rules in _COMPILED_GROUPS:
        if (gate is not None and not gate.search(text)) or not union.search(text):
            continue
        for rule in rules:
            m = rule.rx.search(text)
            if m is None:
                continue
            label = rule.label or display(m.group())
            reason = f"'{label}' {rule.why}"
            bank_grade = False
            if rule.family == "vp":
                rest = text[: m.start()] + " " + text[m.end():]
                bank_grade = _GRADE_RX.search(rest) is not None
            return (rule.cls, rule.level, rule.family, reason, bank_grade, m.start(), m.end(),
                    rule.rule_id)
    return _NO_MATCH
