"""Messages stored at the same moment share one statement (group commit), on PostgreSQL.

Real threads, each with its own connection, call the webhook's service. The first writer is
held until the others have queued behind it, so the second batch forms for certain; then the
rows are checked, and the real worker runs the tasks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction
from django_tasks_db.models import DBTaskResult

from panah.channels import services
from panah.channels.models import Channel, InboundMessage
from panah.channels.providers.base import InboundEvent
from panah.channels.tests.conftest import REFUGEE, run_task_worker

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-statement path"),
]

TIMEOUT = 10
BATCH_TASK = "panah.channels.tasks.inbound_process_batch"


def event(sid: str) -> InboundEvent:
    return InboundEvent(sid, REFUGEE, f"message {sid}")


def queued() -> int:
    group = services._inbound_groups.get(connection.alias)
    if group is None:
        return 0
    with group._lock:
        return len(group._waiting)


def behind_a_held_write(
    monkeypatch: pytest.MonkeyPatch, first: Callable[[], Any], rest: list[Callable[[], Any]]
) -> list[Any]:
    """Run `first` in a thread and hold its write; run `rest` in threads of their own, release
    the write once they all wait, and return each call's result or exception, in order."""
    write = services._inbound_write
    writing, release = threading.Event(), threading.Event()

    def held(db: Any, rows: Any) -> Any:
        if not writing.is_set():
            writing.set()
            assert release.wait(TIMEOUT)
        return write(db, rows)

    monkeypatch.setattr(services, "_inbound_write", held)
    outcomes: list[Any] = [None] * (1 + len(rest))

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            outcomes[index] = call()
        except Exception as exc:  # noqa: BLE001 - reported to the test
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(0, first))]
    threads[0].start()
    assert writing.wait(TIMEOUT)
    threads += [threading.Thread(target=run, args=(i + 1, c)) for i, c in enumerate(rest)]
    for thread in threads[1:]:
        thread.start()
    for _ in range(TIMEOUT * 100):
        if queued() == len(rest):
            break
        threading.Event().wait(0.01)
    release.set()
    for thread in threads:
        thread.join(TIMEOUT)
        assert not thread.is_alive()
    return outcomes


def test_messages_arriving_during_a_write_are_stored_together_with_one_task(
    twilio_sms, monkeypatch
):
    services.inbound_receive(twilio_sms, event("SM-before"))
    calls = [lambda sid=sid: services.inbound_receive(twilio_sms, event(sid)) for sid in "BCD"]
    # D twice: a provider's retry in the same batch; and one already stored before.
    calls += [
        lambda: services.inbound_receive(twilio_sms, event("D")),
        lambda: services.inbound_receive(twilio_sms, event("SM-before")),
    ]

    outcomes = behind_a_held_write(
        monkeypatch, lambda: services.inbound_receive(twilio_sms, event("A")), calls
    )

    stored = [o for o in outcomes if isinstance(o, InboundMessage)]
    assert not [o for o in outcomes if isinstance(o, Exception)]
    assert sorted(m.provider_message_id for m in stored) == ["A", "B", "C", "D"]
    assert outcomes.count(None) == 2  # the two retries: nothing stored, nothing raised
    assert InboundMessage.objects.count() == 5
    tasks = DBTaskResult.objects.filter(task_path=BATCH_TASK).order_by("enqueued_at")
    ids = [sorted(task.args_kwargs["args"][0]) for task in tasks]
    by_sid = dict(InboundMessage.objects.values_list("provider_message_id", "pk"))
    # One task before, one for A's batch of one, one for the three written together.
    assert ids == [
        [str(by_sid["SM-before"])],
        [str(by_sid["A"])],
        sorted(str(by_sid[sid]) for sid in "BCD"),
    ]

    run_task_worker()

    assert set(InboundMessage.objects.values_list("state", flat=True)) == {
        InboundMessage.State.PROCESSED
    }
    assert set(tasks.values_list("status", flat=True)) == {"SUCCESSFUL"}


def test_a_failed_batch_writes_each_message_alone_so_one_bad_message_fails_no_other(
    twilio_sms, monkeypatch
):
    nowhere = Channel(organisation_id=twilio_sms.organisation_id)  # never saved: no such row
    calls = [
        lambda: services.inbound_receive(twilio_sms, event("B")),
        lambda: services.inbound_receive(nowhere, event("X")),
        lambda: services.inbound_receive(twilio_sms, event("C")),
    ]

    outcomes = behind_a_held_write(
        monkeypatch, lambda: services.inbound_receive(twilio_sms, event("A")), calls
    )

    assert isinstance(outcomes[2], IntegrityError)
    assert [o.provider_message_id for o in outcomes if isinstance(o, InboundMessage)] == [
        "A",
        "B",
        "C",
    ]
    assert sorted(InboundMessage.objects.values_list("provider_message_id", flat=True)) == [
        "A",
        "B",
        "C",
    ]
    assert DBTaskResult.objects.filter(task_path=BATCH_TASK).count() == 3


def test_inside_a_transaction_a_message_is_written_alone_in_it(twilio_sms):
    with transaction.atomic():
        services.inbound_receive(twilio_sms, event("A"))
        transaction.set_rollback(True)

    assert not InboundMessage.objects.exists()
    assert not DBTaskResult.objects.exists()
