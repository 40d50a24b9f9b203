"""The operators' shared inbox over HTTP: tabs, masked senders, unread counts, polling that
answers 204 while nothing changed, the thread, claim/reply/close, quick replies in the person's
language, and the refusals (another organisation, analysts, advocates, missing CSRF)."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import get_language

from panah.accounts.services import user_set_language
from panah.audit.models import AuditEvent
from panah.channels import services
from panah.channels.models import Conversation, Message
from panah.channels.providers.base import InboundEvent
from panah.channels.quick_replies import QUICK_REPLIES
from panah.channels.templatetags.channels_inbox import inbox_unread_total, masked_sender
from panah.channels.tests.conftest import OUR_NUMBER, REFUGEE, TWILIO_SID, TWILIO_TOKEN
from panah.core import crypto
from panah.helpline.models import Contact
from panah.messaging.models import OutboundMessage
from panah.testing.records import arrest_case_make, person_make, row_counts
from panah.testing.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
MASKED = "+92 345 ••• 4567"
ANSWERERS = ["operator", "case_manager", "coordinator", "org_admin"]
_counter = iter(range(10**6))


def receive(channel, text="salaam", sender=REFUGEE, kind="text"):
    """A provider delivers one message and the background task threads it."""
    services.inbound_receive(
        channel, InboundEvent(f"wamid.{next(_counter)}", sender, text, kind=kind)
    )
    run_due_tasks()
    return Conversation.objects.filter(sender_digest=services.sender_digest(sender)).latest(
        "created_at"
    )


def login(client, user):
    client.force_login(user)
    return client


def inbox(client, **params):
    return client.get(reverse("channels:inbox"), params)


def detail_url(conversation, name="conversation_detail"):
    return reverse(f"channels:{name}", kwargs={"conversation_id": conversation.pk})


def version_of(response):
    match = re.search(r'data-version="([0-9a-f]+)"', response.content.decode())
    assert match, "the page carries its version"
    return match.group(1)


def without_tokens(html):
    # The masked CSRF token differs on every response; nothing else may.
    return re.sub(rb'(X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", html)


def row_ids(response):
    return re.findall(r'data-conversation="([0-9a-f-]+)"', response.content.decode())


@pytest.fixture
def waiting(meta_whatsapp):
    """A WhatsApp conversation with two unread messages, waiting for an operator."""
    receive(meta_whatsapp, "سلام")
    return receive(meta_whatsapp, "زما ورور نیول شوی")


@pytest.fixture
def operator(personas):
    return personas["a"]["operator"]


@pytest.fixture
def line(org):
    """An SMS channel with the self-service line answering first."""
    return services.channel_create(
        None,
        organisation=org,
        name="Quetta line",
        provider="twilio",
        medium="sms",
        address=OUR_NUMBER,
        credentials={"account_sid": TWILIO_SID, "auth_token": TWILIO_TOKEN},
    )


# --- the list ---------------------------------------------------------------------------------


def test_the_inbox_shows_a_waiting_conversation_with_a_masked_sender_and_its_unread_count(
    client, waiting, operator
):
    response = inbox(login(client, operator))

    assert response.status_code == 200
    page = response.content.decode()
    assert row_ids(response) == [str(waiting.pk)]
    assert MASKED in page
    assert REFUGEE not in page and "1234567" not in page and "3451234567" not in page
    assert '<span class="count unread-count">2</span>' in page
    assert "WhatsApp" in page
    # The navigation's badge: the organisation's unread total.
    assert re.search(r'id="nav-inbox-unread"[^>]*>2</span>', page)


@pytest.mark.parametrize(
    ("number", "shown"),
    [
        ("+923451234567", "+92 345 ••• 4567"),
        ("+93701234567", "+93 701 ••• 4567"),
        ("+989121234567", "+98 912 ••• 4567"),
        ("+3522712345", "+352 ••• 345"),
        ("not a number", "•••••••••ber"),
        ("", ""),
    ],
)
def test_senders_are_masked_to_country_network_and_last_digits(number, shown):
    assert masked_sender(number) == shown


def test_each_tab_shows_its_conversations(
    client, meta_whatsapp, line, personas, actor_of, operator
):
    waiting = receive(meta_whatsapp, sender="+923001000001")
    mine = receive(meta_whatsapp, sender="+923001000002")
    services.conversation_claim(actor_of(operator), mine)
    theirs = receive(meta_whatsapp, sender="+923001000003")
    services.conversation_claim(actor_of(personas["a"]["case_manager"]), theirs)
    with_line = receive(line, "salaam", sender="+923001000004")
    closed = receive(meta_whatsapp, sender="+923001000005")
    services.conversation_close(actor_of(operator), closed)
    assert with_line.state == Conversation.State.OPEN
    login(client, operator)

    def tab(name):
        return set(row_ids(inbox(client, tab=name)))

    assert set(row_ids(inbox(client))) == {str(waiting.pk)}  # "waiting" is the default
    assert tab("waiting") == {str(waiting.pk)}
    assert tab("mine") == {str(mine.pk)}
    assert tab("all") == {str(c.pk) for c in (waiting, mine, theirs, with_line)}
    assert tab("line") == {str(with_line.pk)}
    assert tab("closed") == {str(closed.pk)}
    assert tab("nonsense") == {str(waiting.pk)}
    # Who has a conversation is shown on its row.
    row = re.search(
        rf'data-conversation="{theirs.pk}".*?</tr>', inbox(client, tab="all").content.decode(), re.S
    )
    case_manager = personas["a"]["case_manager"]
    assert (case_manager.get_full_name() or case_manager.username) in row.group(0)


def test_a_linked_persons_name_is_shown_on_the_row(client, waiting, operator, actor_of):
    person_make(actor_of(operator), phones=(REFUGEE,), given_name="Zarghuna")
    services.conversation_claim(actor_of(operator), waiting)

    response = inbox(login(client, operator), tab="mine")

    assert "Zarghuna" in response.content.decode()


def test_the_inbox_is_paginated(client, meta_whatsapp, operator):
    for n in range(27):
        receive(meta_whatsapp, sender=f"+92300100{n:04d}")
    login(client, operator)

    first, second = inbox(client), inbox(client, page=2)

    assert len(row_ids(first)) == 25 and len(row_ids(second)) == 2
    assert not set(row_ids(first)) & set(row_ids(second))
    assert "?tab=waiting&amp;page=2" in first.content.decode()


def test_the_list_costs_the_same_queries_for_one_row_or_many(
    client, meta_whatsapp, operator, django_assert_num_queries
):
    receive(meta_whatsapp, sender="+923001000001")
    login(client, operator)
    url = reverse("channels:inbox_rows")
    client.get(url, **HTMX)  # warm the session
    # session, user, membership, count, counts aggregate, version, rows
    with django_assert_num_queries(7):
        client.get(url, **HTMX)
    for n in range(2, 8):
        receive(meta_whatsapp, sender=f"+92300100000{n}")
    with django_assert_num_queries(7):
        assert len(row_ids(client.get(url, **HTMX))) == 7


def test_the_navigation_badge_is_one_aggregate_query(
    waiting, operator, actor_of, django_assert_num_queries
):
    actor = actor_of(operator)
    with django_assert_num_queries(1):
        assert inbox_unread_total(actor) == 2


@pytest.mark.parametrize("role", ANSWERERS)
def test_everyone_who_answers_the_line_sees_the_inbox_in_the_navigation(
    client, waiting, personas, role
):
    login(client, personas["a"][role])
    response = client.get(reverse("home"), follow=True)

    assert 'id="nav-inbox"' in response.content.decode()
    assert inbox(client).status_code == 200


# --- polling ----------------------------------------------------------------------------------


def test_an_unchanged_inbox_answers_204_without_decrypting_anything(
    client, waiting, operator, monkeypatch
):
    login(client, operator)
    version = version_of(inbox(client))
    decrypted = []
    real = crypto.decrypt
    monkeypatch.setattr(crypto, "decrypt", lambda *a, **k: decrypted.append(1) or real(*a, **k))

    response = client.get(reverse("channels:inbox_rows"), {"v": version}, **HTMX)

    assert response.status_code == 204
    assert response.content == b""
    assert decrypted == []


def test_a_new_conversation_changes_the_version_and_the_poll_returns_the_new_rows(
    client, waiting, meta_whatsapp, operator
):
    login(client, operator)
    version = version_of(inbox(client))

    newcomer = receive(meta_whatsapp, "help", sender="+923009998877")
    response = client.get(reverse("channels:inbox_rows"), {"v": version}, **HTMX)

    assert response.status_code == 200
    assert row_ids(response) == [str(newcomer.pk), str(waiting.pk)]
    assert version_of(response) != version
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="inbox-body"')  # the list body only, no layout
    assert "<html" not in page
    # The navigation's badge is updated out of band.
    assert re.search(r'id="nav-inbox-unread"[^>]*hx-swap-oob="true">3</span>', page)


@pytest.mark.parametrize(
    "change",
    ["message", "claim", "read", "close"],
)
def test_every_change_a_row_shows_changes_the_version(
    client, waiting, meta_whatsapp, operator, actor_of, change
):
    login(client, operator)
    version = version_of(inbox(client, tab="all"))
    actor = actor_of(operator)
    if change == "message":
        receive(meta_whatsapp, "another")
    elif change == "claim":
        services.conversation_claim(actor, waiting)
    elif change == "read":
        services.conversation_mark_read(actor, waiting)
    else:
        services.conversation_close(actor, waiting)

    response = client.get(reverse("channels:inbox_rows"), {"tab": "all", "v": version}, **HTMX)

    assert response.status_code == 200


def test_polls_record_no_audit_events(client, waiting, operator):
    login(client, operator)
    version = version_of(inbox(client))
    before = AuditEvent.objects.count()

    client.get(reverse("channels:inbox_rows"), {"v": version}, **HTMX)
    client.get(reverse("channels:inbox_rows"), {"v": "stale"}, **HTMX)

    assert AuditEvent.objects.count() == before


# --- one conversation -------------------------------------------------------------------------


def test_opening_a_conversation_shows_the_thread_marks_it_read_and_audits_the_read(
    client, waiting, operator
):
    response = login(client, operator).get(detail_url(waiting))

    assert response.status_code == 200
    page = response.content.decode()
    assert "زما ورور نیول شوی" in page
    assert page.count('class="bubble" dir="auto"') == 2
    assert MASKED in page and REFUGEE not in page
    waiting.refresh_from_db()
    assert waiting.unread_count == 0
    assert AuditEvent.objects.filter(
        action="view", object_type="conversation", object_id=str(waiting.pk), actor=operator
    ).exists()


def test_the_thread_names_who_wrote_each_reply_and_its_delivery_status(
    client, line, operator, actor_of
):
    # "hi", then Pashto, then "talk to a person": the line answers twice, then hands over.
    for text in ("hi", "3", "4"):
        conversation = receive(line, text)
    services.conversation_reply(actor_of(operator), conversation, "I am here.")
    OutboundMessage.objects.filter(purpose="channels.reply").update(status="delivered")

    page = login(client, operator).get(detail_url(conversation)).content.decode()

    authors = re.findall(r'<span class="author">([^<]*)</span>', page)
    assert authors[:-1] and set(authors[:-1]) == {"Self-service line"}
    assert authors[-1] == (operator.get_full_name() or operator.username)
    assert re.search(r'class="status status-delivered">Delivered<', page)
    assert page.count("status-sent") == len(authors) - 1  # the line's, sent by the worker


def test_the_thread_links_the_person_and_the_case(client, waiting, operator, actor_of):
    actor = actor_of(operator)
    person = person_make(actor, phones=(REFUGEE,), given_name="Zarghuna")
    services.conversation_claim(actor, waiting)
    case = arrest_case_make(actor, person)
    waiting.refresh_from_db()
    Contact.objects.filter(pk=waiting.contact_id).update(case=case)

    page = login(client, operator).get(detail_url(waiting)).content.decode()

    assert f'href="{reverse("people:person_detail", args=[person.pk])}"' in page
    assert f'href="{reverse("cases:case_detail", args=[case.reference])}"' in page


def test_an_unchanged_thread_answers_204_and_a_new_message_appears_by_polling(
    client, waiting, meta_whatsapp, operator
):
    login(client, operator)
    version = version_of(client.get(detail_url(waiting)))
    url = detail_url(waiting, "conversation_thread")
    audits = AuditEvent.objects.count()

    assert client.get(url, {"v": version}, **HTMX).status_code == 204
    assert AuditEvent.objects.count() == audits  # nothing was read

    receive(meta_whatsapp, "Thana Saddar")
    response = client.get(url, {"v": version}, **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="thread"') and "Thana Saddar" in page
    waiting.refresh_from_db()
    assert waiting.unread_count == 0  # the operator has it open: it is read
    assert AuditEvent.objects.count() == audits + 1  # the new content's read is audited


def test_a_delivery_status_changes_the_threads_version(client, waiting, operator, actor_of):
    services.conversation_reply(actor_of(operator), waiting, "Hello")
    login(client, operator)
    version = version_of(client.get(detail_url(waiting)))

    OutboundMessage.objects.update(status="delivered")

    url = detail_url(waiting, "conversation_thread")
    assert client.get(url, {"v": version}, **HTMX).status_code == 200


def test_claiming_with_htmx_updates_the_thread_in_place(client, waiting, operator):
    response = login(client, operator).post(detail_url(waiting, "conversation_claim"), **HTMX)

    assert response.status_code == 200
    page = response.content.decode()
    assert page.lstrip().startswith('<div id="thread"')
    assert '<section id="reply-area" class="panel" hx-swap-oob="true">' in page
    assert 'id="claim"' not in page  # taken: no "I'll take this" any more
    waiting.refresh_from_db()
    assert (waiting.state, waiting.assigned_to) == (Conversation.State.CLAIMED, operator)
    assert waiting.contact is not None  # the helpline contact is logged


def test_claiming_without_htmx_redirects_to_the_conversation(client, waiting, operator):
    response = login(client, operator).post(detail_url(waiting, "conversation_claim"))

    assert response.status_code == 302 and response["Location"] == detail_url(waiting)
    waiting.refresh_from_db()
    assert waiting.assigned_to == operator


def test_a_typed_reply_is_queued_on_the_conversations_channel_and_shown(
    client, waiting, operator, meta_whatsapp
):
    response = login(client, operator).post(
        detail_url(waiting, "conversation_reply"), {"text": "We are here to help."}, **HTMX
    )

    assert response.status_code == 200
    outbound = OutboundMessage.objects.get()
    assert (outbound.via, outbound.channel, outbound.to, outbound.body, outbound.status) == (
        meta_whatsapp,
        "whatsapp",
        REFUGEE,
        "We are here to help.",
        "queued",
    )
    page = response.content.decode()
    assert "We are here to help." in page
    assert (
        '<textarea id="reply-text" name="text" rows="3" maxlength="1600" dir="auto">'
        "</textarea>" in page
    )  # the box is empty again
    waiting.refresh_from_db()
    assert waiting.assigned_to == operator  # replying claims it


def test_a_quick_reply_goes_out_in_the_language_the_person_chose_on_the_line(
    client, line, operator
):
    for text in ("hi", "3", "4"):  # Pashto, then "talk to a person"
        conversation = receive(line, text)
    assert conversation.state == Conversation.State.WAITING
    login(client, operator)  # an English-speaking operator
    greeting = next(r for r in QUICK_REPLIES if r.key == "greeting")

    page = client.get(detail_url(conversation)).content.decode()
    assert 'name="quick_language" value="ps"' in page
    assert greeting.texts["ps"] in page

    client.post(
        detail_url(conversation, "conversation_reply"),
        {"quick": "greeting", "quick_language": "ps", "text": "a draft"},
        **HTMX,
    )

    outbound = OutboundMessage.objects.filter(purpose="channels.reply").get()
    assert outbound.body == greeting.texts["ps"]
    assert Message.objects.filter(outbound=outbound, author=operator).exists()


def test_quick_replies_default_to_the_operators_language_and_can_be_switched(
    client, waiting, operator
):
    user_set_language(operator, language="ur")
    greeting = next(r for r in QUICK_REPLIES if r.key == "greeting")
    login(client, operator)

    assert greeting.texts["ur"] in client.get(detail_url(waiting)).content.decode()
    switched = client.get(detail_url(waiting), {"quick": "fa"}).content.decode()
    assert greeting.texts["fa"] in switched and 'value="fa"' in switched


def test_the_helpline_quick_reply_needs_a_configured_number(client, waiting, operator, settings):
    login(client, operator)
    settings.PANAH_HELPLINE_NUMBER = ""
    assert 'data-quick="helpline"' not in client.get(detail_url(waiting)).content.decode()
    response = client.post(
        detail_url(waiting, "conversation_reply"),
        {"quick": "helpline", "quick_language": "en"},
        **HTMX,
    )
    assert "This quick reply is not available." in response.content.decode()
    assert not OutboundMessage.objects.exists()

    settings.PANAH_HELPLINE_NUMBER = "0800 72624"
    client.post(
        detail_url(waiting, "conversation_reply"),
        {"quick": "helpline", "quick_language": "en"},
        **HTMX,
    )
    assert OutboundMessage.objects.get().body.endswith("\n0800 72624")


def test_closing_ends_the_conversation_and_removes_the_reply_form(client, waiting, operator):
    response = login(client, operator).post(detail_url(waiting, "conversation_close"), **HTMX)

    page = response.content.decode()
    assert 'id="reply-form"' not in page and 'id="close-conversation"' not in page
    waiting.refresh_from_db()
    assert waiting.state == Conversation.State.CLOSED


def test_a_refusal_is_shown_in_the_operators_language(
    client, waiting, operator, personas, actor_of, monkeypatch
):
    # The service words its error in the language active when it refuses: the operator's.
    monkeypatch.setattr(services, "_", lambda text: f"[{get_language()}] {text}")
    services.conversation_claim(actor_of(personas["a"]["case_manager"]), waiting)
    user_set_language(operator, language="ps")

    response = login(client, operator).post(
        detail_url(waiting, "conversation_reply"), {"text": "salaam"}, **HTMX
    )

    assert response.status_code == 200
    assert "[ps] Another operator is already answering this conversation." in (
        response.content.decode()
    )
    assert ">salaam</textarea>" in response.content.decode()  # the draft is kept
    assert not OutboundMessage.objects.exists()


def test_an_empty_reply_is_refused_with_a_message(client, waiting, operator):
    response = login(client, operator).post(
        detail_url(waiting, "conversation_reply"), {"text": "  "}, **HTMX
    )

    assert "Write a reply first." in response.content.decode()
    assert not OutboundMessage.objects.exists()


def test_revealing_the_number_is_audited(client, waiting, operator):
    response = login(client, operator).post(detail_url(waiting, "conversation_number"), **HTMX)

    assert REFUGEE in response.content.decode()
    event = AuditEvent.objects.get(action="view", fields=["sender"])
    assert (event.actor, event.object_id) == (operator, str(waiting.pk))


# --- refusals ---------------------------------------------------------------------------------

GET_NAMES = ["conversation_detail", "conversation_thread"]
POST_NAMES = [
    "conversation_claim",
    "conversation_reply",
    "conversation_close",
    "conversation_number",
]


def _everything(client, conversation):
    responses = [inbox(client), client.get(reverse("channels:inbox_rows"), **HTMX)]
    responses += [client.get(detail_url(conversation, name), **HTMX) for name in GET_NAMES]
    responses += [
        client.post(detail_url(conversation, name), {"text": "hello"}, **HTMX)
        for name in POST_NAMES
    ]
    return [r.status_code for r in responses]


@pytest.mark.parametrize("role", ["analyst", "advocate"])
def test_roles_that_do_not_answer_the_line_are_refused_everywhere(client, waiting, personas, role):
    before = row_counts(Conversation, Message, OutboundMessage, Contact)
    login(client, personas["a"][role])

    assert set(_everything(client, waiting)) == {404}
    assert 'id="nav-inbox"' not in client.get(reverse("home"), follow=True).content.decode()
    assert row_counts(Conversation, Message, OutboundMessage, Contact) == before
    waiting.refresh_from_db()
    assert (waiting.state, waiting.unread_count) == (Conversation.State.WAITING, 2)


@pytest.mark.parametrize("role", ANSWERERS)
def test_another_organisations_conversation_is_a_404_like_a_missing_one(
    client, waiting, personas, role
):
    login(client, personas["b"][role])
    missing = Conversation(pk="00000000-0000-0000-0000-000000000000")

    other = [client.get(detail_url(waiting, n), **HTMX) for n in GET_NAMES] + [
        client.post(detail_url(waiting, n), {"text": "hello"}, **HTMX) for n in POST_NAMES
    ]
    absent = [client.get(detail_url(missing, n), **HTMX) for n in GET_NAMES] + [
        client.post(detail_url(missing, n), {"text": "hello"}, **HTMX) for n in POST_NAMES
    ]

    assert {r.status_code for r in other} == {404}
    assert [without_tokens(r.content) for r in other] == [without_tokens(r.content) for r in absent]
    assert row_ids(inbox(client, tab="all")) == []
    waiting.refresh_from_db()
    assert (waiting.state, waiting.assigned_to, waiting.unread_count) == (
        "waiting_for_operator",
        None,
        2,
    )
    assert not OutboundMessage.objects.exists()


def test_posts_need_the_csrf_token(waiting, operator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator)

    for name in POST_NAMES:
        assert client.post(detail_url(waiting, name), {"text": "hello"}, **HTMX).status_code == 403
    waiting.refresh_from_db()
    assert waiting.assigned_to is None
    assert not OutboundMessage.objects.exists()


def test_reading_views_refuse_posts_and_action_views_refuse_gets(client, waiting, operator):
    login(client, operator)

    assert client.post(reverse("channels:inbox")).status_code == 405
    assert client.post(detail_url(waiting)).status_code == 405
    for name in POST_NAMES:
        assert client.get(detail_url(waiting, name)).status_code == 405


def test_the_thread_costs_the_same_queries_for_few_messages_or_many(
    client, waiting, meta_whatsapp, operator, actor_of
):
    login(client, operator)
    url = detail_url(waiting, "conversation_thread")
    client.get(url, **HTMX)  # warm the session

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url, **HTMX).status_code == 200
        return len(captured)

    receive(meta_whatsapp, "one more")  # unread again: both reads mark it read
    few = queries()
    services.conversation_reply(actor_of(operator), waiting, "Hello")
    for n in range(4):
        receive(meta_whatsapp, f"message {n}")

    assert queries() == few
