"""Adapting Panah's records to the engine, and the cached policy."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.utils import timezone

from panah.people.models import Person
from panah.rules import engine, labels
from panah.rules.policy import Policy, load_policy


@functools.cache
def current_policy() -> Policy:
    """Return the policy file, loaded and checked once per process."""
    return load_policy()


def facts_from_person(person: Person) -> engine.PersonFacts:
    """Return the engine's facts for a person, as recorded (documents, birth, family facts)."""
    documents = tuple(
        engine.Document(
            type=doc.doc_type,
            number="",  # the engine never needs the number: keep it out of memory copies
            issued=doc.issued_on,
            expires=doc.expires_on,
        )
        for doc in person.documents.all()
        if doc.doc_type in engine.DOCUMENT_TYPES
    )
    return engine.PersonFacts(
        documents=documents,
        birth_date=person.birth_date,
        birth_year=person.birth_year,
        born_in_pakistan=person.born_in_pakistan,
        pakistani_parent=person.pakistani_parent,
        asylum_claim_pending=person.asylum_claim_pending,
    )


def person_assess(person: Person, *, on: datetime.date | None = None) -> dict[str, Any]:
    """Return the JSON assessment of a person's documents on a date (today by default)."""
    assessment = engine.assess(
        facts_from_person(person), on=on or timezone.localdate(), policy=current_policy()
    )
    return engine.as_json(assessment, labels.texts())


def facts_assess(data: Any) -> dict[str, Any]:
    """Check the documented JSON input and return the JSON assessment; raise InputError."""
    facts, on = engine.parse_input(data)
    return engine.as_json(engine.assess(facts, on=on, policy=current_policy()), labels.texts())
