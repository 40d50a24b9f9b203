"""POST /assess: the same input, output and messages as the command, over HTTP."""

from __future__ import annotations

import json

import pytest
from ninja import NinjaAPI
from ninja.testing import TestClient

from panah.rules.api import router

OK = {"on": "2025-04-02", "documents": [{"type": "acc", "issued": "2017-09-01"}]}


@pytest.fixture
def rules_client():
    api = NinjaAPI(urls_namespace="rules-under-test")
    api.add_router("/rules", router, url_name_prefix="under_test")
    return TestClient(api)


def test_staff_get_the_assessment(rules_client, personas):
    response = rules_client.post("/rules/assess", json=OK, user=personas["a"]["operator"])
    assert response.status_code == 200
    data = response.json()
    assert (data["risk"], data["status"]["code"]) == ("high", "acc_holder")
    assert data["deadlines"] == [] and data["policy_version"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("not json", "the input is not valid JSON"),
        ("[]", "the input must be one JSON object"),
        ('"x"', "the input must be one JSON object"),
        ('{"on": "x"}', '"on" must be a date written YYYY-MM-DD'),
        (
            '{"on": "2025-01-01", "documents": [{"type": "green_card"}]}',
            "documents[0].type must be one of",
        ),
    ],
)
def test_bad_input_gets_422_with_the_commands_message(rules_client, personas, body, message):
    response = rules_client.post(
        "/rules/assess", data=body, content_type="application/json", user=personas["a"]["analyst"]
    )
    assert response.status_code == 422
    assert message in response.json()["detail"]


def test_the_mounted_api_requires_a_login_and_answers_like_the_command(client, personas):
    url = "/api/v1/rules/assess"
    assert client.post(url, OK, content_type="application/json").status_code == 401
    client.force_login(personas["b"]["analyst"])
    ok = client.post(url, OK, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["risk"] == "high"
    bad = client.post(url, json.dumps({"on": "x"}), content_type="application/json")
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.json()["detail"]


def test_the_openapi_schema_documents_the_input_and_output(client, personas):
    client.force_login(personas["a"]["analyst"])
    from panah.api.urls import api

    operation = api.get_openapi_schema()["paths"]["/api/v1/rules/assess"]["post"]
    body = operation["requestBody"]["content"]["application/json"]["schema"]
    assert body["required"] == ["on"]
    assert "pk_birth_certificate" in json.dumps(body) and "$defs" not in json.dumps(body)
    assert set(operation["responses"]) == {200, 422}


def test_a_user_without_an_organisation_gets_nothing(rules_client, db):
    from panah.testing.factories import UserFactory

    response = rules_client.post("/rules/assess", json=OK, user=UserFactory())
    assert response.status_code == 404
    assert "risk" not in response.json()


@pytest.mark.parametrize("language", ["en", "ur", "ps", "fa"])
def test_the_self_service_sms_keeps_status_and_risk_within_two_segments(language):
    from django.utils import translation

    from panah.core.sms import sms_segments  # noqa: PLC0415
    from panah.rules.services import assessment_sms, facts_assess

    data = {
        "on": "2026-01-10",
        "documents": [{"type": "por", "expires": "2025-06-30"}],
        "date_of_birth": "2010",
    }
    with translation.override(language):
        result = facts_assess(data)
        text = assessment_sms(result)
    assert text.startswith(result["status"]["label"])
    assert result["risk_label"] in text
    assert sms_segments(text) <= 2
    assert result["actions"][0]["text"] in text  # at least the first action fits
