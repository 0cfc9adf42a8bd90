"""Eligibility engine agreement with the labelled titles: the held-out part, the rest, per language.

For each part it prints the rows, the agreement (verdict equals the label), the false-accept rate
(verdict eligible where the label is not, over all rows of the part), the eligible recall (labelled
eligible and read so) and the review recall (labelled review and read so). ``--misses`` lists the
development corpus's misses; the held-out part's misses are never listed, so tuning cannot see them.

    python bench/eligibility_agreement.py [--misses]
"""

from __future__ import annotations

import argparse
import csv
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from roundtable.eligibility import assess

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
CORPUS = DATA / "eligibility_corpus.tsv"
HELDOUT = DATA / "eligibility_heldout.tsv"


@dataclass(frozen=True)
class Row:
    """One labelled title."""

    title: str
    declared: str | None
    expected: str
    note: str
    source: str

    @property
    def language(self) -> str:
        """Return the language a real-title row names in its note, or "project"."""
        parts = self.note.split()
        if self.source != "project" and len(parts) >= 2:
            return parts[1]
        return "project"


def load(path: Path) -> list[Row]:
    """Return the labelled rows of a TSV file, comments skipped."""
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        return [
            Row(
                r["title"],
                r["declared_level"] or None,
                r["expected_outcome"],
                r["note"],
                r["source"],
            )
            for r in reader
            if not r["title"].startswith("# ")
        ]


def figures(rows: list[Row]) -> dict[str, float]:
    """Return agreement, false-accept rate, eligible recall and review recall of some rows."""
    got = [assess(row.title, row.declared).outcome.value for row in rows]
    n = len(rows)
    pairs = list(zip(got, (row.expected for row in rows), strict=True))
    eligible = [g for g, e in pairs if e == "eligible"]
    review = [g for g, e in pairs if e == "review"]
    return {
        "rows": n,
        "agreement": sum(g == e for g, e in pairs) / n if n else 1.0,
        "false_accepts": sum(g == "eligible" != e for g, e in pairs) / n if n else 0.0,
        "eligible_recall": eligible.count("eligible") / len(eligible) if eligible else 1.0,
        "review_recall": review.count("review") / len(review) if review else 1.0,
    }


def line(name: str, f: dict[str, float]) -> str:
    """Return one printed line of figures."""
    return (
        f"{name:<26} {int(f['rows']):>5}  {f['agreement']:7.1%}  {f['false_accepts']:7.1%}  "
        f"{f['eligible_recall']:7.1%}  {f['review_recall']:7.1%}"
    )


def main() -> None:
    """Print the figures for each part and, on request, the development misses."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list the development misses")
    args = parser.parse_args()
    corpus, heldout = load(CORPUS), load(HELDOUT)
    real = [row for row in corpus if row.source != "project"]
    print(f"{'part':<26} {'rows':>5}  {'agree':>7}  {'f-acc':>7}  {'elig-r':>7}  {'rev-r':>7}")
    print(line("held-out (real titles)", figures(heldout)))
    project = {row.title.casefold() for row in corpus if row.source == "project"}
    unseen = [row for row in heldout if row.title.casefold() not in project]
    print(line("  of it not a project row", figures(unseen)))
    print(line("development corpus", figures(corpus)))
    print(line("  of it real titles", figures(real)))
    print(line("whole (corpus + held-out)", figures(corpus + heldout)))
    by_language: dict[str, list[Row]] = defaultdict(list)
    for row in real + heldout:
        by_language[row.language].append(row)
    for language in sorted(by_language):
        print(line(f"  real titles, {language}", figures(by_language[language])))
    if args.misses:
        for row in corpus:
            verdict = assess(row.title, row.declared)
            if verdict.outcome.value != row.expected:
                print(
                    f"MISS {row.title!r} {row.declared} want {row.expected} got "
                    f"{verdict.outcome.value} [{row.note}] {verdict.reasons[0]}"
                )


if __name__ == "__main__":
    main()
