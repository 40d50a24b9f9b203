"""The webhook's fast path: a remembered channel, and the message and its task in one statement.

What is checked here is what the speed must not cost: the task row is exactly the row
`enqueue()` writes and the real worker runs it; a channel deactivated or re-keyed elsewhere
stops or keeps answering as it should; and a busy line costs one statement per message.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from panah.channels import selectors
from panah.channels.models import Channel, InboundMessage
from panah.channels.tasks import inbound_process_batch
from panah.channels.tests.conftest import (
    TWILIO_SID,
    post_twilio,
    run_task_worker,
    twilio_params,
)
from panah.core.task_rows import database_task_row

pytestmark = pytest.mark.django_db

NEW_TOKEN = "twilio-auth-token-after-rotation"
# Set when the row is written: the only columns in which two rows of one task may differ.
PER_ROW = {"id", "enqueued_at"}


def task_rows() -> list[dict[str, Any]]:
    return list(DBTaskResult.objects.order_by("enqueued_at").values())


def test_the_task_row_written_in_sql_is_the_row_enqueue_writes():
    message_id = "0b8d4f7e-34c1-4e43-9b8e-3d7e2c1f5a60"
    inbound_process_batch.enqueue([message_id])
    table, columns, values, _ = database_task_row(inbound_process_batch, [[message_id]], connection)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(table)} ({', '.join(quote(c) for c in columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(values))})",
            values,
        )

    by_enqueue, by_sql = task_rows()
    assert set(columns) == set(by_enqueue)  # every column written, none left to a default
    assert {k: v for k, v in by_sql.items() if k not in PER_ROW} == {
        k: v for k, v in by_enqueue.items() if k not in PER_ROW
    }
    assert by_sql["id"] != by_enqueue["id"]
    assert by_sql["enqueued_at"] >= by_enqueue["enqueued_at"]
    result = inbound_process_batch.get_result(str(by_sql["id"]))
    assert (result.args, result.kwargs, result.status) == ([[message_id]], {}, "READY")


def test_a_webhook_stores_the_same_task_row_as_enqueue(client, twilio_sms):
    post_twilio(client, twilio_sms, twilio_params())
    message = InboundMessage.objects.get()
    inbound_process_batch.enqueue([str(message.pk)])

    by_webhook, by_enqueue = task_rows()
    assert {k: v for k, v in by_webhook.items() if k not in PER_ROW} == {
        k: v for k, v in by_enqueue.items() if k not in PER_ROW
    }


def test_a_task_for_another_backend_is_not_written_in_sql(settings):
    # django-tasks reads TASKS again when the setting changes (its setting_changed receiver).
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }

    assert database_task_row(inbound_process_batch, [["x"]], connection) is None


@pytest.mark.django_db(transaction=True)
def test_the_real_worker_threads_a_message_stored_by_the_webhook(client, twilio_sms):
    assert post_twilio(client, twilio_sms, twilio_params()).status_code == 200

    run_task_worker()

    message = InboundMessage.objects.get()
    assert message.state == InboundMessage.State.PROCESSED
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path")
def test_a_busy_lines_webhook_is_one_statement_on_postgresql(
    client, twilio_sms, django_assert_num_queries
):
    post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32))

    with django_assert_num_queries(1):  # the channel is remembered: only the INSERT
        response = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32))
    with django_assert_num_queries(1):  # a provider retry: the same statement, nothing stored
        retry = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32))

    assert (response.status_code, retry.status_code) == (200, 200)
    assert InboundMessage.objects.count() == DBTaskResult.objects.count() == 2


def _elsewhere(channel: Channel, **fields: Any) -> None:
    """Change the row the way another server process would: this one is not told."""
    Channel.objects.filter(pk=channel.pk).update(**fields)


def test_a_channel_deactivated_by_another_process_stops_answering_within_the_cache_time(
    client, twilio_sms, settings, monkeypatch
):
    settings.PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS = 10
    clock = [1000.0]
    monkeypatch.setattr(selectors.time, "monotonic", lambda: clock[0])
    assert (
        post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32)).status_code
        == 200
    )

    _elsewhere(twilio_sms, is_active=False)
    clock[0] += 9
    within = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32))
    clock[0] += 2
    after = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "3" * 32))

    assert (within.status_code, after.status_code) == (200, 404)


def test_without_a_cache_time_every_webhook_reads_the_channel(client, twilio_sms, settings):
    settings.PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS = 0
    assert (
        post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32)).status_code
        == 200
    )

    _elsewhere(twilio_sms, is_active=False)

    response = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32))
    assert response.status_code == 404


def test_a_channel_saved_in_this_process_is_forgotten_at_once(client, twilio_sms):
    assert (
        post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32)).status_code
        == 200
    )

    twilio_sms.is_active = False
    twilio_sms.save()

    response = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32))
    assert response.status_code == 404


def test_rotated_credentials_are_read_again_when_a_signature_fails(client, twilio_sms):
    assert (
        post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32)).status_code
        == 200
    )
    credentials = {"account_sid": TWILIO_SID, "auth_token": NEW_TOKEN}
    _elsewhere(twilio_sms, credentials=json.dumps(credentials))

    genuine = post_twilio(
        client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32), token=NEW_TOKEN
    )
    old_token = post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "3" * 32))

    assert (genuine.status_code, old_token.status_code) == (200, 403)
    assert InboundMessage.objects.count() == 2


def test_a_forged_request_is_refused_after_one_fresh_read(
    client, twilio_sms, django_assert_num_queries
):
    assert (
        post_twilio(client, twilio_sms, twilio_params(MessageSid="SM" + "1" * 32)).status_code
        == 200
    )

    with django_assert_num_queries(1):  # the channel read again; its credentials are unchanged
        forged = post_twilio(
            client, twilio_sms, twilio_params(MessageSid="SM" + "2" * 32), token="not-the-token"
        )

    assert forged.status_code == 403
    assert InboundMessage.objects.count() == 1
