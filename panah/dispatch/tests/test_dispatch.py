"""Dispatch: the best advocate is alerted, answers by SMS or link, silence escalates."""

from __future__ import annotations

import datetime
import json

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from panah.cases.models import CaseEvent
from panah.dispatch.models import Dispatch, Offer
from panah.dispatch.services import (
    dispatch_start,
    inbound_reply_handle,
    offer_expire,
    offer_link_token,
)
from panah.messaging.models import OutboundMessage
from panah.messaging.services import message_send
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


def _steps(case):
    return [e.data["step"] for e in case.events.filter(kind=CaseEvent.Kind.DISPATCH)]


def _texts_to(phone):
    return [m.body for m in OutboundMessage.objects.order_by("created_at") if m.to == phone]


def test_starting_alerts_the_best_advocate_with_a_code_and_schedules_the_timeout(
    urgent_case, rota, settings
):
    dispatch = dispatch_start(None, urgent_case)

    offer = dispatch.offers.get()
    assert offer.advocate == rota["advocates"]["ayesha"]  # lowest load
    assert offer.rank == 1 and offer.status == Offer.Status.PENDING
    assert offer.expires_at - offer.sent_at == datetime.timedelta(minutes=10)
    [text] = _texts_to("+923000000001")
    assert urgent_case.reference in text and f"YES {offer.code}" in text
    assert rota["place"].name in text
    assert urgent_case.person.given_name not in text  # no name in an SMS
    expiry = DBTaskResult.objects.get(task_path="panah.dispatch.tasks.offer_expire")
    assert expiry.run_after == offer.expires_at
    assert _steps(urgent_case) == ["started", "offered"]


def test_starting_twice_joins_the_live_dispatch(urgent_case, rota):
    first = dispatch_start(None, urgent_case)
    assert dispatch_start(None, urgent_case) == first
    assert Offer.objects.count() == 1


def test_yes_by_sms_assigns_the_case_and_answers_the_advocate(urgent_case, rota):
    offer = dispatch_start(None, urgent_case).offers.get()

    reply = inbound_reply_handle("+923000000001", f"yes {offer.code}")

    assert reply is not None and reply.outcome == "accepted"
    urgent_case.refresh_from_db()
    assert urgent_case.assigned_advocate == rota["advocates"]["ayesha"].user
    assert urgent_case.status == "assigned"
    dispatch = Dispatch.objects.get()
    assert dispatch.status == Dispatch.Status.ACCEPTED and dispatch.accepted_at
    assert _texts_to("+923000000001")[-1] == reply.text
    assert _steps(urgent_case)[-1] == "accepted"
    advocate = rota["advocates"]["ayesha"]
    advocate.refresh_from_db()
    assert (advocate.offers_made, advocate.offers_accepted) == (1, 1)


def test_no_moves_to_the_next_advocate(urgent_case, rota):
    offer = dispatch_start(None, urgent_case).offers.get()
    reply = inbound_reply_handle("+923000000001", f"NO {offer.code}")
    assert reply is not None and reply.outcome == "declined"
    offers = list(Offer.objects.order_by("rank"))
    assert [(o.advocate.user.username, o.status) for o in offers] == [
        ("ayesha", "declined"),
        ("bilal", "pending"),
    ]
    assert _steps(urgent_case) == ["started", "offered", "declined", "offered"]


def test_silence_escalates_on_the_clock_and_ends_with_the_coordinator(urgent_case, rota, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        dispatch_start(None, urgent_case)
        for minutes in (5, 10, 20, 30):
            clock.move_to(start + datetime.timedelta(minutes=minutes, seconds=1))
            run_due_tasks()

    offers = list(Offer.objects.order_by("rank"))
    assert [o.status for o in offers] == ["expired", "expired", "expired"]
    dispatch = Dispatch.objects.get()
    assert dispatch.status == Dispatch.Status.EXHAUSTED and dispatch.unanswered == 3
    assert _steps(urgent_case) == [
        "started",
        "offered",
        "expired",
        "offered",
        "expired",
        "offered",
        "expired",
        "coordinator_alerted",
    ]
    [alert] = _texts_to("+923009999999")
    assert urgent_case.reference in alert


def test_an_early_or_repeated_timeout_changes_nothing(urgent_case, rota):
    offer = dispatch_start(None, urgent_case).offers.get()
    offer_expire(str(offer.pk), at=offer.sent_at + datetime.timedelta(minutes=9))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING
    late = offer.expires_at + datetime.timedelta(seconds=1)
    offer_expire(str(offer.pk), at=late)
    offer_expire(str(offer.pk), at=late)
    assert Offer.objects.count() == 2
    assert Dispatch.objects.get().unanswered == 1


def test_a_late_yes_still_takes_the_case_while_nobody_has(urgent_case, rota):
    first = dispatch_start(None, urgent_case).offers.get()
    offer_expire(str(first.pk), at=first.expires_at + datetime.timedelta(seconds=1))
    second = Offer.objects.get(status="pending")

    reply = inbound_reply_handle("+923000000001", f"YES {first.code}")

    assert reply is not None and reply.outcome == "accepted"
    second.refresh_from_db()
    assert second.status == Offer.Status.WITHDRAWN
    then = inbound_reply_handle("+923000000002", f"YES {second.code}")
    assert then is not None and then.outcome == "too_late"
    assert "already been taken" in then.text
    urgent_case.refresh_from_db()
    assert urgent_case.assigned_advocate == rota["advocates"]["ayesha"].user


def test_on_and_off_by_sms_decide_who_is_alerted(urgent_case, rota):
    reply = inbound_reply_handle("+923000000001", "off")
    assert reply is not None and "OFF" in reply.text
    offer = dispatch_start(None, urgent_case).offers.get()
    assert offer.advocate == rota["advocates"]["bilal"]
    inbound_reply_handle("+923000000001", "ON")
    rota["advocates"]["ayesha"].refresh_from_db()
    assert rota["advocates"]["ayesha"].available


def test_strangers_are_not_advocates_and_gibberish_gets_the_help_text(urgent_case, rota):
    assert inbound_reply_handle("+923331111111", "YES 1234") is None
    reply = inbound_reply_handle("+923000000001", "what is this?")
    assert reply is not None and reply.outcome == "unknown"
    assert "YES" in reply.text


def test_the_reply_comes_in_the_advocates_language(urgent_case, rota):
    advocate = rota["advocates"]["ayesha"]
    advocate.user.language = "ur"
    advocate.user.save(update_fields=["language"])
    offer = dispatch_start(None, urgent_case).offers.get()
    eastern = offer.code.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    reply = inbound_reply_handle("+923000000001", f"ہاں {eastern}")
    assert reply is not None and reply.outcome == "accepted"
    assert any("\u0600" <= ch <= "\u06ff" for ch in reply.text)  # written in Urdu


def test_arrival_is_recorded_for_the_metrics(urgent_case, rota, client, personas):
    offer = dispatch_start(None, urgent_case).offers.get()
    inbound_reply_handle("+923000000001", f"YES {offer.code}")
    reply = inbound_reply_handle("+923000000001", f"HERE {offer.code}")
    assert reply is not None and reply.outcome == "arrived"
    assert Dispatch.objects.get().arrived_at is not None
    client.force_login(personas["a"]["coordinator"])
    html = client.get(reverse("dispatch:metrics")).content.decode()
    assert rota["place"].district.name in html


def test_the_signed_link_shows_the_question_and_a_post_answers_it(client, urgent_case, rota):
    offer = dispatch_start(None, urgent_case).offers.get()
    url = reverse("dispatch:offer_link", kwargs={"token": offer_link_token(offer)})
    page = client.get(url)
    assert page.status_code == 200 and urgent_case.reference in page.content.decode()
    offer.refresh_from_db()
    assert offer.status == Offer.Status.PENDING  # looking is not answering
    client.post(url, {"answer": "yes"})
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert client.get(url[:-3] + "xyz/").status_code == 404


def test_the_case_page_shows_the_alerts_and_why(client, urgent_case, rota, personas):
    dispatch_start(None, urgent_case)
    client.force_login(personas["a"]["coordinator"])
    html = client.get(reverse("cases:case_detail", args=[urgent_case.reference])).content.decode()
    assert "Why this advocate" in html
    assert "Ayesha" in html
    assert "Alert sent to" in html


def test_the_file_backend_writes_the_alert(urgent_case, rota, settings, tmp_path):
    settings.PANAH_MESSAGING_FILE = str(tmp_path / "outbox.jsonl")
    dispatch_start(None, urgent_case)
    message = OutboundMessage.objects.get(purpose="dispatch.offer")
    message_send(str(message.pk))
    message.refresh_from_db()
    assert message.status == OutboundMessage.Status.SENT
    [line] = (tmp_path / "outbox.jsonl").read_text().splitlines()
    assert json.loads(line)["to"] == "+923000000001"
