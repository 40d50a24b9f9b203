"""Operators' services and selectors on conversations: scope, claims, replies, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from panah.audit.models import AuditEvent
from panah.channels import selectors, services
from panah.channels.models import Conversation, Message
from panah.channels.providers.base import InboundEvent
from panah.channels.tests.conftest import REFUGEE
from panah.helpline.models import Contact
from panah.messaging.models import OutboundMessage
from panah.testing.records import person_make
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation(twilio_sms):
    services.inbound_receive(twilio_sms, InboundEvent("SM1", REFUGEE, "salaam"))
    services.inbound_receive(twilio_sms, InboundEvent("SM2", REFUGEE, "help please"))
    run_due_tasks()
    return Conversation.objects.get()


@pytest.fixture
def operator(personas, actor_of):
    return actor_of(personas["a"]["operator"])


def test_the_list_shows_the_organisations_open_conversations_with_unread_counts(
    conversation, operator, personas, actor_of
):
    [listed] = selectors.conversation_list_for(operator)

    assert listed == conversation
    assert listed.unread_count == 2
    assert selectors.conversation_unread_total_for(operator) == 2
    assert selectors.conversation_list_for(actor_of(personas["b"]["operator"])) == []


def test_the_list_costs_one_query(conversation, operator, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.conversation_list_for(operator)
        [(row.channel.name, row.sender) for row in rows]


@pytest.mark.parametrize("role", ["analyst"])
def test_roles_without_contacts_see_no_conversation(conversation, personas, actor_of, role):
    with pytest.raises(Http404):
        selectors.conversation_list_for(actor_of(personas["a"][role]))
    with pytest.raises(Http404):
        selectors.conversation_get_for(actor_of(personas["a"][role]), conversation.pk)


def test_reading_one_conversation_is_audited(conversation, operator):
    got = selectors.conversation_get_for(operator, conversation.pk)

    assert got == conversation
    event = AuditEvent.objects.get(action="view", object_type="conversation")
    assert (event.actor, event.object_id) == (operator.user, str(conversation.pk))


@pytest.mark.parametrize("ident", ["other-org", "missing", "not-a-uuid"])
def test_another_organisations_missing_and_malformed_ids_all_give_404(
    conversation, personas, actor_of, ident
):
    actor = actor_of(personas["b"]["operator"])
    value = {
        "other-org": conversation.pk,
        "missing": "00000000-0000-0000-0000-000000000000",
        "not-a-uuid": "x'; drop table",
    }[ident]

    with pytest.raises(Http404):
        selectors.conversation_get_for(actor, value)


def test_claiming_logs_the_helpline_contact_and_links_the_one_person_with_this_phone(
    conversation, operator
):
    person = person_make(operator, phones=(REFUGEE,))

    claimed = services.conversation_claim(operator, conversation)

    assert claimed.state == Conversation.State.CLAIMED
    assert claimed.assigned_to == operator.user
    assert claimed.unread_count == 0
    assert claimed.person == person
    contact = Contact.objects.get()
    assert claimed.contact == contact
    assert (contact.channel, contact.caller_phone, contact.caller) == ("sms", REFUGEE, person)
    assert AuditEvent.objects.filter(
        action="update", object_type="conversation", object_id=str(conversation.pk)
    ).exists()


def test_a_second_operator_cannot_claim_a_claimed_conversation(
    conversation, operator, personas, actor_of
):
    services.conversation_claim(operator, conversation)
    other = actor_of(personas["a"]["case_manager"])

    with pytest.raises(ValidationError):
        services.conversation_claim(other, conversation)
    with pytest.raises(ValidationError):
        services.conversation_reply(other, conversation, "hello")


def test_another_organisation_cannot_claim_reply_or_close(conversation, personas, actor_of):
    other = actor_of(personas["b"]["operator"])

    for act in (
        lambda: services.conversation_claim(other, conversation),
        lambda: services.conversation_reply(other, conversation, "hello"),
        lambda: services.conversation_close(other, conversation),
    ):
        with pytest.raises(Http404):
            act()
    conversation.refresh_from_db()
    assert (conversation.state, conversation.assigned_to) == ("waiting_for_operator", None)
    assert not OutboundMessage.objects.exists()


def test_a_reply_is_queued_on_the_conversations_channel_and_recorded(
    conversation, operator, twilio_sms
):
    message = services.conversation_reply(operator, conversation, "  We will call you today.  ")

    outbound = OutboundMessage.objects.get()
    assert (outbound.to, outbound.body, outbound.via) == (
        REFUGEE,
        "We will call you today.",
        twilio_sms,
    )
    assert outbound.purpose == "channels.reply"
    assert (message.direction, message.outbound, message.author) == (
        Message.Direction.OUTBOUND,
        outbound,
        operator.user,
    )
    conversation.refresh_from_db()
    assert conversation.state == Conversation.State.CLAIMED  # replying claims it
    assert conversation.assigned_to == operator.user
    assert AuditEvent.objects.filter(action="create", object_type="message").exists()
    assert [m.direction for m in selectors.conversation_messages_for(operator, conversation)] == [
        "in",
        "in",
        "out",
    ]


@pytest.mark.parametrize("text", ["", "   ", "x" * (services.MAX_REPLY + 1)])
def test_an_empty_or_overlong_reply_is_refused(conversation, operator, text):
    with pytest.raises(ValidationError):
        services.conversation_reply(operator, conversation, text)
    assert not OutboundMessage.objects.exists()


def test_a_closed_conversation_takes_no_reply(conversation, operator):
    services.conversation_close(operator, conversation)

    with pytest.raises(ValidationError):
        services.conversation_reply(operator, conversation, "hello")
    assert selectors.conversation_list_for(operator) == []
    assert selectors.conversation_list_for(operator, state="closed") == [conversation]


def test_a_missed_call_is_answered_by_sms_through_the_sms_channel(
    twilio_voice, twilio_sms, operator
):
    services.inbound_receive(twilio_voice, InboundEvent("CA1", REFUGEE, "", kind="call"))
    run_due_tasks()
    conversation = Conversation.objects.get()
    assert conversation.messages.get().kind == "call"

    services.conversation_reply(operator, conversation, "We will call you back in 10 minutes.")

    outbound = OutboundMessage.objects.get()
    assert (outbound.channel, outbound.via) == ("sms", None)
    assert Contact.objects.get().channel == "call"
