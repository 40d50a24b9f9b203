"""Case pages: the queue's cost does not grow with its rows; actions post back with errors."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

from panah.cases.models import Case, CaseEvent
from panah.cases.services import case_assign, case_open
from panah.people.services import PersonData, person_create


def _cases(actor, brewery, count):
    for n in range(count):
        person = person_create(actor, data=PersonData(given_name=f"Person{n}"))
        case_open(
            actor,
            person=person,
            case_type="arrest",
            priority=1,
            place=brewery,
            arrested_at=timezone.now() - datetime.timedelta(hours=n % 30),
        )


def test_queue_costs_the_same_queries_for_5_or_40_cases(
    client, personas, actor_of, brewery, django_assert_max_num_queries
):
    operator = actor_of(personas["a"]["operator"])
    client.force_login(personas["a"]["case_manager"])
    _cases(operator, brewery, 5)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("cases:case_queue")).status_code == 200
    _cases(operator, brewery, 35)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("cases:case_queue"))
    assert response.content.decode().count(">PNH-") == 40


def test_queue_filters_return_only_rows_for_htmx(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 3)
    client.force_login(personas["a"]["case_manager"])
    response = client.get(reverse("cases:case_queue"), {"priority": "1"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and html.count(">PNH-") == 3
    none = client.get(reverse("cases:case_queue"), {"priority": "4"}, HTTP_HX_REQUEST="true")
    assert none.content.decode().count(">PNH-") == 0


def test_case_page_shows_the_custody_clock(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 2)
    case = Case.objects.order_by("arrested_at").first()
    client.force_login(personas["a"]["operator"])
    html = client.get(reverse("cases:case_detail", args=[case.reference])).content.decode()
    assert "<meter" in html and "24" in html


def test_assigning_from_the_case_page_adds_to_the_timeline(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["case_manager"])
    response = client.post(
        reverse("cases:case_assign", args=[case.reference]),
        {"advocate": personas["a"]["advocate"].pk},
    )
    assert response.status_code == 302
    assert case.events.filter(kind=CaseEvent.Kind.ASSIGNED).exists()


def test_an_unknown_transition_posts_back_an_error_and_changes_nothing(
    client, personas, actor_of, brewery
):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["case_manager"])
    response = client.post(
        reverse("cases:case_transition", args=[case.reference]),
        {"to_status": "in_progress"},
        follow=True,
    )
    assert "cannot go from" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "new" and case.events.count() == 1


def test_an_advocate_cannot_assign_even_their_own_case(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    case_assign(actor_of(personas["a"]["case_manager"]), case, advocate=personas["a"]["advocate"])
    client.force_login(personas["a"]["advocate"])
    response = client.post(
        reverse("cases:case_assign", args=[case.reference]),
        {"advocate": personas["a"]["advocate"].pk},
    )
    assert response.status_code == 404
