"""Issue 3 end to end in a real browser: a coordinator puts an advocate on the rota, an
operator records an urgent arrest at a police station, the case timeline shows the alert, and
the advocate's answer from the alert's signed link gives them the case.

The alert goes out through the file backend (what `panah demo` uses): the test reads the SMS
the advocate would receive and follows its link, as the advocate's phone would.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from panah.advocates.tests.factories import AdvocateFactory
from panah.core import crypto
from panah.dispatch.models import Dispatch
from panah.dispatch.services import ADVOCATE_PHONE_INDEX
from panah.messaging.models import OutboundMessage
from panah.messaging.services import message_send
from tests.e2e.test_operator_flow import (
    fill_new_person_with_urgent_arrest,
    log_in,
    open_console,
    submit_intake,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ADVOCATE_PHONE = "+923001112233"


@pytest.fixture
def advocate(personas: dict[str, Any], brewery: Any) -> Any:
    """Organisation A's advocate covers the station but is on no shift yet."""
    return AdvocateFactory(
        user=personas["a"]["advocate"],
        organisation=personas["a"]["org"],
        membership=False,
        covers=[brewery],
        phone=ADVOCATE_PHONE,
        phone_digest=crypto.blind_index(ADVOCATE_PHONE_INDEX, ADVOCATE_PHONE),
    )


def _send_outbox(tmp_path: Path) -> list[dict[str, Any]]:
    """Run the sending tasks' work: every queued message goes to the file backend."""
    for message in OutboundMessage.objects.filter(status="queued"):
        message_send(str(message.pk))
    outbox = tmp_path / "outbox.jsonl"
    return [json.loads(line) for line in outbox.read_text().splitlines()] if outbox.exists() else []


def test_rota_then_arrest_then_alert_then_yes(
    new_page: Any,
    personas: dict[str, Any],
    brewery: Any,
    advocate: Any,
    settings: Any,
    live_server: Any,
    tmp_path: Path,
) -> None:
    settings.PANAH_MESSAGING_FILE = str(tmp_path / "outbox.jsonl")
    settings.PANAH_BASE_URL = live_server.url

    # 1. The coordinator puts the advocate on duty every day, all day, at this station's district.
    coordinator: Page = new_page()
    log_in(coordinator, personas["a"]["coordinator"])
    coordinator.goto("/advocates/rota/")
    form = coordinator.locator("#shift-form")
    for weekday in range(7):
        form.locator("#id_user").select_option(str(advocate.user.pk))
        form.locator("#id_kind").select_option("weekly")
        form.locator("#id_weekday").select_option(str(weekday))
        form.locator("#id_starts").fill("00:00")
        form.locator("#id_ends").fill("00:00")
        form.locator("#id_district").select_option(str(brewery.district.pk))
        form.locator("button[type=submit]").click()
        row = coordinator.locator(f'.rota-table tr[data-user="{advocate.user.pk}"]')
        expect(row.locator(".entry")).to_have_count(weekday + 1)

    # 2. An operator records an urgent arrest at the station.
    operator: Page = new_page()
    log_in(operator, personas["a"]["operator"])
    open_console(operator)
    fill_new_person_with_urgent_arrest(operator, brewery)
    reference = submit_intake(operator)

    # 3. The case timeline shows the alert; the advocate's SMS carries the code and a link.
    expect(operator.locator("li.event-dispatch .step-offered")).to_have_count(1)
    expect(operator.locator("#dispatch .offer-pending")).to_have_count(1)
    [sms] = [m for m in _send_outbox(tmp_path) if m["purpose"] == "dispatch.offer"]
    assert sms["to"] == ADVOCATE_PHONE and reference in sms["body"]
    assert "Najibullah" not in sms["body"]
    link = re.search(r"https?://\S+/dispatch/o/\S+/", sms["body"])
    assert link is not None

    # 4. The advocate opens the link on their phone and says yes.
    phone: Page = new_page()
    phone.goto(link.group(0))
    expect(phone.locator("h1")).to_contain_text(reference)
    phone.locator("button[name=answer][value=yes]").click()
    expect(phone.locator("p.messages")).to_contain_text(reference)

    # The case is theirs, and the timeline says so.
    operator.reload()
    expect(operator.locator("li.event-dispatch .step-accepted")).to_have_count(1)
    expect(operator.locator("#dispatch .offer-accepted")).to_have_count(1)
    dispatch = Dispatch.objects.get(case__reference=reference)
    assert dispatch.status == Dispatch.Status.ACCEPTED
    assert dispatch.case.assigned_advocate == advocate.user
