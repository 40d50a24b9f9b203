"""The finder: stores the model's likely pairs with evidence codes, once, and respects the
reviewers' decisions on the next run; the task and the command run it."""

from __future__ import annotations

import io
import json
import random
from collections import Counter
from typing import Any

import pytest
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from panah.accounts.selectors import actor_for
from panah.audit.models import AuditEvent
from panah.core.errors import DomainError
from panah.core.normalise import normalise_phone
from panah.duplicates import tasks
from panah.duplicates.evidence import LEVEL_LABELS
from panah.duplicates.models import DuplicateCandidate
from panah.duplicates.services import candidate_reject, duplicates_find, person_merge
from panah.matching import synthetic
from panah.people.services import (
    PersonData,
    document_add,
    person_create,
    person_phone_add,
    person_update,
)
from panah.testing.records import person_make
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

_SEX = {"M": "m", "F": "f"}


def _register(actor: Any, rows: list[list[str]]) -> dict[Any, int]:
    """Create a person per synthetic registration; return person id → true entity."""
    truth = {}
    for row, entity in rows:
        _, given, family, father, sex, dob, phone, document, _ = row
        data = PersonData(
            given_name=given or "X",
            family_name=family,
            father_name=father,
            sex=_SEX.get(sex, "u"),
            birth_year=int(dob[:4]) if dob else None,
        )
        phones = []
        if phone:
            try:
                phones = [normalise_phone(phone, default_region="PK")]
            except DomainError:
                phones = []
        person = person_create(actor, data=data, phones=phones)
        if document:
            document_add(actor, person, doc_type="por", number=document)
        truth[person.pk] = entity
    return truth


@pytest.fixture
def register(personas):
    actor = actor_for(personas["a"]["operator"])
    rows = list(synthetic.generate(40, seed=11))
    return {"actor": actor, "truth": _register(actor, rows), "rows": rows}


def test_the_finder_stores_likely_pairs_that_are_mostly_true_duplicates(register, personas):
    summary = duplicates_find(organisation=personas["a"]["org"])

    pairs = list(DuplicateCandidate.objects.all())
    assert summary.created == len(pairs) > 0
    truth = register["truth"]
    same = [truth[c.person_a_id] == truth[c.person_b_id] for c in pairs if c.probability >= 0.9]
    assert same and sum(same) / len(same) >= 0.9
    true_pairs = Counter(truth.values())
    expected = sum(n * (n - 1) // 2 for n in true_pairs.values())
    found = sum(truth[c.person_a_id] == truth[c.person_b_id] for c in pairs)
    assert found >= 0.7 * expected
    for candidate in pairs:
        assert candidate.state == "pending"
        assert candidate.person_a_id < candidate.person_b_id
        assert candidate.organisation_a == candidate.organisation_b == personas["a"]["org"]
        for item in candidate.evidence:
            assert item["level"] in LEVEL_LABELS[item["field"]]
            assert set(item) == {"field", "level", "weight"}


def test_the_stored_evidence_holds_no_personal_value(register):
    duplicates_find()
    stored = json.dumps(list(DuplicateCandidate.objects.values_list("evidence", "reason")))
    for row, _ in register["rows"]:
        for value in row[1:8]:
            words = [w for w in value.replace("-", " ").split() if len(w) >= 4]
            for word in words:
                assert word.lower() not in stored.lower(), word


def test_running_again_stores_no_pair_twice(register, personas):
    first = duplicates_find(organisation=personas["a"]["org"])
    count = DuplicateCandidate.objects.count()
    again = duplicates_find(organisation=personas["a"]["org"])
    assert DuplicateCandidate.objects.count() == count
    assert again.created == 0 and again.updated == first.created


def test_a_rejected_pair_stays_rejected_until_a_record_changes(personas):
    actor = actor_for(personas["a"]["operator"])
    reviewer = actor_for(personas["a"]["case_manager"])
    data = PersonData(given_name="Zarghona", father_name="Abdul Ghani", sex="f", birth_year=1990)
    one = person_create(actor, data=data, phones=["03001112223"])
    two = person_create(actor, data=data, phones=["03001112223"])
    duplicates_find()
    candidate = DuplicateCandidate.objects.get()
    candidate_reject(reviewer, candidate)

    duplicates_find()
    candidate.refresh_from_db()
    assert candidate.state == "rejected"

    person_update(actor, two, data=PersonData(**{**data.__dict__, "birth_year": 1991}))
    summary = duplicates_find()
    candidate.refresh_from_db()
    assert summary.reopened == 1
    assert candidate.state == "pending" and {candidate.person_a, candidate.person_b} == {one, two}


def test_a_new_phone_changes_the_records_too(personas):
    actor = actor_for(personas["a"]["operator"])
    reviewer = actor_for(personas["a"]["case_manager"])
    data = PersonData(given_name="Zarghona", father_name="Abdul Ghani", sex="f", birth_year=1990)
    person_create(actor, data=data, phones=["03001112223"])
    two = person_create(actor, data=data)
    duplicates_find()
    candidate_reject(reviewer, DuplicateCandidate.objects.get())
    person_phone_add(actor, two, number="03001112223")
    assert duplicates_find().reopened == 1


def test_pairs_of_a_merged_record_leave_the_store_but_decisions_stay(personas):
    actor = actor_for(personas["a"]["operator"])
    reviewer = actor_for(personas["a"]["case_manager"])
    data = PersonData(given_name="Zarghona", father_name="Abdul Ghani", sex="f", birth_year=1990)
    one, two, three = (person_create(actor, data=data, phones=["03001112223"]) for _ in range(3))
    duplicates_find()
    assert DuplicateCandidate.objects.count() == 3
    rejected = DuplicateCandidate.objects.get(
        person_a=min(one.pk, two.pk), person_b=max(one.pk, two.pk)
    )
    candidate_reject(reviewer, rejected)
    person_merge(reviewer, three, two)

    summary = duplicates_find()

    remaining = DuplicateCandidate.objects.all()
    assert summary.removed == 1  # the pending pair of two with three: two is merged away
    assert set(remaining.values_list("state", flat=True)) == {"rejected", "pending"}


def test_pairs_across_organisations_are_found_by_the_run_over_every_register(personas):
    ours = actor_for(personas["a"]["operator"])
    theirs = actor_for(personas["b"]["operator"])
    data = PersonData(given_name="Zarghona", father_name="Abdul Ghani", sex="f", birth_year=1990)
    person_create(ours, data=data, phones=["03001112223"])
    person_create(theirs, data=data, phones=["03001112223"])

    duplicates_find(organisation=personas["a"]["org"])
    assert not DuplicateCandidate.objects.exists()  # one register: no pair across
    duplicates_find()
    candidate = DuplicateCandidate.objects.get()
    assert candidate.is_cross_organisation


def test_the_task_and_the_command_run_the_finder(personas):
    actor = actor_for(personas["a"]["operator"])
    for _ in range(2):
        person_make(
            actor,
            given_name="Zarghona",
            father_name="Abdul Ghani",
            birth_year=1990,
            phones=("03001112223",),
        )
    tasks.duplicates_find.enqueue(str(personas["a"]["org"].pk))
    assert DBTaskResult.objects.filter(task_path="panah.duplicates.tasks.duplicates_find").exists()
    assert run_due_tasks() == 1
    assert DuplicateCandidate.objects.count() == 1

    out = io.StringIO()
    call_command("duplicates", "find", "--organisation", personas["a"]["org"].name, stdout=out)
    assert "1 likely duplicate pairs: 0 new, 1 refreshed" in out.getvalue()
    assert "Zarghona" not in out.getvalue()
    # Each run that decrypted the register left one audit line.
    assert AuditEvent.objects.filter(object_type="duplicatecandidate", action="search").count() == 2


def test_the_command_records_an_agreement(personas):
    out = io.StringIO()
    call_command(
        "duplicates", "agreement", "Org A", "org-b", "MoU-1", "--from", "2026-01-01", stdout=out
    )
    assert "recorded" in out.getvalue()


def test_random_people_are_rarely_paired(personas):
    # Different people with different names, phones and years: nothing worth a review.
    actor = actor_for(personas["a"]["operator"])
    rng = random.Random(5)
    for person in synthetic.people(30, seed=5):
        if rng.random() < 0.5:
            person_make(
                actor,
                given_name=person.given,
                father_name=person.father,
                birth_year=person.dob.year,
            )
    duplicates_find()
    assert DuplicateCandidate.objects.filter(probability__gte=0.9).count() <= 3


def test_a_name_only_said_on_the_phone_is_compared_as_missing(personas) -> None:
    from panah.duplicates.services import person_record
    from panah.people.models import NAME_SAID_ON_THE_PHONE

    actor = actor_for(personas["a"]["operator"])
    caller = person_make(actor, given_name=NAME_SAID_ON_THE_PHONE)
    named = person_make(actor, given_name="Gul Agha")
    assert person_record(caller).given_name == ""
    assert person_record(named).given_name == "Gul Agha"
