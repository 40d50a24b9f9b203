"""Two records of one person in organisation A (and helpers to make more), for duplicates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.utils import timezone

from panah.accounts.selectors import actor_for
from panah.cases.services import case_open
from panah.duplicates.models import DataSharingAgreement, DuplicateCandidate
from panah.duplicates.services import agreement_create
from panah.helpline.services import contact_log
from panah.people.services import consent_record, document_add, household_create
from panah.testing.records import person_make


def candidate_make(one: Any, other: Any, **fields: Any) -> DuplicateCandidate:
    """Store a pending pair as the finder would (the finder itself is tested on its own)."""
    if other.pk < one.pk:
        one, other = other, one
    fields.setdefault("probability", 0.93)
    fields.setdefault(
        "evidence",
        [
            {"field": "father", "level": "phonetic", "weight": 4.3},
            {"field": "phone", "level": "same", "weight": 11.5},
            {"field": "dob", "level": "different", "weight": -4.5},
        ],
    )
    return DuplicateCandidate.objects.create(
        person_a=one,
        person_b=other,
        organisation_a_id=one.organisation_id,
        organisation_b_id=other.organisation_id,
        fingerprint="0" * 32,
        found_at=timezone.now(),
        **fields,
    )


def agreement_make(org_a: Any, org_b: Any, **fields: Any) -> DataSharingAgreement:
    fields.setdefault("valid_from", timezone.localdate() - datetime.timedelta(days=30))
    return agreement_create(
        organisation_a=org_a, organisation_b=org_b, reference="MoU-2026-07", **fields
    )


@pytest.fixture
def twins(personas: dict[str, Any]) -> dict[str, Any]:
    """One man registered twice in organisation A, each record with its own history."""
    operator = actor_for(personas["a"]["operator"])
    first = person_make(
        operator,
        given_name="Gul Agha",
        family_name="Achakzai",
        father_name="Nazar Mohammad",
        birth_year=1985,
        sex="m",
        languages=["ps"],
        phones=("03001234567",),
    )
    second = person_make(
        operator,
        given_name="Gul Aga",
        father_name="Nazar Muhammad",
        given_name_native="ګل آغا",
        sex="m",
        languages=["ps", "ur"],
        phones=("03001234567", "03339876543"),
    )
    document_add(operator, second, doc_type="por", number="PoR-1234567")
    document_add(operator, first, doc_type="acc", number="ACC-7654321")
    consent_record(operator, second, purpose="legal_assistance", given_by="self", channel="call")
    case = case_open(operator, person=second, case_type="documentation")
    about = contact_log(operator, channel="call", language="ps", person=second, case=case)
    called = contact_log(operator, channel="call", language="ps", caller=second, person=first)
    relative = person_make(operator, given_name="Zarmina", sex="f")
    household = household_create(operator, members=[second, relative])
    return {
        "first": first,
        "second": second,
        "case": case,
        "contact_about": about,
        "contact_called": called,
        "relative": relative,
        "household": household,
        "candidate": candidate_make(first, second),
    }
