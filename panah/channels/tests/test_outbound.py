"""Sending through provider channels: the real `twilio` client against a local HTTP server,
WhatsApp Cloud and a gateway, retries, permanent refusals and the per-channel rate limit."""

from __future__ import annotations

import datetime
import json
from urllib.parse import parse_qs

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.channels.services import channel_create, channel_webhook_urls
from panah.channels.tests.conftest import OUR_NUMBER, REFUGEE, TWILIO_SID
from panah.messaging.models import OutboundMessage
from panah.messaging.services import message_queue
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

URDU = "آپ کی سماعت پیر کو ہے۔ اپنا پی او آر کارڈ ساتھ لائیں۔ پناہ ہیلپ لائن سے رابطہ کریں۔"


@pytest.fixture(autouse=True)
def _channel_backend(settings, provider_server):
    settings.PANAH_MESSAGING_BACKEND = "panah.channels.backends.ChannelBackend"
    settings.PANAH_TWILIO_API_URL = provider_server.url
    settings.PANAH_META_GRAPH_URL = provider_server.url + "/v21.0"


def twilio_created(sid="SM" + "f" * 32):
    return (201, {"sid": sid, "status": "queued", "account_sid": TWILIO_SID})


def test_an_sms_goes_out_through_the_twilio_client_with_a_status_callback(
    org, twilio_sms, provider_server
):
    provider_server.answers = [twilio_created()]
    message = message_queue(org, to=REFUGEE, body=URDU, purpose="test")

    run_due_tasks()

    [request] = provider_server.requests
    assert request.method == "POST"
    assert request.path == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    form = parse_qs(request.body.decode())
    assert form["To"] == [REFUGEE]
    assert form["From"] == [OUR_NUMBER]
    assert form["Body"] == [URDU]
    assert form["StatusCallback"] == [channel_webhook_urls(twilio_sms)["statuses"]]
    assert request.headers["Authorization"].startswith("Basic ")
    message.refresh_from_db()
    assert message.status == "sent"
    assert message.provider_id == "SM" + "f" * 32
    assert (message.via, message.backend) == (twilio_sms, "twilio")
    # Urdu is UCS-2: 79 characters take two segments of 67.
    assert message.segments == 2


def test_a_whatsapp_message_is_sent_with_the_whatsapp_prefix(org, provider_server):
    channel = channel_create(
        None,
        organisation=org,
        name="wa",
        provider="twilio",
        medium="whatsapp",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": "t"},
    )
    provider_server.answers = [twilio_created()]
    message_queue(org, to=REFUGEE, body="salaam", purpose="test", channel="whatsapp")

    run_due_tasks()

    form = parse_qs(provider_server.requests[0].body.decode())
    assert (form["To"], form["From"]) == ([f"whatsapp:{REFUGEE}"], [f"whatsapp:{OUR_NUMBER}"])
    assert OutboundMessage.objects.get().via == channel


def test_a_server_error_is_retried_later_with_back_off(org, twilio_sms, provider_server):
    provider_server.answers = [(503, {"code": 20500, "message": "down"}), twilio_created()]
    message = message_queue(org, to=REFUGEE, body="salaam", purpose="test")

    run_due_tasks()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("queued", 1)
    assert message.last_error == "twilio: HTTP 503 code 20500"
    assert DBTaskResult.objects.filter(status="READY").count() == 1
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=31)):
        run_due_tasks()
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("sent", 2)


def test_a_permanent_refusal_fails_at_once_without_the_number_in_the_error(
    org, twilio_sms, provider_server
):
    provider_server.answers = [
        (400, {"code": 21211, "message": f"The 'To' number {REFUGEE} is not valid."})
    ]
    message = message_queue(org, to=REFUGEE, body="salaam", purpose="test")

    run_due_tasks()

    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 1)
    assert message.last_error == "twilio: HTTP 400 code 21211"
    assert not DBTaskResult.objects.filter(status="READY").exists()


def test_a_channel_over_its_rate_is_rescheduled_not_failed(org, twilio_sms, provider_server):
    twilio_sms.rate_per_minute = 2
    twilio_sms.save(update_fields=["rate_per_minute"])
    provider_server.answers = [twilio_created()]
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        messages = [
            message_queue(org, to=REFUGEE, body=f"message {n}", purpose="test") for n in range(3)
        ]
        run_due_tasks()
        statuses = sorted(OutboundMessage.objects.values_list("status", "attempts"))
        assert statuses == [("queued", 0), ("sent", 1), ("sent", 1)]
        assert len(provider_server.requests) == 2
        waiting = DBTaskResult.objects.get(status="READY")
        assert waiting.run_after == start + datetime.timedelta(minutes=1)
    with time_machine.travel(start + datetime.timedelta(seconds=61), tick=False):
        run_due_tasks()
    assert {m.status for m in OutboundMessage.objects.filter(pk__in=[m.pk for m in messages])} == {
        "sent"
    }
    assert len(provider_server.requests) == 3


def test_a_message_without_a_channel_for_its_medium_waits_and_retries(org, provider_server):
    message = message_queue(org, to=REFUGEE, body="salaam", purpose="test", channel="whatsapp")

    run_due_tasks()

    message.refresh_from_db()
    assert (message.status, message.last_error) == (
        "queued",
        "channels: no active channel for this medium",
    )
    assert provider_server.requests == []


def test_whatsapp_cloud_messages_are_posted_to_the_graph_api(org, meta_whatsapp, provider_server):
    provider_server.answers = [(200, {"messages": [{"id": "wamid.OUT1"}]})]
    message = message_queue(org, to=REFUGEE, body="salaam", purpose="test", channel="whatsapp")

    run_due_tasks()

    [request] = provider_server.requests
    assert request.path == f"/v21.0/{meta_whatsapp.address}/messages"
    assert request.headers["Authorization"] == "Bearer meta-access-token"
    payload = json.loads(request.body)
    assert payload["to"] == REFUGEE.lstrip("+")
    assert payload["text"]["body"] == "salaam"
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("sent", "wamid.OUT1")


def test_a_gateway_send_fills_its_url_template_and_reports_by_our_id(org, provider_server):
    channel_create(
        None,
        organisation=org,
        name="gw",
        provider="generic_http",
        medium="sms",
        address=OUR_NUMBER,
        credentials={
            "hmac_secret": "s",
            "send_url": provider_server.url
            + "/cgi-bin/sendsms?user=panah&to={to_digits}&from={from}&text={text}&dlr={id}",
            "send_method": "GET",
        },
    )
    provider_server.answers = [(202, {"ok": True})]
    message = message_queue(org, to=REFUGEE, body="سلام & خوش", purpose="test")

    run_due_tasks()

    [request] = provider_server.requests
    assert request.method == "GET"
    query = parse_qs(request.path.split("?", 1)[1])
    assert query["to"] == [REFUGEE.lstrip("+")]
    assert query["text"] == ["سلام & خوش"]
    assert query["dlr"] == [str(message.pk)]
    message.refresh_from_db()
    assert (message.status, message.provider_id) == ("sent", str(message.pk))


def test_a_gateway_that_times_out_is_retried(org, settings):
    channel_create(
        None,
        organisation=org,
        name="gw",
        provider="generic_http",
        medium="sms",
        address=OUR_NUMBER,
        # A port nothing listens on: the connection is refused.
        credentials={"hmac_secret": "s", "send_url": "http://127.0.0.1:9/send"},
    )
    message = message_queue(org, to=REFUGEE, body="salaam", purpose="test")

    run_due_tasks()

    message.refresh_from_db()
    assert message.status == "queued"
    assert message.attempts == 1
    assert message.last_error.startswith("gateway: ")
