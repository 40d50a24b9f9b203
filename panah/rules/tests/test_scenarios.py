# ruff: noqa: E501  (one scenario per line reads as a table)
"""Scenario table: documents × dates (2023–2026), run through `panah rules assess`.

Each row cites the shared/domain/facts.md section its expected answer rests on. Dates to keep in
mind: phase 1 announced 3 Oct 2023, in force 1 Nov 2023 (§2.1); PoR extension to 31 Dec 2023
reported 9 Nov 2023 (§1.1); phase 2 announced 7 Mar 2025, in force 1 Apr 2025 (§1.2, §2.1); last
PoR validity 30 Jun 2025, SRO ending PoR status 31 Jul 2025, formal deportation of PoR holders
from 1 Sep 2025 (§1.1, §2.1). "Within 60 days" counts to the first day without protection.
"""

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
ASYLUM = {"type": "unhcr_asylum_seeker"}
REFUGEE = {"type": "unhcr_refugee"}
BIRTH_CERT = {"type": "pk_birth_certificate"}
POC = {"type": "poc", "issued": "2024-01-01"}

JUV = "juvenile"
CIT = "possible_citizen"
UNHCR = "unhcr_intervention"
NONREF = "non_refoulement_concern"


def visa(expires=None, issued="2025-01-01"):
    doc = {"type": "visa", "issued": issued}
    if expires:
        doc["expires"] = expires
    return doc


def docs(*documents, **facts):
    return {"documents": list(documents), **facts}


# (label, input without "on", on, risk, status, flags, the fact it rests on)
SCENARIOS = [
    # No papers, tazkira, passport without visa: undocumented (§1.8), phase 1 (§2.1).
    (
        "no papers before the plan",
        docs(),
        "2023-09-01",
        "medium",
        "undocumented",
        [],
        "§1.8; §2.1: no phase before 3 Oct 2023",
    ),
    (
        "no papers, phase 1 announced",
        docs(),
        "2023-10-10",
        "elevated",
        "undocumented",
        [],
        "§2.1 3 Oct 2023: enforcement from 1 Nov, 22 days on",
    ),
    (
        "no papers on the phase 1 deadline",
        docs(),
        "2023-10-31",
        "elevated",
        "undocumented",
        [],
        "§2.1 leave by 31 Oct 2023",
    ),
    (
        "no papers, phase 1 in force",
        docs(),
        "2023-11-01",
        "high",
        "undocumented",
        [],
        "§2.1 1 Nov 2023 [firm]",
    ),
    (
        "tazkira only",
        docs(TAZKIRA),
        "2024-06-01",
        "high",
        "undocumented",
        [],
        "§1.3 identity only; §1.8",
    ),
    (
        "passport without a visa",
        docs(PASSPORT),
        "2026-01-15",
        "high",
        "undocumented",
        [],
        "§1.4, §1.8",
    ),
    (
        "tazkira and passport, phase 2 in force",
        docs(TAZKIRA, PASSPORT),
        "2025-04-10",
        "high",
        "undocumented",
        [],
        "§2.1 phase 2 covers all illegal foreigners",
    ),
    # UNHCR papers: no secure status, UNHCR can intervene (§1.7); non-refoulement (§3.6).
    (
        "asylum-seeker slip before the plan",
        docs(ASYLUM),
        "2023-08-01",
        "medium",
        "undocumented",
        [UNHCR],
        "§1.7 [likely]",
    ),
    (
        "refugee certificate, phase 1 in force",
        docs(REFUGEE),
        "2023-12-01",
        "high",
        "undocumented",
        [UNHCR, NONREF],
        "§1.7; §3.6",
    ),
    (
        "asylum claim pending, phase 1 announced",
        docs(asylum_claim_pending=True),
        "2023-10-05",
        "elevated",
        "undocumented",
        [UNHCR, NONREF],
        "§1.7; §2.1",
    ),
    (
        "asylum-seeker slip in 2026",
        docs(ASYLUM, TAZKIRA),
        "2026-02-01",
        "high",
        "undocumented",
        [UNHCR, NONREF],
        "§1.7: holders arrested and deported; §2.1",
    ),
    # UMRF: unregistered members of PoR families; no PoR, ACC or visa (§1.9, §1.8) [uncertain].
    (
        "UMRF certificate before the plan",
        docs(UMRF),
        "2023-06-01",
        "medium",
        "umrf_holder",
        [],
        "§1.9, §1.8 [uncertain]",
    ),
    (
        "UMRF certificate, phase 1 in force",
        docs(UMRF),
        "2024-03-01",
        "high",
        "umrf_holder",
        [NONREF],
        "§1.9, §1.8, §2.1 [uncertain]",
    ),
    (
        "UMRF, born in Pakistan, before the plan",
        docs(UMRF, born_in_pakistan=True),
        "2023-09-01",
        "medium",
        "umrf_holder",
        [CIT],
        "§1.9; §1.5 s. 4",
    ),
    # Afghan Citizen Card: not targeted until phase 2 (§1.2, §2.1).
    (
        "ACC, phase 1 does not target it",
        docs(ACC),
        "2023-11-05",
        "medium",
        "acc_holder",
        [],
        "§1.2; §2.1 phase 1 = undocumented",
    ),
    (
        "ACC in 2024",
        docs(ACC),
        "2024-01-10",
        "medium",
        "acc_holder",
        [],
        "§1.2 [uncertain validity after 2019]",
    ),
    (
        "ACC and tazkira in 2024",
        docs(ACC, TAZKIRA),
        "2024-05-01",
        "medium",
        "acc_holder",
        [],
        "§1.2; §1.3",
    ),
    (
        "ACC the week before phase 2",
        docs(ACC),
        "2025-03-01",
        "medium",
        "acc_holder",
        [],
        "§2.1 7 Mar 2025",
    ),
    (
        "ACC, phase 2 announced",
        docs(ACC),
        "2025-03-08",
        "elevated",
        "acc_holder",
        [],
        "§1.2, §2.1 7 Mar 2025",
    ),
    (
        "ACC on the phase 2 deadline",
        docs(ACC),
        "2025-03-31",
        "elevated",
        "acc_holder",
        [],
        "§2.1 leave by 31 Mar 2025",
    ),
    (
        "ACC, phase 2 in force",
        docs(ACC),
        "2025-04-01",
        "high",
        "acc_holder",
        [],
        "§2.1 1 Apr 2025 [firm]",
    ),
    (
        "ACC in 2026",
        docs(ACC),
        "2026-02-01",
        "high",
        "acc_holder",
        [],
        "§2.1: no later change found",
    ),
    # PoR card: lawful while a validity decision known on D covers D (§1.1 table).
    (
        "PoR, four months of DRIVE validity left",
        docs(POR),
        "2023-03-01",
        "low",
        "por_valid",
        [],
        "§1.1 DRIVE cards to 30 Jun 2023",
    ),
    (
        "PoR, 61 days to the first day without",
        docs(POR),
        "2023-05-01",
        "low",
        "por_valid",
        [],
        "§1.1; issue 5 window",
    ),
    (
        "PoR, 60 days to the first day without",
        docs(POR),
        "2023-05-02",
        "elevated",
        "por_valid",
        [NONREF],
        "§1.1; issue 5 window",
    ),
    (
        "PoR lapsed, no extension known yet",
        docs(POR),
        "2023-08-01",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1: extension decided only in Nov 2023",
    ),
    (
        "PoR the day before the Nov 2023 extension was reported",
        docs(POR),
        "2023-11-08",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1 bitemporal (The Nation, 9 Nov 2023)",
    ),
    (
        "PoR on the day the Nov 2023 extension was reported",
        docs(POR),
        "2023-11-09",
        "elevated",
        "por_valid",
        [NONREF],
        "§1.1 to 31 Dec 2023, 53 days on",
    ),
    (
        "PoR, phase 1 in force does not target it",
        docs(POR),
        "2023-11-20",
        "elevated",
        "por_valid",
        [NONREF],
        "§2.1: PoR holders in the last phase; §1.1",
    ),
    (
        "PoR, extension to 31 Mar 2024",
        docs(POR),
        "2024-01-15",
        "low",
        "por_valid",
        [],
        "§1.1 [likely; decision date estimated]",
    ),
    (
        "PoR between the Mar and Apr 2024 decisions",
        docs(POR),
        "2024-04-10",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1: cards 'expired on 1 Apr 2024'",
    ),
    (
        "PoR on the day of the Apr 2024 extension",
        docs(POR),
        "2024-04-26",
        "low",
        "por_valid",
        [],
        "§1.1 cabinet 26 Apr 2024, to 30 Jun 2024",
    ),
    (
        "PoR, 46 days before 30 Jun 2024",
        docs(POR),
        "2024-05-15",
        "elevated",
        "por_valid",
        [NONREF],
        "§1.1",
    ),
    (
        "PoR the day before the Jul 2024 extension",
        docs(POR),
        "2024-07-09",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1 cabinet 10 Jul 2024",
    ),
    (
        "PoR after the Jul 2024 extension",
        docs(POR),
        "2024-08-01",
        "low",
        "por_valid",
        [],
        "§1.1 to 30 Jun 2025",
    ),
    (
        "PoR, phase 2 does not target it",
        docs(POR),
        "2025-04-05",
        "low",
        "por_valid",
        [],
        "§1.1; §2.1 phase 2 = ACC and undocumented",
    ),
    (
        "PoR, last validity ends soon",
        docs(POR),
        "2025-05-15",
        "elevated",
        "por_valid",
        [NONREF],
        "§1.1 30 Jun 2025",
    ),
    (
        "PoR in July 2025, before the SRO",
        docs(POR),
        "2025-07-15",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1: no extension after 30 Jun 2025",
    ),
    (
        "PoR the day after the SRO",
        docs(POR),
        "2025-08-01",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.1 SRO 31 Jul 2025; UNHCR: arrests 1-4 Aug",
    ),
    (
        "PoR after the 4 Aug letter",
        docs(POR),
        "2025-08-10",
        "high",
        "por_lapsed",
        [NONREF],
        "§2.1 4 Aug 2025: deportation from 1 Sep",
    ),
    (
        "PoR, formal deportation under way",
        docs(POR),
        "2025-09-02",
        "high",
        "por_lapsed",
        [NONREF],
        "§2.1 1 Sep 2025; §3.6 UNHCR",
    ),
    (
        "PoR in 2026",
        docs(POR),
        "2026-03-01",
        "high",
        "por_lapsed",
        [NONREF],
        "§1.8, §2.1 17 Oct 2025",
    ),
    (
        "PoR child born in Pakistan, phase 3",
        docs(POR, date_of_birth="2012-01-01", born_in_pakistan=True),
        "2025-09-10",
        "high",
        "por_lapsed",
        [JUV, CIT, NONREF],
        "§1.1; §1.5; §3.7",
    ),
    # Afghan passport with a Pakistani visa: lawful until the visa's expiry (§1.4).
    (
        "valid visa",
        docs(PASSPORT, visa("2026-06-30")),
        "2025-11-01",
        "low",
        "visa_valid",
        [],
        "§1.4 PM's meeting 17 Oct 2025 [firm]",
    ),
    (
        "visa ending within 60 days",
        docs(PASSPORT, visa("2026-06-30")),
        "2026-05-15",
        "elevated",
        "visa_valid",
        [],
        "§1.4",
    ),
    (
        "visa expired: overstayer",
        docs(PASSPORT, visa("2026-06-30")),
        "2026-07-15",
        "high",
        "visa_expired",
        [],
        "§1.4 overstayer is illegal; §1.8",
    ),
    (
        "visa without an expiry cannot be checked",
        docs(PASSPORT, visa()),
        "2025-11-01",
        "high",
        "undocumented",
        [],
        "§1.4, §1.8",
    ),
    (
        "visa not yet issued on that day",
        docs(visa("2027-01-01", issued="2026-01-01")),
        "2025-12-01",
        "high",
        "undocumented",
        [],
        "§1.8",
    ),
    (
        "lapsed PoR but a valid visa",
        docs(POR, PASSPORT, visa("2026-03-01")),
        "2025-09-10",
        "low",
        "visa_valid",
        [],
        "§1.4; §1.1",
    ),
    (
        "ACC with a valid visa, phase 2 in force",
        docs(ACC, PASSPORT, visa("2025-12-31")),
        "2025-04-15",
        "low",
        "visa_valid",
        [],
        "§1.4; §2.1",
    ),
    (
        "short visa before the plan: no worse than none",
        docs(PASSPORT, visa("2023-10-01", issued="2023-07-01")),
        "2023-09-01",
        "medium",
        "visa_valid",
        [],
        "§1.4; §1.8; issue 5: a valid visa never raises risk",
    ),
    # Pakistan Origin Card (§1.6) [likely].
    ("Pakistan Origin Card", docs(POC), "2025-06-01", "low", "poc_valid", [], "§1.6 [likely]"),
    (
        "expired Pakistan Origin Card",
        docs({"type": "poc", "issued": "2020-01-01", "expires": "2025-01-01"}),
        "2025-06-01",
        "high",
        "poc_expired",
        [],
        "§1.6; §1.8",
    ),
    # Possible citizens (§1.5) and children (§3.7).
    (
        "born in Pakistan, no papers",
        docs(born_in_pakistan=True),
        "2024-06-01",
        "high",
        "undocumented",
        [CIT],
        "§1.5 Citizenship Act s. 4",
    ),
    (
        "Pakistani birth certificate",
        docs(BIRTH_CERT),
        "2024-06-01",
        "high",
        "undocumented",
        [CIT],
        "§1.5 Fazal Haq (IHC 2022)",
    ),
    (
        "Pakistani parent",
        docs(TAZKIRA, pakistani_parent=True),
        "2024-06-01",
        "high",
        "undocumented",
        [CIT],
        "§1.5 s. 5",
    ),
    (
        "child with an ACC",
        docs(ACC, date_of_birth="2010-05-05"),
        "2025-06-01",
        "high",
        "acc_holder",
        [JUV],
        "§3.7 JJSA 2018",
    ),
    (
        "born 2007, may still be 17",
        docs(ACC, date_of_birth="2007"),
        "2025-06-01",
        "high",
        "acc_holder",
        [JUV],
        "§3.7 (year of birth only: treated as a child)",
    ),
    (
        "born 2007: everyone is 18 on 31 Dec 2025",
        docs(ACC, date_of_birth="2007"),
        "2025-12-31",
        "high",
        "acc_holder",
        [],
        "§3.7",
    ),
    (
        "born 2007, surely 18 in 2026",
        docs(ACC, date_of_birth="2007"),
        "2026-01-02",
        "high",
        "acc_holder",
        [],
        "§3.7",
    ),
    (
        "turned 18 yesterday",
        docs(ACC, date_of_birth="2007-06-01"),
        "2025-06-02",
        "high",
        "acc_holder",
        [],
        "§3.7 child = under 18",
    ),
    (
        "ACC with a pending asylum claim before phase 2",
        docs(ACC, asylum_claim_pending=True),
        "2025-02-01",
        "medium",
        "acc_holder",
        [UNHCR],
        "§1.7",
    ),
    (
        "ACC and asylum slip, phase 2 in force",
        docs(ACC, ASYLUM),
        "2025-04-02",
        "high",
        "acc_holder",
        [UNHCR, NONREF],
        "§1.7; §3.6",
    ),
]


def run(payload: dict) -> dict:
    out = io.StringIO()
    call_command("rules", "assess", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    return json.loads(out.getvalue())


@pytest.mark.parametrize(
    ("label", "facts", "on", "risk", "status", "flags", "fact"),
    SCENARIOS,
    ids=[row[0] for row in SCENARIOS],
)
def test_scenario(label, facts, on, risk, status, flags, fact):
    result = run({"on": on, **facts})
    assert (result["risk"], result["status"]["code"], result["flags"]) == (risk, status, flags), (
        fact
    )
    assert result["policy_version"]
    assert all(reason["sources"] for reason in result["reasons"]), "every reason cites a source"


def test_the_table_is_large_enough_and_spans_2023_to_2026():
    assert len(SCENARIOS) >= 40
    assert {row[2][:4] for row in SCENARIOS} == {"2023", "2024", "2025", "2026"}
    assert all(row[6].startswith("§") for row in SCENARIOS), "every row cites facts.md"


def test_a_year_of_birth_alone_is_treated_as_a_child_and_the_answer_says_so():
    result = run({"on": "2025-06-01", "date_of_birth": "2007"})
    reason = next(r for r in result["reasons"] if r["code"] == "juvenile_year_only")
    assert reason["confidence"] == "uncertain" and "2007" in reason["text"]
    assert "juvenile_protections" in [a["code"] for a in result["actions"]]


def test_phase_3_as_first_decided_and_as_moved_by_the_4_august_letter():
    before = run({"on": "2025-08-02", **docs(POR)})
    after = run({"on": "2025-08-05", **docs(POR)})
    assert any(
        r["code"] == "phase_in_force" and "2025-07-31" in r["text"] for r in before["reasons"]
    )
    assert any(
        r["code"] == "phase_announced" and "2025-09-01" in r["text"] for r in after["reasons"]
    )
    assert [d["code"] for d in after["deadlines"]] == ["phase3_deadline", "phase3_enforcement"]
    assert before["risk"] == after["risk"] == "high"


def test_reasons_deadlines_and_actions_carry_their_sources_and_law():
    result = run({"on": "2025-03-10", **docs(ACC, pakistani_parent=True)})
    assert [d["date"] for d in result["deadlines"]] == ["2025-03-31", "2025-04-01"]
    assert {d["code"] for d in result["deadlines"]} == {"phase2_deadline", "phase2_enforcement"}
    citizen = next(r for r in result["reasons"] if r["code"] == "possible_citizen")
    assert "s. 5" in citizen["law"] and "facts-1.5" in citizen["sources"]
    actions = {a["code"]: a for a in result["actions"]}
    assert "Art. 10(2)" in actions["custody_24h"]["law"]
    assert {"get_legal_help_now", "lawyer_of_choice", "citizenship_lawyer"} <= set(actions)


def test_the_answer_does_not_depend_on_the_order_of_the_documents():
    papers = [ACC, PASSPORT, visa("2025-03-20"), TAZKIRA]
    first = run({"on": "2025-03-10", "documents": papers})
    second = run({"on": "2025-03-10", "documents": list(reversed(papers))})
    for key in ("risk", "status", "flags", "deadlines"):
        assert first[key] == second[key]
