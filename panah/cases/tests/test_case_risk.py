"""Each case carries a copy of its person's stored risk, by which the queue sorts: a new case
takes the person's rank, and every refresh of the person's risk (on intake, daily) moves the
copy with it."""

from __future__ import annotations

import datetime

import pytest

from panah.audit.models import AuditEvent
from panah.cases.models import Case
from panah.cases.services import case_open, case_risk_sync
from panah.people.models import Person
from panah.people.services import document_add
from panah.rules.engine import RISK_RANK
from panah.rules.triage import person_risk_refresh, risk_refresh_stale
from panah.testing.records import arrest_case_make, person_make

# An Afghan Citizen Card holder across phase 2 (facts.md §2.1): medium before it was announced,
# elevated once announced, high from 1 Apr 2025.
BEFORE_PHASE_2 = datetime.date(2025, 3, 1)
PHASE_2_ANNOUNCED = datetime.date(2025, 3, 20)
PHASE_2_IN_FORCE = datetime.date(2025, 4, 2)


@pytest.fixture
def operator(personas, actor_of):
    return actor_of(personas["a"]["operator"])


@pytest.fixture
def acc_holder(operator):
    person = person_make(operator, given_name="Najibullah")
    document_add(operator, person, doc_type="acc", issued_on=datetime.date(2017, 9, 1))
    return person


def copies(person):
    return list(
        Case.objects.filter(person=person).order_by("reference").values_list("risk_rank", flat=True)
    )


def test_a_case_opened_for_a_person_not_yet_assessed_has_no_risk(operator, acc_holder):
    case = arrest_case_make(operator, acc_holder)
    assert Case.objects.values_list("risk_rank", "triage_key").get(pk=case.pk) == (None, -1)


def test_a_new_case_takes_the_persons_stored_rank(operator, acc_holder):
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)
    case = arrest_case_make(operator, acc_holder)
    assert case.risk_rank == RISK_RANK["high"]
    assert Case.objects.values_list("risk_rank", "triage_key").get(pk=case.pk) == (3, 3)


def test_a_new_case_takes_the_stored_rank_even_from_a_person_read_before_the_refresh(
    operator, acc_holder
):
    read_earlier = Person.objects.get(pk=acc_holder.pk)
    person_risk_refresh(acc_holder, on=BEFORE_PHASE_2)
    case = case_open(operator, person=read_earlier, case_type="documentation")
    assert read_earlier.risk_rank is None
    assert Case.objects.get(pk=case.pk).risk_rank == RISK_RANK["medium"]


def test_refreshing_a_persons_risk_moves_the_copy_on_all_their_cases(
    personas, actor_of, operator, acc_holder
):
    arrest_case_make(operator, acc_holder)
    case_open(operator, person=acc_holder, case_type="documentation")
    other = arrest_case_make(operator, person_make(operator, given_name="Other"))
    person_risk_refresh(acc_holder, on=BEFORE_PHASE_2)
    assert copies(acc_holder) == [RISK_RANK["medium"]] * 2
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)
    assert copies(acc_holder) == [RISK_RANK["high"]] * 2
    assert Case.objects.get(pk=other.pk).risk_rank is None  # someone else's case: untouched


def test_the_daily_refresh_moves_the_copies_too(operator, acc_holder):
    visa_holder = person_make(operator, given_name="Visa")
    document_add(operator, visa_holder, doc_type="visa", expires_on=datetime.date(2026, 12, 31))
    arrest_case_make(operator, acc_holder)
    arrest_case_make(operator, visa_holder)
    person_risk_refresh(acc_holder, on=BEFORE_PHASE_2)
    assert risk_refresh_stale(on=PHASE_2_ANNOUNCED, batch_size=1) == 2
    assert copies(acc_holder) == [RISK_RANK["elevated"]]
    assert copies(visa_holder) == [RISK_RANK["low"]]
    assert risk_refresh_stale(on=PHASE_2_IN_FORCE) == 2
    assert copies(acc_holder) == [RISK_RANK["high"]]


def test_the_copy_is_not_audited_and_keeps_the_cases_updated_time(operator, acc_holder):
    case = arrest_case_make(operator, acc_holder)
    updated_at = Case.objects.get(pk=case.pk).updated_at
    events = AuditEvent.objects.count()
    person_risk_refresh(acc_holder, on=PHASE_2_IN_FORCE)
    risk_refresh_stale(on=PHASE_2_ANNOUNCED)
    assert copies(acc_holder) == [RISK_RANK["elevated"]]
    assert AuditEvent.objects.count() == events
    assert Case.objects.get(pk=case.pk).updated_at == updated_at


def test_the_sync_writes_only_the_cases_whose_copy_differs(operator, acc_holder):
    arrest_case_make(operator, acc_holder)
    arrest_case_make(operator, acc_holder)
    assert case_risk_sync([acc_holder.pk], rank=2) == 2
    assert case_risk_sync([acc_holder.pk], rank=2) == 0
    assert case_risk_sync([acc_holder.pk], rank=None) == 2
    assert copies(acc_holder) == [None, None]
