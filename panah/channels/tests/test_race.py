"""A provider delivers the same message twice at the same moment: exactly one row.

Real concurrent requests in threads, each with its own database connection, all released at
once by a barrier. On PostgreSQL the INSERTs really run together and meet at the unique index
(channel, provider message id): the losers wait for the winner's commit, fail, and answer 2xx
without storing anything. SQLite serialises writers, so the race needs PostgreSQL.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from panah.channels import services
from panah.channels.models import Conversation, InboundMessage, Message
from panah.channels.providers.base import InboundEvent
from panah.channels.tests.conftest import REFUGEE, post_twilio, twilio_params

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's concurrent transactions"
    ),
]

THREADS = 4


def run_together(work, count=THREADS):
    barrier = threading.Barrier(count)
    results: list[object] = []
    errors: list[BaseException] = []

    def one(index: int) -> None:
        try:
            barrier.wait(timeout=10)
            results.append(work(index))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=one, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_signed_webhook_delivered_concurrently_is_stored_once(twilio_sms, attempt):
    params = twilio_params(MessageSid=f"SM{attempt:032d}")

    statuses = run_together(lambda i: post_twilio(Client(), twilio_sms, params).status_code)

    assert statuses == [200] * THREADS
    assert InboundMessage.objects.count() == 1
    assert DBTaskResult.objects.count() == 1


def test_first_messages_of_a_new_sender_processed_concurrently_open_one_conversation(
    twilio_sms,
):
    ids = [
        str(services.inbound_receive(twilio_sms, InboundEvent(f"SM{i}", REFUGEE, f"m{i}")).pk)
        for i in range(THREADS)
    ]

    run_together(lambda i: services.inbound_process(ids[i]))

    assert Conversation.objects.count() == 1
    assert Message.objects.count() == THREADS
    assert Conversation.objects.get().unread_count == THREADS
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}
