# ruff: noqa: E501  (one scenario per line reads as a table)
"""Scenario table: documents × dates, run through `panah rules assess`, each row citing the
fact it rests on (shared/domain/facts.md)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command

POR = {"type": "por", "number": "PoR-1", "issued": "2021-06-01", "expires": "2023-06-30"}
ACC = {"type": "acc", "number": "ACC-1", "issued": "2017-09-01"}
UMRF = {"type": "umrf", "issued": "2021-08-01"}
TAZKIRA = {"type": "tazkira", "number": "1400-0101-12345"}
PASSPORT = {
    "type": "passport",
    "number": "P01234567",
    "issued": "2022-01-01",
    "expires": "2032-01-01",
}


def visa(expires=None, issued="2025-01-01"):
    doc = {"type": "visa", "issued": issued}
    if expires:
        doc["expires"] = expires
    return doc


# (id, input without "on", on, risk, status, flags, fact)
SCENARIOS = [
    (
        "no papers before the plan",
        {},
        "2023-09-01",
        "medium",
        "undocumented",
        [],
        "§2.1 3 Oct 2023",
    ),
    (
        "no papers, phase 1 announced",
        {},
        "2023-10-10",
        "elevated",
        "undocumented",
        [],
        "§2.1 phase 1",
    ),
    (
        "no papers, phase 1 in force",
        {},
        "2023-11-02",
        "high",
        "undocumented",
        [],
        "§2.1 1 Nov 2023",
    ),
    (
        "tazkira only",
        {"documents": [TAZKIRA]},
        "2024-06-01",
        "high",
        "undocumented",
        [],
        "§1.3, §1.8",
    ),
    (
        "passport without visa",
        {"documents": [PASSPORT]},
        "2026-01-15",
        "high",
        "undocumented",
        [],
        "§1.4, §1.8",
    ),
    (
        "asylum-seeker slip before the plan",
        {"documents": [{"type": "unhcr_asylum_seeker"}]},
        "2023-08-01",
        "medium",
        "undocumented",
        ["unhcr_intervention"],
        "§1.7",
    ),
    (
        "refugee certificate, phase 1",
        {"documents": [{"type": "unhcr_refugee"}]},
        "2023-12-01",
        "high",
        "undocumented",
        ["unhcr_intervention", "non_refoulement_concern"],
        "§1.7, §3.6",
    ),
    (
        "asylum claim pending, phase 1 announced",
        {"asylum_claim_pending": True},
        "2023-10-05",
        "elevated",
        "undocumented",
        ["unhcr_intervention", "non_refoulement_concern"],
        "§1.7",
    ),
    (
        "ACC, phase 1 does not target it",
        {"documents": [ACC]},
        "2023-11-05",
        "medium",
        "acc_holder",
        [],
        "§1.2, §2.1",
    ),
    ("ACC in 2024", {"documents": [ACC]}, "2024-01-10", "medium", "acc_holder", [], "§1.2"),
    (
        "ACC the week before phase 2",
        {"documents": [ACC]},
        "2025-03-01",
        "medium",
        "acc_holder",
        [],
        "§2.1 7 Mar 2025",
    ),
    (
        "ACC, phase 2 announced",
        {"documents": [ACC]},
        "2025-03-08",
        "elevated",
        "acc_holder",
        [],
        "§2.1 7 Mar 2025",
    ),
    (
        "ACC on the phase 2 deadline",
        {"documents": [ACC]},
        "2025-03-31",
        "elevated",
        "acc_holder",
        [],
        "§2.1 31 Mar 2025",
    ),
    (
        "ACC, phase 2 in force",
        {"documents": [ACC]},
        "2025-04-01",
        "high",
        "acc_holder",
        [],
        "§2.1 1 Apr 2025",
    ),
    ("ACC in 2026", {"documents": [ACC]}, "2026-02-01", "high", "acc_holder", [], "§2.1"),
    (
        "PoR, four months of validity left",
        {"documents": [POR]},
        "2023-03-01",
        "low",
        "por_valid",
        [],
        "§1.1 DRIVE to 30 Jun 2023",
    ),
    (
        "PoR, validity ends within 60 days",
        {"documents": [POR]},
        "2023-05-01",
        "elevated",
        "por_valid",
        ["non_refoulement_concern"],
        "§1.1",
    ),
    (
        "PoR lapsed, no extension known yet",
        {"documents": [POR]},
        "2023-08-01",
        "high",
        "por_lapsed",
        ["non_refoulement_concern"],
        "§1.1 (extension decided 10 Nov 2023)",
    ),
    (
        "PoR the day before the Nov 2023 extension",
        {"documents": [POR]},
        "2023-11-09",
        "high",
        "por_lapsed",
        ["non_refoulement_concern"],
        "§1.1 bitemporal",
    ),
    (
        "PoR on the day of the Nov 2023 extension",
        {"documents": [POR]},
        "2023-11-10",
        "elevated",
        "por_valid",
        ["non_refoulement_concern"],
        "§1.1 to 31 Dec 2023",
    ),
    (
        "PoR, extension to 31 Mar 2024",
        {"documents": [POR]},
        "2024-01-15",
        "low",
        "por_valid",
        [],
        "§1.1 to 31 Mar 2024",
    ),
    (
        "PoR, 60 days before 30 Jun 2024",
        {"documents": [POR]},
        "2024-05-01",
        "elevated",
        "por_valid",
        ["non_refoulement_concern"],
        "§1.1 to 30 Jun 2024",
    ),
    (
        "PoR after the Jul 2024 extension",
        {"documents": [POR]},
        "2024-08-01",
        "low",
        "por_valid",
        [],
        "§1.1 to 30 Jun 2025",
    ),
    (
        "PoR, last validity ends soon",
        {"documents": [POR]},
        "2025-05-01",
        "elevated",
        "por_valid",
        ["non_refoulement_concern"],
        "§1.1",
    ),
    (
        "PoR in July 2025, before the SRO",
        {"documents": [POR]},
        "2025-07-15",
        "high",
        "por_lapsed",
        ["non_refoulement_concern"],
        "§1.1 30 Jun 2025",
    ),
    (
        "PoR after the SRO, phase 3 announced",
        {"documents": [POR]},
        "2025-08-10",
        "high",
        "por_lapsed",
        ["non_refoulement_concern"],
        "§1.1 SRO 31 Jul 2025; §2.1",
    ),
    (
        "PoR, phase 3 in force",
        {"documents": [POR]},
        "2025-09-02",
        "high",
        "por_lapsed",
        ["non_refoulement_concern"],
        "§2.1 1 Sep 2025",
    ),
    (
        "UMRF certificate in 2025",
        {"documents": [UMRF]},
        "2025-01-01",
        "medium",
        "umrf_holder",
        [],
        "§1.9 [uncertain]",
    ),
    (
        "UMRF certificate, phase 3 in force",
        {"documents": [UMRF]},
        "2026-03-01",
        "high",
        "umrf_holder",
        ["non_refoulement_concern"],
        "§1.9, §2.1",
    ),
    (
        "valid visa",
        {"documents": [PASSPORT, visa("2026-06-30")]},
        "2025-11-01",
        "low",
        "visa_valid",
        [],
        "§1.4 PM's meeting 17 Oct 2025",
    ),
    (
        "visa expiring within 60 days",
        {"documents": [PASSPORT, visa("2026-06-30")]},
        "2026-05-15",
        "elevated",
        "visa_valid",
        [],
        "§1.4",
    ),
    (
        "visa expired: overstayer",
        {"documents": [PASSPORT, visa("2026-06-30")]},
        "2026-07-15",
        "high",
        "visa_expired",
        [],
        "§1.4 overstayer",
    ),
    (
        "visa without expiry cannot be checked",
        {"documents": [PASSPORT, visa()]},
        "2025-11-01",
        "high",
        "undocumented",
        [],
        "§1.4, §1.8",
    ),
    (
        "visa not yet issued on that day",
        {"documents": [visa("2027-01-01", issued="2026-01-01")]},
        "2025-12-01",
        "high",
        "undocumented",
        [],
        "§1.8",
    ),
    (
        "lapsed PoR but a valid visa",
        {"documents": [POR, PASSPORT, visa("2026-03-01")]},
        "2025-09-10",
        "low",
        "visa_valid",
        [],
        "§1.4, §1.1",
    ),
    (
        "Pakistan Origin Card",
        {"documents": [{"type": "poc", "issued": "2024-01-01"}]},
        "2025-06-01",
        "low",
        "poc_valid",
        [],
        "§1.6 [likely]",
    ),
    (
        "expired Pakistan Origin Card",
        {"documents": [{"type": "poc", "issued": "2020-01-01", "expires": "2025-01-01"}]},
        "2025-06-01",
        "high",
        "poc_expired",
        [],
        "§1.6",
    ),
    (
        "born in Pakistan, no papers",
        {"born_in_pakistan": True},
        "2024-06-01",
        "high",
        "undocumented",
        ["possible_citizen"],
        "§1.5 Citizenship Act s. 4",
    ),
    (
        "Pakistani birth certificate",
        {"documents": [{"type": "pk_birth_certificate"}]},
        "2024-06-01",
        "high",
        "undocumented",
        ["possible_citizen"],
        "§1.5",
    ),
    (
        "Pakistani parent",
        {"pakistani_parent": True},
        "2024-06-01",
        "high",
        "undocumented",
        ["possible_citizen"],
        "§1.5 s. 5",
    ),
    (
        "child with an ACC",
        {"documents": [ACC], "date_of_birth": "2010-05-05"},
        "2025-06-01",
        "high",
        "acc_holder",
        ["juvenile"],
        "§3.7 JJSA 2018",
    ),
    (
        "born 2007, may still be 17",
        {"documents": [ACC], "date_of_birth": "2007"},
        "2025-06-01",
        "high",
        "acc_holder",
        ["juvenile"],
        "§3.7 (year of birth only)",
    ),
    (
        "born 2007, surely 18 in 2026",
        {"documents": [ACC], "date_of_birth": "2007"},
        "2026-01-02",
        "high",
        "acc_holder",
        [],
        "§3.7",
    ),
    (
        "turned 18 yesterday",
        {"documents": [ACC], "date_of_birth": "2007-06-01"},
        "2025-06-02",
        "high",
        "acc_holder",
        [],
        "§3.7",
    ),
    (
        "ACC with a pending asylum claim before phase 2",
        {"documents": [ACC], "asylum_claim_pending": True},
        "2025-02-01",
        "medium",
        "acc_holder",
        ["unhcr_intervention"],
        "§1.7",
    ),
    (
        "ACC and asylum slip, phase 2 in force",
        {"documents": [ACC, {"type": "unhcr_asylum_seeker"}]},
        "2025-04-02",
        "high",
        "acc_holder",
        ["unhcr_intervention", "non_refoulement_concern"],
        "§1.7, §3.6",
    ),
]


def _run(payload: dict) -> dict:
    out = io.StringIO()
    call_command("rules", "assess", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("label", "facts", "on", "risk", "status", "flags", "fact"),
    SCENARIOS,
    ids=[row[0] for row in SCENARIOS],
)
def test_scenario(label, facts, on, risk, status, flags, fact):
    result = _run({"on": on, **facts})
    assert (result["risk"], result["status"]["code"]) == (risk, status), fact
    assert sorted(result["flags"]) == sorted(flags), fact
    assert result["policy_version"]
    assert all(reason["sources"] for reason in result["reasons"]), "every reason cites a source"


def test_the_table_is_large_enough():
    assert len(SCENARIOS) >= 40
