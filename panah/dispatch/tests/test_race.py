"""Two advocates answer YES at the same moment: exactly one gets the case.

Real concurrent transactions in two threads, each with its own database connection. On
PostgreSQL both really run at once and meet at the dispatch row's lock; on SQLite the second
waits for the write lock. Either way the outcome must be one winner and one polite refusal.
"""

from __future__ import annotations

import datetime
import threading

import pytest
from django.db import connection

from panah.dispatch.models import Dispatch, Offer
from panah.dispatch.services import dispatch_start, offer_answer, offer_expire


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(3))
def test_two_yes_at_once_give_the_case_to_exactly_one_advocate(urgent_case, rota, attempt):
    first = dispatch_start(None, urgent_case).offers.get()
    offer_expire(str(first.pk), at=first.expires_at + datetime.timedelta(seconds=1))
    second = Offer.objects.get(status="pending")
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    errors: list[BaseException] = []

    def answer(offer: Offer) -> None:
        try:
            barrier.wait(timeout=10)
            outcomes[offer.advocate.user.username] = offer_answer(
                offer, accept=True, channel="sms"
            ).outcome
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=answer, args=(o,)) for o in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors, errors
    assert sorted(outcomes.values()) == ["accepted", "too_late"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "accepted")
    assert Offer.objects.filter(status="accepted").count() == 1
    dispatch = Dispatch.objects.get()
    assert dispatch.status == Dispatch.Status.ACCEPTED
    assert dispatch.accepted_by.user.username == winner
    urgent_case.refresh_from_db()
    assert urgent_case.assigned_advocate.username == winner
    assert connection.vendor in {"postgresql", "sqlite"}
