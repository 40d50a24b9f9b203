"""The 24-hour custody clock on arrest cases, and the warning task (CrPC s. 61; STYLE 8, 11).

Time is frozen with time-machine so every deadline is checked to the second.
"""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.cases import services
from panah.cases.clock import custody_clock
from panah.cases.models import CaseEvent
from panah.cases.tasks import case_custody_warning
from panah.testing.records import arrest_case_make, person_make

NOW = datetime.datetime(2026, 3, 10, 9, 0, tzinfo=datetime.UTC)
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def operator(personas, actor_of):
    return actor_of(personas["a"]["operator"])


@pytest.fixture
def person(operator):
    return person_make(operator)


def test_clock_reads_the_frozen_time():
    arrested = NOW - 6 * HOUR
    with time_machine.travel(NOW, tick=False):
        clock = custody_clock(arrested, timezone.now())
    assert (clock.percent_elapsed, clock.remaining, clock.overdue) == (25, 18 * HOUR, False)
    assert clock.deadline == NOW + 18 * HOUR


def test_clock_is_overdue_one_second_after_twenty_four_hours():
    arrested = NOW - 24 * HOUR
    assert not custody_clock(arrested, NOW).overdue
    assert custody_clock(arrested, NOW + datetime.timedelta(seconds=1)).overdue


def test_arrest_case_enqueues_the_warning_for_twenty_hours_after_the_arrest(
    operator, person, brewery
):
    with time_machine.travel(NOW, tick=False):
        case = arrest_case_make(operator, person, place=brewery, hours_ago=3)
    task = DBTaskResult.objects.get()
    assert task.task_path == "panah.cases.tasks.case_custody_warning"
    assert task.args_kwargs == {"args": [str(case.pk)], "kwargs": {}}
    assert task.status == "READY"
    assert task.run_after == NOW - 3 * HOUR + 20 * HOUR


def test_an_arrest_reported_late_is_warned_about_at_once(operator, person, brewery):
    with time_machine.travel(NOW, tick=False):
        arrest_case_make(operator, person, place=brewery, hours_ago=21)
    assert DBTaskResult.objects.get().run_after == NOW


@pytest.mark.parametrize(
    ("case_type", "arrested"), [("documentation", None), ("arrest", None), ("eviction", 2)]
)
def test_cases_without_a_custody_clock_enqueue_nothing(operator, person, case_type, arrested):
    services.case_open(
        operator,
        person=person,
        case_type=case_type,
        arrested_at=timezone.now() - arrested * HOUR if arrested else None,
    )
    assert not DBTaskResult.objects.exists()


def test_the_task_is_written_in_the_same_transaction_as_the_case(operator, person, brewery):
    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        arrest_case_make(operator, person, place=brewery)
        assert DBTaskResult.objects.count() == 1
        raise Abort
    assert not DBTaskResult.objects.exists()


def test_the_warning_task_is_safe_to_run_twice(operator, person, brewery):
    case = arrest_case_make(operator, person, place=brewery, hours_ago=21)
    case_custody_warning.call(str(case.pk))
    case_custody_warning.call(str(case.pk))
    warnings = case.events.filter(kind=CaseEvent.Kind.CUSTODY_WARNING)
    assert warnings.count() == 1
    assert warnings.get().actor is None


def test_no_warning_for_a_closed_case_or_a_missing_one(personas, actor_of, operator, person):
    case = arrest_case_make(operator, person)
    services.case_transition(
        actor_of(personas["a"]["case_manager"]), case, to_status="closed", outcome="released"
    )
    assert services.case_custody_warning_record(str(case.pk)) is None
    assert services.case_custody_warning_record("00000000-0000-0000-0000-000000000000") is None
    assert not case.events.filter(kind=CaseEvent.Kind.CUSTODY_WARNING).exists()


def test_case_page_shows_the_clock_at_the_frozen_time(client, personas, operator, person, brewery):
    with time_machine.travel(NOW, tick=False):
        case = arrest_case_make(operator, person, place=brewery, hours_ago=6)
        client.force_login(personas["a"]["operator"])
        url = reverse("cases:case_detail", args=[case.reference])
        html = client.get(url).content.decode()
    assert 'value="25"' in html and "overdue" not in html
    with time_machine.travel(NOW + 19 * HOUR, tick=False):
        client.force_login(personas["a"]["operator"])
        html = client.get(url).content.decode()
    assert 'value="100"' in html and 'class="clock overdue"' in html


def test_recording_production_stops_the_clock_on_the_page(client, personas, operator, person):
    with time_machine.travel(NOW, tick=False):
        case = arrest_case_make(operator, person, hours_ago=10)
        services.case_production_record(operator, case, produced_at=NOW - 2 * HOUR)
    with time_machine.travel(NOW + 30 * HOUR, tick=False):
        client.force_login(personas["a"]["operator"])
        html = client.get(reverse("cases:case_detail", args=[case.reference])).content.decode()
    assert 'class="clock produced"' in html and "overdue" not in html
    assert services.case_custody_warning_record(str(case.pk)) is None


def test_production_in_the_future_or_before_the_arrest_is_refused(operator, person):
    from django.core.exceptions import ValidationError

    with time_machine.travel(NOW, tick=False):
        case = arrest_case_make(operator, person, hours_ago=2)
        for produced_at in (NOW + HOUR, NOW - 3 * HOUR):
            with pytest.raises(ValidationError):
                services.case_production_record(operator, case, produced_at=produced_at)
    case.refresh_from_db()
    assert case.produced_at is None
    assert not case.events.filter(kind=CaseEvent.Kind.PRODUCED).exists()
