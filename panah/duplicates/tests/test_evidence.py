"""Every level the model can report has words for the reviewer, and the codes follow the model."""

from __future__ import annotations

from panah.duplicates.evidence import LEVEL_LABELS, REASON_LABELS, evidence_lines, reason_code
from panah.matching import dedupe


def test_every_comparison_level_of_the_model_has_a_code_and_words() -> None:
    settings = dedupe.settings_for().get_settings("duckdb")
    for comparison in settings.comparisons:
        name = comparison.output_column_name
        levels = [level for level in comparison.comparison_levels if not level.is_null_level]
        codes = dedupe.LEVEL_CODES[name]
        assert len(codes) == len(levels), name
        # Splink numbers the levels from the last (0) up: the first is the best agreement.
        for level, code in zip(levels, codes, strict=True):
            assert dedupe.level_code(name, level._comparison_vector_value) == code
        assert set(codes) == set(LEVEL_LABELS[name]), name
    assert set(dedupe.LEVEL_CODES) == set(LEVEL_LABELS)


def test_reasons_become_codes_with_words() -> None:
    assert reason_code("") == ""
    assert reason_code("given names differ") == "given_names_differ"
    assert reason_code("something new") == "other"
    assert "brothers or sisters" in str(REASON_LABELS["given_names_differ"])


def test_evidence_lines_read_strongest_first_and_skip_unknown_codes() -> None:
    lines = evidence_lines(
        [
            {"field": "sex", "level": "same", "weight": 0.9},
            {"field": "dob", "level": "different", "weight": -4.5},
            {"field": "phone", "level": "same", "weight": 11.5},
            {"field": "phone", "level": "no-such-level", "weight": 50},
        ]
    )
    assert [str(line.label) for line in lines] == [
        "same phone",
        "different year of birth",
        "same sex",
    ]
    assert [line.supports for line in lines] == [True, False, True]
