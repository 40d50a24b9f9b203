"""Matching a typed place name against a list, in Latin or Arabic script (pure, no Django).

"brewery", "Brewry thana", "بروری" and "تھانہ بروری" all find Brewery Police Station. The score
of an option is its best name's: rapidfuzz similarity of the transliterated match forms
(`panah.matching.names.match_form`), a prefix bonus for a name begun ("bij" → Bijli Road) and
the cross-script consonant skeleton when it is long enough to mean something.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from panah.matching import names
from panah.selfservice.normalise import place_form

# Above SURE and clearly ahead of the next option: taken without asking.
SURE = 88
# How far ahead the best option must be to be taken without asking.
MARGIN = 8
# At least this: offered as "which one?".
POSSIBLE = 62
MAX_OFFERED = 5


@dataclass(frozen=True)
class Scored:
    option_id: str
    score: float


@lru_cache(maxsize=4096)
def _forms(text: str) -> tuple[str, str]:
    plain = place_form(text)
    return names.match_form(plain), names.skeleton_key(plain) if plain else ""


def _score(query: str, name: str) -> float:
    q_form, q_skeleton = _forms(query)
    n_form, n_skeleton = _forms(name)
    if not q_form or not n_form:
        return 0.0
    score = max(fuzz.ratio(q_form, n_form), fuzz.token_sort_ratio(q_form, n_form))
    if len(q_form) >= 3 and n_form.startswith(q_form):
        score = max(score, 90.0 if len(q_form) >= 5 else 80.0)
    if len(q_skeleton) >= 3 and q_skeleton == n_skeleton:
        score = max(score, 90.0)
    return float(score)


def rank(query: str, options: Iterable[tuple[str, Sequence[str]]]) -> list[Scored]:
    """Return the options (id, names) scoring at least POSSIBLE, best first."""
    scored = []
    for option_id, option_names in options:
        best = max((_score(query, name) for name in option_names if name), default=0.0)
        if best >= POSSIBLE:
            scored.append(Scored(option_id, best))
    scored.sort(key=lambda s: -s.score)
    return scored


def decide(ranked: Sequence[Scored]) -> tuple[str | None, tuple[str, ...]]:
    """Return (the one option to take, or None; the options to offer when not sure)."""
    if not ranked:
        return None, ()
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score >= SURE and best.score - runner_up >= MARGIN:
        return best.option_id, ()
    return None, tuple(s.option_id for s in ranked[:MAX_OFFERED])
