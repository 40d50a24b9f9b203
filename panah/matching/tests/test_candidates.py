"""dedupe.candidates: the pairs for human review, with the level of each compared field."""

from __future__ import annotations

import datetime as dt

from panah.matching.dedupe import LEVEL_CODES, Options, candidates
from panah.matching.records import Record


def _record(n: int, **fields: object) -> Record:
    return Record(line=n, record_id=str(n), **fields)  # type: ignore[arg-type]


def test_a_likely_pair_comes_with_its_levels_and_weights() -> None:
    records = [
        _record(
            1,
            given_name="Gul Agha",
            family_name="Achakzai",
            father_name="Nazar Mohammad",
            sex="M",
            yob=1985,
            phone="+923001234567",
        ),
        _record(
            2,
            given_name="Gul Aga",
            family_name="Achakzai",
            father_name="Nazar Muhammad",
            sex="M",
            yob=1987,
            phone="+923001234567",
        ),
        _record(3, given_name="Zarghona", father_name="Abdul Ghani", sex="F", yob=1990),
    ]
    [pair] = candidates(records)
    assert (pair.left, pair.right) == (0, 1)
    assert pair.probability >= Options().review_threshold
    assert pair.levels["phone"] == "same"
    assert pair.levels["family"] == "exact"
    assert pair.levels["father"] == "exact"  # Muhammad and Mohammad share a match key
    assert pair.levels["given"] == "exact"  # so do Agha and Aga
    assert pair.levels["dob"] == "within_2"
    assert "document" not in pair.levels  # neither record has one: no evidence either way
    assert pair.weights["phone"] > 0 > pair.weights["dob"]
    for name, code in pair.levels.items():
        assert code in LEVEL_CODES[name]


def test_siblings_come_with_the_clustering_reason() -> None:
    common = {
        "family_name": "Achakzai",
        "father_name": "Nazar Mohammad",
        "phone": "+923001234567",
        "dob": dt.date(1990, 1, 1),
        "yob": 1990,
    }
    records = [
        _record(1, given_name="Gul Agha", sex="M", **common),
        _record(2, given_name="Shah Wali", sex="M", **common),
    ]
    found = candidates(records)
    assert [p.reason for p in found] in ([], ["given names differ"])
    if found:
        assert found[0].levels["given"] == "different"


def test_fewer_than_two_records_give_no_candidates() -> None:
    assert candidates([]) == []
    assert candidates([_record(1, given_name="Gul")]) == []


def test_one_name_in_the_other_field_is_no_swap_but_both_are() -> None:
    common = {"father_name": "Nazar Mohammad", "sex": "F", "yob": 1990}
    records = [
        _record(1, given_name="Roya", family_name="Mohammadi", **common),
        _record(2, given_name="Mohammadi", family_name="Hasina", **common),
        _record(3, given_name="Mohammadi", family_name="Roya", **common),
    ]
    levels = {(p.left, p.right): p.levels for p in candidates(records, Options(review_threshold=0))}

    assert levels[(0, 2)]["given"] == levels[(0, 2)]["family"] == "swapped"
    if (0, 1) in levels:  # two people sharing a name in different fields
        assert "swapped" not in (levels[(0, 1)]["given"], levels[(0, 1)]["family"])


def test_swapped_names_with_a_typo_are_still_seen_as_swapped() -> None:
    common = {"father_name": "Haji Juma", "sex": "M", "yob": 2008}
    records = [
        _record(1, given_name="Ahmd", family_name="Kakar", **common),
        _record(2, given_name="Kakar", family_name="Ahmad", **common),
        _record(3, given_name="Ahmad", family_name="Kakari", **common),
    ]
    levels = {(p.left, p.right): p.levels for p in candidates(records, Options(review_threshold=0))}

    assert levels[(0, 1)]["given"] == levels[(0, 1)]["family"] == "swapped_misspelt"
    # Names in their own places, one of them a little different: no swap.
    assert "swapped_misspelt" not in (levels[(0, 2)]["given"], levels[(0, 2)]["family"])


def test_addresses_are_compared_when_records_have_them() -> None:
    common = {"given_name": "Zarghona", "father_name": "Abdul Ghani", "sex": "F", "yob": 1990}
    records = [
        _record(1, address="House 12, Pashtunabad, Quetta", **common),
        _record(2, address="Pashtunabad Quetta, house 12", **common),
    ]
    [pair] = candidates(records)
    assert pair.levels["address"] == "same"  # the same words in another order

    without = [_record(n, **common) for n in (1, 2)]
    assert all("address" not in p.levels for p in candidates(without))
