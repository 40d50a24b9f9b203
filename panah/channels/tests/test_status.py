"""Delivery-status callbacks: by provider id, within the organisation, never backwards."""

from __future__ import annotations

import hashlib
import hmac
import json

import pytest
from django.utils import timezone

from panah.channels.services import channel_create
from panah.channels.tests.conftest import (
    TWILIO_SID,
    meta_payload,
    post_gateway,
    post_meta,
    post_twilio,
)
from panah.messaging.models import OutboundMessage

pytestmark = pytest.mark.django_db


def sent_message(org, provider_id, *, status="sent"):
    return OutboundMessage.objects.create(
        organisation=org,
        to="+923451234567",
        body="Your hearing is on Monday",
        purpose="test",
        status=status,
        provider_id=provider_id,
        created_at=timezone.now(),
        sent_at=timezone.now(),
    )


def twilio_status(sid, status, **extra):
    return {"AccountSid": TWILIO_SID, "MessageSid": sid, "MessageStatus": status, **extra}


def test_twilio_callbacks_move_a_message_forward(client, twilio_sms, org):
    message = sent_message(org, "SM1")

    for status, expected in [("delivered", "delivered"), ("read", "read")]:
        response = post_twilio(client, twilio_sms, twilio_status("SM1", status), status=True)
        assert response.status_code == 200
        message.refresh_from_db()
        assert message.status == expected


@pytest.mark.parametrize(
    ("sequence", "final"),
    [
        (["read", "delivered", "sent"], "read"),
        (["delivered", "sent"], "delivered"),
        (["delivered", "undelivered"], "delivered"),
        (["failed", "delivered", "sent"], "failed"),
        (["sending", "queued"], "sent"),
        (["failed", "read"], "read"),
    ],
)
def test_out_of_order_callbacks_never_move_a_status_backwards(
    client, twilio_sms, org, sequence, final
):
    message = sent_message(org, "SM2")

    for status in sequence:
        post_twilio(
            client, twilio_sms, twilio_status("SM2", status, ErrorCode="30003"), status=True
        )

    message.refresh_from_db()
    assert message.status == final


def test_a_failure_keeps_the_provider_error_code_only(client, twilio_sms, org):
    message = sent_message(org, "SM3")

    post_twilio(
        client, twilio_sms, twilio_status("SM3", "undelivered", ErrorCode="30005"), status=True
    )

    message.refresh_from_db()
    assert (message.status, message.last_error) == ("failed", "30005")


def test_a_forged_status_callback_changes_nothing(client, twilio_sms, org):
    message = sent_message(org, "SM4")

    response = post_twilio(
        client, twilio_sms, twilio_status("SM4", "failed"), status=True, token="forged"
    )

    assert response.status_code == 403
    message.refresh_from_db()
    assert message.status == "sent"


def test_a_status_without_its_id_is_refused_with_400(client, twilio_sms):
    params = {"AccountSid": TWILIO_SID, "MessageStatus": "delivered"}

    assert post_twilio(client, twilio_sms, params, status=True).status_code == 400


def test_a_callback_cannot_touch_another_organisations_message(client, personas, twilio_sms):
    other = sent_message(personas["b"]["org"], "SM5")

    assert (
        post_twilio(client, twilio_sms, twilio_status("SM5", "delivered"), status=True).status_code
        == 200
    )

    other.refresh_from_db()
    assert other.status == "sent"


def test_whatsapp_statuses_arrive_in_one_payload_in_any_order(client, meta_whatsapp, org):
    message = sent_message(org, "wamid.OUT")
    statuses = [
        {"id": "wamid.OUT", "status": "read", "timestamp": "3", "recipient_id": "92345"},
        {"id": "wamid.OUT", "status": "delivered", "timestamp": "2", "recipient_id": "92345"},
        {"id": "wamid.OUT", "status": "sent", "timestamp": "1", "recipient_id": "92345"},
    ]

    assert post_meta(client, meta_whatsapp, meta_payload(statuses=statuses)).status_code == 200

    message.refresh_from_db()
    assert message.status == "read"


def test_a_whatsapp_failure_records_metas_error_code(client, meta_whatsapp, org):
    message = sent_message(org, "wamid.F")
    failed = {"id": "wamid.F", "status": "failed", "errors": [{"code": 131047, "title": "x"}]}

    post_meta(client, meta_whatsapp, meta_payload(statuses=[failed]))

    message.refresh_from_db()
    assert (message.status, message.last_error) == ("failed", "131047")


def test_a_gateway_delivery_report_maps_its_own_words(client, org):
    channel = channel_create(
        None,
        organisation=org,
        name="gw",
        provider="generic_http",
        medium="sms",
        address="+923001110000",
        credentials={
            "hmac_secret": "s3cret",
            "signature_header": "X-Gateway-Signature",
            "status_map": {"DELIVERED_TO_HANDSET": "delivered"},
        },
    )
    message = sent_message(org, "gw-77")
    body = json.dumps({"id": "gw-77", "status": "DELIVERED_TO_HANDSET"}).encode()
    signature = hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()

    response = post_gateway(
        client, channel, body, status=True, signature=signature, content_type="application/json"
    )

    assert response.status_code == 200
    message.refresh_from_db()
    assert message.status == "delivered"
