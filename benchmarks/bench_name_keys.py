"""Name keys measured: how often two spellings of one name get the same key, and two names do.

Pairs come from panah.matching.synthetic.vary_name over its name lists (the true name is known):
  same       two registered spellings of one name (should share a key)
  different  spellings of two different names (should not)
plus, on the development set if present, the given names of two records of one person.

Keys: the cleaned text; Panah's match key, phonetic key and consonant skeleton; Double
Metaphone (the `metaphone` package; primary or alternate code overlapping, spaces removed) on
the cleaned text and on Panah's match key. The anchor is Double Metaphone on the cleaned text.

Run:  .venv/bin/python benchmarks/bench_name_keys.py
"""

from __future__ import annotations

import csv
import random
import sys
from collections import defaultdict
from collections.abc import Callable
from itertools import combinations
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from metaphone import doublemetaphone  # noqa: E402

from panah.matching import synthetic  # noqa: E402
from panah.matching.names import clean, match_key, phonetic_key, skeleton_key  # noqa: E402

DEV = ROOT.parent / "shared" / "data" / "dedupe-dev"


def _dm(text: str) -> frozenset[str]:
    return frozenset(code for code in doublemetaphone(text.replace(" ", "")) if code)


KEYS: dict[str, Callable[[str, str], bool]] = {
    "cleaned text": lambda a, b: clean(a) == clean(b),
    "Double Metaphone (anchor)": lambda a, b: bool(_dm(clean(a)) & _dm(clean(b))),
    "Double Metaphone of match key": lambda a, b: bool(_dm(match_key(a)) & _dm(match_key(b))),
    "match key": lambda a, b: match_key(a) == match_key(b),
    "phonetic key": lambda a, b: phonetic_key(a) == phonetic_key(b),
    "skeleton": lambda a, b: skeleton_key(a) == skeleton_key(b),
}


def main() -> None:
    rng = random.Random(5)
    names = [*synthetic.MALE, *synthetic.FEMALE, *synthetic.FAMILY]
    same = [
        (synthetic.vary_name(rng, n, arabic=0.1), synthetic.vary_name(rng, n, arabic=0.1))
        for n in names
        for _ in range(40)
    ]
    different = []
    for _ in range(20_000):
        one, other = rng.sample(names, 2)
        different.append((synthetic.vary_name(rng, one), synthetic.vary_name(rng, other)))
    dev: list[tuple[str, str]] = []
    if (DEV / "records.csv").exists():
        with (DEV / "records.csv").open(encoding="utf-8") as handle:
            given = {r["record_id"]: r["given_name"] for r in csv.DictReader(handle)}
        with (DEV / "truth.csv").open(encoding="utf-8") as handle:
            people: dict[str, list[str]] = defaultdict(list)
            for row in csv.DictReader(handle):
                people[row["entity_id"]].append(given[row["record_id"]])
        dev = [pair for group in people.values() for pair in combinations(group, 2)]

    print(f"{'key':32} {'same name':>10} {'different':>10} {'dev same person':>16}")
    for label, equal in KEYS.items():
        hit = sum(equal(a, b) for a, b in same) / len(same)
        false = sum(equal(a, b) for a, b in different) / len(different)
        dev_hit = sum(equal(a, b) for a, b in dev) / len(dev) if dev else float("nan")
        print(f"{label:32} {hit:10.3f} {false:10.4f} {dev_hit:16.3f}")
    print(
        f"({len(same):,} same-name pairs, {len(different):,} different-name pairs, "
        f"{len(dev):,} dev pairs; 'different' is a false-match rate, lower is better)"
    )


if __name__ == "__main__":
    main()
