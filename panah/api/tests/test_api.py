"""REST API v1: the same scope and audit as the pages, and a schema that loads."""

from __future__ import annotations

import json
import uuid

import pytest
from django.utils import translation
from django.utils.translation import gettext

from panah.accounts.services import user_set_language
from panah.audit.models import AuditEvent
from panah.cases.models import Case
from panah.cases.services import case_open
from panah.core.access import Role
from panah.people.services import PersonData, document_add, person_create


@pytest.fixture
def case(personas, actor_of):
    operator = actor_of(personas["a"]["operator"])
    person = person_create(
        operator, data=PersonData(given_name="Shabana", family_name="Tarin"), phones=["03211234567"]
    )
    document_add(operator, person, doc_type="acc", number="ACC-99887766")
    return case_open(operator, person=person, case_type="documentation")


def test_openapi_schema_lists_every_endpoint(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Panah API"
    assert {"/api/v1/cases/", "/api/v1/cases/{reference}", "/api/v1/people/search"} <= set(
        schema["paths"]
    )


def test_case_detail_is_audited_as_an_api_read(client, personas, case):
    client.force_login(personas["a"]["case_manager"])
    response = client.get(f"/api/v1/cases/{case.reference}")
    assert response.status_code == 200
    assert response.json()["reference"] == case.reference
    assert AuditEvent.objects.filter(action="view", source="api", object_id=str(case.pk)).exists()


def test_other_organisation_gets_the_same_404_as_a_missing_case(client, personas, case):
    client.force_login(personas["b"]["case_manager"])
    theirs = client.get(f"/api/v1/cases/{case.reference}")
    missing = client.get("/api/v1/cases/PNH-1999-000001")
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content


def test_search_returns_people_with_masked_documents(client, personas, case):
    client.force_login(personas["a"]["operator"])
    found = client.post(
        "/api/v1/people/search", {"q": "0321 1234567"}, content_type="application/json"
    ).json()
    assert [m["display_name"] for m in found] == ["Shabana Tarin"]
    detail = client.get(f"/api/v1/people/{found[0]['id']}").json()
    assert detail["documents"][0]["masked_number"].endswith("766")
    assert "99887766" not in json.dumps(detail)


def test_transition_through_the_api(client, personas, case):
    client.force_login(personas["a"]["case_manager"])
    response = client.post(
        f"/api/v1/cases/{case.reference}/transition",
        {"to_status": "closed", "outcome": "documents"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "closed"


def test_unknown_transition_through_the_api_is_a_422_and_changes_nothing(client, personas, case):
    client.force_login(personas["a"]["case_manager"])
    response = client.post(
        f"/api/v1/cases/{case.reference}/transition",
        {"to_status": "in_progress"},
        content_type="application/json",
    )
    assert response.status_code == 422
    case.refresh_from_db()
    assert case.status == "new"


def test_operators_cannot_move_cases_through_the_api(client, personas, case):
    client.force_login(personas["a"]["operator"])
    response = client.post(
        f"/api/v1/cases/{case.reference}/transition",
        {"to_status": "closed", "outcome": "resolved"},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_case_queue_through_the_api_costs_a_fixed_number_of_queries(
    client, personas, actor_of, case, django_assert_max_num_queries
):
    operator = actor_of(personas["a"]["operator"])
    for _ in range(20):
        case_open(operator, person=case.person, case_type="other")
    client.force_login(personas["a"]["case_manager"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/cases/?limit=50")
    assert len(response.json()["items"]) == 21


def test_openapi_schema_documents_every_operation_with_explicit_schemas(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    assert set(paths["/api/v1/cases/{reference}/transition"]) == {"post"}
    assert set(paths["/api/v1/people/{person_id}"]) == {"get"}
    assert {"CaseOut", "TransitionIn", "PersonOut", "PersonMatchOut", "SearchIn"} <= set(
        schema["components"]["schemas"]
    )
    # No operation is documented without authentication.
    for path, operations in paths.items():
        for method, operation in operations.items():
            assert operation.get("security"), (method, path)


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("role", Role.values)
def test_every_role_of_another_organisation_gets_the_missing_record_404(
    client, personas, case, role
):
    _as(client, personas["b"][role])
    pairs = [
        (f"/api/v1/cases/{case.reference}", "/api/v1/cases/PNH-1999-000001"),
        (f"/api/v1/people/{case.person_id}", f"/api/v1/people/{uuid.uuid4()}"),
    ]
    for theirs_url, missing_url in pairs:
        theirs, missing = client.get(theirs_url), client.get(missing_url)
        assert theirs.status_code == missing.status_code == 404, theirs_url
        assert theirs.content == missing.content == b'{"detail": "Not found."}'


def _case_state(case):
    stored = Case.objects.get(pk=case.pk)
    return (
        stored.status,
        stored.outcome,
        stored.events.count(),
        AuditEvent.objects.filter(object_id=str(case.pk)).count(),
    )


@pytest.mark.parametrize("role", ["case_manager", "coordinator", "org_admin", "advocate"])
def test_another_organisation_cannot_move_a_case_through_the_api(client, personas, case, role):
    _as(client, personas["b"][role])
    before = _case_state(case)
    body = {"to_status": "closed", "outcome": "resolved"}
    theirs = client.post(
        f"/api/v1/cases/{case.reference}/transition", body, content_type="application/json"
    )
    missing = client.post(
        "/api/v1/cases/PNH-1999-000001/transition", body, content_type="application/json"
    )
    assert theirs.status_code == missing.status_code == 404
    assert theirs.content == missing.content
    assert _case_state(case) == before


def test_transition_through_the_api_is_audited_and_on_the_timeline(client, personas, case):
    _as(client, personas["a"]["case_manager"])
    response = client.post(
        f"/api/v1/cases/{case.reference}/transition",
        {"to_status": "closed", "outcome": "documents", "note": "Card issued."},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["outcome"]) == ("closed", "documents")
    event = case.events.get(kind="status")
    assert (event.data["from_status"], event.data["to_status"], event.note) == (
        "new",
        "closed",
        "Card issued.",
    )
    update = AuditEvent.objects.get(action="update", object_id=str(case.pk))
    assert update.source == "api" and update.fields == ["outcome", "status"]


def test_closing_through_the_api_without_an_outcome_is_refused_in_the_users_language(
    client, personas, case
):
    user = personas["a"]["case_manager"]
    user_set_language(user, language="ur")
    _as(client, user)
    before = _case_state(case)
    response = client.post(
        f"/api/v1/cases/{case.reference}/transition",
        {"to_status": "closed"},
        content_type="application/json",
    )
    assert response.status_code == 422
    english = "Choose the outcome of the case before closing it."
    with translation.override("ur"):
        urdu = gettext(english)
    assert urdu != english
    assert response.json()["detail"] == [urdu]
    assert _case_state(case) == before


@pytest.mark.parametrize(
    "query", ["0321 1234567", "+92 321 1234567", "00923211234567", "ACC 99887766", "tarin"]
)
def test_authenticated_search_finds_by_phone_document_or_name(client, personas, case, query):
    _as(client, personas["a"]["operator"])
    found = client.post("/api/v1/people/search", {"q": query}, content_type="application/json")
    assert found.status_code == 200
    assert [m["id"] for m in found.json()] == [str(case.person_id)]


def test_api_search_ranks_spelling_variants_with_a_score(client, personas, case):
    _as(client, personas["a"]["operator"])
    found = client.post(
        "/api/v1/people/search", {"q": "Shabaana Tareen"}, content_type="application/json"
    ).json()
    assert found[0]["id"] == str(case.person_id)
    assert 0 < found[0]["score"] <= 100 and "name" in found[0]["matched"]


def test_api_search_never_crosses_organisations(client, personas, case):
    _as(client, personas["b"]["operator"])
    for query in ("0321 1234567", "Shabana Tarin", "ACC-99887766"):
        found = client.post("/api/v1/people/search", {"q": query}, content_type="application/json")
        assert found.status_code == 200 and found.json() == []


def test_api_search_is_refused_to_analysts(client, personas, case):
    _as(client, personas["a"]["analyst"])
    found = client.post("/api/v1/people/search", {"q": "Tarin"}, content_type="application/json")
    assert found.status_code == 404


def test_api_search_is_audited_as_an_api_search_without_its_text(client, personas, case):
    _as(client, personas["a"]["operator"])
    client.post("/api/v1/people/search", {"q": "Shabana"}, content_type="application/json")
    event = AuditEvent.objects.get(action="search")
    assert (event.source, event.object_id, event.fields) == ("api", "", [])


def test_an_over_long_search_is_refused_before_it_runs(client, personas, case):
    _as(client, personas["a"]["operator"])
    response = client.post(
        "/api/v1/people/search", {"q": "x" * 201}, content_type="application/json"
    )
    assert response.status_code == 422
    assert not AuditEvent.objects.filter(action="search").exists()


def test_person_detail_through_the_api_shows_masked_numbers_only(client, personas, case):
    _as(client, personas["a"]["operator"])
    detail = client.get(f"/api/v1/people/{case.person_id}").json()
    assert detail["given_name"] == "Shabana"
    text = json.dumps(detail)
    assert "1234567" not in text and "99887766" not in text
