"""The legal status and deportation-risk engine: a pure function of facts, a date and a policy.

No Django, no I/O, no clock: `assess(facts, on=D, policy=P)` depends on nothing else, so an
answer "as of D" can be reproduced at any time. Only policy entries decided on or before D are
used (the policy is bitemporal, see policy.yaml).

Risk levels (issue 5):
- low:      on D a document gives lawful stay under the policy known on D, and no known
            decision ends that within 60 days;
- medium:   no phase known on D targets the person, but nothing gives them lawful stay;
- elevated: lawful or not yet targeted on D, but a decision known on D ends that within 60 days;
- high:     a phase in force on D targets them, or their lawful stay has lapsed.
A person may hold several documents; each gives a basis, and the most favourable basis counts,
so adding a document can never make the answer worse.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from panah.rules.policy import Phase, Policy

RISK_ORDER = ("low", "medium", "elevated", "high")
WARNING_WINDOW = datetime.timedelta(days=60)
ADULT_AGE = 18

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
    birth_year: int | None = None
    born_in_pakistan: bool = False
    pakistani_parent: bool = False
    asylum_claim_pending: bool = False


@dataclass(frozen=True)
class Reason:
    code: str
    sources: tuple[str, ...]
    confidence: str
    data: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Deadline:
    date: datetime.date
    code: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Action:
    code: str
    sources: tuple[str, ...] = ()


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


@dataclass(frozen=True)
class _Basis:
    """What one kind of document means for the person on D."""

    status: str
    risk: str
    reasons: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...]


def _worst(*risks: str) -> str:
    return max(risks, key=RISK_ORDER.index)


def _best(*risks: str) -> str:
    return min(risks, key=RISK_ORDER.index)


def _phases_for(group: str, on: datetime.date, policy: Policy) -> list[Phase]:
    return [p for p in policy.phases if group in p.groups and p.decided_on <= on]


def _phase_exposure(group: str, on: datetime.date, policy: Policy) -> _Basis:
    """How the repatriation phases known on D treat a group, as if nothing else applied."""
    risk = "medium"
    reasons: list[Reason] = []
    deadlines: list[Deadline] = []
    for phase in _phases_for(group, on, policy):
        if phase.enforcement_from <= on:
            risk = "high"
            reasons.append(
                Reason(
                    "phase_in_force",
                    phase.sources,
                    phase.confidence,
                    {"phase": phase.code, "since": phase.enforcement_from.isoformat()},
                )
            )
        else:
            if phase.enforcement_from - on <= WARNING_WINDOW:
                risk = _worst(risk, "elevated")
            reasons.append(
                Reason(
                    "phase_announced",
                    phase.sources,
                    phase.confidence,
                    {"phase": phase.code, "from": phase.enforcement_from.isoformat()},
                )
            )
            if phase.deadline >= on:
                deadlines.append(Deadline(phase.deadline, f"{phase.code}_deadline", phase.sources))
            deadlines.append(
                Deadline(phase.enforcement_from, f"{phase.code}_enforcement", phase.sources)
            )
    if risk == "medium":
        reasons.append(Reason("no_phase_targets", ("facts-2.1",), "firm", {"group": group}))
    return _Basis(status="", risk=risk, reasons=tuple(reasons), deadlines=tuple(deadlines))


def _lawful_until(
    end: datetime.date | None, on: datetime.date, reason: Reason, status: str
) -> _Basis:
    """A basis of lawful stay on D that ends on `end` (None: no known end)."""
    deadlines: tuple[Deadline, ...] = ()
    risk = "low"
    if end is not None:
        deadlines = (Deadline(end, f"{status}_ends", reason.sources),)
        if end - on <= WARNING_WINDOW:
            risk = "elevated"
    return _Basis(status, risk, (reason,), deadlines)


def _por_basis(on: datetime.date, policy: Policy, rule_sources: tuple[str, ...]) -> _Basis:
    ends = [e for e in policy.por_end if e.decided_on <= on]
    known = [v for v in policy.por_validity if v.decided_on <= on]
    exposure = _phase_exposure("por", on, policy)
    if ends:
        end = min(ends, key=lambda e: e.ended_on)
        if end.ended_on < on:
            reason = Reason(
                "por_ended", end.sources, end.confidence, {"ended_on": end.ended_on.isoformat()}
            )
            return _Basis("por_lapsed", "high", (reason, *exposure.reasons), exposure.deadlines)
    if known:
        latest = max(known, key=lambda v: v.valid_until)
        if latest.valid_until >= on:
            reason = Reason(
                "por_valid",
                latest.sources,
                latest.confidence,
                {"valid_until": latest.valid_until.isoformat()},
            )
            lawful = _lawful_until(latest.valid_until, on, reason, "por_valid")
            risk = _worst(lawful.risk, exposure.risk if exposure.risk != "medium" else "low")
            return _Basis(
                "por_valid",
                risk,
                (*lawful.reasons, *exposure.reasons),
                (*lawful.deadlines, *exposure.deadlines),
            )
        reason = Reason(
            "por_lapsed",
            latest.sources,
            latest.confidence,
            {"valid_until": latest.valid_until.isoformat()},
        )
        return _Basis("por_lapsed", "high", (reason, *exposure.reasons), exposure.deadlines)
    reason = Reason("por_no_validity_known", rule_sources, "uncertain")
    return _Basis("por_lapsed", "high", (reason,), ())


def _own_expiry_basis(doc: Document, on: datetime.date, policy: Policy) -> _Basis | None:
    rule = policy.documents[doc.type]
    if doc.type == "visa" and doc.expires is None:
        return None  # a visa without its expiry cannot be checked: it gives no basis
    if doc.expires is not None and doc.expires < on:
        reason = Reason(
            f"{doc.type}_expired",
            rule.sources,
            rule.confidence,
            {"expired": doc.expires.isoformat()},
        )
        return _Basis(f"{doc.type}_expired", "high", (reason,), ())
    reason = Reason(f"{doc.type}_valid", rule.sources, rule.confidence)
    lawful = _lawful_until(doc.expires, on, reason, f"{doc.type}_valid")
    exposure = _phase_exposure(rule.group, on, policy)
    risk = lawful.risk if exposure.risk == "medium" else _worst(lawful.risk, exposure.risk)
    reasons = lawful.reasons if exposure.risk == "medium" else (*lawful.reasons, *exposure.reasons)
    return _Basis(lawful.status, risk, reasons, (*lawful.deadlines, *exposure.deadlines))


_GROUP_STATUS = {"acc": "acc_holder", "undocumented": "undocumented", "por": "umrf_holder"}


def _bases(facts: PersonFacts, on: datetime.date, policy: Policy) -> list[_Basis]:
    held = [d for d in facts.documents if d.issued is None or d.issued <= on]
    bases: list[_Basis] = []
    groups: set[str] = set()
    for doc in held:
        rule = policy.documents.get(doc.type)
        if rule is None:
            continue
        if rule.stay == "policy_validity":
            bases.append(_por_basis(on, policy, rule.sources))
            groups.add(rule.group)
        elif rule.stay == "own_expiry":
            basis = _own_expiry_basis(doc, on, policy)
            if basis is not None:
                bases.append(basis)
                if basis.status.endswith("_expired"):
                    groups.add(rule.group)
                # A valid visa or POC adds protection but does not replace the person's
                # position without it: the fallback below still applies, so holding an
                # expiring visa can never look worse than holding none.
        elif rule.group != "undocumented":
            groups.add(rule.group)
            exposure = _phase_exposure(rule.group, on, policy)
            held_reason = Reason(f"{doc.type}_held", rule.sources, rule.confidence)
            bases.append(
                _Basis(
                    _GROUP_STATUS[rule.group],
                    exposure.risk,
                    (held_reason, *exposure.reasons),
                    exposure.deadlines,
                )
            )
    if not groups:
        # No document places the person in any group but "undocumented" (tazkira, passport
        # without a visa, UNHCR papers, no papers; or only a still-valid visa or POC, whose
        # holder would be undocumented once it ends): facts.md §1.8.
        exposure = _phase_exposure("undocumented", on, policy)
        reason = Reason("no_stay_document", ("facts-1.8",), "firm")
        bases.append(
            _Basis("undocumented", exposure.risk, (reason, *exposure.reasons), exposure.deadlines)
        )
    return bases


def _is_minor(facts: PersonFacts, on: datetime.date) -> tuple[bool, bool]:
    """Return (possibly under 18 on D, known exactly)."""
    if facts.birth_date is not None:
        b = facts.birth_date
        age = on.year - b.year - ((on.month, on.day) < (b.month, b.day))
        return age < ADULT_AGE, True
    if facts.birth_year is not None:
        # Born some day in that year: under 18 for sure before 1 Jan of year+18, possibly
        # until 31 Dec of year+18. Treat "possibly" as a minor: protections first.
        latest_birthday = datetime.date(facts.birth_year + ADULT_AGE, 12, 31)
        earliest = datetime.date(facts.birth_year + ADULT_AGE, 1, 1)
        return on < latest_birthday, on < earliest
    return False, True


def assess(facts: PersonFacts, *, on: datetime.date, policy: Policy) -> Assessment:
    """Return what the person's documents mean on `on`, using only what was known on `on`."""
    bases = _bases(facts, on, policy)
    chosen = min(bases, key=lambda b: RISK_ORDER.index(b.risk))
    risk = chosen.risk
    reasons: list[Reason] = list(chosen.reasons)
    for basis in bases:
        if basis is not chosen:
            reasons.extend(r for r in basis.reasons if r not in reasons)
    flags: list[str] = []
    protections = policy.protections

    minor, exact = _is_minor(facts, on)
    if minor:
        flags.append("juvenile")
        p = protections["juvenile_justice"]
        reasons.append(Reason("juvenile", p.sources, p.confidence if exact else "uncertain"))
    doc_types = {d.type for d in facts.documents}
    if facts.born_in_pakistan or facts.pakistani_parent or "pk_birth_certificate" in doc_types:
        flags.append("possible_citizen")
        p = protections["citizenship_claim"]
        reasons.append(Reason("possible_citizen", p.sources, p.confidence))
    if facts.asylum_claim_pending or doc_types & {"unhcr_asylum_seeker", "unhcr_refugee"}:
        flags.append("unhcr_intervention")
        p = protections["unhcr_intervention"]
        reasons.append(Reason("unhcr_papers", p.sources, p.confidence))
    refugee_like = "unhcr_intervention" in flags or doc_types & {"por", "umrf"}
    if refugee_like and risk in {"elevated", "high"}:
        flags.append("non_refoulement_concern")
        p = protections["non_refoulement"]
        reasons.append(Reason("non_refoulement", p.sources, p.confidence))

    actions = [
        Action("custody_24h", protections["custody_24h"].sources),
        Action("lawyer_of_choice", protections["lawyer_of_choice"].sources),
    ]
    if risk in {"elevated", "high"}:
        actions.insert(0, Action("get_legal_help_now"))
    if chosen.status == "visa_valid" and risk == "elevated":
        actions.append(Action("renew_visa", policy.documents["visa"].sources))
    if "por" in doc_types:
        actions.append(Action("keep_por_card", policy.documents["por"].sources))
    for flag, code, key in (
        ("juvenile", "juvenile_protections", "juvenile_justice"),
        ("possible_citizen", "citizenship_lawyer", "citizenship_claim"),
        ("unhcr_intervention", "contact_unhcr", "unhcr_intervention"),
        ("non_refoulement_concern", "raise_non_refoulement", "non_refoulement"),
    ):
        if flag in flags:
            actions.append(Action(code, protections[key].sources))

    deadlines = sorted(
        {d for b in bases for d in b.deadlines if d.date >= on}, key=lambda d: (d.date, d.code)
    )
    return Assessment(
        on=on,
        risk=risk,
        status=chosen.status,
        flags=tuple(flags),
        reasons=tuple(reasons),
        deadlines=tuple(deadlines),
        actions=tuple(actions),
        policy_version=policy.version,
    )


# --- The input contract shared by the CLI and the HTTP endpoint ---------------------------------

_TOP_LEVEL = {
    "on",
    "documents",
    "date_of_birth",
    "born_in_pakistan",
    "pakistani_parent",
    "asylum_claim_pending",
}
_DOCUMENT_KEYS = {"type", "number", "issued", "expires"}
MAX_DOCUMENTS = 20


def _parse_date(value: Any, where: str) -> datetime.date:
    if not isinstance(value, str) or len(value) != 10:
        raise InputError(f"{where} must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"{where} must be a real date written YYYY-MM-DD") from exc


def _parse_bool(data: Mapping[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise InputError(f"{key} must be true or false")
    return value


def parse_input(data: Any) -> tuple[PersonFacts, datetime.date]:
    """Turn the documented JSON object into (facts, date), or raise InputError saying why."""
    if not isinstance(data, dict):
        raise InputError("the input must be one JSON object")
    unknown = set(data) - _TOP_LEVEL
    if unknown:
        raise InputError(f"unknown field(s): {', '.join(sorted(unknown))}")
    if "on" not in data:
        raise InputError('"on" is required: the date of the assessment, YYYY-MM-DD')
    on = _parse_date(data["on"], '"on"')
    raw_documents = data.get("documents", [])
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
            birth_date = _parse_date(dob, '"date_of_birth"')
            birth_year = birth_date.year
        if birth_year < 1900 or birth_year > on.year:
            raise InputError('"date_of_birth" must be between 1900 and the date "on"')
        if birth_date is not None and birth_date > on:
            raise InputError('"date_of_birth" cannot be after "on"')
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
    number = doc.get("number", "")
    if not isinstance(number, str) or len(number) > 60:
        raise InputError(f"{where}.number must be text of at most 60 characters")
    issued = _parse_date(doc["issued"], f"{where}.issued") if doc.get("issued") else None
    expires = _parse_date(doc["expires"], f"{where}.expires") if doc.get("expires") else None
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
            }
            for r in assessment.reasons
        ],
        "deadlines": [
            {
                "date": d.date.isoformat(),
                "code": d.code,
                "text": text(f"deadline:{_deadline_kind(d.code)}"),
                "sources": list(d.sources),
            }
            for d in assessment.deadlines
        ],
        "actions": [
            {"code": a.code, "text": text(f"action:{a.code}"), "sources": list(a.sources)}
            for a in assessment.actions
        ],
        "policy_version": assessment.policy_version,
        "on": assessment.on.isoformat(),
    }


def _deadline_kind(code: str) -> str:
    for suffix in ("_deadline", "_enforcement", "_ends"):
        if code.endswith(suffix):
            return suffix[1:]
    return code
