"""The policy file: checked on load, with an error that says where; the facts it must hold."""

from __future__ import annotations

import datetime

import pytest
import yaml

from panah.rules.policy import DEFAULT_POLICY, PolicyError, load_policy, parse_policy

D = datetime.date


def policy_data() -> dict:
    return yaml.safe_load(DEFAULT_POLICY.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d["phases"][0].update(sources=["nowhere"]),
            "phases/0: unknown source id(s) nowhere",
        ),
        (
            lambda d: d["phases"][0].update(enforcement_from="1 Nov 2023"),
            "invalid at phases/0/enforcement_from",
        ),
        (
            lambda d: d["phases"][0].update(enforcement_from="2023-02-30"),
            "phases/0/enforcement_from: '2023-02-30' is not a real date",
        ),
        (
            lambda d: d["phases"][0].update(deadline="2023-11-01"),
            "phases/0: the deadline must come before",
        ),
        (
            lambda d: d["phases"].append(dict(d["phases"][0])),
            "phase1 already has a decision on 2023-10-03",
        ),
        (lambda d: d["phases"][0].pop("decided_on"), "'decided_on' is a required property"),
        (lambda d: d["phases"][0].update(groups=["visa"]), "invalid at phases/0/groups/0"),
        (
            lambda d: d["por_validity"][0].pop("effective_on"),
            "'effective_on' is a required property",
        ),
        (
            lambda d: d["por_validity"][0].update(valid_until="2000-01-01"),
            "por_validity/0: valid_until is before effective_on",
        ),
        (
            lambda d: d["por_validity"][0].update(confidence="sure"),
            "invalid at por_validity/0/confidence",
        ),
        (lambda d: d["document_types"].pop("tazkira"), "'tazkira' is a required property"),
        (
            lambda d: d["document_types"].update(green_card=d["document_types"]["visa"]),
            "Additional properties",
        ),
        (lambda d: d["protections"].pop("custody_24h"), "'custody_24h' is a required property"),
        (lambda d: d.update(version=""), "invalid at version"),
    ],
)
def test_a_bad_policy_is_refused_with_a_message_that_says_where(change, message):
    data = policy_data()
    change(data)
    with pytest.raises(PolicyError) as error:
        parse_policy(data)
    assert message in str(error.value)


def test_an_unreadable_or_non_mapping_file_is_refused_naming_the_file(tmp_path):
    with pytest.raises(PolicyError, match="cannot read policy file .*missing.yaml"):
        load_policy(tmp_path / "missing.yaml")
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(PolicyError, match="list.yaml: the policy must be a mapping"):
        load_policy(listing)


def test_unquoted_yaml_dates_are_accepted(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(
        DEFAULT_POLICY.read_text(encoding="utf-8").replace('"2023-10-03"', "2023-10-03"),
        encoding="utf-8",
    )
    assert load_policy(path) == load_policy()


def test_the_policy_holds_the_known_phases_as_facts_md_gives_them():
    policy = load_policy()
    current = {p.code: p for p in policy.phases_known_on(D(2026, 5, 31))}
    assert (
        current["phase1"].decided_on,
        current["phase1"].deadline,
        current["phase1"].enforcement_from,
    ) == (D(2023, 10, 3), D(2023, 10, 31), D(2023, 11, 1))
    assert current["phase1"].groups == {"undocumented"}
    assert (
        current["phase2"].decided_on,
        current["phase2"].deadline,
        current["phase2"].enforcement_from,
    ) == (D(2025, 3, 7), D(2025, 3, 31), D(2025, 4, 1))
    assert current["phase2"].groups == {"acc", "undocumented"}
    assert (current["phase3"].decided_on, current["phase3"].enforcement_from) == (
        D(2025, 8, 4),
        D(2025, 9, 1),
    )
    first_phase3 = policy.phases_known_on(D(2025, 8, 1))[-1]
    assert (first_phase3.code, first_phase3.enforcement_from) == ("phase3", D(2025, 7, 31))
    (end,) = policy.por_end
    assert (end.decided_on, end.ended_on) == (D(2025, 7, 31), D(2025, 6, 30))
    assert max(v.valid_until for v in policy.por_validity) == D(2025, 6, 30)


def test_every_entry_cites_facts_md_and_carries_a_confidence_label():
    policy = load_policy()
    assert all(text.startswith("shared/domain/facts.md §") for text in policy.sources.values())
    entries = [
        *policy.documents.values(),
        *policy.por_validity,
        *policy.por_end,
        *policy.phases,
        *policy.protections.values(),
    ]
    assert all(e.sources and e.confidence in {"firm", "likely", "uncertain"} for e in entries)
    assert all(p.law for p in policy.protections.values())


def test_uncertain_facts_stay_marked_uncertain():
    policy = load_policy()
    assert policy.documents["acc"].confidence == "uncertain"  # validity unknown after 2019 (§1.2)
    assert policy.documents["umrf"].confidence == "uncertain"  # treatment not reported (§1.9)
    assert policy.documents["poc"].confidence == "likely"  # §1.6
    assert policy.protections["non_refoulement"].confidence != "firm"  # CAT reservation (§3.6)


def test_engine_and_policy_loading_import_nothing_from_django():
    import subprocess
    import sys

    code = (
        "import sys, datetime\n"
        "from panah.rules.engine import PersonFacts, assess\n"
        "from panah.rules.policy import load_policy\n"
        "assess(PersonFacts(), datetime.date(2025, 1, 1), load_policy())\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "[]"
