"""Twilio webhooks: requests signed by the `twilio` library's own RequestValidator."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from twilio.request_validator import RequestValidator

from panah.channels.models import InboundMessage
from panah.channels.services import sender_digest
from panah.channels.tests.conftest import (
    BASE_URL,
    OUR_NUMBER,
    REFUGEE,
    TWILIO_TOKEN,
    hook_path,
    post_twilio,
    twilio_params,
)
from panah.testing.records import row_counts

pytestmark = pytest.mark.django_db

NOTHING = {"channels.InboundMessage": 0, "django_tasks_database.DBTaskResult": 0}


def stored() -> dict[str, int]:
    return row_counts(InboundMessage, DBTaskResult)


def test_a_signed_sms_is_stored_encrypted_with_its_task_and_answered_with_empty_twiml(
    client, twilio_sms
):
    response = post_twilio(client, twilio_sms, twilio_params())

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/xml")
    assert b"<Response></Response>" in response.content
    message = InboundMessage.objects.get()
    assert message.channel == twilio_sms
    assert message.provider_message_id == "SM" + "a" * 32
    assert message.sender == REFUGEE
    assert message.sender_digest == sender_digest(REFUGEE)
    assert message.text == "سلام، میرا بھائی گرفتار ہو گیا ہے"
    assert message.state == InboundMessage.State.RECEIVED
    task = DBTaskResult.objects.get()
    assert task.task_path == "panah.channels.tasks.inbound_process_batch"
    assert task.args_kwargs["args"] == [[str(message.pk)]]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sender, text FROM channels_inboundmessage")
        raw = cursor.fetchone()
    assert all(value.startswith("v1$") for value in raw)


def test_a_provider_retry_of_the_same_message_creates_nothing_and_still_gets_200(
    client, twilio_sms
):
    first = post_twilio(client, twilio_sms, twilio_params())
    second = post_twilio(client, twilio_sms, twilio_params())

    assert (first.status_code, second.status_code) == (200, 200)
    assert stored() == {"channels.InboundMessage": 1, "django_tasks_database.DBTaskResult": 1}


def test_the_webhook_commits_in_few_queries(client, twilio_sms, django_assert_max_num_queries):
    # Channel look-up, then one transaction: the message and its task (plus BEGIN/COMMIT).
    with django_assert_max_num_queries(5):
        response = post_twilio(client, twilio_sms, twilio_params())
    assert response.status_code == 200


def test_a_forged_signature_is_refused_with_403_and_nothing_stored(client, twilio_sms, caplog):
    caplog.set_level(logging.INFO)
    response = post_twilio(client, twilio_sms, twilio_params(), token="someone-elses-token")

    assert response.status_code == 403
    assert stored() == NOTHING
    assert f"channel {twilio_sms.pk} webhook refused: bad signature" in caplog.text
    # Nothing of the request reaches the log: not the number, not the text.
    assert REFUGEE not in caplog.text
    assert "گرفتار" not in caplog.text


def test_a_missing_signature_is_refused_with_403(client, twilio_sms):
    response = post_twilio(client, twilio_sms, twilio_params(), signature="")

    assert response.status_code == 403
    assert stored() == NOTHING


def test_a_signed_request_with_a_changed_parameter_is_refused(client, twilio_sms):
    params = twilio_params()
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(
        BASE_URL + hook_path(twilio_sms), params
    )
    tampered = twilio_params(Body="please call this other number")

    response = post_twilio(client, twilio_sms, tampered, signature=signature)

    assert response.status_code == 403
    assert stored() == NOTHING


def test_a_signature_for_the_internal_url_is_refused_behind_the_proxy(client, twilio_sms):
    internal = "http://testserver" + hook_path(twilio_sms)

    response = post_twilio(client, twilio_sms, twilio_params(), sign_url=internal)

    assert response.status_code == 403
    assert stored() == NOTHING


def test_a_request_signed_for_another_account_with_this_token_is_refused(client, twilio_sms):
    response = post_twilio(client, twilio_sms, twilio_params(AccountSid="AC" + "9" * 32))

    assert response.status_code == 403
    assert stored() == NOTHING


def test_an_unknown_slug_gets_an_empty_404(client, twilio_sms):
    response = client.generic(
        "POST", "/channels/hook/not-a-channel/", b"a=b", content_type="text/plain"
    )

    assert response.status_code == 404
    assert response.content == b""
    assert stored() == NOTHING


def test_a_deactivated_channel_answers_404(client, twilio_sms):
    from panah.channels.services import channel_deactivate

    channel_deactivate(None, twilio_sms)

    assert post_twilio(client, twilio_sms, twilio_params()).status_code == 404
    assert stored() == NOTHING


def test_a_huge_body_is_refused_with_413_before_anything_is_read(client, twilio_sms, settings):
    params = twilio_params(Body="x" * (settings.PANAH_CHANNELS_MAX_BODY + 1))

    response = post_twilio(client, twilio_sms, params)

    assert response.status_code == 413
    assert stored() == NOTHING


def test_a_get_is_refused(client, twilio_sms):
    assert client.get(hook_path(twilio_sms)).status_code == 403
    assert client.get(hook_path(twilio_sms, status=True)).status_code == 405


def test_a_body_that_is_not_utf8_is_refused_with_400(client, twilio_sms):
    body = urlencode(twilio_params()).encode() + b"&Body=%FF%FE%FD"

    response = post_twilio(client, twilio_sms, twilio_params(), body=body)

    assert response.status_code == 400
    assert stored() == NOTHING


def test_raw_non_ascii_bytes_in_a_form_body_are_refused_with_400(client, twilio_sms):
    response = post_twilio(client, twilio_sms, twilio_params(), body=b"Body=\xd8\xb3&From=x")

    assert response.status_code == 400
    assert stored() == NOTHING


@pytest.mark.parametrize("missing", ["From", "MessageSid"])
def test_a_signed_message_without_its_sender_or_id_is_refused_with_400(client, twilio_sms, missing):
    params = twilio_params()
    del params[missing]

    assert post_twilio(client, twilio_sms, params).status_code == 400
    assert stored() == NOTHING


def test_a_sender_that_is_not_a_number_is_refused_with_400(client, twilio_sms):
    response = post_twilio(client, twilio_sms, twilio_params(From="Anonymous"))

    assert response.status_code == 400
    assert stored() == NOTHING


def test_a_message_for_another_of_the_accounts_numbers_is_not_stored_here(client, twilio_sms):
    response = post_twilio(client, twilio_sms, twilio_params(To="+923009998877"))

    assert response.status_code == 400
    assert stored() == NOTHING


def test_a_message_from_an_unknown_foreign_number_is_kept(client, twilio_sms):
    # An Iranian mobile: not a number staff could type for a person, but the message counts.
    response = post_twilio(client, twilio_sms, twilio_params(From="+989121234567"))

    assert response.status_code == 200
    assert InboundMessage.objects.get().sender == "+989121234567"


def test_a_whatsapp_message_with_a_picture_and_no_text_is_kept_as_media(client, twilio_sms):
    params = twilio_params(From=f"whatsapp:{REFUGEE}", To=f"whatsapp:{OUR_NUMBER}", Body="")
    params["NumMedia"] = "1"

    assert post_twilio(client, twilio_sms, params).status_code == 200
    message = InboundMessage.objects.get()
    assert (message.sender, message.kind, message.text) == (REFUGEE, "media", "")


def test_a_call_is_rejected_as_busy_and_kept_as_a_call_back_request(client, twilio_voice):
    params = {
        "AccountSid": twilio_voice.credentials_dict()["account_sid"],
        "CallSid": "CA" + "b" * 32,
        "From": REFUGEE,
        "To": OUR_NUMBER,
        "CallStatus": "ringing",
    }

    response = post_twilio(client, twilio_voice, params)

    assert response.status_code == 200
    assert b'<Reject reason="busy"/>' in response.content
    message = InboundMessage.objects.get()
    assert (message.kind, message.provider_message_id) == ("call", "CA" + "b" * 32)


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    where=st.sampled_from(["body", "url"]),
    position=st.integers(min_value=0, max_value=10_000),
    byte=st.integers(min_value=0, max_value=255),
)
def test_any_changed_byte_of_a_signed_request_is_refused_and_stores_nothing(
    client, twilio_sms, where, position, byte
):
    params = twilio_params(MessageSid="SM" + "c" * 32)
    path = hook_path(twilio_sms)
    signature = RequestValidator(TWILIO_TOKEN).compute_signature(BASE_URL + path, params)
    body = bytearray(urlencode(params).encode())
    if where == "body":
        index = position % len(body)
        if body[index] == byte:
            return
        body[index] = byte
        response = client.generic(
            "POST",
            path,
            bytes(body),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": signature},
        )
    else:
        query = f"?x={byte}"
        response = client.generic(
            "POST",
            path + query,
            bytes(body),
            content_type="application/x-www-form-urlencoded",
            headers={"X-Twilio-Signature": signature},
        )
    # A change that decodes to the same parameters (e.g. "+" for "%20") is the same request.
    if response.status_code == 200:
        from urllib.parse import parse_qsl

        assert dict(parse_qsl(bytes(body).decode())) == params
        InboundMessage.objects.all().delete()
        DBTaskResult.objects.all().delete()
        return
    assert response.status_code in {400, 403}
    assert stored() == NOTHING
