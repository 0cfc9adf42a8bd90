"""The word lists the engine reads titles with, as data, per language where they are per language.

Entries are regular-expression fragments (``engineers?`` is engineer and engineers) matched on
folded text: lower case, no accents (``geschaftsfuhrer``). Per-language lists are dicts keyed
``en``, ``de``, ``fr``, ``es`` (plus ``pt`` or ``it`` where those words occur), read in that order.
Keep the order inside a list: where two entries match at the same place the first one wins, and a
reason quotes the words it matched.
"""

from __future__ import annotations

from collections.abc import Mapping

Words = tuple[str, ...]


def entries(words: Words | Mapping[str, Words]) -> Words:
    """Return the entries of a list, or of every language of a per-language list, in order."""
    if isinstance(words, Mapping):
        return tuple(entry for per_language in words.values() for entry in per_language)
    return words


def any_of(words: Words | Mapping[str, Words]) -> str:
    """Return a non-capturing regex group that matches any entry of a list."""
    return "(?:" + "|".join(entries(words)) + ")"


# --------------------------------------------------------------------- reading the title (step 0)

PLACEHOLDERS = frozenset({
    "", "na", "n a", "none", "null", "nil", "nan", "undefined", "unknown", "tbd", "tba", "tbc",
    "test", "testing", "x", "xx", "xxx", "xxxx", "asdf", "title", "job title", "your title",
    "my title", "position", "role", "no", "nothing", "nope", "idk", "dunno", "n", "a", "aa",
    "abc", "foo", "bar", "foobar", "lorem ipsum", "object object", "none of your business",
    "other", "misc", "various", "see above", "see resume", "see cv", "same", "etc", "ok",
    "not applicable", "prefer not to say", "rather not say", "private", "confidential",
})

# Job-ad phrases that are not the role ("Full Time", "$10k signing bonus").
JOB_AD_PHRASES: dict[str, Words] = {
    "en": (
        r"(?:(?:sign(?:ing)?[- ]?on|signing|joining|retention|relocation|annual|performance)\s+)?"
        r"bonus(?:es)?",
        r"full[- ]?time", r"part[- ]?time", "fte", r"remote(?:ly)?", "hybrid", r"on[- ]?site",
        "work from home", "wfh", "home ?office", "immediate start",
        r"(?:urgent(?:ly)?|now|we'?re)?\s*hiring(?: now)?(?! manager)", "apply (?:now|today)",
        "competitive salary", "per (?:hour|year|annum)",
    ),
    "de": ("(?:un)?befristet", "vollzeit", "teilzeit"),
    "fr": ("cdi", "cdd", "temps (?:plein|partiel)", "teletravail"),
    "es": ("tiempo (?:completo|parcial)", "jornada completa", "remoto"),
}

# English abbreviations, expanded before the rules read the title ("Sr Dir", "Exec Dir").
ABBREVIATIONS = {
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

# Interim and acting holders hold the role.
INTERIM_WORDS: dict[str, Words] = {
    "en": ("ad interim", "interim", "acting"),
    "de": (r"kommissarisch\w*", r"interimistisch\w*"),
    "fr": ("par interim", "interimaire"),
    "es": ("en funciones", "interin[oa]", "provisional"),
}

# The word before an employer: "at Acme", "bei Acme", "chez Acme" (and "@ Acme").
EMPLOYER_WORDS: dict[str, Words] = {
    "en": ("at",),
    "de": ("bei",),
    "fr": ("chez",),
    "es": ("en",),
    "it": ("presso",),
}

# ---------------------------------------------------------------- cutting a title into roles

# Words that join two roles; the "or" words (like "/") mark alternatives.
AND_WORDS: dict[str, Words] = {"en": ("and", "plus"), "de": ("und",), "fr": ("et",), "es": ("y",)}
OR_WORDS: dict[str, Words] = {"en": ("or",), "de": ("oder",), "fr": ("ou",), "es": ("o",)}

# Status markers inside one role.
NOW_WORDS: dict[str, Words] = {
    "en": ("now", "currently", "current"),
    "de": ("aktuell", "derzeit"),
    "fr": ("actuellement",),
    "es": ("actualmente",),
}
PAST_WORDS: dict[str, Words] = {
    "en": ("ex", "former", "formerly", "previously", "prev", "past", "alumn(?:us|a|i)"),
    "de": (r"ehemalig\w*", "ehem", r"fruher\w*", "vormals"),
    "fr": ("ancien(?:ne)?", "anciennement"),
    "es": ("anteriormente", "antigu[oa]"),
}
RETIRED_WORDS: dict[str, Words] = {
    "en": ("semi-?retired", "retired", "ret"),
    "de": (r"pensioniert\w*", "im ruhestand", "ruhestand", "rentner(?:in)?", r"pensionar\w*"),
    "fr": ("retraitee?",),
    "es": ("jubilad[oa]", "retirad[oa]"),
}
# Freelance, fractional and sole-trader markers: a solo or unclear founder or owner.
SOLO_WORDS: dict[str, Words] = {
    "en": (
        "freelance", "freelancer", "freelancing", "self-?employed", "self employed",
        "sole (?:trader|proprietor|proprietorship)", "solo", "one[- ](?:person|man|woman)",
        "fractional", "indie",
    ),
    "de": (r"freiberufl\w*", r"selbststandig\w*", r"selbstandig\w*", r"einzelunternehm\w*"),
    "fr": ("auto-?entrepreneur", "micro-?entrepreneur"),
    "es": ("autonom[oa]", "independiente"),
}
# A role that is only one of these words is a learner's role, whatever the team around it.
LEARNER_WORDS: dict[str, Words] = {
    "en": ("interns?", "trainee", "apprentice", "working student"),
    "de": ("werkstudent(?:in)?", "praktikant(?:in)?", "azubi"),
    "fr": ("stagiaire", "alternante?"),
    "es": ("becari[oa]",),
}

# ------------------------------------------------------------------------ the title rules

# C-level abbreviations (CEO, CFO, ...).
CXO: Words = (
    "ceo", "cfo", "coo", "cto", "cio", "ciso", "cso", "cpo", "cdo", "cao", "caio", "cmo", "cro",
    "cco", "chro", "cpto", "clo", "cxo", "cbo", "cno", "cdao", "cmio", "csco", "cgo", "cko", "cvo",
    "cbdo", "cino", "cdio", "ctpo", "cuo", "cqo", "cito", "cpro", "ccso", "cfoo", "chco", "csmo",
    "caso", "ceto",
)

DIRECTOR_WORDS: dict[str, Words] = {
    "en": ("director", "directors"),
    "de": ("direktor(?:in)?",),
    "fr": ("directeur", "directrice"),
    "es": ("directora",),
    "pt": ("diretor(?:a)?",),
}

# Individual-contributor nouns: a role that is one of these is an individual contributor.
IC_NOUNS: dict[str, Words] = {
    "en": (
        "engineers?",
        r"developers?(?!\s+(?:relations|experience|platform|marketing|productivity|advocacy|"
        r"ecosystem|tools|programs?|success|community))",
        "programmers?", "coders?", "architects?", "analysts?", "consultants?", "scientists?",
        "researchers?", "designers?", "specialists?", "technicians?", "technologists?",
        "administrators?", "accountants?", "auditors?", "bookkeepers?", "actuar(?:y|ies)",
        "economists?", "strategists?", "associates?", "representatives?", "reps?", "agents?",
        "advisors?", "advisers?", "officers?", "coordinators?", "planners?", "buyers?", "traders?",
        "structurers?", "quants?", "bankers?", "underwriters?", "brokers?", "writers?",
        "copywriters?", "editors?", "journalists?", "reporters?", "producers?", "marketers?",
        "recruiters?", "sourcers?", "headhunters?", "teachers?", "tutors?", "lecturers?",
        "professors?", "instructors?", "trainers?", "coach(?:es)?", "nurses?", "rn",
        "physicians?", "doctors?", "surgeons?", "pharmacists?", "dentists?", "therapists?",
        "psychologists?", "paramedics?", "paralegals?", "lawyers?", "attorneys?", "solicitors?",
        "barristers?", "counsel", "clerks?", "cashiers?", "salesperson", "sales(?:wo)?man",
        "sellers?", "drivers?", "chauffeurs?", "couriers?", "mechanics?", "electricians?",
        "plumbers?", "carpenters?", "welders?", "operators?", "workers?", "labou?rers?",
        "testers?", "qa", "sre", "devops", "scrum master", "product owner", "process owner",
        "owner operator", "business partner", "hrbp", "people partner", "talent partner",
        "generalists?", "experts?", "evangelists?", "advocates?", "ambassadors?", "contributors?",
        "member of (?:the )?(?:technical )?staff", "mts", "fellows?", r"postdoc\w*",
        "contractors?", "artists?", "illustrators?", "animators?", "photographers?",
        "videographers?", "translators?", "interpreters?", "librarians?", "biologists?",
        "chemists?", "physicists?", "statisticians?", "mathematicians?", "geologists?",
        "surveyors?", "inspectors?", "investigators?", "detectives?", "firefighters?",
        "soldiers?", "pilots?", "flight attendants?", "waiters?", "waitress(?:es)?",
        "bartenders?", "baristas?", "cooks?", "bakers?", "butchers?", "cleaners?", "janitors?",
        "custodians?", "housekeepers?", "gardeners?", "farmers?", "nann(?:y|ies)", "caregivers?",
        "carers?", "guards?", "lifeguards?", "models?", "actors?", "actress(?:es)?", "musicians?",
        "singers?", "dancers?", "athletes?", "players?", "streamers?", "influencers?",
        "creators?", "bloggers?", "youtubers?", "volunteers?", "tellers?", "estimators?",
        "dispatchers?", "machinists?", "assemblers?", "handlers?", "setters?", "tenders?",
        "minders?", "fitters?", "installers?", "makers?", "repairers?", "finishers?", "sorters?",
        "graders?", "packers?", "pickers?", "loaders?", "fundraisers?",
    ),
    "de": (
        "ingenieur(?:in)?", "entwickler(?:in)?", "softwareentwickler(?:in)?",
        "informatiker(?:in)?", "berater(?:in)?", "sachbearbeiter(?:in)?", "referent(?:in)?",
        "mitarbeiter(?:in)?", "angestellte[rn]?", "buchhalter(?:in)?", "anwalt", "anwaltin",
        r"rechtsanwalt\w*", "arzt", "arztin", r"krankenpfleger\w*", "pflegekraft",
        "lehrer(?:in)?", "verkaufer(?:in)?", "techniker(?:in)?", "spezialist(?:in)?",
        "redakteur(?:in)?", "kauf(?:mann|frau)", "fachkraft", "wissenschaftler(?:in)?",
        "forscher(?:in)?", r"oberarzt\w*", r"facharzt\w*",
    ),
    "fr": (
        "developpeu(?:r|se)", "consultante?", "employee?", "comptable", "avocat(?:e)?", "medecin",
        "professeur", "vendeu(?:r|se)", "technicien(?:ne)?", "specialiste", "redact(?:eur|rice)",
        "journaliste", "chargee? de", "conseill(?:er|ere)", "chercheu(?:r|se)",
        "coordinat(?:eur|rice)", "administrat(?:eur|rice)",
    ),
    "es": (
        "ingeniero", "ingeniera", "desarrollador(?:a)?", "programador(?:a)?", "consultor(?:a)?",
        "analista", "emplead[oa]", "contador(?:a)?", "abogad[oa]", "medic[oa]", "enfermer[oa]",
        "profesor(?:a)?", "vendedor(?:a)?", "disenador(?:a)?", "tecnic[oa]", "especialista",
        "periodista", "asesor(?:a)?", "investigador(?:a)?", "coordinador(?:a|es)?",
        "administrador(?:a)?", "gestor(?:a)?", "auxiliar",
    ),
}

# School subjects and units: "Head of Maths" is an ambiguous head, not the head of a function.
SCHOOL_SUBJECTS: Words = (
    "maths?", "mathematics", "english", "science", "sciences", "history", "geography", "physics",
    "chemistry", "biology", "music", "art", "arts", "drama", "pe", "physical education",
    "languages", "modern languages", "mfl", "french", "german", "spanish", "latin", "computing",
    "ict", "re", "religious education", r"year(?: \d+)?", r"key stage \d?", r"ks\d", "sixth form",
    "lower school", "upper school", "house", "department", "dept", "faculty", "subject",
    "section", "class", "grade", "science department", "maths department",
)

# Clinical departments: the "Chief of Cardiology" heads a licensed care department.
MEDICAL_DEPARTMENTS: Words = (
    "cardiology", "surgery", "medicine", "radiology", "pediatrics", "paediatrics", "oncology",
    "neurology", "psychiatry", "anesthesiology", "anaesthesia", "anaesthetics",
    "emergency medicine", "nursing", "pathology", "orthopa?edics", "obstetrics", "gynaecology",
    "gynecology", "urology", "dermatology", "neurosurgery", "critical care", "intensive care",
    "[a-z]+ology",
)

# Units a director can be of ("Account Director", "Director of Projects") ...
UNITS: Words = (
    "account", "accounts", "client", "clients", "project", "projects", "program", "programs",
    "programme", "programmes", "site", "sites", "store", "stores", "branch", "branches", "shop",
    "restaurant", "hotel", "plant", "factory",
)
# ... unless a function follows ("Director of Client Services").
UNIT_FUNCTIONS: Words = (
    "management", "operations", "services", "success", "development", "delivery", "strategy",
    "relations", "marketing", "sales", "experience", "engineering", "reliability", "planning",
    "office", "governance", "portfolio", "leadership", "excellence", "solutions", "partnerships",
    "acquisition",
)

# Single outlets: their general manager runs one place, not a company.
OUTLETS: Words = (
    "restaurant", "hotel", "store", "shop", "outlet", "branch", "club", "gym", "bar", "pub", "cafe",
    "coffee shop", "dealership", "spa", "casino", "location", "franchise", "resort", "kitchen",
    "bistro", "diner", "motel", "inn", "boutique",
)

# Words before "Partner" that keep it a partner at a firm ("Managing Partner").
PARTNER_MODIFIERS: Words = (
    "managing", "senior", "equity", "founding", "general", "name", "salaried", "junior", "full",
    "executive", "audit", "tax", "advisory", "legal", "law", "operating", "venture", "investment",
    "deal", "practice", "global", "regional", "country", "office", "industry", "lead",
    "co-?managing", "national", "local", "transaction", "litigation", "corporate",
)

# Words after a leadership word that make it a team, an office or a group, not a role (I7):
# "CTO Office", "CEO Council", "CFO Practice".
TEAM_WORDS: dict[str, Words] = {
    "en": (
        "office", "team", "org", "organi[sz]ation", "staff", "group", "unit", "department",
        "dept", "club", "award", "circle", "list", "council", "practice", "advisory(?: group)?",
        "forum", "programme", "program", "network", "community", "lab", "desk", "initiative",
        "task ?force", "fellowship", "cabinet", "track", "pod", "squad", "cohort", "academy",
    ),
    "de": ("buro", "stab", "stabsstelle", "referat", "kreis"),
    "fr": ("bureau", "cabinet", "equipe", "comite", "pole"),
    "es": ("oficina", "gabinete", "equipo", "despacho"),
}
# Words before a leadership word that make it an office: "Office of the CTO", "Bureau du PDG".
OFFICE_WORDS: dict[str, Words] = {
    "en": ("office", "team", "council", "staff"),
    "de": ("buro", "stab", "team"),
    "fr": ("bureau", "cabinet", "equipe"),
    "es": ("oficina", "gabinete", "equipo", "despacho"),
}

# Occupations that take "head", "chief", "jefe", "en chef", "Ober-"/"Chef-" as a craft rank (I6):
# "Head Waiter", "camarero jefe", "sommelière en chef", "Oberkellner", "Chefportier".
CRAFT_NOUNS: dict[str, Words] = {
    "en": (
        "cook", "waiter", "waitress", "bartender", "barista", "gardener", "groundsman",
        "groundskeeper", "lifeguard", "porter", "custodian", "janitor", "housekeeper", "baker",
        "brewer", "butcher", "butler", "coach", "trainer", "cashier", "teller", "caretaker",
        "concierge", "sommelier", "server", "driver", "mechanic", "nurse", "librarian", "usher",
        "steward", "stewardess", "purser", "perfumer", "winemaker", "carpenter", "mate",
        "conductor", "guard", "cellar master", "pastry chef", "dental technician",
        "stage technician", "metallurgist", "receptionist", "bookmaker", "blogger",
    ),
    "de": (
        "kellner", "kellnerin", "koch", "kochin", "portier", "portiere", "steward", "stewardess",
        "gartner", "gartnerin", "sommelier", "sommeliere", "konditor", "konditorin", "backer",
        "backerin", "pfleger", "schwester", "mechaniker", "monteur", "maschinist",
    ),
    "fr": (
        "cuisinier", "cuisiniere", "sommelier", "sommeliere", "patissier", "patissiere",
        "serveur", "serveuse", "jardinier", "jardiniere", "infirmier", "infirmiere",
        "mecanicien", "mecanicienne", "barman", "concierge", "boulanger", "boulangere",
        "caissier", "caissiere", "steward", "hotesse", "de cabine", "de rang", "de partie",
        "de cuisine", "de choeur", "d'orchestre", "de orchestre", "eclairagiste", "decorateur",
        "operateur", "machiniste", "monteur", "monteuse",
    ),
    "es": (
        "cocinero", "cocinera", "camarero", "camarera", "repostero", "repostera", "pastelero",
        "pastelera", "sumiller", "sumillera", "panadero", "panadera", "jardinero", "jardinera",
        "enfermero", "enfermera", "mecanico", "mecanica", "conserje", "carnicero", "carnicera",
        "maquinista", "portero", "portera", "barman", "azafata", "revisor", "revisora",
    ),
}

# Directors of a craft in every language (I6): music, orchestra, funeral, photography, casting,
# art direction, a kitchen; German compounds ("Art-Direktor", "Küchendirektor") included.
CRAFT_DIRECTORS: dict[str, Words] = {
    "en": (
        r"(?:art|casting|music|musical|choir|band|orchestra|funeral(?: services?)?)[- ]director",
    ),
    "de": (
        r"(?:art|casting|kuchen|musik|chor|kapell|film|ballett)[- ]?direktor(?:in)?",
        r"(?:musik|chor|kapell|band|ensemble|orchester|spiel|reise|kurs)leit(?:er|erin|ung)",
        "kapellmeister(?:in)?", "dirigent(?:in)?", r"bestatt\w*",
    ),
    "fr": (
        r"direct(?:eur|rice) (?:musical|musicale|de la musique|d'orchestre|de orchestre"
        r"|de casting|de la photo(?:graphie)?|artistique|de (?:la )?creation graphique)",
        r"direct(?:eur|rice) (?:de |d')?(?:\w+ )*(?:pompes funebres|funerai(?:re|res))",
        r"(?:chef|cheffe) (?:de choeur|de chœur|d'orchestre|de orchestre|decorat\w*"
        r"|eclairagiste|operat\w*|de cabine|de rang|de partie|de cuisine|cuisinier\w*"
        r"|patissier\w*)",
        "demi-?chef de rang", "caporal-?chef", "sergent-?chef",
    ),
    "es": (
        r"direct(?:or|ora) (?:de |del )?(?:orquesta|coro|banda|musica|musical|fotografia"
        r"|casting|arte|pompas funebres|funeraria)",
    ),
}

# Outlets: the manager of one is a store or branch manager (I4), its director a unit-level one
# (R6). Per language; "magasin de meubles" and "tienda de tabaco" are outlets too.
OUTLET_WORDS: dict[str, Words] = {
    "de": (
        r"\w*filial\w*", r"\w*zweigstell\w*", r"\w*niederlassung\w*", r"\w*verkaufsstell\w*",
        r"\w*markt", r"hotel\w*", "bezirks", "gebiets", r"\w*werks",
    ),
    "fr": (
        "magasins?", "boutiques?", "librairie", r"supermarches?", r"hypermarches?",
        "grand magasin", "agence(?: bancaire)?", "succursale", "rayon", "point de vente",
        "restaurant", "hotel", "pharmacie", "station",
    ),
    "es": (
        "tiendas?", "sucursal(?:es)?", "grandes almacenes", "supermercado", "hipermercado",
        "libreria", "jugueteria", "gasolinera", "estanco", "farmacia", "restaurante", "hotel",
        "planta", "fabrica", "pizzeria", "pasteleria", "panaderia",
    ),
}

# Company-wide functions whose German "Leiter" is a head of function (E8: "Leiter Finanzen" is a
# CFO); a Leiter of anything else is between manager and director (R9).
COMPANY_FUNCTIONS: Words = (
    r"finanz\w*", "it", "edv", r"technik\w*", r"personal\w*", "hr", "marketing", "einkauf",
    r"forschung\w*", "entwicklung", r"produktion\w*", r"recht\w*", r"verwaltung\w*",
    "controlling", r"kommunikation\w*", "strategie", "operations", r"logistik\w*",
    "rechnungswesen", "digital", "informatik", "technologie",
)

# Public-service units whose chief is not the head of the whole organisation (R4).
PUBLIC_UNITS: Words = (
    "probation", "parole", "deputy", "prison", "detention", "custody", "corrections",
    "correctional", "jail", "court", "forestry inspector", "police officer", "inspector",
    "investigator", "warden", "clerk", "detective", "magistrate", "dispatcher",
)

# Agent-noun endings of occupations (an individual contributor when no leadership word is read):
# German "-techniker", French "-euse", Spanish "-ista" ("Entsorgungstechniker", "tisseuse").
AGENT_ENDINGS: dict[str, Words] = {
    "en": ("ologist", "ician", "grapher", "smith", "wright"),
    "de": (
        "techniker(?:in)?", "ist(?:in)?", "olog(?:e|in)?", "berater(?:in)?", "arbeiter(?:in)?",
        "designer(?:in)?", "zeichner(?:in)?", "begleiter(?:in)?", "fahrer(?:in)?",
        "mechaniker(?:in)?", "elektroniker(?:in)?", "monteur(?:in)?", "ingenieur(?:in)?",
        "informatiker(?:in)?", "entwickler(?:in)?", "kauf(?:mann|frau)", "fachkraft",
        "helfer(?:in)?", "pfleger(?:in)?", "verwalter(?:in)?", "bauer(?:in)?", "macher(?:in)?",
        "wirt(?:in)?", "gestalter(?:in)?", "planer(?:in)?", "tischler(?:in)?", "kellner(?:in)?",
        "meister(?:in)?",
    ),
    "fr": ("eur", "euse", "rice", "ier", "iere", "iste", "ien", "ienne", "logue", "metre"),
    "es": ("ero", "era", "ista", "logo", "loga", "ario", "aria"),
}

# ------------------------------------------------------------ writing matched words back

# Written in capitals when a reason quotes them.
ACRONYMS: dict[str, Words] = {
    "en": (
        "vp", "vps", "md", "gm", "avp", "ned", "hr", "it", "ai", "hrbp", "qa", "sre", "ux", "ui",
        "pr", "emea", "apac", "uk", "us", "eu", "dop", "eir", "cdl", "mba", "phd", "rn",
    ),
    "fr": ("pdg", "dg", "drh", "dsi", "daf", "dga"),
}
# Kept in lower case after the first word.
SMALL_WORDS: dict[str, Words] = {
    "en": ("of", "the", "and", "to", "in", "at", "for", "with", "a"),
    "de": ("der",),
    "fr": ("de", "du", "des", "la", "le", "et", "en"),
    "es": ("de", "la", "y", "el", "del", "los", "las", "en", "a"),
}
# Folded words given back their accents.
ACCENTED: dict[str, dict[str, str]] = {
    "de": {
        "geschaftsfuhrer": "Geschäftsführer", "geschaftsfuhrerin": "Geschäftsführerin",
        "geschaftsfuhrung": "Geschäftsführung", "geschaftsfuhrender": "Geschäftsführender",
        "geschaftsfuhrende": "Geschäftsführende", "grunder": "Gründer", "grunderin": "Gründerin",
        "mitgrunder": "Mitgründer", "mitgrunderin": "Mitgründerin", "kuchenchef": "Küchenchef",
        "prasident": "Präsident", "prasidentin": "Präsidentin",
        "kaufmannischer": "Kaufmännischer", "sekretarin": "Sekretärin", "schuler": "Schüler",
    },
    "fr": {
        "etudiant": "Étudiant", "etudiante": "Étudiante", "generale": "générale",
        "associe": "Associé", "associee": "Associée", "gerant": "Gérant", "gerante": "Gérante",
    },
    "es": {"dueno": "Dueño", "duena": "Dueña"},
}
