"""Triage: the queue puts the most urgent cases first (priority, then the person's stored
risk, then the longest wait), and still offers "newest first"."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.urls import reverse

from panah.cases.selectors import QueueFilters, QueueSort, case_queue_for
from panah.cases.services import case_open
from panah.people.services import document_add
from panah.rules.engine import RISK_RANK
from panah.rules.triage import person_risk_refresh
from panah.testing.records import arrest_case_make, person_make

# An Afghan Citizen Card holder is high risk once phase 2 is in force (from 1 Apr 2025),
# medium before it was announced; a valid visa is low risk (facts.md §1.2, §1.4, §2.1).
IN_FORCE = datetime.date(2025, 4, 2)
BEFORE = datetime.date(2025, 3, 1)
DOCUMENTS = {
    "high": ({"doc_type": "acc"}, IN_FORCE),
    "medium": ({"doc_type": "acc"}, BEFORE),
    "low": ({"doc_type": "visa", "expires_on": datetime.date(2026, 12, 31)}, IN_FORCE),
}


@pytest.fixture
def operator(personas, actor_of):
    return actor_of(personas["a"]["operator"])


def person_at(operator, risk, name):
    """A person whose stored risk is `risk` (None: never assessed)."""
    person = person_make(operator, given_name=name)
    if risk is not None:
        document, on = DOCUMENTS[risk]
        document_add(operator, person, **document)
        assert person_risk_refresh(person, on=on) == RISK_RANK[risk]
    return person


def arrest(operator, risk, name, *, hours_ago, priority=1):
    return arrest_case_make(
        operator, person_at(operator, risk, name), hours_ago=hours_ago, priority=priority
    )


def queue(user, **filters):
    return [
        case.person.given_name for case in case_queue_for(user, filters=QueueFilters(**filters))
    ]


def test_a_high_risk_urgent_case_comes_before_a_low_risk_one_that_waited_longer(personas, operator):
    arrest(operator, "low", "Low", hours_ago=5)
    arrest(operator, "high", "High", hours_ago=1)
    assert queue(personas["a"]["case_manager"]) == ["High", "Low"]


def test_priority_still_beats_risk(personas, operator):
    arrest(operator, "high", "High but normal", hours_ago=9, priority=3)
    arrest(operator, "low", "Low but urgent", hours_ago=1, priority=1)
    assert queue(personas["a"]["case_manager"]) == ["Low but urgent", "High but normal"]


def test_people_not_assessed_yet_come_last_within_their_priority(personas, operator):
    arrest(operator, None, "Unassessed", hours_ago=20)
    arrest(operator, "low", "Low", hours_ago=1)
    arrest(operator, "medium", "Medium", hours_ago=2)
    assert queue(personas["a"]["case_manager"]) == ["Medium", "Low", "Unassessed"]


def test_at_equal_risk_the_longest_wait_comes_first(personas, operator):
    arrest(operator, "high", "Arrested 2 h ago", hours_ago=2)
    arrest(operator, "high", "Arrested 8 h ago", hours_ago=8)
    # Without an arrest, the wait counts from the case's opening: now, so after both arrests.
    case_open(
        operator, person=person_at(operator, "high", "Opened now"), case_type="eviction", priority=1
    )
    assert queue(personas["a"]["case_manager"]) == [
        "Arrested 8 h ago",
        "Arrested 2 h ago",
        "Opened now",
    ]


def test_newest_first_is_still_offered(personas, operator):
    arrest(operator, "high", "First", hours_ago=1)
    arrest(operator, None, "Second", hours_ago=1)
    arrest(operator, "low", "Third", hours_ago=1)
    user = personas["a"]["case_manager"]
    assert queue(user, sort=QueueSort.NEWEST) == ["Third", "Second", "First"]
    assert queue(user) == queue(user, sort=QueueSort.URGENT) == ["First", "Third", "Second"]


def test_another_organisations_high_risk_case_never_appears(personas, actor_of, operator):
    arrest(operator, "low", "Ours", hours_ago=1)
    arrest(actor_of(personas["b"]["operator"]), "high", "Theirs", hours_ago=9)
    assert queue(personas["a"]["case_manager"]) == ["Ours"]
    assert queue(personas["b"]["case_manager"]) == ["Theirs"]


def _references(html):
    return re.findall(r">(PNH-\d{4}-\d{6})<", html)


def test_the_queue_page_sorts_most_urgent_first_and_shows_the_risk(client, personas, operator):
    low = arrest(operator, "low", "Low", hours_ago=5)
    high = arrest(operator, "high", "High", hours_ago=1)
    unassessed = arrest(operator, None, "Unassessed", hours_ago=9)
    client.force_login(personas["a"]["case_manager"])
    html = client.get(reverse("cases:case_queue")).content.decode()
    assert _references(html) == [high.reference, low.reference, unassessed.reference]
    assert '<span class="risk-badge risk-high">High risk</span>' in html
    assert '<span class="risk-badge risk-low">Low risk</span>' in html
    assert "Not assessed" in html
    assert '<option value="urgent" selected>Most urgent first</option>' in html
    newest = client.get(reverse("cases:case_queue"), {"sort": "newest"}, HTTP_HX_REQUEST="true")
    rows = newest.content.decode()
    assert "<html" not in rows
    assert _references(rows) == [unassessed.reference, high.reference, low.reference]


def test_an_unknown_sort_falls_back_to_the_default_filters(client, personas, operator):
    arrest(operator, "low", "Low", hours_ago=5)
    arrest(operator, "high", "High", hours_ago=1)
    client.force_login(personas["a"]["case_manager"])
    response = client.get(reverse("cases:case_queue"), {"sort": "name"})
    assert response.status_code == 200
    assert response.content.decode().index(">High<") < response.content.decode().index(">Low<")


def test_the_order_follows_a_refresh_of_the_persons_risk(personas, operator):
    arrest(operator, "low", "Low", hours_ago=5)
    person = person_make(operator, given_name="Assessed later")
    document_add(operator, person, doc_type="acc")
    arrest_case_make(operator, person, hours_ago=1)
    user = personas["a"]["case_manager"]
    assert queue(user) == ["Low", "Assessed later"]
    person_risk_refresh(person, on=IN_FORCE)  # the case now carries "high"
    assert queue(user) == ["Assessed later", "Low"]


RISKS = ("high", None, "low", "medium")


def _queue_page(user):
    qs = case_queue_for(user, filters=QueueFilters())
    total = qs.count()
    rows = [(c.reference, c.person.display_name, c.risk_rank, c.place, c.district) for c in qs[:50]]
    return total, rows


def test_the_queue_costs_the_same_queries_for_4_or_40_cases_of_every_risk(
    client, personas, operator, django_assert_max_num_queries
):
    user = personas["a"]["case_manager"]
    client.force_login(user)
    for n in range(4):
        arrest(operator, RISKS[n % 4], f"Person{n}", hours_ago=n % 7, priority=1 + n % 2)
    client.get(reverse("cases:case_queue"))  # the first request after login writes the session
    with django_assert_max_num_queries(20) as small_page:
        assert client.get(reverse("cases:case_queue")).status_code == 200
    with django_assert_max_num_queries(5) as small_selector:
        assert _queue_page(user)[0] == 4
    for n in range(4, 40):
        arrest(operator, RISKS[n % 4], f"Person{n}", hours_ago=n % 7, priority=1 + n % 2)
    with django_assert_max_num_queries(len(small_page.captured_queries)):
        response = client.get(reverse("cases:case_queue"))
    assert len(_references(response.content.decode())) == 40
    with django_assert_max_num_queries(len(small_selector.captured_queries)):
        assert _queue_page(user)[0] == 40


def _plan(sql, params):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Tiny test tables make a sort cheaper than any index; forbidding sorts leaves a
            # Sort node in the plan only where no index can give the order.
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute("EXPLAIN " + sql, params)
        else:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return "\n".join(str(row[-1]) for row in cursor.fetchall())


def test_the_open_queue_is_read_in_the_order_of_its_index_without_sorting(personas, operator):
    # QUEUE_ORDER and the index case_open_triage must stay in step: a term that the index
    # cannot give (such as the person's own column) makes every page sort every open case.
    for n, risk in enumerate(RISKS):
        arrest(operator, risk, f"Person{n}", hours_ago=n)
    page = case_queue_for(personas["a"]["case_manager"], filters=QueueFilters())[:50]
    plan = _plan(*page.query.sql_with_params())
    assert "case_open_triage" in plan
    assert "ORDER BY" not in plan  # SQLite: USE TEMP B-TREE FOR ORDER BY
    assert "Sort" not in plan  # PostgreSQL: Sort, Incremental Sort
