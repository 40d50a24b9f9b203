"""The legal status and deportation-risk engine: a pure function of facts, a date and a policy.

No Django, no I/O, no clock: `assess(facts, on, policy)` depends on nothing else, so an answer
"as of D" can be reproduced at any time. Only policy entries decided on or before D are used
(the policy is bitemporal, see policy/policy.yaml), and for a phase decided several times, the
latest decision up to D.

Risk levels (issue 5), with "within 60 days" meaning that the first day without the protection
is at most 60 days after D:
- low:      on D a document gives lawful stay under the policy known on D, and no known
            decision ends that within 60 days;
- medium:   no phase known on D targets the person, but nothing gives them lawful stay;
- elevated: lawful or not yet targeted on D, but a decision known on D ends that within 60 days
            (a PoR validity running out, a visa's own expiry, a phase's enforcement date);
- high:     a phase in force on D targets them, or their lawful stay has lapsed.

Each document the person holds on D gives one "basis" (what it means for them); a person whose
documents place them in no group of the repatriation plan is undocumented (facts.md §1.8), and
a valid visa or POC leaves that fallback in place (it is the holder's position once the document
ends). The most favourable basis decides the risk, so adding a document never makes it worse
(issue 5: "adding a valid visa never raises risk"). One consequence: before the plan targeted
anyone (Oct 2023), a visa ending within 60 days gives "medium", the undocumented fallback, not
"elevated". The status is the document giving stay if there is one, else the deciding basis.
Every reason carries the source ids of the policy entry it rests on.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from panah.rules.policy import DocumentRule, Phase, Policy, PorEnd, PorValidity

# Risk levels, least first, with their rank. The rank is stored (people.Person.risk_rank) so that
# queues sort by risk in SQL: never renumber a level, and give a new one a data migration.
RISK_RANK: Mapping[str, int] = MappingProxyType({"low": 0, "medium": 1, "elevated": 2, "high": 3})
RISK_ORDER = tuple(RISK_RANK)
WARNING_DAYS = 60
ADULT_AGE = 18
# Weakest last, so max() picks the weakest of several grounds.
_CONFIDENCE_ORDER = ("firm", "likely", "uncertain")

DOCUMENT_TYPES = (
    "por",
    "acc",
    "tazkira",
    "passport",
    "visa",
    "poc",
    "unhcr_asylum_seeker",
    "unhcr_refugee",
    "umrf",
    "pk_birth_certificate",
)
UNHCR_PAPERS = frozenset({"unhcr_asylum_seeker", "unhcr_refugee"})
# Papers of people UNHCR regards as refugees (PoR holders, facts.md §1.1) and of their families.
REFUGEE_FAMILY_PAPERS = frozenset({"por", "umrf"})


class InputError(ValueError):
    """The facts given to the engine are malformed; the message says which and why."""


@dataclass(frozen=True)
class Document:
    type: str
    number: str = ""
    issued: datetime.date | None = None
    expires: datetime.date | None = None


@dataclass(frozen=True)
class PersonFacts:
    documents: tuple[Document, ...] = ()
    birth_date: datetime.date | None = None
    birth_year: int | None = None  # alone when only the year is known
    born_in_pakistan: bool = False
    pakistani_parent: bool = False
    asylum_claim_pending: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    sources: tuple[str, ...]
    confidence: str
    data: Mapping[str, str] = field(default_factory=dict)
    law: str = ""


@dataclass(frozen=True)
class Deadline:
    date: datetime.date
    code: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    code: str
    sources: tuple[str, ...] = ()
    law: str = ""


@dataclass(frozen=True)
class Assessment:
    on: datetime.date
    risk: str
    status: str
    flags: tuple[str, ...]
    reasons: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...]
    actions: tuple[Action, ...]
    policy_version: str


# Kinds of basis, in the order a tie in risk is broken (so the answer does not depend on the
# order documents were listed in): a document giving stay, then a group position, then a lapse.
_LAWFUL, _POSITION, _LAPSED = 0, 1, 2


@dataclass(frozen=True)
class _Basis:
    """What one document (or the lack of any) means for the person on D."""

    status: str
    risk: str
    kind: int
    reasons: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...] = ()


def _rank(risk: str) -> int:
    return RISK_RANK[risk]


def _worst(*risks: str) -> str:
    return max(risks, key=_rank)


def _ends_soon(last_day: datetime.date, on: datetime.date) -> bool:
    """Is the first day after `last_day` within the warning window from `on`?"""
    return (last_day - on).days < WARNING_DAYS


def _confidence(entry: PorValidity | PorEnd | Phase) -> str:
    # An estimated decision date makes "was it known on D?" itself uncertain.
    return "uncertain" if entry.estimated else entry.confidence


def _phase_exposure(group: str, on: datetime.date, policy: Policy) -> _Basis:
    """Return how the phases known on D treat a group, as if nothing else applied.

    Risk is "medium" when no known phase targets the group, "elevated" when one starts
    enforcement within the window, "high" when one is in force. No reason is given when no
    phase targets the group; callers say so where it matters.
    """
    risk = "medium"
    reasons: list[Reason] = []
    deadlines: list[Deadline] = []
    for phase in policy.phases_known_on(on):
        if group not in phase.groups:
            continue
        if phase.enforcement_from <= on:
            risk = "high"
            reasons.append(
                Reason(
                    "phase_in_force",
                    phase.sources,
                    _confidence(phase),
                    {"phase": phase.code, "since": phase.enforcement_from.isoformat()},
                )
            )
            continue
        if (phase.enforcement_from - on).days <= WARNING_DAYS:
            risk = _worst(risk, "elevated")
        reasons.append(
            Reason(
                "phase_announced",
                phase.sources,
                _confidence(phase),
                {"phase": phase.code, "from": phase.enforcement_from.isoformat()},
            )
        )
        if phase.deadline is not None and phase.deadline >= on:
            deadlines.append(Deadline(phase.deadline, f"{phase.code}_deadline", phase.sources))
        deadlines.append(
            Deadline(phase.enforcement_from, f"{phase.code}_enforcement", phase.sources)
        )
    return _Basis("", risk, _POSITION, tuple(reasons), tuple(deadlines))


def _group_basis(
    group: str, status: str, reason: Reason, on: datetime.date, policy: Policy
) -> _Basis:
    """The position of someone without lawful stay in a group of the repatriation plan."""
    exposure = _phase_exposure(group, on, policy)
    untargeted = Reason("no_phase_targets", ("facts-2.1",), "firm", {"group": group})
    reasons = (reason, *(exposure.reasons or (untargeted,)))
    return _Basis(status, exposure.risk, _POSITION, reasons, exposure.deadlines)


def _por_basis(on: datetime.date, policy: Policy, rule: DocumentRule) -> _Basis:
    """A PoR card: lawful while a validity decision known on D covers D (facts.md §1.1)."""
    exposure = _phase_exposure(rule.group, on, policy)
    known = [v for v in policy.por_validity if v.decided_on <= on]
    ends = [e for e in policy.por_end if e.decided_on <= on]
    end = min(ends, key=lambda e: e.ended_on) if ends else None
    if end is not None and end.ended_on < on:
        reason = Reason(
            "por_ended", end.sources, _confidence(end), {"ended_on": end.ended_on.isoformat()}
        )
        return _Basis(
            "por_lapsed", "high", _LAPSED, (reason, *exposure.reasons), exposure.deadlines
        )
    covering = [v for v in known if v.covers(on)]
    if covering:
        latest = max(covering, key=lambda v: (v.valid_until, v.decided_on))
        last_day = latest.valid_until
        if end is not None and end.ended_on < last_day:
            last_day = end.ended_on  # an announced end cuts the validity short
        reason = Reason(
            "por_valid", latest.sources, _confidence(latest), {"valid_until": last_day.isoformat()}
        )
        risk = "elevated" if _ends_soon(last_day, on) else "low"
        if exposure.risk != "medium":
            # A phase aimed at PoR holders ends their stay even while the cards are valid.
            risk = _worst(risk, exposure.risk)
        return _Basis(
            "por_valid",
            risk,
            _LAWFUL,
            (reason, *exposure.reasons),
            (Deadline(last_day, "por_valid_ends", latest.sources), *exposure.deadlines),
        )
    ran_out = [v for v in known if v.valid_until < on]
    if ran_out:
        latest = max(ran_out, key=lambda v: v.valid_until)
        reason = Reason(
            "por_lapsed",
            latest.sources,
            _confidence(latest),
            {"valid_until": latest.valid_until.isoformat()},
        )
    else:
        reason = Reason("por_no_validity_known", rule.sources, "uncertain")
    return _Basis("por_lapsed", "high", _LAPSED, (reason, *exposure.reasons), exposure.deadlines)


def _own_expiry_basis(
    doc: Document, on: datetime.date, policy: Policy, rule: DocumentRule
) -> _Basis | None:
    """A visa or Pakistan Origin Card: lawful until its own expiry (facts.md §1.4, §1.6)."""
    valid = Reason(f"{doc.type}_valid", rule.sources, rule.confidence)
    if doc.expires is None:
        if doc.type == "visa":
            return None  # a visa without its expiry date cannot be checked: no basis
        return _Basis(f"{doc.type}_valid", "low", _LAWFUL, (valid,))
    if doc.expires < on:
        # An overstayer is illegal (facts.md §1.4, §1.8): lawful stay has lapsed.
        exposure = _phase_exposure(rule.group, on, policy)
        expired = Reason(
            f"{doc.type}_expired",
            rule.sources,
            rule.confidence,
            {"expired": doc.expires.isoformat()},
        )
        return _Basis(
            f"{doc.type}_expired", "high", _LAPSED, (expired, *exposure.reasons), exposure.deadlines
        )
    return _Basis(
        f"{doc.type}_valid",
        "elevated" if _ends_soon(doc.expires, on) else "low",
        _LAWFUL,
        (valid,),
        (Deadline(doc.expires, f"{doc.type}_valid_ends", rule.sources),),
    )


def _held(facts: PersonFacts, on: datetime.date) -> list[Document]:
    """Documents the person holds on D: a document counts from its issue date."""
    return [d for d in facts.documents if d.issued is None or d.issued <= on]


def _bases(held: Iterable[Document], on: datetime.date, policy: Policy) -> list[_Basis]:
    bases: list[_Basis] = []
    placed = False  # does some document decide the person's position without lawful stay?
    for doc in held:
        rule = policy.documents[doc.type]
        if rule.stay == "policy_validity":
            bases.append(_por_basis(on, policy, rule))
            placed = True
        elif rule.stay == "own_expiry":
            basis = _own_expiry_basis(doc, on, policy, rule)
            if basis is not None:
                bases.append(basis)
                # A valid visa or POC protects while it lasts but leaves the holder's position
                # without it unchanged (the fallback below), so a valid visa never adds risk.
                placed = placed or basis.kind == _LAPSED
        elif rule.holder_status is not None:
            held_reason = Reason(f"{doc.type}_held", rule.sources, rule.confidence)
            bases.append(_group_basis(rule.group, rule.holder_status, held_reason, on, policy))
            placed = True
    if not placed:
        # Tazkira, passport without a visa, UNHCR papers, a birth certificate, or nothing:
        # no PoR, no ACC, no valid visa means illegal in the government's view (facts.md §1.8).
        reason = Reason("no_stay_document", ("facts-1.8",), "firm")
        bases.append(_group_basis("undocumented", "undocumented", reason, on, policy))
    return bases


def _minor(facts: PersonFacts, on: datetime.date) -> tuple[bool, bool]:
    """Return (possibly under 18 on D, certainly under 18 on D)."""
    if facts.birth_date is not None:
        born = facts.birth_date
        age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
        return age < ADULT_AGE, age < ADULT_AGE
    if facts.birth_year is not None:
        # Born on some day of that year: certainly under 18 before 1 Jan of year + 18, possibly
        # until 30 Dec of that year (if born on 31 Dec).
        years = on.year - facts.birth_year
        certainly = years < ADULT_AGE
        return certainly or (years == ADULT_AGE and (on.month, on.day) < (12, 31)), certainly
    return False, False


def assess(facts: PersonFacts, on: datetime.date, policy: Policy) -> Assessment:
    """Return what the person's documents mean on `on`, using only what was known on `on`."""
    held = _held(facts, on)
    bases = _bases(held, on, policy)
    best = min(bases, key=lambda b: (_rank(b.risk), b.kind, b.status))
    risk = best.risk
    # The status names the person's legal position: a document giving stay on D if there is one
    # (even where the fallback position happens to carry less risk, see the module docstring).
    lawful = [b for b in bases if b.kind == _LAWFUL]
    shown = min(lawful, key=lambda b: (_rank(b.risk), b.status)) if lawful else best
    reasons: list[Reason] = []
    for basis in (shown, best, *bases):
        reasons.extend(r for r in basis.reasons if r not in reasons)
    held_types = {d.type for d in held}
    protections = policy.protections
    flags: list[str] = []

    def protection_reason(code: str, key: str, confidence: str | None = None, **data: str) -> None:
        p = protections[key]
        reasons.append(Reason(code, p.sources, confidence or p.confidence, data, p.law))

    possibly, certainly = _minor(facts, on)
    if possibly:
        flags.append("juvenile")
        if certainly:
            protection_reason("juvenile", "juvenile_justice")
        else:
            # Only the year is known and the person may be 18 already: treat them as a child,
            # since the protections are lost if claimed too late, and say so (uncertain).
            protection_reason(
                "juvenile_year_only", "juvenile_justice", "uncertain", year=str(facts.birth_year)
            )
    # A birth certificate proves birth in Pakistan whenever it was issued.
    by_birth = facts.born_in_pakistan or any(
        d.type == "pk_birth_certificate" for d in facts.documents
    )
    if by_birth or facts.pakistani_parent:
        flags.append("possible_citizen")
        grounds = [protections["citizenship_by_birth"]] if by_birth else []
        if facts.pakistani_parent:
            grounds.append(protections["citizenship_by_descent"])
        reasons.append(
            Reason(
                "possible_citizen",
                tuple(dict.fromkeys(s for p in grounds for s in p.sources)),
                max((p.confidence for p in grounds), key=_CONFIDENCE_ORDER.index),
                law="; ".join(p.law for p in grounds),
            )
        )
    if facts.asylum_claim_pending or held_types & UNHCR_PAPERS:
        flags.append("unhcr_intervention")
        protection_reason("unhcr_papers", "unhcr_intervention")
    refugee_like = "unhcr_intervention" in flags or held_types & REFUGEE_FAMILY_PAPERS
    if refugee_like and risk in {"elevated", "high"}:
        flags.append("non_refoulement_concern")
        protection_reason("non_refoulement", "non_refoulement")

    def action(code: str, key: str) -> Action:
        return Action(code, protections[key].sources, protections[key].law)

    actions = [action("custody_24h", "custody_24h"), action("lawyer_of_choice", "lawyer_of_choice")]
    if risk in {"elevated", "high"}:
        actions.insert(0, Action("get_legal_help_now"))
    if shown.status == "visa_valid" and shown.risk == "elevated":
        actions.append(Action("renew_visa", policy.documents["visa"].sources))
    if "por" in held_types:
        actions.append(Action("keep_por_card", policy.documents["por"].sources))
    citizenship = "citizenship_by_birth" if by_birth else "citizenship_by_descent"
    for flag, code, key in (
        ("juvenile", "juvenile_protections", "juvenile_justice"),
        ("possible_citizen", "citizenship_lawyer", citizenship),
        ("unhcr_intervention", "contact_unhcr", "unhcr_intervention"),
        ("non_refoulement_concern", "raise_non_refoulement", "non_refoulement"),
    ):
        if flag in flags:
            actions.append(action(code, key))

    deadlines = sorted(
        {d for b in bases for d in b.deadlines if d.date >= on}, key=lambda d: (d.date, d.code)
    )
    return Assessment(
        on=on,
        risk=risk,
        status=shown.status,
        flags=tuple(flags),
        reasons=tuple(reasons),
        deadlines=tuple(deadlines),
        actions=tuple(actions),
        policy_version=policy.version,
    )


# --- The input contract shared by the CLI and the HTTP endpoint ---------------------------------

_TOP_LEVEL = frozenset(
    {
        "on",
        "documents",
        "date_of_birth",
        "born_in_pakistan",
        "pakistani_parent",
        "asylum_claim_pending",
    }
)
_DOCUMENT_KEYS = frozenset({"type", "number", "issued", "expires"})
MAX_DOCUMENTS = 20
MAX_INPUT_BYTES = 64 * 1024
EARLIEST_BIRTH_YEAR = 1900


def _parse_date(value: Any, where: str) -> datetime.date:
    if not isinstance(value, str) or len(value) != 10:
        raise InputError(f"{where} must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{where} must be a real date written YYYY-MM-DD") from exc


def _parse_bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InputError(f'"{key}" must be true or false')
    return value


def parse_json_input(raw: str | bytes) -> tuple[PersonFacts, datetime.date]:
    """Parse the documented JSON text into (facts, date), or raise InputError saying why."""
    if len(raw) > MAX_INPUT_BYTES:
        raise InputError("the input is larger than 64 KB")
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError("the input is not UTF-8 text") from exc
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"the input is not valid JSON ({exc.msg}, line {exc.lineno})") from exc
    except RecursionError as exc:
        raise InputError("the input is nested too deeply") from exc
    return parse_input(data)


def parse_input(data: Any) -> tuple[PersonFacts, datetime.date]:
    """Turn the documented JSON object into (facts, date), or raise InputError saying why.

    Every field but "on" is optional; null counts as absent.
    """
    if not isinstance(data, dict):
        raise InputError("the input must be one JSON object")
    unknown = set(data) - _TOP_LEVEL
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if data.get("on") is None:
        raise InputError('"on" is required: the date of the assessment, YYYY-MM-DD')
    on = _parse_date(data["on"], '"on"')
    raw_documents = data.get("documents")
    if raw_documents is None:
        raw_documents = []
    if not isinstance(raw_documents, list):
        raise InputError('"documents" must be a list')
    if len(raw_documents) > MAX_DOCUMENTS:
        raise InputError(f'"documents" may hold at most {MAX_DOCUMENTS} documents')
    documents = tuple(_parse_document(doc, i) for i, doc in enumerate(raw_documents))
    birth_date, birth_year = None, None
    dob = data.get("date_of_birth")
    if dob is not None:
        if isinstance(dob, str) and len(dob) == 4 and dob.isdigit():
            birth_year = int(dob)
        else:
            birth_date = _parse_date(dob, '"date_of_birth" (YYYY-MM-DD, or YYYY)')
            birth_year = birth_date.year
        if not EARLIEST_BIRTH_YEAR <= birth_year <= on.year or (birth_date and birth_date > on):
            raise InputError(
                f'"date_of_birth" must be between {EARLIEST_BIRTH_YEAR} and the date "on"'
            )
    facts = PersonFacts(
        documents=documents,
        birth_date=birth_date,
        birth_year=birth_year,
        born_in_pakistan=_parse_bool(data, "born_in_pakistan"),
        pakistani_parent=_parse_bool(data, "pakistani_parent"),
        asylum_claim_pending=_parse_bool(data, "asylum_claim_pending"),
    )
    return facts, on


def _parse_document(doc: Any, index: int) -> Document:
    where = f"documents[{index}]"
    if not isinstance(doc, dict):
        raise InputError(f"{where} must be an object")
    unknown = set(doc) - _DOCUMENT_KEYS
    if unknown:
        raise InputError(f"{where} has unknown field(s): {', '.join(sorted(unknown))}")
    kind = doc.get("type")
    if kind not in DOCUMENT_TYPES:
        raise InputError(f"{where}.type must be one of: {', '.join(DOCUMENT_TYPES)}")
    number = doc.get("number")
    if number is None:
        number = ""
    if not isinstance(number, str) or len(number) > 60:
        raise InputError(f"{where}.number must be text of at most 60 characters")
    issued = (
        _parse_date(doc["issued"], f"{where}.issued") if doc.get("issued") is not None else None
    )
    expires = (
        _parse_date(doc["expires"], f"{where}.expires") if doc.get("expires") is not None else None
    )
    if issued and expires and expires < issued:
        raise InputError(f"{where}: the expiry date is before the issue date")
    return Document(type=kind, number=number, issued=issued, expires=expires)


def as_json(assessment: Assessment, texts: Mapping[str, str]) -> dict[str, Any]:
    """Return the assessment as the documented JSON object.

    `texts` maps "kind:code" ids to human-readable templates (panah/rules/labels.py gives them
    in the active language); the engine itself holds codes only.
    """

    def text(code: str, data: Mapping[str, str] | None = None) -> str:
        template = texts.get(code, code)
        try:
            return template % dict(data or {})
        except (KeyError, ValueError, TypeError):
            return template

    return {
        "risk": assessment.risk,
        "risk_label": text(f"risk:{assessment.risk}"),
        "status": {"code": assessment.status, "label": text(f"status:{assessment.status}")},
        "flags": list(assessment.flags),
        "flag_labels": [text(f"flag:{flag}") for flag in assessment.flags],
        "reasons": [
            {
                "code": r.code,
                "text": text(f"reason:{r.code}", r.data),
                "sources": list(r.sources),
                "confidence": r.confidence,
                "confidence_label": text(f"confidence:{r.confidence}"),
                "law": r.law,
            }
            for r in assessment.reasons
        ],
        "deadlines": [
            {
                "date": d.date.isoformat(),
                "code": d.code,
                "text": text(f"deadline:{deadline_kind(d.code)}"),
                "sources": list(d.sources),
            }
            for d in assessment.deadlines
        ],
        "actions": [
            {
                "code": a.code,
                "text": text(f"action:{a.code}"),
                "sources": list(a.sources),
                "law": a.law,
            }
            for a in assessment.actions
        ],
        "policy_version": assessment.policy_version,
        "on": assessment.on.isoformat(),
    }


def deadline_kind(code: str) -> str:
    """Return the kind of a deadline code: "deadline", "enforcement" or "ends"."""
    for suffix in ("_deadline", "_enforcement", "_ends"):
        if code.endswith(suffix):
            return suffix[1:]
    return code
