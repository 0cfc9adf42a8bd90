"""Eligibility engine speed: assessments per second on the labelled corpus.

The baseline, measured in the same run on the same titles, is the cheapest thing a signup does
with a title anyway (unicodedata NFKC normalisation and casefold). The engine's cache is cleared
before each run so every title is analysed. Prints medians over several runs and the ratio.

    python bench/eligibility_speed.py [--runs 7]
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
import unicodedata
from pathlib import Path

from roundtable.domain import eligibility

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "eligibility_corpus.tsv"


def load() -> list[tuple[str, str]]:
    with CORPUS.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [(r["title"], r["declared_level"]) for r in rows if not r["title"].startswith("#")]


def timed(func, rows) -> float:
    began = time.perf_counter()
    for title, level in rows:
        func(title, level)
    return len(rows) / (time.perf_counter() - began)


def clear_cache() -> None:
    for value in vars(eligibility).values():
        if hasattr(value, "cache_clear"):
            value.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    rows = load()
    engine, baseline = [], []
    for _ in range(args.runs):
        clear_cache()
        engine.append(timed(eligibility.assess, rows))
        baseline.append(timed(lambda t, _l: unicodedata.normalize("NFKC", t).casefold(), rows))
    e, b = statistics.median(engine), statistics.median(baseline)
    print(f"{len(rows)} titles, median of {args.runs} runs")
    print(f"assess():  {e:10.0f} per second ({1e6 / e:.1f} µs each)")
    print(f"baseline:  {b:10.0f} per second ({1e6 / b:.2f} µs each)")
    print(f"ratio engine/baseline time: x{b / e:.0f}")


if __name__ == "__main__":
    main()
