"""Adapting Panah's records to the engine, and the cached policy."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from panah.core.sms import sms_segments
from panah.people.models import IdentityDocument, Person
from panah.rules import engine, labels
from panah.rules.policy import Policy, load_policy


@functools.cache
def current_policy() -> Policy:
    """Return the policy file, loaded and checked once per process."""
    return load_policy()


def facts_from_person(
    person: Person, *, documents: Iterable[IdentityDocument] | None = None
) -> engine.PersonFacts:
    """Return the engine's facts for a person, as recorded (documents, birth, family facts).

    `documents` defaults to `person.documents.all()`, which may be a prefetched copy.
    """
    facts_documents = tuple(
        engine.Document(
            type=doc.doc_type,
            number="",  # the engine never needs the number: keep it out of memory copies
            issued=doc.issued_on,
            expires=doc.expires_on,
        )
        for doc in (person.documents.all() if documents is None else documents)
        if doc.doc_type in engine.DOCUMENT_TYPES
    )
    return engine.PersonFacts(
        documents=facts_documents,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        born_in_pakistan=person.born_in_pakistan,
        pakistani_parent=person.pakistani_parent,
        asylum_claim_pending=person.asylum_claim_pending,
    )


def person_assess(person: Person, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Return the JSON assessment of a person's documents on a date (today by default)."""
    assessment = engine.assess(
        facts_from_person(person), on or timezone.localdate(), current_policy()
    )
    return engine.as_json(assessment, labels.texts())


def facts_assess(data: Any, *, policy: Policy | None = None) -> dict[str, Any]:
    """Check the documented input (parsed JSON) and return the JSON assessment.

    Raise engine.InputError, whose message is safe to show to the caller, on bad input.
    """
    facts, on = engine.parse_input(data)
    assessment = engine.assess(facts, on, policy or current_policy())
    return engine.as_json(assessment, labels.texts())


def json_assess(raw: str | bytes, *, policy: Policy | None = None) -> dict[str, Any]:
    """Like facts_assess, from the JSON text itself (size and syntax checked too)."""
    facts, on = engine.parse_json_input(raw)
    assessment = engine.assess(facts, on, policy or current_policy())
    return engine.as_json(assessment, labels.texts())


def assessment_sms(result: dict[str, Any], *, segments: int = 2) -> str:
    """Return an assessment as one SMS: status, risk, then as many actions as fit.

    The self-service line's hook: call it inside the caller's language (translation.override)
    on the result of `facts_assess`. It never cuts a sentence: an action that does not fit in
    the segments is left out whole, and status plus risk always go.
    """
    text = f"{result['status']['label']}. {result['risk_label']}."
    for action in result["actions"]:
        longer = f"{text} {action['text']}"
        if sms_segments(longer) > segments:
            break
        text = longer
    return text
