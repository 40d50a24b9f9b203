"""A generic HTTP gateway: HMAC-SHA256 of the raw body, configurable field names."""

from __future__ import annotations

import json
from urllib.parse import urlencode

import pytest
from django_tasks_db.models import DBTaskResult

from panah.channels.models import InboundMessage
from panah.channels.tests.conftest import OUR_NUMBER, gateway_signature, post_gateway
from panah.testing.records import row_counts

pytestmark = pytest.mark.django_db

NOTHING = {"channels.InboundMessage": 0, "django_tasks_database.DBTaskResult": 0}


def stored() -> dict[str, int]:
    return row_counts(InboundMessage, DBTaskResult)


def form(**fields: str) -> bytes:
    values = {"msisdn": "03451234567", "message": "madad chahiye", "msg_id": "gw-1"}
    values.update(fields)
    return urlencode(values).encode()


def test_a_signed_form_with_the_configured_field_names_is_stored(client, gateway):
    response = post_gateway(client, gateway, form())

    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert (message.provider_message_id, message.sender, message.text) == (
        "gw-1",
        "+923451234567",
        "madad chahiye",
    )


def test_a_signed_json_body_is_read_too(client, gateway):
    body = json.dumps({"msisdn": "923451234567", "message": "سلام", "msg_id": 77}).encode()

    response = post_gateway(client, gateway, body, content_type="application/json")

    assert response.status_code == 200
    assert InboundMessage.objects.get().provider_message_id == "77"


def test_a_sha256_prefix_on_the_signature_is_accepted(client, gateway):
    body = form()

    response = post_gateway(client, gateway, body, signature="sha256=" + gateway_signature(body))

    assert response.status_code == 200


@pytest.mark.parametrize(
    "signature",
    ["", "0" * 64, gateway_signature(b"another body"), "ے" * 64],
)
def test_unsigned_and_forged_requests_are_refused(client, gateway, signature):
    body = form()
    if signature == "":
        response = post_gateway(client, gateway, body, signature="")
    else:
        response = post_gateway(client, gateway, body, signature=signature)

    assert response.status_code == 403
    assert stored() == NOTHING


def test_the_default_field_names_do_not_apply_when_others_are_configured(client, gateway):
    body = urlencode({"from": "03451234567", "text": "x", "id": "gw-2"}).encode()

    assert post_gateway(client, gateway, body).status_code == 400
    assert stored() == NOTHING


def test_a_message_to_another_number_is_refused(client, gateway):
    assert post_gateway(client, gateway, form(to="+923009998877")).status_code == 400
    assert post_gateway(client, gateway, form(to=OUR_NUMBER.lstrip("+"))).status_code == 200


def test_a_replay_creates_nothing_new(client, gateway):
    post_gateway(client, gateway, form())
    post_gateway(client, gateway, form())

    assert stored() == {"channels.InboundMessage": 1, "django_tasks_database.DBTaskResult": 1}


def test_invalid_utf8_is_refused_with_400(client, gateway):
    assert post_gateway(client, gateway, b"msisdn=0345&message=%C3%28&msg_id=1").status_code == 400
    body = b'{"msisdn": "03451234567", "message": "\xc3\x28", "msg_id": "1"}'
    assert post_gateway(client, gateway, body, content_type="application/json").status_code == 400
    assert stored() == NOTHING
