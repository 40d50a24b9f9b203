"""REST API v1: the same scope and audit as the pages, and a schema that loads."""

from __future__ import annotations

import json

import pytest

from panah.audit.models import AuditEvent
from panah.cases.services import case_open
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
