"""person_merge moves every row of the merged record to the survivor; the undo puts back
exactly those rows; both are audited; refusals are clear; organisations need an agreement."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.db.models import Q
from django.utils import timezone

from panah.accounts.selectors import actor_for
from panah.audit.models import AuditEvent
from panah.cases.models import Case
from panah.cases.services import case_open
from panah.core.errors import DomainError, NotFound, PermissionDenied
from panah.duplicates.models import DuplicateCandidate, PersonMerge
from panah.duplicates.services import (
    NOT_MOVED,
    candidate_merge,
    candidate_reject,
    merge_relations,
    person_merge,
    person_merge_undo,
)
from panah.duplicates.tests.conftest import agreement_make, candidate_make
from panah.helpline.models import Contact
from panah.people.models import Consent, IdentityDocument, Person, PhoneNumber, SearchKey
from panah.people.selectors import person_list_for, person_search_for
from panah.testing.records import person_make, row_counts

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, Any]:
    """Who every row points at, and each person's facts and search keys."""
    rows = {
        (model.__name__, fk, str(pk)): str(owner)
        for _kind, model, fk in merge_relations()
        for pk, owner in model._base_manager.values_list("pk", f"{fk}_id")
    }
    people = {
        str(p.pk): (
            p.given_name,
            p.family_name,
            p.father_name,
            p.given_name_native,
            p.sex,
            p.birth_year,
            p.birth_date,
            tuple(p.languages),
            p.household_id,
            p.merged_into_id,
        )
        for p in Person.objects.all()
    }
    keys = sorted(SearchKey.objects.values_list("person_id", "kind", "digest"))
    return {"rows": rows, "people": people, "keys": keys}


def test_every_foreign_key_to_a_person_is_moved_by_the_merge_unless_listed() -> None:
    moved = {(model._meta.label, fk) for _kind, model, fk in merge_relations()}
    pointing = {
        (model._meta.label, field.name)
        for model in apps.get_models()
        for field in model._meta.get_fields()
        if field.concrete and field.is_relation and field.related_model is Person
    }
    assert pointing == moved | NOT_MOVED
    assert {
        ("people.PhoneNumber", "person"),
        ("people.IdentityDocument", "person"),
        ("people.Consent", "person"),
        ("cases.Case", "person"),
        ("helpline.Contact", "person"),
        ("helpline.Contact", "caller"),
    } <= moved
    # A one-to-one link could not hold both records' rows: it would need a rule of its own.
    for _kind, model, fk in merge_relations():
        assert not model._meta.get_field(fk).one_to_one, (model, fk)


def test_merge_moves_every_row_and_keeps_the_merged_record(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    totals = row_counts(Person, PhoneNumber, IdentityDocument, Consent, Case, Contact)

    merge = candidate_merge(actor, twins["candidate"], survivor_id=first.pk)

    assert row_counts(Person, PhoneNumber, IdentityDocument, Consent, Case, Contact) == totals
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.merged_into == first and second.merged_at is not None
    assert sorted(p.number for p in first.phones.all()) == ["+923001234567", "+923339876543"]
    # The phone both had stays on the merged record: the survivor does not get it twice.
    assert [p.number for p in second.phones.all()] == ["+923001234567"]
    assert sorted(d.doc_type for d in first.documents.all()) == ["acc", "por"]
    assert first.consents.count() == 1 and second.consents.count() == 0
    assert list(first.cases.all()) == [twins["case"]]
    assert set(Contact.objects.filter(person=first)) == {
        twins["contact_about"],
        twins["contact_called"],
    }
    assert list(Contact.objects.filter(caller=first)) == [twins["contact_called"]]
    assert not Contact.objects.filter(Q(person=second) | Q(caller=second)).exists()
    # The survivor had no household: it joins the merged record's, which the merged one leaves.
    assert first.household == twins["household"] and second.household is None
    assert first.given_name_native == "ګل آغا" and first.languages == ["ps", "ur"]
    assert first.family_name == "Achakzai"  # the survivor's own values are never overwritten
    assert merge.moved["fields_filled"] == ["given_name_native"]
    assert merge.moved["cases"] == [str(twins["case"].pk)]
    candidate = DuplicateCandidate.objects.get(pk=twins["candidate"].pk)
    assert candidate.state == "merged" and candidate.reviewer == actor.user


def test_the_merged_record_leaves_search_and_lists_and_the_survivor_is_found_by_its_phone(
    twins, personas
) -> None:
    user = personas["a"]["case_manager"]
    first, second = twins["first"], twins["second"]
    person_merge(actor_for(user), first, second)

    assert not SearchKey.objects.filter(person=second).exists()
    assert second not in person_list_for(user)
    found = [m.person for m in person_search_for(user, query="0333 9876543")]
    assert found == [first]
    assert second.pk not in {m.person.pk for m in person_search_for(user, query="Gul Aga")}


def test_merge_and_undo_are_audited_with_both_ids(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    merge = person_merge(actor, first, second)
    person_merge_undo(actor, merge)

    events = AuditEvent.objects.filter(actor=actor.user, action="update")
    assert set(events.values_list("object_type", "object_id")) >= {
        ("person", str(first.pk)),
        ("person", str(second.pk)),
        ("personmerge", str(merge.pk)),
    }
    created = AuditEvent.objects.get(object_type="personmerge", action="create")
    assert {"survivor", "merged", "cases", "phones"} <= set(created.fields)
    # Field names only: nothing personal in the audit log.
    assert "Gul" not in str(list(AuditEvent.objects.values_list("fields", flat=True)))


def test_undo_restores_exactly(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    before = _snapshot()

    merge = person_merge(actor, first, second)
    assert _snapshot() != before
    person_merge_undo(actor, merge)

    assert _snapshot() == before
    merge.refresh_from_db()
    assert merge.undone_at is not None and merge.undone_by == actor.user


def test_undo_leaves_what_was_added_to_the_survivor_after_the_merge(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    merge = person_merge(actor, first, second)
    later = case_open(actor, person=first, case_type="eviction")

    person_merge_undo(actor, merge)

    assert set(first.cases.all()) == {later}
    assert list(second.cases.all()) == [twins["case"]]


def test_undoing_the_candidate_merge_puts_the_pair_back_as_confirmed(twins, personas) -> None:
    actor = actor_for(personas["a"]["coordinator"])
    merge = candidate_merge(actor, twins["candidate"], survivor_id=twins["second"].pk)
    person_merge_undo(actor, merge)
    candidate = DuplicateCandidate.objects.get(pk=twins["candidate"].pk)
    assert candidate.state == "confirmed"
    # ... from where it can be merged again, the other way round.
    again = candidate_merge(actor, candidate, survivor_id=twins["first"].pk)
    assert again.survivor == twins["first"]


def test_merged_twice_or_into_a_merged_record_or_into_itself_is_refused(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    third = person_make(actor, given_name="Gul Agha")
    person_merge(actor, first, second)

    with pytest.raises(DomainError, match="already been merged"):
        person_merge(actor, third, second)
    with pytest.raises(DomainError, match="itself merged into another record"):
        person_merge(actor, second, third)
    with pytest.raises(DomainError, match="into itself"):
        person_merge(actor, third, third)
    assert PersonMerge.objects.count() == 1


def test_a_decided_pair_cannot_be_decided_again(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    candidate_reject(actor, twins["candidate"])
    with pytest.raises(DomainError, match="already been decided"):
        candidate_merge(actor, twins["candidate"], survivor_id=twins["first"].pk)
    with pytest.raises(DomainError, match="already been decided"):
        candidate_reject(actor, twins["candidate"])


def test_undo_twice_or_under_a_later_merge_is_refused(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first, second = twins["first"], twins["second"]
    third = person_make(actor, given_name="Gul Agha")
    merge = person_merge(actor, first, second)
    onward = person_merge(actor, third, first)

    with pytest.raises(DomainError, match="undo that merge first"):
        person_merge_undo(actor, merge)
    person_merge_undo(actor, onward)
    person_merge_undo(actor, merge)
    with pytest.raises(DomainError, match="already been undone"):
        person_merge_undo(actor, merge)


def test_undo_is_refused_when_a_moved_row_has_moved_on(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    merge = person_merge(actor, twins["first"], twins["second"])
    other = person_make(actor, given_name="Someone Else")
    Case.objects.filter(pk=twins["case"].pk).update(person=other)  # a correction by hand
    with pytest.raises(DomainError, match="changed since the merge"):
        person_merge_undo(actor, merge)
    assert PersonMerge.objects.get().undone_at is None


@pytest.mark.parametrize("role", ["operator", "advocate", "analyst"])
def test_roles_without_duplicate_review_cannot_merge_reject_or_undo(twins, personas, role) -> None:
    actor = actor_for(personas["a"][role])
    reviewer = actor_for(personas["a"]["case_manager"])
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        person_merge(actor, twins["first"], twins["second"])
    with pytest.raises(PermissionDenied):
        candidate_reject(actor, twins["candidate"])
    assert _snapshot() == before
    merge = person_merge(reviewer, twins["first"], twins["second"])
    with pytest.raises(PermissionDenied):
        person_merge_undo(actor, merge)


def test_another_organisation_cannot_merge_our_records(twins, personas) -> None:
    outsider = actor_for(personas["b"]["case_manager"])
    with pytest.raises(NotFound):
        person_merge(outsider, twins["first"], twins["second"])
    with pytest.raises(NotFound):
        candidate_reject(outsider, twins["candidate"])


def test_records_of_two_organisations_are_not_merged_even_under_an_agreement(
    twins, personas
) -> None:
    ours = actor_for(personas["a"]["case_manager"])
    theirs_actor = actor_for(personas["b"]["operator"])
    theirs = person_make(theirs_actor, given_name="Gul Agha", father_name="Nazar Mohammad")
    their_case = case_open(theirs_actor, person=theirs, case_type="arrest")

    with pytest.raises(NotFound):
        person_merge(ours, twins["first"], theirs)
    agreement_make(personas["a"]["org"], personas["b"]["org"])
    # Their staff could no longer open the person their case points at: refused, unchanged.
    with pytest.raises(DomainError, match="two organisations cannot be merged"):
        person_merge(ours, twins["first"], theirs)
    their_case.refresh_from_db()
    theirs.refresh_from_db()
    assert their_case.person == theirs and theirs.merged_into_id is None


def test_an_expired_or_ended_agreement_no_longer_allows_a_merge(twins, personas) -> None:
    ours = actor_for(personas["a"]["case_manager"])
    theirs = person_make(actor_for(personas["b"]["operator"]), given_name="Gul Agha")
    today = timezone.localdate()
    agreement_make(
        personas["a"]["org"],
        personas["b"]["org"],
        valid_from=today - datetime.timedelta(days=60),
        valid_to=today - datetime.timedelta(days=1),
    )
    with pytest.raises(NotFound):
        person_merge(ours, twins["first"], theirs)


def test_a_merge_copies_the_survivors_risk_onto_the_moved_cases(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    first = twins["first"]
    person_merge(actor, first, twins["second"])
    first.refresh_from_db()
    case = Case.objects.get(pk=twins["case"].pk)
    assert first.risk_rank is not None
    assert case.risk_rank == first.risk_rank


def test_merging_a_candidate_needs_one_of_its_two_records_as_survivor(twins, personas) -> None:
    actor = actor_for(personas["a"]["case_manager"])
    with pytest.raises(DomainError, match="Choose which"):
        candidate_merge(actor, twins["candidate"], survivor_id=twins["relative"].pk)
    stranger = person_make(actor, given_name="Stranger")
    other_pair = candidate_make(twins["relative"], stranger)
    with pytest.raises(DomainError, match="not about these two"):
        person_merge(actor, twins["first"], twins["second"], candidate=other_pair)
