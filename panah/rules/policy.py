"""Loading the policy file: YAML checked against its JSON schema, into plain dataclasses.

No Django here: the engine and its policy are pure Python, usable from a script or a notebook.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

POLICY_DIR = Path(__file__).resolve().parent / "policy"
DEFAULT_POLICY = POLICY_DIR / "policy.yaml"
SCHEMA = POLICY_DIR / "schema.json"


class PolicyError(ValueError):
    """The policy file is malformed or inconsistent."""


@dataclass(frozen=True)
class DocumentRule:
    code: str
    stay: str  # policy_validity | own_expiry | none
    group: str
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class PorValidity:
    decided_on: datetime.date
    valid_until: datetime.date
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class PorEnd:
    decided_on: datetime.date
    ended_on: datetime.date
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Phase:
    code: str
    groups: frozenset[str]
    decided_on: datetime.date
    deadline: datetime.date
    enforcement_from: datetime.date
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Protection:
    code: str
    sources: tuple[str, ...]
    confidence: str


@dataclass(frozen=True)
class Policy:
    version: str
    facts_as_of: datetime.date
    sources: dict[str, str]
    documents: dict[str, DocumentRule]
    por_validity: tuple[PorValidity, ...]
    por_end: tuple[PorEnd, ...]
    phases: tuple[Phase, ...]
    protections: dict[str, Protection]

    def events(self) -> list[tuple[datetime.date, datetime.date, str, str]]:
        """Return every dated entry as (decided_on, effective, kind, code), by decision date."""
        rows = [(v.decided_on, v.valid_until, "por_validity", "por") for v in self.por_validity]
        rows += [(e.decided_on, e.ended_on, "por_end", "por") for e in self.por_end]
        for phase in self.phases:
            rows.append((phase.decided_on, phase.deadline, "phase_deadline", phase.code))
            rows.append((phase.decided_on, phase.enforcement_from, "phase_enforcement", phase.code))
        return sorted(rows)


def _date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def parse_policy(data: dict[str, Any]) -> Policy:
    """Validate a policy document (already parsed from YAML) and build the Policy."""
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    try:
        jsonschema.validate(data, schema)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path) or "(top)"
        raise PolicyError(f"policy file invalid at {where}: {exc.message}") from exc
    known = set(data["sources"])

    def sources(entry: dict[str, Any]) -> tuple[str, ...]:
        missing = [s for s in entry["sources"] if s not in known]
        if missing:
            raise PolicyError(f"unknown source ids: {', '.join(missing)}")
        return tuple(entry["sources"])

    try:
        return Policy(
            version=data["version"],
            facts_as_of=_date(data["facts_as_of"]),
            sources=dict(data["sources"]),
            documents={
                code: DocumentRule(code, d["stay"], d["group"], sources(d), d["confidence"])
                for code, d in data["document_types"].items()
            },
            por_validity=tuple(
                PorValidity(
                    _date(v["decided_on"]), _date(v["valid_until"]), sources(v), v["confidence"]
                )
                for v in data["por_validity"]
            ),
            por_end=tuple(
                PorEnd(_date(e["decided_on"]), _date(e["ended_on"]), sources(e), e["confidence"])
                for e in data["por_end"]
            ),
            phases=tuple(
                Phase(
                    code=p["code"],
                    groups=frozenset(p["groups"]),
                    decided_on=_date(p["decided_on"]),
                    deadline=_date(p["deadline"]),
                    enforcement_from=_date(p["enforcement_from"]),
                    sources=sources(p),
                    confidence=p["confidence"],
                )
                for p in data["phases"]
            ),
            protections={
                code: Protection(code, sources(p), p["confidence"])
                for code, p in data["protections"].items()
            },
        )
    except ValueError as exc:
        if isinstance(exc, PolicyError):
            raise
        raise PolicyError(f"policy file has a bad date: {exc}") from exc


def load_policy(path: Path = DEFAULT_POLICY) -> Policy:
    """Read, check and return the policy file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PolicyError(f"cannot read policy file {path.name}: {exc}") from exc
    if not isinstance(data, dict):
        raise PolicyError("policy file must hold a mapping at the top")
    return parse_policy(data)
