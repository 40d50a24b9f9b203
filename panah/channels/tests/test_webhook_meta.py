"""WhatsApp Cloud API webhooks: the subscription handshake and X-Hub-Signature-256."""

from __future__ import annotations

import json

import pytest
from django_tasks_db.models import DBTaskResult
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from panah.channels.models import InboundMessage
from panah.channels.tests.conftest import (
    REFUGEE,
    hook_path,
    meta_payload,
    meta_signature,
    meta_text,
    post_meta,
)
from panah.testing.records import row_counts

pytestmark = pytest.mark.django_db


NOTHING = {"channels.InboundMessage": 0, "django_tasks_database.DBTaskResult": 0}


def stored() -> dict[str, int]:
    return row_counts(InboundMessage, DBTaskResult)


def test_the_subscription_handshake_echoes_the_challenge_for_our_verify_token(
    client, meta_whatsapp
):
    response = client.get(
        hook_path(meta_whatsapp),
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "meta-verify-token",
            "hub.challenge": "1158201444",
        },
    )

    assert response.status_code == 200
    assert response.content == b"1158201444"


@pytest.mark.parametrize("token", ["wrong", ""])
def test_the_handshake_with_another_verify_token_is_refused(client, meta_whatsapp, token):
    response = client.get(
        hook_path(meta_whatsapp),
        {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"},
    )

    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_a_signed_payload_with_two_messages_stores_both(client, meta_whatsapp):
    body = meta_payload(
        messages=[meta_text("wamid.A", "salaam"), meta_text("wamid.B", "مدد", sender="93701234567")]
    )

    response = post_meta(client, meta_whatsapp, body)

    assert response.status_code == 200
    messages = {m.provider_message_id: m for m in InboundMessage.objects.all()}
    assert set(messages) == {"wamid.A", "wamid.B"}
    assert messages["wamid.A"].sender == REFUGEE
    assert messages["wamid.B"].sender == "+93701234567"
    assert messages["wamid.B"].text == "مدد"
    assert DBTaskResult.objects.count() == 2


def test_a_replayed_payload_creates_nothing_new(client, meta_whatsapp):
    body = meta_payload(messages=[meta_text("wamid.A", "salaam")])

    assert post_meta(client, meta_whatsapp, body).status_code == 200
    assert post_meta(client, meta_whatsapp, body).status_code == 200

    assert stored() == {"channels.InboundMessage": 1, "django_tasks_database.DBTaskResult": 1}


def test_a_retry_inside_a_new_payload_stores_only_the_new_message(client, meta_whatsapp):
    post_meta(client, meta_whatsapp, meta_payload(messages=[meta_text("wamid.A", "one")]))
    body = meta_payload(messages=[meta_text("wamid.A", "one"), meta_text("wamid.C", "two")])

    assert post_meta(client, meta_whatsapp, body).status_code == 200

    assert sorted(InboundMessage.objects.values_list("provider_message_id", flat=True)) == [
        "wamid.A",
        "wamid.C",
    ]


def test_a_payload_signed_with_another_secret_is_refused(client, meta_whatsapp):
    body = meta_payload(messages=[meta_text("wamid.A", "salaam")])

    response = post_meta(client, meta_whatsapp, body, signature=meta_signature(body, "other"))

    assert response.status_code == 403
    assert stored() == NOTHING


def test_an_unsigned_payload_is_refused(client, meta_whatsapp):
    body = meta_payload(messages=[meta_text("wamid.A", "salaam")])

    assert post_meta(client, meta_whatsapp, body, signature="").status_code == 403
    assert stored() == NOTHING


def test_a_signature_of_another_body_is_refused(client, meta_whatsapp):
    signed = meta_payload(messages=[meta_text("wamid.A", "salaam")])
    sent = meta_payload(messages=[meta_text("wamid.A", "send money to 0300…")])

    response = post_meta(client, meta_whatsapp, sent, signature=meta_signature(signed))

    assert response.status_code == 403
    assert stored() == NOTHING


@pytest.mark.parametrize(
    "body",
    [b"not json", b"\xff\xfe{}", b"[1, 2]", b'{"object": "page", "entry": []}', b'{"entry": 5}'],
)
def test_a_signed_body_that_is_not_a_whatsapp_payload_is_refused_with_400(
    client, meta_whatsapp, body
):
    assert post_meta(client, meta_whatsapp, body).status_code == 400
    assert stored() == NOTHING


def test_broken_entries_are_skipped_and_the_good_ones_kept(client, meta_whatsapp, caplog):
    caplog.set_level("INFO")
    good = meta_text("wamid.GOOD", "salaam")
    no_id = {k: v for k, v in meta_text("x", "no id").items() if k != "id"}
    bad_sender = meta_text("wamid.BAD", "hi", sender="not-a-number")
    wrong_body = {**meta_text("wamid.WRONG", ""), "text": {"body": 42}}
    body = meta_payload(messages=[no_id, bad_sender, good, wrong_body, "junk"])

    response = post_meta(client, meta_whatsapp, body)

    assert response.status_code == 200
    assert list(InboundMessage.objects.values_list("provider_message_id", flat=True)) == [
        "wamid.GOOD"
    ]
    assert f"channel {meta_whatsapp.pk} webhook: 4 entries skipped" in caplog.text


def test_messages_for_another_phone_number_of_the_app_are_not_stored_here(client, meta_whatsapp):
    payload = json.loads(meta_payload(messages=[meta_text("wamid.A", "salaam")]))
    payload["entry"][0]["changes"][0]["value"]["metadata"]["phone_number_id"] = "999"
    body = json.dumps(payload).encode()

    assert post_meta(client, meta_whatsapp, body).status_code == 200
    assert stored() == NOTHING


def test_a_voice_note_is_kept_as_media_and_a_location_as_other(client, meta_whatsapp):
    voice = {"from": "923451234567", "id": "wamid.V", "type": "audio", "audio": {"id": "m1"}}
    image = {
        "from": "923451234567",
        "id": "wamid.I",
        "type": "image",
        "image": {"id": "m2", "caption": "FIR"},
    }
    location = {"from": "923451234567", "id": "wamid.L", "type": "location", "location": {}}

    post_meta(client, meta_whatsapp, meta_payload(messages=[voice, image, location]))

    kinds = {m.provider_message_id: (m.kind, m.text) for m in InboundMessage.objects.all()}
    assert kinds == {
        "wamid.V": ("media", ""),
        "wamid.I": ("media", "FIR"),
        "wamid.L": ("other", ""),
    }


def test_a_huge_payload_is_refused_with_413(client, meta_whatsapp, settings):
    limit = settings.PANAH_CHANNELS_MAX_BODY
    body = meta_payload(messages=[meta_text("wamid.A", "x" * limit)])

    assert post_meta(client, meta_whatsapp, body).status_code == 413
    assert stored() == NOTHING


@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(position=st.integers(min_value=0, max_value=10_000), byte=st.integers(0, 255))
def test_any_changed_byte_of_a_signed_payload_is_refused_and_stores_nothing(
    client, meta_whatsapp, position, byte
):
    body = bytearray(meta_payload(messages=[meta_text("wamid.M", "salaam")]))
    signature = meta_signature(bytes(body))
    index = position % len(body)
    if body[index] == byte:
        return
    body[index] = byte

    response = post_meta(client, meta_whatsapp, bytes(body), signature=signature)

    assert response.status_code == 403
    assert stored() == NOTHING
