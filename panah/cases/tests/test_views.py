"""Case pages: the queue's cost does not grow with its rows; actions post back with errors."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from panah.cases.models import Case, CaseEvent
from panah.cases.services import case_assign, case_note_add, case_open, deadline_add
from panah.people.services import PersonData, document_add, person_create, person_phone_add
from panah.testing.records import arrest_case_make, person_make


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


QUEUE_QUERIES = 12


def test_queue_costs_the_same_queries_for_5_or_55_cases(
    client, personas, actor_of, brewery, django_assert_max_num_queries
):
    operator = actor_of(personas["a"]["operator"])
    client.force_login(personas["a"]["case_manager"])
    _cases(operator, brewery, 5)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("cases:case_queue")).status_code == 200
    _cases(operator, brewery, 50)
    for case in Case.objects.all()[:20]:
        case_assign(
            actor_of(personas["a"]["case_manager"]), case, advocate=personas["a"]["advocate"]
        )
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("cases:case_queue"))
    assert response.content.decode().count(">PNH-") == 50  # one full page
    with django_assert_max_num_queries(QUEUE_QUERIES):
        second = client.get(reverse("cases:case_queue"), {"page": 2})
    assert second.content.decode().count(">PNH-") == 5


def test_the_next_page_link_keeps_the_filters(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 55)
    client.force_login(personas["a"]["case_manager"])
    first = client.get(reverse("cases:case_queue"), {"priority": "1", "status": "all"})
    html = first.content.decode()
    links = re.findall(r'<nav class="pager".*?</nav>', html, re.S)[0]
    assert "priority=1" in links and "page=2" in links
    second = client.get(reverse("cases:case_queue"), {"priority": "1", "status": "all", "page": 2})
    second_links = re.findall(r'<nav class="pager".*?</nav>', second.content.decode(), re.S)[0]
    assert "priority=1" in second_links and "page=1" in second_links
    assert second_links.count("page=") == 1


def test_case_page_costs_the_same_queries_however_long_its_timeline(
    client, personas, actor_of, brewery, django_assert_max_num_queries
):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["case_manager"])
    url = reverse("cases:case_detail", args=[case.reference])
    client.get(url)  # the first request after login also writes the session
    with django_assert_max_num_queries(20) as short:
        client.get(url)
    for n in range(25):
        actor = actor_of(personas["a"]["operator" if n % 2 else "case_manager"])
        case_note_add(actor, case, text=f"Note {n}")
        deadline_add(actor, case, title=f"Hearing {n}", due_at=timezone.now())
    with django_assert_max_num_queries(len(short.captured_queries)) as long:
        response = client.get(url)
    assert response.content.decode().count("Note ") >= 25
    assert len(long.captured_queries) == len(short.captured_queries)


def test_person_page_costs_the_same_queries_however_many_cases_and_numbers(
    client, personas, actor_of, django_assert_max_num_queries
):
    operator = actor_of(personas["a"]["operator"])
    person = person_create(operator, data=PersonData(given_name="Laila"), phones=["03001234567"])
    client.force_login(personas["a"]["operator"])
    url = reverse("people:person_detail", args=[person.pk])
    client.get(url)  # the first request after login also writes the session
    with django_assert_max_num_queries(25) as short:
        assert client.get(url).status_code == 200
    for n in range(10):
        case_open(operator, person=person, case_type="other")
        person_phone_add(operator, person, number=f"0300 12345{n:02d}")
        document_add(operator, person, doc_type="por", number=f"POR-{n}")
    with django_assert_max_num_queries(len(short.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count(">PNH-") == 10


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


def _post_and_follow(client, name, case, data):
    return client.post(reverse(name, args=[case.reference]), data, follow=True)


def _unchanged(case):
    from panah.audit.models import AuditEvent

    stored = Case.objects.get(pk=case.pk)
    return (
        stored.status,
        stored.outcome,
        stored.events.count(),
        AuditEvent.objects.filter(object_id=str(case.pk), action="update").count(),
    )


def test_a_status_outside_the_workflow_posts_back_an_error_and_changes_nothing(
    client, personas, actor_of, brewery
):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["case_manager"])
    before = _unchanged(case)
    response = _post_and_follow(client, "cases:case_transition", case, {"to_status": "archived"})
    assert response.redirect_chain[-1][0] == reverse("cases:case_detail", args=[case.reference])
    assert 'class="error"' in response.content.decode()
    assert _unchanged(case) == before


def test_closing_from_the_page_without_an_outcome_posts_back_an_error(
    client, personas, actor_of, brewery
):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["case_manager"])
    before = _unchanged(case)
    response = _post_and_follow(client, "cases:case_transition", case, {"to_status": "closed"})
    assert "Choose the outcome of the case before closing it." in response.content.decode()
    assert _unchanged(case) == before


def test_refused_transition_message_is_in_the_users_language(client, personas, actor_of, brewery):
    from django.utils import translation
    from django.utils.translation import gettext

    from panah.accounts.services import user_set_language

    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    user = personas["a"]["case_manager"]
    user_set_language(user, language="ur")
    client.force_login(user)
    english = "Choose the outcome of the case before closing it."
    with translation.override("ur"):
        urdu = gettext(english)
    assert urdu != english
    html = _post_and_follow(client, "cases:case_transition", case, {"to_status": "closed"})
    assert urdu in html.content.decode() and english not in html.content.decode()


def test_note_production_and_deadline_from_the_case_page(client, personas, actor_of, brewery):
    operator = actor_of(personas["a"]["operator"])
    case = arrest_case_make(operator, person_make(operator), place=brewery, hours_ago=3)
    client.force_login(personas["a"]["operator"])
    produced = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    due = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    for name, data in (
        ("cases:case_note", {"text": "Met the SHO."}),
        ("cases:case_production", {"produced_at": produced}),
        ("cases:case_deadline", {"title": "Bail hearing", "due_at": due}),
    ):
        response = client.post(reverse(name, args=[case.reference]), data)
        assert response.status_code == 302, name
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "note", "produced", "deadline"]
    case.refresh_from_db()
    assert case.produced_at is not None and case.deadlines.get().title == "Bail hearing"


def test_an_operator_cannot_move_or_assign_cases_from_the_page(client, personas, actor_of, brewery):
    _cases(actor_of(personas["a"]["operator"]), brewery, 1)
    case = Case.objects.get()
    client.force_login(personas["a"]["operator"])
    before = _unchanged(case)
    for name, data in (
        ("cases:case_transition", {"to_status": "closed", "outcome": "released"}),
        ("cases:case_assign", {"advocate": personas["a"]["advocate"].pk}),
    ):
        assert client.post(reverse(name, args=[case.reference]), data).status_code == 404
    assert _unchanged(case) == before


def test_the_queue_is_refused_to_analysts(client, personas):
    client.force_login(personas["a"]["analyst"])
    assert client.get(reverse("cases:case_queue")).status_code == 404
