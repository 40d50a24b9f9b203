"""The status workflow, cell by cell: every (from, to) pair is allowed or refused on purpose.

The expected table is written out here, not read from the app, so a change to the workflow
has to change this test too.
"""

from __future__ import annotations

import pytest

from panah.audit.models import AuditEvent
from panah.cases import services
from panah.cases.models import Case, CaseEvent, Status
from panah.core.errors import DomainError, PermissionDenied
from panah.testing.records import person_make

NEW, ASSIGNED, IN_PROGRESS, CLOSED = "new", "assigned", "in_progress", "closed"
ALLOWED = {
    (NEW, ASSIGNED),
    (NEW, CLOSED),
    (ASSIGNED, IN_PROGRESS),
    (ASSIGNED, CLOSED),
    (IN_PROGRESS, CLOSED),
    (CLOSED, IN_PROGRESS),  # reopening
}
TARGETS = [NEW, ASSIGNED, IN_PROGRESS, CLOSED, "archived", "", "CLOSED"]


@pytest.fixture
def case_in(personas, actor_of):
    """Return a function giving a case brought, through the services, to a status."""
    manager = actor_of(personas["a"]["case_manager"])
    operator = actor_of(personas["a"]["operator"])
    person = person_make(operator)

    def make(status: str) -> Case:
        case = services.case_open(operator, person=person, case_type="documentation")
        if status in (ASSIGNED, IN_PROGRESS):
            case = services.case_assign(manager, case, advocate=personas["a"]["advocate"])
        if status == IN_PROGRESS:
            case = services.case_transition(manager, case, to_status=IN_PROGRESS)
        if status == CLOSED:
            case = services.case_transition(manager, case, to_status=CLOSED, outcome="resolved")
        assert case.status == status
        return case

    return make


def _writes(case: Case) -> tuple[int, int]:
    return (
        CaseEvent.objects.filter(case=case).count(),
        AuditEvent.objects.filter(object_id=str(case.pk), action="update").count(),
    )


@pytest.mark.parametrize("from_status", [NEW, ASSIGNED, IN_PROGRESS, CLOSED])
@pytest.mark.parametrize("to_status", TARGETS)
def test_each_transition_is_allowed_or_refused_as_the_workflow_says(
    personas, actor_of, case_in, from_status, to_status
):
    case = case_in(from_status)
    manager = actor_of(personas["a"]["case_manager"])
    events, audits = _writes(case)
    if (from_status, to_status) in ALLOWED:
        moved = services.case_transition(manager, case, to_status=to_status, outcome="bail")
        assert Case.objects.get(pk=case.pk).status == moved.status == to_status
        assert _writes(case) == (events + 1, audits + 1)
        event = CaseEvent.objects.filter(case=case).latest("id")
        assert (event.kind, event.data["from_status"], event.data["to_status"]) == (
            "status",
            from_status,
            to_status,
        )
    else:
        with pytest.raises(DomainError) as error:
            services.case_transition(manager, case, to_status=to_status, outcome="bail")
        assert error.value.code == "transition"
        assert Case.objects.get(pk=case.pk).status == from_status
        assert _writes(case) == (events, audits)


@pytest.mark.parametrize("outcome", ["", "archived", "Released"])
def test_closing_without_a_known_outcome_is_refused_and_writes_nothing(
    personas, actor_of, case_in, outcome
):
    case = case_in(IN_PROGRESS)
    before = _writes(case)
    with pytest.raises(DomainError) as error:
        services.case_transition(
            actor_of(personas["a"]["case_manager"]), case, to_status=CLOSED, outcome=outcome
        )
    assert "outcome" in error.value.message_dict
    stored = Case.objects.get(pk=case.pk)
    assert (stored.status, stored.outcome, stored.closed_at) == (IN_PROGRESS, "", None)
    assert _writes(case) == before


def test_closing_records_outcome_and_time_and_reopening_clears_them(personas, actor_of, case_in):
    manager = actor_of(personas["a"]["case_manager"])
    case = services.case_transition(
        manager, case_in(ASSIGNED), to_status=CLOSED, outcome="documents"
    )
    assert (case.outcome, case.closed_at is not None, case.is_open) == ("documents", True, False)
    case = services.case_transition(manager, case, to_status=IN_PROGRESS)
    assert (case.outcome, case.closed_at, case.is_open) == ("", None, True)


def test_the_database_refuses_a_closed_case_without_an_outcome(case_in):
    from django.db import IntegrityError, transaction

    case = case_in(NEW)
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.filter(pk=case.pk).update(status=CLOSED, outcome="")


@pytest.mark.parametrize("role", ["operator", "analyst"])
def test_roles_without_the_capability_cannot_move_cases(personas, actor_of, case_in, role):
    case = case_in(NEW)
    with pytest.raises(PermissionDenied):
        services.case_transition(
            actor_of(personas["a"][role]), case, to_status=CLOSED, outcome="resolved"
        )
    assert Case.objects.get(pk=case.pk).status == NEW


def test_the_assigned_advocate_moves_their_case(personas, actor_of, case_in):
    case = case_in(ASSIGNED)
    case = services.case_transition(
        actor_of(personas["a"]["advocate"]), case, to_status=IN_PROGRESS
    )
    assert case.status == IN_PROGRESS


def test_status_labels_are_the_ones_the_workflow_knows():
    assert set(Status.values) == {NEW, ASSIGNED, IN_PROGRESS, CLOSED}
