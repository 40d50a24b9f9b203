"""Who may read a person: own organisation only, narrowed by role (SECURITY.md AC-2, AC-3)."""

from __future__ import annotations

import uuid

import pytest

from panah.audit.models import AuditEvent
from panah.cases.services import case_assign, case_open
from panah.core.access import Role
from panah.core.errors import NotFound
from panah.people.selectors import (
    person_get_for,
    person_list_for,
    person_lookup_for,
    person_numbers_reveal_for,
)
from panah.testing.records import person_make

READERS = [Role.OPERATOR, Role.CASE_MANAGER, Role.COORDINATOR, Role.ORG_ADMIN]


@pytest.fixture
def zarghuna(personas, actor_of):
    return person_make(
        actor_of(personas["a"]["operator"]), given_name="Zarghuna", phones=("0300 1234567",)
    )


@pytest.mark.parametrize("role", READERS)
def test_staff_who_handle_people_read_their_organisations_person(personas, zarghuna, role):
    assert person_get_for(personas["a"][role], zarghuna.pk) == zarghuna


@pytest.mark.parametrize("role", Role.values)
def test_every_role_of_another_organisation_gets_not_found(personas, zarghuna, role):
    with pytest.raises(NotFound):
        person_get_for(personas["b"][role], zarghuna.pk)
    with pytest.raises(NotFound):
        person_numbers_reveal_for(personas["b"][role], zarghuna.pk)
    assert zarghuna not in list(person_list_for(personas["b"][role]))


@pytest.mark.parametrize("person_id", [uuid.uuid4(), "not-a-uuid", "", None, 12])
def test_a_missing_or_malformed_id_gets_the_same_not_found(personas, zarghuna, person_id):
    with pytest.raises(NotFound):
        person_get_for(personas["a"]["operator"], person_id)


def test_analysts_read_no_person(personas, zarghuna):
    with pytest.raises(NotFound):
        person_get_for(personas["a"]["analyst"], zarghuna.pk)
    assert list(person_list_for(personas["a"]["analyst"])) == []


def test_advocate_reads_a_person_only_while_on_their_case(personas, actor_of, zarghuna):
    advocate = personas["a"]["advocate"]
    with pytest.raises(NotFound):
        person_get_for(advocate, zarghuna.pk)
    case = case_open(actor_of(personas["a"]["operator"]), person=zarghuna, case_type="other")
    with pytest.raises(NotFound):  # the case exists but is not theirs yet
        person_get_for(advocate, zarghuna.pk)
    case_assign(actor_of(personas["a"]["case_manager"]), case, advocate=advocate)
    assert person_get_for(advocate, zarghuna.pk) == zarghuna
    assert list(person_list_for(advocate)) == [zarghuna]


def test_an_advocate_with_two_cases_of_one_person_sees_them_once(personas, actor_of, zarghuna):
    manager = actor_of(personas["a"]["case_manager"])
    for case_type in ("other", "documentation"):
        case = case_open(actor_of(personas["a"]["operator"]), person=zarghuna, case_type=case_type)
        case_assign(manager, case, advocate=personas["a"]["advocate"])
    assert list(person_list_for(personas["a"]["advocate"])) == [zarghuna]
    assert person_get_for(personas["a"]["advocate"], zarghuna.pk) == zarghuna


def test_each_read_is_audited_once_and_a_refused_read_not_at_all(personas, zarghuna):
    person_get_for(personas["a"]["operator"], zarghuna.pk)
    with pytest.raises(NotFound):
        person_get_for(personas["b"]["operator"], zarghuna.pk)
    reads = AuditEvent.objects.filter(action="view", object_id=str(zarghuna.pk))
    assert [(e.actor, e.object_type, e.fields) for e in reads] == [
        (personas["a"]["operator"], "person", [])
    ]


def test_exact_lookup_stays_in_the_organisation(personas, zarghuna):
    assert person_lookup_for(personas["a"]["operator"], phone="0300 1234567") == [zarghuna]
    assert person_lookup_for(personas["b"]["operator"], phone="0300 1234567") == []
    assert person_lookup_for(personas["b"]["operator"], full_name="Zarghuna") == []
