"""The stored risk of each person: refreshed where facts change, and daily as dates pass.

Dates are fixed through the services' `on`, and a new policy is the real one with one more
decision: the engine itself is never replaced.
"""

from __future__ import annotations

import dataclasses
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.audit.models import AuditEvent
from panah.helpline.services import DocumentData, IntakeData, intake_record
from panah.people.models import Person
from panah.people.selectors import person_get_for
from panah.people.services import PersonData, document_add
from panah.rules.engine import RISK_RANK
from panah.rules.policy import PorValidity
from panah.rules.services import current_policy, person_assess
from panah.rules.tasks import risk_refresh_stale as risk_refresh_stale_task
from panah.rules.triage import person_risk_refresh, risk_for_rank, risk_refresh_stale
from panah.testing.records import person_make

# An Afghan Citizen Card holder across phase 2 (facts.md §2.1): announced 7 Mar 2025,
# arrests from 1 Apr 2025.
BEFORE_PHASE_2 = datetime.date(2025, 3, 1)  # not targeted yet: medium
PHASE_2_ANNOUNCED = datetime.date(2025, 3, 20)  # enforcement within 60 days: elevated
PHASE_2_IN_FORCE = datetime.date(2025, 4, 2)  # high


@pytest.fixture
def operator(personas, actor_of):
    return actor_of(personas["a"]["operator"])


@pytest.fixture
def acc_holder(operator):
    person = person_make(operator, given_name="Najibullah")
    document_add(operator, person, doc_type="acc", issued_on=datetime.date(2017, 9, 1))
    return person


def stored(person):
    row = Person.objects.get(pk=person.pk)
    return row.risk_rank, row.risk_assessed_on, row.risk_policy_version


def test_the_people_services_leave_the_risk_to_be_assessed(acc_holder):
    assert stored(acc_holder) == (None, None, "")


@pytest.mark.parametrize(
    ("on", "risk"),
    [(BEFORE_PHASE_2, "medium"), (PHASE_2_ANNOUNCED, "elevated"), (PHASE_2_IN_FORCE, "high")],
)
def test_the_refresh_stores_the_rank_of_the_engines_risk(acc_holder, on, risk):
    assert person_assess(acc_holder, on=on)["risk"] == risk
    assert person_risk_refresh(acc_holder, on=on) == RISK_RANK[risk]
    assert stored(acc_holder) == (RISK_RANK[risk], on, current_policy().version)


def test_a_valid_visa_is_stored_as_low_risk(operator):
    person = person_make(operator)
    document_add(operator, person, doc_type="visa", expires_on=datetime.date(2026, 12, 31))
    assert person_risk_refresh(person, on=PHASE_2_IN_FORCE) == RISK_RANK["low"] == 0


def test_the_refresh_reads_a_document_added_after_the_person_was_read(personas, operator):
    person = person_make(operator)
    shown = person_get_for(personas["a"]["operator"], person.pk)  # documents prefetched: none
    document_add(operator, shown, doc_type="visa", expires_on=datetime.date(2026, 12, 31))
    assert person_risk_refresh(shown, on=PHASE_2_IN_FORCE) == RISK_RANK["low"]


def test_the_refresh_is_not_audited_and_keeps_the_persons_updated_time(acc_holder):
    events = AuditEvent.objects.count()
    updated_at = Person.objects.get(pk=acc_holder.pk).updated_at
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)
    risk_refresh_stale(on=PHASE_2_ANNOUNCED)
    assert AuditEvent.objects.count() == events
    assert Person.objects.get(pk=acc_holder.pk).updated_at == updated_at


def test_an_intake_stores_the_risk_of_the_person_and_of_a_caller_who_is_someone_else(operator):
    result = intake_record(
        operator,
        data=IntakeData(
            channel="call",
            language="ps",
            caller_relation="relative",
            caller_data=PersonData(given_name="Gul"),
            person_data=PersonData(given_name="Najibullah"),
            document=DocumentData(doc_type="acc"),
        ),
    )
    today = timezone.localdate()
    expected = RISK_RANK[person_assess(result.person, on=today)["risk"]]
    assert stored(result.person) == (expected, today, current_policy().version)
    caller = Person.objects.exclude(pk=result.person.pk).get()
    assert stored(caller)[1] == today


def test_the_daily_refresh_raises_the_risk_once_enforcement_starts(acc_holder):
    person_risk_refresh(acc_holder, on=PHASE_2_ANNOUNCED)
    assert stored(acc_holder)[0] == RISK_RANK["elevated"]
    assert risk_refresh_stale(on=PHASE_2_IN_FORCE) == 1
    assert stored(acc_holder)[:2] == (RISK_RANK["high"], PHASE_2_IN_FORCE)


def test_the_daily_refresh_reassesses_when_a_new_policy_version_is_installed(operator):
    on = datetime.date(2025, 5, 15)  # PoR cards valid to 30 Jun 2025: ending within 60 days
    person = person_make(operator)
    document_add(operator, person, doc_type="por")
    person_risk_refresh(person, on=on)
    assert stored(person)[0] == RISK_RANK["elevated"]
    policy = current_policy()
    assert risk_refresh_stale(on=on, policy=policy) == 0  # same day, same policy: nothing stale
    extension = PorValidity(
        decided_on=datetime.date(2025, 4, 20),
        effective_on=datetime.date(2025, 4, 20),
        valid_until=datetime.date(2026, 6, 30),
        estimated=False,
        sources=("facts-1.1",),
        confidence="firm",
    )
    extended = dataclasses.replace(
        policy, version="test-extension", por_validity=(*policy.por_validity, extension)
    )
    assert risk_refresh_stale(on=on, policy=extended) == 1
    assert stored(person) == (RISK_RANK["low"], on, "test-extension")


def test_the_daily_refresh_is_idempotent_and_goes_through_every_batch(operator, acc_holder):
    for n in range(4):
        person_make(operator, given_name=f"Person{n}")
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)  # already current: not counted
    assert risk_refresh_stale(on=PHASE_2_IN_FORCE, batch_size=2) == 4
    first = sorted(Person.objects.values_list("pk", "risk_rank", "risk_assessed_on"))
    assert risk_refresh_stale(on=PHASE_2_IN_FORCE, batch_size=2) == 0
    assert sorted(Person.objects.values_list("pk", "risk_rank", "risk_assessed_on")) == first
    assert {row[2] for row in first} == {PHASE_2_IN_FORCE}


def test_the_daily_refresh_reaches_every_organisation(personas, actor_of, operator):
    person_make(operator)
    person_make(actor_of(personas["b"]["operator"]))
    assert risk_refresh_stale(on=PHASE_2_IN_FORCE) == 2


def test_the_task_refreshes_as_of_today(acc_holder):
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)
    assert risk_refresh_stale_task.call() == 1
    assert stored(acc_holder)[1] == timezone.localdate()


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_the_enqueued_refresh(acc_holder):
    risk_refresh_stale_task.enqueue()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert stored(acc_holder)[1] == timezone.localdate()


def test_the_command_refreshes_now_and_says_how_many(acc_holder):
    out = io.StringIO()
    call_command("rules", "refresh", stdout=out)
    assert out.getvalue().startswith("1 people re-assessed")
    assert stored(acc_holder)[1] == timezone.localdate()


def test_the_command_refuses_to_store_a_risk_from_a_draft_policy(acc_holder, tmp_path):
    with pytest.raises(CommandError, match="installed policy"):
        call_command("rules", "refresh", "--policy", str(tmp_path / "draft.yaml"))
    assert stored(acc_holder)[0] is None


def test_a_stored_rank_reads_back_as_the_risk_and_its_words():
    assert risk_for_rank(None) is None
    assert [risk_for_rank(rank)["risk"] for rank in range(4)] == list(RISK_RANK)
    assert risk_for_rank(RISK_RANK["high"]) == {"risk": "high", "risk_label": "High risk"}
