"""The self-service line behind a channel: its replies go out on the same channel and are
recorded; "talk to a person", an arrest report and any failure of the line go to operators."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from panah.cases.models import Priority
from panah.channels import services
from panah.channels.models import Conversation, Message
from panah.channels.providers.base import InboundEvent
from panah.channels.services import inbound_receive
from panah.channels.tests.conftest import OUR_NUMBER, REFUGEE, TWILIO_SID, TWILIO_TOKEN
from panah.dispatch.models import Offer
from panah.messaging.models import OutboundMessage
from panah.selfservice.flows import installed_flow
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(org):
    return services.channel_create(
        None,
        organisation=org,
        name="Quetta line",
        provider="twilio",
        medium="sms",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
    )


def say(channel, *texts, sender=REFUGEE):
    """Receive each text as a new provider message and process it, a second apart."""
    start = timezone.now() - datetime.timedelta(minutes=5)
    for number, text in enumerate(texts):
        inbound_receive(
            channel,
            InboundEvent(f"SM{sender[-4:]}{number}", sender, text),
            at=start + datetime.timedelta(seconds=number),
        )
        run_due_tasks()
    return Conversation.objects.get(channel=channel, sender_digest=services.sender_digest(sender))


def replies(conversation):
    return [
        m.text
        for m in conversation.messages.filter(direction=Message.Direction.OUTBOUND).order_by(
            "created_at", "id"
        )
    ]


def prompt(node, language="en"):
    return installed_flow().nodes[node].prompt[language]


def test_the_line_answers_on_the_same_channel_and_needs_no_operator(line):
    conversation = say(line, "salaam")
    assert conversation.state == Conversation.State.OPEN
    assert conversation.unread_count == 0
    [reply] = replies(conversation)
    outbound = OutboundMessage.objects.get(purpose="selfservice.reply")
    assert outbound.via == line and outbound.to == REFUGEE and outbound.body == reply


def test_talk_to_a_person_puts_the_conversation_in_the_inbox(line):
    conversation = say(line, "hi", "1", "4")
    assert conversation.state == Conversation.State.WAITING
    assert conversation.unread_count >= 1
    assert replies(conversation)[-1] == prompt("handoff")


def test_an_arrest_reported_on_the_line_opens_a_case_alerts_an_advocate_and_links_it(line, rota):
    conversation = say(line, "hi", "1", "1", "1", "1", "Ahmad", "1")
    assert conversation.state == Conversation.State.WAITING  # an operator follows it up
    assert conversation.contact is not None and conversation.person is not None
    case = conversation.contact.case
    assert case.priority == Priority.URGENT and case.place == rota["place"]
    assert Offer.objects.filter(dispatch__case=case).exists()


def test_a_claimed_conversation_is_left_to_its_operator(line, personas, actor_of):
    conversation = say(line, "hi", "1", "4")
    services.conversation_claim(actor_of(personas["a"]["operator"]), conversation)
    before = len(replies(conversation))
    conversation = say(line, "1")
    assert conversation.state == Conversation.State.CLAIMED
    assert len(replies(conversation)) == before


def test_an_operators_only_channel_skips_the_line(org):
    channel = services.channel_create(
        None,
        organisation=org,
        name="Staffed line",
        provider="twilio",
        medium="sms",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
        self_service=False,
    )
    conversation = say(channel, "salaam")
    assert conversation.state == Conversation.State.WAITING and replies(conversation) == []


def test_when_the_line_fails_the_message_goes_to_the_operators(line, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("a flow bug")

    monkeypatch.setattr("panah.selfservice.services.session_handle", broken)
    conversation = say(line, "salaam")
    assert conversation.state == Conversation.State.WAITING
    assert [m.text for m in conversation.messages.all()] == ["salaam"]
    assert not OutboundMessage.objects.filter(purpose="selfservice.reply").exists()
