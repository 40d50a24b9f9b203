"""Opening, assigning and moving cases along the workflow."""

from __future__ import annotations

import datetime
import re

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.cases import services
from panah.cases.models import Case, CaseEvent, Status
from panah.core.errors import PermissionDenied
from panah.people.services import PersonData, person_create


@pytest.fixture
def person(personas, actor_of):
    return person_create(actor_of(personas["a"]["operator"]), data=PersonData(given_name="Mirwais"))


@pytest.fixture
def case(personas, actor_of, person, brewery):
    return services.case_open(
        actor_of(personas["a"]["operator"]),
        person=person,
        case_type="arrest",
        priority=1,
        place=brewery,
        arrested_at=timezone.now() - datetime.timedelta(hours=1),
    )


def test_references_are_sequential_per_year(personas, actor_of, person):
    actor = actor_of(personas["a"]["operator"])
    first = services.case_open(actor, person=person, case_type="documentation")
    second = services.case_open(actor, person=person, case_type="documentation")
    assert re.fullmatch(r"PNH-\d{4}-\d{6}", first.reference)
    assert int(second.reference[-6:]) == int(first.reference[-6:]) + 1


def test_opening_fills_the_district_from_the_place_and_starts_the_timeline(case, brewery):
    assert case.district == brewery.district
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.OPENED]


def test_a_person_of_another_organisation_cannot_get_a_case(personas, actor_of, person):
    with pytest.raises(ValidationError):
        services.case_open(actor_of(personas["b"]["operator"]), person=person, case_type="other")


def test_time_of_arrest_cannot_be_in_the_future(personas, actor_of, person):
    with pytest.raises(ValidationError):
        services.case_open(
            actor_of(personas["a"]["operator"]),
            person=person,
            case_type="arrest",
            arrested_at=timezone.now() + datetime.timedelta(hours=2),
        )
    assert Case.objects.count() == 0


def test_assigning_an_advocate_moves_a_new_case_to_assigned(personas, actor_of, case):
    case = services.case_assign(
        actor_of(personas["a"]["case_manager"]), case, advocate=personas["a"]["advocate"]
    )
    assert case.status == Status.ASSIGNED
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).count() == 1


def test_only_advocates_of_the_same_organisation_can_be_assigned(personas, actor_of, case):
    manager = actor_of(personas["a"]["case_manager"])
    for wrong in (personas["b"]["advocate"], personas["a"]["operator"]):
        with pytest.raises(ValidationError):
            services.case_assign(manager, case, advocate=wrong)
    assert Case.objects.get(pk=case.pk).assigned_advocate is None


def test_operators_cannot_assign(personas, actor_of, case):
    with pytest.raises(PermissionDenied):
        services.case_assign(
            actor_of(personas["a"]["operator"]), case, advocate=personas["a"]["advocate"]
        )


def test_workflow_runs_from_new_to_closed_and_reopens(personas, actor_of, case):
    manager = actor_of(personas["a"]["case_manager"])
    case = services.case_assign(manager, case, advocate=personas["a"]["advocate"])
    case = services.case_transition(manager, case, to_status=Status.IN_PROGRESS)
    case = services.case_transition(manager, case, to_status=Status.CLOSED, outcome="bail")
    assert case.closed_at is not None and case.outcome == "bail"
    case = services.case_transition(manager, case, to_status=Status.IN_PROGRESS)
    assert case.outcome == "" and case.closed_at is None


@pytest.mark.parametrize("to_status", [Status.IN_PROGRESS, Status.NEW, "archived", ""])
def test_unknown_or_disallowed_transition_changes_nothing(personas, actor_of, case, to_status):
    events = case.events.count()
    with pytest.raises(ValidationError):
        services.case_transition(actor_of(personas["a"]["case_manager"]), case, to_status=to_status)
    assert Case.objects.get(pk=case.pk).status == Status.NEW
    assert case.events.count() == events


def test_closing_needs_an_outcome(personas, actor_of, case):
    with pytest.raises(ValidationError):
        services.case_transition(
            actor_of(personas["a"]["case_manager"]), case, to_status=Status.CLOSED
        )
    assert Case.objects.get(pk=case.pk).status == Status.NEW


def test_closed_case_cannot_be_assigned(personas, actor_of, case):
    manager = actor_of(personas["a"]["case_manager"])
    services.case_transition(manager, case, to_status=Status.CLOSED, outcome="duplicate")
    with pytest.raises(ValidationError):
        services.case_assign(manager, case, advocate=personas["a"]["advocate"])


def test_arrest_case_schedules_the_custody_warning(case):
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [str(case.pk)]
    assert task.run_after >= case.arrested_at + datetime.timedelta(hours=20)


def test_custody_warning_is_recorded_once_and_not_after_production(personas, actor_of, case):
    assert services.case_custody_warning_record(str(case.pk)) is not None
    assert services.case_custody_warning_record(str(case.pk)) is None
    assert case.events.filter(kind=CaseEvent.Kind.CUSTODY_WARNING).count() == 1


def test_custody_warning_skips_a_person_already_produced(personas, actor_of, case):
    services.case_production_record(
        actor_of(personas["a"]["operator"]), case, produced_at=timezone.now()
    )
    assert services.case_custody_warning_record(str(case.pk)) is None


def test_production_before_the_arrest_is_refused(personas, actor_of, case):
    with pytest.raises(ValidationError):
        services.case_production_record(
            actor_of(personas["a"]["operator"]),
            case,
            produced_at=case.arrested_at - datetime.timedelta(minutes=1),
        )


def test_notes_are_kept_on_the_timeline(personas, actor_of, case):
    services.case_note_add(actor_of(personas["a"]["operator"]), case, text="Reached the thana.")
    assert case.events.get(kind=CaseEvent.Kind.NOTE).note == "Reached the thana."
    with pytest.raises(ValidationError):
        services.case_note_add(actor_of(personas["a"]["operator"]), case, text="   ")


def test_reference_year_follows_the_calendar(personas, actor_of, person):
    with time_machine.travel(datetime.datetime(2027, 1, 1, 12, tzinfo=datetime.UTC)):
        case = services.case_open(
            actor_of(personas["a"]["operator"]), person=person, case_type="other"
        )
    assert case.reference.startswith("PNH-2027-")


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_custody_warning_when_it_is_due(personas, actor_of, person, brewery):
    from django.core.management import call_command

    arrested = timezone.now() - datetime.timedelta(hours=21)  # already past the 20 h mark
    case = services.case_open(
        actor_of(personas["a"]["operator"]),
        person=person,
        case_type="arrest",
        place=brewery,
        arrested_at=arrested,
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert case.events.filter(kind=CaseEvent.Kind.CUSTODY_WARNING).count() == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def _case_writes(case):
    from panah.audit.models import AuditEvent

    stored = Case.objects.get(pk=case.pk)
    return (
        stored.status,
        stored.assigned_advocate_id,
        stored.produced_at,
        stored.events.count(),
        stored.deadlines.count(),
        AuditEvent.objects.filter(object_id=str(case.pk)).exclude(action="view").count(),
    )


CROSS_ORG_ACTS = {
    "assign": lambda actor, case, b: services.case_assign(actor, case, advocate=b["advocate"]),
    "transition": lambda actor, case, b: services.case_transition(
        actor, case, to_status=Status.CLOSED, outcome="resolved"
    ),
    "note": lambda actor, case, b: services.case_note_add(actor, case, text="Seen."),
    "production": lambda actor, case, b: services.case_production_record(
        actor, case, produced_at=timezone.now()
    ),
    "deadline": lambda actor, case, b: services.deadline_add(
        actor, case, title="Hearing", due_at=timezone.now() + datetime.timedelta(days=3)
    ),
}


@pytest.mark.parametrize("act", CROSS_ORG_ACTS, ids=list(CROSS_ORG_ACTS))
def test_services_refuse_another_organisations_case_and_write_nothing(
    personas, actor_of, case, act
):
    # Views reach services through scoped selectors; the service checks again, so a command,
    # task or future view that forgets cannot write into another organisation's case.
    before = _case_writes(case)
    with pytest.raises(Http404):
        CROSS_ORG_ACTS[act](actor_of(personas["b"]["org_admin"]), case, personas["b"])
    assert _case_writes(case) == before


def test_refused_assignment_writes_nothing(personas, actor_of, case):
    before = _case_writes(case)
    with pytest.raises(ValidationError):
        services.case_assign(actor_of(personas["a"]["case_manager"]), case)
    with pytest.raises(ValidationError):
        services.case_assign(
            actor_of(personas["a"]["case_manager"]), case, case_manager=personas["a"]["advocate"]
        )
    assert _case_writes(case) == before


def test_an_inactive_advocate_cannot_be_assigned(personas, actor_of, case):
    membership = personas["a"]["advocate"].membership
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    with pytest.raises(ValidationError):
        services.case_assign(
            actor_of(personas["a"]["case_manager"]), case, advocate=personas["a"]["advocate"]
        )


def test_references_are_unique_across_organisations(personas, actor_of, person):
    a = services.case_open(actor_of(personas["a"]["operator"]), person=person, case_type="other")
    theirs = person_create(actor_of(personas["b"]["operator"]), data=PersonData(given_name="Gul"))
    b = services.case_open(actor_of(personas["b"]["operator"]), person=theirs, case_type="other")
    assert int(b.reference[-6:]) == int(a.reference[-6:]) + 1
