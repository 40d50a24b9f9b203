"""The operators' inbox in a real browser: a person writes on WhatsApp in Pashto and asks the
self-service line for a person; the conversation appears in the open inbox without a reload;
an operator (reading Urdu, right to left) claims it and answers with a quick reply, which is
queued on the WhatsApp channel; the person's next message appears in the thread by polling.

The webhook is signed the way Meta signs it and POSTed to the live server; the background
task that threads it runs here, in the test, against the live server's database.
"""

from __future__ import annotations

import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from panah.accounts.services import user_set_language
from panah.channels.models import Conversation, Message
from panah.channels.quick_replies import QUICK_REPLIES
from panah.channels.services import channel_create
from panah.channels.tests.conftest import (
    META_PHONE_ID,
    META_SECRET,
    meta_payload,
    meta_signature,
    meta_text,
)
from panah.messaging.models import OutboundMessage
from panah.testing.tasks import run_due_tasks
from tests.e2e.test_operator_flow import SCREENSHOTS, expect_language, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SENDER = "923459876543"  # as Meta writes it: no "+"
MARKER = "window.__panahInboxMarker"
# Polls come every 5 s; on a loaded machine a poll and its answer can take several more, so
# what arrives by polling gets longer than the default 15 s (it still must come without a reload).
LIVE_MS = 45_000


@pytest.fixture
def whatsapp(personas: dict[str, Any]) -> Any:
    """Organisation A's WhatsApp Cloud number, with the self-service line answering first."""
    return channel_create(
        None,
        organisation=personas["a"]["org"],
        name="WhatsApp",
        provider="meta_whatsapp",
        medium="whatsapp",
        address=META_PHONE_ID,
        credentials={
            "app_secret": META_SECRET,
            "access_token": "meta-access-token",
            "verify_token": "meta-verify-token",
        },
        self_service=True,
    )


def deliver(live_server: Any, channel: Any, message_id: str, text: str) -> None:
    """Meta delivers one message to the live server's webhook, signed; then the worker runs."""
    body = meta_payload(messages=[meta_text(message_id, text, sender=SENDER)])
    request = urllib.request.Request(  # noqa: S310 - the live server on 127.0.0.1
        live_server.url + reverse("channels:webhook", kwargs={"slug": channel.webhook_slug}),
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Hub-Signature-256": meta_signature(body)},
    )
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        assert response.status == 200
    run_due_tasks()


def test_a_whatsapp_message_appears_live_and_the_operator_claims_and_answers_it(
    new_page: Any,
    personas: dict[str, Any],
    whatsapp: Any,
    live_server: Any,
    settings: Any,
    tmp_path: Path,
) -> None:
    settings.PANAH_MESSAGING_FILE = str(tmp_path / "outbox.jsonl")  # the line's replies
    operator = personas["a"]["operator"]
    user_set_language(operator, language="ur")

    # The operator has the inbox open; a marker on the window proves there is no reload.
    page: Page = new_page()
    log_in(page, operator)
    page.goto("/channels/inbox/")
    expect_language(page, "ur", "rtl")
    expect(page.locator("#inbox-rows tr[data-conversation]")).to_have_count(0)
    page.evaluate(f"{MARKER} = 'still here'")
    navigations: list[str] = []
    page.on("framenavigated", lambda frame: navigations.append(frame.url))

    # A person writes "salaam" in Pashto, chooses Pashto (3), then "talk to a person" (4).
    deliver(live_server, whatsapp, "wamid.1", "سلام")
    deliver(live_server, whatsapp, "wamid.2", "3")
    deliver(live_server, whatsapp, "wamid.3", "4")
    conversation = Conversation.objects.get()
    assert conversation.state == Conversation.State.WAITING

    # It appears in the open inbox by polling, masked, with its unread count and the badge.
    row = page.locator(f'#inbox-rows tr[data-conversation="{conversation.pk}"]')
    expect(row).to_be_visible(timeout=LIVE_MS)
    expect(row).to_contain_text("+92 345 ••• 6543")
    # The number keeps its left-to-right order on the right-to-left page.
    assert row.locator("bdi[dir=ltr]").evaluate("e => getComputedStyle(e).direction") == "ltr"
    expect(row.locator(".unread-count")).to_have_text("1")
    expect(page.locator("#nav-inbox-unread")).to_have_text("1")
    assert page.evaluate(MARKER) == "still here"
    assert navigations == []
    assert "9876543" not in page.content()
    screenshot(page, SCREENSHOTS / "panah-inbox-ur.png")

    # The operator opens it and says "I'll take this".
    row.locator("a").click()
    expect(page.locator("#thread")).to_be_visible()
    expect(page.locator("#messages li.msg.in").first).to_contain_text("سلام")
    page.evaluate(f"{MARKER} = 'on the thread'")
    page.locator("#claim").click()
    expect(page.locator("#claim")).to_have_count(0)
    expect(page.locator("#conversation-operator")).to_contain_text(
        operator.get_full_name() or operator.username
    )
    conversation.refresh_from_db()
    assert (conversation.state, conversation.assigned_to) == ("claimed", operator)

    # A quick reply in the person's language (Pashto, chosen on the line): the greeting.
    greeting = next(r for r in QUICK_REPLIES if r.key == "greeting").texts["ps"]
    expect(page.locator("input[name=quick_language]")).to_have_value("ps")
    page.locator("button[data-quick=greeting]").click()
    last_out = page.locator("#messages li.msg.out").last
    expect(last_out.locator(".bubble")).to_have_text(greeting)
    assert last_out.locator(".bubble").get_attribute("dir") == "auto"

    reply = OutboundMessage.objects.get(purpose="channels.reply")
    assert (reply.via, reply.channel, reply.body, reply.status) == (
        whatsapp,
        "whatsapp",
        greeting,
        "queued",
    )
    assert reply.to == "+" + SENDER
    assert Message.objects.get(outbound=reply).author == operator

    # The person answers; the thread shows it without a reload.
    deliver(live_server, whatsapp, "wamid.4", "تهانه صدر")
    expect(page.locator("#messages li.msg.in").last).to_contain_text("تهانه صدر", timeout=LIVE_MS)
    assert page.evaluate(MARKER) == "on the thread"
    screenshot(page, SCREENSHOTS / "panah-inbox-thread-ur.png")
