"""The public home of the eligibility engine: ``roundtable.eligibility.assess`` is a contract.

The engine lives in ``roundtable.domain.eligibility``; organizers' scripts and outside checks
import it from here, so this path stays stable whatever the package's inside looks like.
"""

from __future__ import annotations

from roundtable.domain.eligibility import Outcome, Verdict, assess

__all__ = ["Outcome", "Verdict", "assess"]
