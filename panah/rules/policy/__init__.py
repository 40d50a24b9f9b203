"""The policy file: YAML checked against its JSON schema, loaded into plain frozen dataclasses.

No Django here: the engine and its policy are pure Python, usable from a script or a notebook.
The data sits next to this module: `policy.yaml` (the decisions, each citing
shared/domain/facts.md) and `schema.json` (its shape).
"""

from __future__ import annotations

import datetime
import functools
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

POLICY_DIR = Path(__file__).resolve().parent
DEFAULT_POLICY = POLICY_DIR / "policy.yaml"
SCHEMA = POLICY_DIR / "schema.json"


class PolicyError(ValueError):
    """The policy file is unreadable, malformed or inconsistent; the message says where."""


@dataclass(frozen=True)
class DocumentRule:
    code: str
    stay: str  # policy_validity | own_expiry | none
    group: str  # por | acc | undocumented
    holder_status: str | None
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class PorValidity:
    """A decision that PoR cards are valid from `effective_on` to `valid_until`."""

    decided_on: datetime.date
    effective_on: datetime.date
    valid_until: datetime.date
    estimated: bool
    sources: tuple[str, ...]
    confidence: str
    note: str = ""

    def covers(self, on: datetime.date) -> bool:
        return self.effective_on <= on <= self.valid_until


@dataclass(frozen=True)
class PorEnd:
    """A decision that PoR status ended after `ended_on`, with no further extension."""

    decided_on: datetime.date
    effective_on: datetime.date
    ended_on: datetime.date
    estimated: bool
    sources: tuple[str, ...]
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class Phase:
    """One decision about a phase of the repatriation plan (a later one may replace it)."""

    code: str
    groups: frozenset[str]
    decided_on: datetime.date
    effective_on: datetime.date
    deadline: datetime.date | None
    enforcement_from: datetime.date
    sources: tuple[str, ...]
    confidence: str
    estimated: bool = False
    note: str = ""


@dataclass(frozen=True)
class Protection:
    code: str
    law: str
    sources: tuple[str, ...]
    confidence: str
    note: str = ""


@dataclass(frozen=True)
class TimelineEvent:
    decided_on: datetime.date
    effective_on: datetime.date
    kind: str  # por_validity | por_end | phase
    code: str
    summary: str
    sources: tuple[str, ...]
    confidence: str
    estimated: bool
    superseded_on: datetime.date | None = None


@dataclass(frozen=True)
class Policy:
    version: str
    facts_as_of: datetime.date
    sources: Mapping[str, str]
    documents: Mapping[str, DocumentRule]
    por_validity: tuple[PorValidity, ...]
    por_end: tuple[PorEnd, ...]
    phases: tuple[Phase, ...]
    protections: Mapping[str, Protection]

    def phases_known_on(self, on: datetime.date) -> tuple[Phase, ...]:
        """Return, for each phase decided by `on`, its latest decision up to `on`."""
        current: dict[str, Phase] = {}
        for phase in self.phases:
            if phase.decided_on <= on and (
                phase.code not in current or current[phase.code].decided_on < phase.decided_on
            ):
                current[phase.code] = phase
        return tuple(sorted(current.values(), key=lambda p: (p.enforcement_from, p.code)))

    def events(self) -> list[TimelineEvent]:
        """Return every dated decision, in the order it became known."""
        rows = [
            TimelineEvent(
                v.decided_on,
                v.effective_on,
                "por_validity",
                "por",
                f"PoR cards valid from {v.effective_on} to {v.valid_until}",
                v.sources,
                v.confidence,
                v.estimated,
            )
            for v in self.por_validity
        ]
        rows += [
            TimelineEvent(
                e.decided_on,
                e.effective_on,
                "por_end",
                "por",
                f"PoR status declared ended on {e.ended_on}; no further extension",
                e.sources,
                e.confidence,
                e.estimated,
            )
            for e in self.por_end
        ]
        for phase in self.phases:
            later = [
                p.decided_on
                for p in self.phases
                if p.code == phase.code and p.decided_on > phase.decided_on
            ]
            leave = f"leave by {phase.deadline}" if phase.deadline else "no date to leave"
            rows.append(
                TimelineEvent(
                    phase.decided_on,
                    phase.effective_on,
                    "phase",
                    phase.code,
                    f"targets {', '.join(sorted(phase.groups))}; {leave}; "
                    f"arrests and deportation from {phase.enforcement_from}",
                    phase.sources,
                    phase.confidence,
                    phase.estimated,
                    min(later) if later else None,
                )
            )
        return sorted(rows, key=lambda e: (e.decided_on, e.effective_on, e.kind, e.code))


@functools.cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def _date(text: str, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise PolicyError(f"{where}: {text!r} is not a real date") from exc


def parse_policy(data: Any) -> Policy:
    """Check a policy document (as parsed from YAML) and build the Policy, or raise PolicyError."""
    if not isinstance(data, dict):
        raise PolicyError("the policy must be a mapping at the top level")
    data = _dates_as_text(data)  # YAML reads an unquoted 2025-07-31 as a date: accept both
    try:
        jsonschema.validate(data, _schema())
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top level)"
        raise PolicyError(f"invalid at {where}: {exc.message}") from exc
    known = set(data["sources"])

    def sources(entry: dict[str, Any], where: str) -> tuple[str, ...]:
        missing = [s for s in entry["sources"] if s not in known]
        if missing:
            raise PolicyError(f"{where}: unknown source id(s) {', '.join(missing)}")
        return tuple(entry["sources"])

    def day(entry: dict[str, Any], key: str, where: str) -> datetime.date:
        return _date(entry[key], f"{where}/{key}")

    documents = {
        code: DocumentRule(
            code,
            d["stay"],
            d["group"],
            d.get("holder_status"),
            sources(d, f"document_types/{code}"),
            d["confidence"],
        )
        for code, d in data["document_types"].items()
    }
    validity = []
    for i, v in enumerate(data["por_validity"]):
        where = f"por_validity/{i}"
        entry = PorValidity(
            day(v, "decided_on", where),
            day(v, "effective_on", where),
            day(v, "valid_until", where),
            v.get("estimated", False),
            sources(v, where),
            v["confidence"],
            v.get("note", ""),
        )
        if entry.valid_until < entry.effective_on:
            raise PolicyError(f"{where}: valid_until is before effective_on")
        validity.append(entry)
    ends = [
        PorEnd(
            day(e, "decided_on", f"por_end/{i}"),
            day(e, "effective_on", f"por_end/{i}"),
            day(e, "ended_on", f"por_end/{i}"),
            e.get("estimated", False),
            sources(e, f"por_end/{i}"),
            e["confidence"],
            e.get("note", ""),
        )
        for i, e in enumerate(data["por_end"])
    ]
    phases = []
    decisions: set[tuple[str, datetime.date]] = set()
    for i, p in enumerate(data["phases"]):
        where = f"phases/{i}"
        phase = Phase(
            code=p["code"],
            groups=frozenset(p["groups"]),
            decided_on=day(p, "decided_on", where),
            effective_on=day(p, "effective_on", where),
            deadline=day(p, "deadline", where) if "deadline" in p else None,
            enforcement_from=day(p, "enforcement_from", where),
            sources=sources(p, where),
            confidence=p["confidence"],
            estimated=p.get("estimated", False),
            note=p.get("note", ""),
        )
        if phase.deadline is not None and phase.deadline >= phase.enforcement_from:
            raise PolicyError(f"{where}: the deadline must come before enforcement_from")
        if (phase.code, phase.decided_on) in decisions:
            # Two decisions about one phase on one day: which applies would be arbitrary.
            raise PolicyError(f"{where}: {phase.code} already has a decision on {phase.decided_on}")
        decisions.add((phase.code, phase.decided_on))
        phases.append(phase)
    return Policy(
        version=data["version"],
        facts_as_of=_date(data["facts_as_of"], "facts_as_of"),
        sources=dict(data["sources"]),
        documents=documents,
        por_validity=tuple(validity),
        por_end=tuple(ends),
        phases=tuple(phases),
        protections={
            code: Protection(
                code,
                p["law"],
                sources(p, f"protections/{code}"),
                p["confidence"],
                p.get("note", ""),
            )
            for code, p in data["protections"].items()
        },
    )


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Read, check and return a policy file; raise PolicyError naming the file on any fault."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read policy file {path}: {exc}") from exc
    try:
        return parse_policy(data)
    except PolicyError as exc:
        raise PolicyError(f"policy file {path}: {exc}") from exc
