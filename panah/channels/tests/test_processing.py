"""Processing received messages: threading into conversations, the advocates' replies path,
and failures that are retried instead of lost."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from panah.channels import services
from panah.channels.models import Conversation, InboundMessage, Message
from panah.channels.providers.base import InboundEvent
from panah.channels.services import inbound_receive
from panah.channels.tests.conftest import REFUGEE
from panah.dispatch.models import Offer
from panah.dispatch.services import dispatch_start
from panah.messaging.models import OutboundMessage
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


def receive(channel, provider_id, text, *, sender=REFUGEE, at=None):
    return inbound_receive(channel, InboundEvent(provider_id, sender, text), at=at)


def test_messages_from_one_sender_thread_into_one_conversation_waiting_for_an_operator(
    twilio_sms, org
):
    start = timezone.now()
    receive(twilio_sms, "SM1", "salaam", at=start)
    receive(twilio_sms, "SM2", "my brother was arrested", at=start + datetime.timedelta(seconds=5))

    assert run_due_tasks() == 2

    conversation = Conversation.objects.get()
    assert conversation.organisation == org
    assert conversation.channel == twilio_sms
    assert conversation.sender == REFUGEE
    assert conversation.state == Conversation.State.WAITING
    assert conversation.unread_count == 2
    assert conversation.last_message_at == start + datetime.timedelta(seconds=5)
    assert [m.text for m in conversation.messages.all()] == ["salaam", "my brother was arrested"]
    assert set(InboundMessage.objects.values_list("state", flat=True)) == {"processed"}


def test_another_sender_or_another_channel_starts_another_conversation(twilio_sms, meta_whatsapp):
    receive(twilio_sms, "SM1", "one")
    receive(twilio_sms, "SM2", "two", sender="+93701234567")
    receive(meta_whatsapp, "wamid.3", "three")

    run_due_tasks()

    assert Conversation.objects.count() == 3


def test_a_message_after_the_conversation_closed_starts_a_new_one(twilio_sms, personas, actor_of):
    receive(twilio_sms, "SM1", "one")
    run_due_tasks()
    first = Conversation.objects.get()
    services.conversation_close(actor_of(personas["a"]["operator"]), first)

    receive(twilio_sms, "SM2", "again")
    run_due_tasks()

    assert Conversation.objects.count() == 2
    assert Conversation.objects.exclude(pk=first.pk).get().messages.get().text == "again"


def test_processing_twice_threads_a_message_once(twilio_sms):
    inbound = receive(twilio_sms, "SM1", "one")
    run_due_tasks()

    assert services.inbound_process(str(inbound.pk)) is None
    assert Message.objects.count() == 1


def test_a_claimed_conversation_stays_with_its_operator_when_the_person_writes_again(
    twilio_sms, personas, actor_of
):
    receive(twilio_sms, "SM1", "one")
    run_due_tasks()
    conversation = services.conversation_claim(
        actor_of(personas["a"]["operator"]), Conversation.objects.get()
    )

    receive(twilio_sms, "SM2", "two")
    run_due_tasks()

    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLAIMED
    assert conversation.unread_count == 1


def test_an_advocates_yes_goes_to_dispatch_and_not_to_an_operator(twilio_sms, urgent_case, rota):
    offer = dispatch_start(None, urgent_case).offers.get()
    advocate = offer.advocate

    receive(twilio_sms, "SM-yes", f"YES {offer.code}", sender=advocate.phone)
    run_due_tasks()

    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert InboundMessage.objects.get().state == InboundMessage.State.DISPATCH
    assert not Conversation.objects.exists()
    reply = OutboundMessage.objects.get(purpose="dispatch.reply")
    assert reply.to == advocate.phone


def test_an_advocate_writing_something_else_reaches_an_operator(twilio_sms, rota):
    advocate = rota["advocates"]["ayesha"]

    receive(twilio_sms, "SM-hi", "Is the court open tomorrow?", sender=advocate.phone)
    run_due_tasks()

    assert Conversation.objects.get().state == Conversation.State.WAITING
    assert not OutboundMessage.objects.filter(purpose="dispatch.reply").exists()


def test_yes_from_someone_who_is_not_an_advocate_is_a_refugees_message(twilio_sms, rota):
    receive(twilio_sms, "SM-yes", "yes")
    run_due_tasks()

    assert Conversation.objects.get().messages.get().text == "yes"


def test_a_failure_while_processing_is_retried_later_and_nothing_is_lost(twilio_sms, monkeypatch):
    def broken(conversation, message):
        raise RuntimeError("routing is down")

    monkeypatch.setattr(services, "conversation_route", broken)
    inbound = receive(twilio_sms, "SM1", "one")

    run_due_tasks()

    inbound.refresh_from_db()
    assert (inbound.state, inbound.attempts, inbound.last_error) == ("received", 1, "RuntimeError")
    assert not Conversation.objects.exists()  # the half-done work was rolled back
    monkeypatch.undo()
    with __import__("time_machine").travel(timezone.now() + datetime.timedelta(seconds=31)):
        run_due_tasks()
    inbound.refresh_from_db()
    assert inbound.state == "processed"
    assert Conversation.objects.get().messages.get().text == "one"


def test_after_the_last_attempt_the_message_is_marked_failed_but_kept(twilio_sms, monkeypatch):
    monkeypatch.setattr(
        services, "conversation_route", lambda c, m: (_ for _ in ()).throw(ValueError())
    )
    inbound = receive(twilio_sms, "SM1", "one")
    for _ in range(services.MAX_PROCESS_ATTEMPTS):
        services.inbound_process(str(inbound.pk))

    inbound.refresh_from_db()
    assert (inbound.state, inbound.attempts) == ("failed", services.MAX_PROCESS_ATTEMPTS)
    assert inbound.text == "one"
