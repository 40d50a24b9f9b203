"""Pairwise precision, recall and F1 of a clustering against the truth."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence


def _pairs(counts: Counter[tuple[Hashable, ...]]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_scores(
    predicted: Sequence[Hashable], truth: Sequence[Hashable]
) -> tuple[float, float, float]:
    """Return (precision, recall, F1) over record pairs; inputs are cluster ids per record.

    Counts pairs through cluster sizes (no pair enumeration), so it is fast on a million records.
    """
    if len(predicted) != len(truth):
        raise ValueError("predicted and truth must have one entry per record")
    together = _pairs(Counter(zip(predicted, truth, strict=True)))
    predicted_pairs = _pairs(Counter((p,) for p in predicted))
    true_pairs = _pairs(Counter((t,) for t in truth))
    precision = together / predicted_pairs if predicted_pairs else 1.0
    recall = together / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1
