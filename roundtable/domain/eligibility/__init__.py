"""Read a job title and a declared level and decide Director+ eligibility.

This package implements the organizers' policy (``docs/eligibility-policy.md``) and is pure:
standard library plus :mod:`roundtable.domain.seniority`, no Flask, no I/O. ``assess`` never raises.
Step 0 lives in ``normalise``, step 1 in ``rules`` (one role) and ``roles`` (a whole title), step 2
in ``policy``; the word lists they read with are data in ``vocabulary``, per language where they
are words of a language.

Rule ids: every rule in ``rules`` names the policy rule it implements (E1…E8, I1…I8, R1…R11, the
ids of ``docs/eligibility-policy.md``; ``RULE_IDS`` lists them). A ``Verdict`` carries
``reasons`` (sentences for a person) and ``rules`` (the ids that decided the title's class, e.g.
``("I7",)``); ``roles`` adds the ids that markers and combinations decide: R3 (a VP as a bank
grade), R7 (a range), R10 (a solo marker), R11 (former or emeritus), I2 (a learner's marker), I7
(a leadership word naming a team: "Developer – Office of the CTO", "Bureau du PDG"), I8 (retired).
An empty title has no rule id; a title in another script is ``unknown`` with the reason that it
could not be read (review at the minimum level or above, ineligible below).

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

``policy.STEP_TWO`` is this table as code.

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

from dataclasses import dataclass

from roundtable.domain.eligibility.normalise import MAX_RAW_CHARS
from roundtable.domain.eligibility.policy import Outcome, combine
from roundtable.domain.eligibility.roles import read_title
from roundtable.domain.eligibility.rules import RULE_IDS, TITLE_CLASSES
from roundtable.domain.seniority import Seniority

__all__ = ["Outcome", "Verdict", "assess", "RULE_IDS", "TITLE_CLASSES"]


@dataclass(frozen=True, slots=True)
class Verdict:
    """The outcome of an assessment, its readable reasons, how the title read and the rule ids.

    ``reasons`` are sentences for a person; ``rules`` are the ids of the policy rules that decided
    the title's class (``("I7",)``), for organizers and tests, empty when no rule applies (an
    empty or unreadable title).
    """

    outcome: Outcome
    reasons: tuple[str, ...]
    title_class: str
    title_level: Seniority | None
    rules: tuple[str, ...] = ()


def assess(
    title: str | None,
    declared_level: str | Seniority | None,
    minimum_level: str | Seniority = Seniority.DIRECTOR,
) -> Verdict:
    """Assess a job title and a declared level against the Director+ policy."""
    raw = title if isinstance(title, str) else ("" if title is None else str(title))
    reading = read_title(raw[:MAX_RAW_CHARS])
    outcome, reasons = combine(reading, declared_level, minimum_level)
    return Verdict(outcome, reasons, reading.cls, reading.level, reading.rules)
