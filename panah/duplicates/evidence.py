"""The words a reviewer reads for the model's evidence codes (stored codes, translated here).

The codes are panah.matching.dedupe.LEVEL_CODES, one per compared field and level, and the
clustering's reasons for sending a pair to review. tests/test_evidence.py checks every code
the model can produce has words here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

LEVEL_LABELS: dict[str, dict[str, Promise]] = {
    "given": {
        "exact": _("same given name"),
        "phonetic": _("same given name (spelling variant)"),
        "spelling": _("given name spelled almost the same"),
        "skeleton": _("given names alike (same consonants, or the same without Mohammad)"),
        "swapped": _("given and family names swapped"),
        "swapped_misspelt": _("given and family names swapped, one spelled differently"),
        "similar": _("given names somewhat alike"),
        "different": _("different given names"),
    },
    "family": {
        "exact": _("same family name"),
        "phonetic": _("same family name (spelling variant)"),
        "spelling": _("family name spelled almost the same"),
        "skeleton": _("family names alike (same consonants)"),
        "swapped": _("family and given names swapped"),
        "swapped_misspelt": _("family and given names swapped, one spelled differently"),
        "similar": _("family names somewhat alike"),
        "different": _("different family names"),
    },
    "father": {
        "exact": _("same father's name"),
        "phonetic": _("same father's name (spelling variant)"),
        "spelling": _("father's name spelled almost the same"),
        "skeleton": _("fathers' names alike (same consonants, or the same without Mohammad)"),
        "similar": _("fathers' names somewhat alike"),
        "different": _("different father's names"),
    },
    "dob": {
        "same_date": _("same date of birth"),
        "same_year_one_date": _("same year of birth (one record has the year only)"),
        "day_month_year_apart": _("same birthday, years one apart"),
        "same_year": _("same year of birth, different day"),
        "within_2": _("years of birth at most two apart"),
        "different": _("different year of birth"),
    },
    "sex": {"same": _("same sex"), "different": _("different sex")},
    "phone": {"same": _("same phone"), "different": _("different phones")},
    "document": {
        "same": _("same document number"),
        "one_edit": _("document numbers one character apart"),
        "different": _("different document numbers"),
    },
}

# The clustering's reasons (panah.matching.dedupe.cluster) as stored codes, and their words.
REASON_CODES: dict[str, str] = {
    "uncertain": "uncertain",
    "given names differ": "given_names_differ",
    "cluster size cap": "large_group",
    "different document numbers": "documents_differ",
    "different sex": "sex_differs",
    "years of birth too far apart": "years_apart",
    "a pair in the clusters is a clear non-match": "contradiction",
}
REASON_LABELS: dict[str, Promise] = {
    "uncertain": _("The model is unsure about this pair."),
    "given_names_differ": _(
        "The given names have nothing in common: these may be brothers or sisters."
    ),
    "large_group": _("These records belong to a large group of similar records."),
    "documents_differ": _("Records linked to these two carry different document numbers."),
    "sex_differs": _("Records linked to these two are of different sexes."),
    "years_apart": _("Records linked to these two were born years apart."),
    "contradiction": _("Records linked to these two clearly differ from each other."),
    "other": _("The model could not decide this pair alone."),
}


def reason_code(reason: str) -> str:
    """Return the stored code of a clustering reason ("" for none, "other" if unknown)."""
    if not reason:
        return ""
    return REASON_CODES.get(reason, "other")


@dataclass(frozen=True)
class Line:
    label: Promise
    weight: float

    @property
    def supports(self) -> bool:
        return self.weight > 0


def evidence_lines(evidence: list[dict[str, Any]]) -> list[Line]:
    """Return the evidence as labelled lines, strongest for or against first."""
    lines = []
    for item in evidence:
        label = LEVEL_LABELS.get(item.get("field", ""), {}).get(item.get("level", ""))
        if label is not None:
            lines.append(Line(label=label, weight=float(item.get("weight", 0.0))))
    lines.sort(key=lambda line: -abs(line.weight))
    return lines
