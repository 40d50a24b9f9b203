"""The operator's call, end to end in a real browser, in English and in Urdu."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from panah.accounts.services import user_set_language
from panah.conftest import PASSWORD
from panah.testing.factories import PlaceFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
REFERENCE = re.compile(r"PNH-\d{4}-\d{6}")


def _log_in(page, username):
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("form button[type=submit].primary")
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl")])
def test_operator_logs_a_call_and_opens_an_urgent_arrest_case(
    new_page, personas, language, direction
):
    brewery = PlaceFactory(name="Brewery Police Station")
    operator = personas["a"]["operator"]
    user_set_language(operator, language=language)
    page = new_page()
    _log_in(page, operator.username)

    page.goto("/helpline/")
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)

    # Search first: nobody yet.
    page.fill("#q", "0300 1234567")
    expect(page.locator("#search-results p.muted")).to_be_visible()

    page.select_option("#id_caller_relation", "sibling")
    page.fill("#id_caller_phone", "0345 7654321")
    page.fill("#id_summary", "Picked up at Brewery an hour ago.")
    page.fill("#id_given_name", "Najibullah")
    page.fill("#id_family_name", "Kakar")
    page.fill("#id_father_name", "Gul Khan")
    page.fill("#id_person_phone", "0300 1234567")
    page.fill("#id_birth", "1994")
    page.select_option("#id_doc_type", "por")
    page.fill("#id_doc_number", "PoR-123456789")
    page.fill("#id_doc_issued_on", "2021-06-01")
    page.fill("#id_doc_expires_on", "2025-06-30")
    page.check("#id_open_case")
    page.select_option("#id_case_type", "arrest")
    page.select_option("#id_priority", "1")
    page.select_option("#id_place", str(brewery.pk))
    arrested = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("#id_arrested_at", arrested.strftime("%Y-%m-%dT%H:%M"))
    page.click("#intake button[type=submit]")

    heading = page.locator("h1")
    expect(heading).to_contain_text(REFERENCE)
    reference = REFERENCE.search(heading.inner_text()).group(0)
    expect(page.locator(".clock meter")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("dir", direction)

    page.goto("/cases/")
    expect(page.locator("table.queue")).to_contain_text(reference)

    # A case manager of the same organisation assigns the advocate and sees it on the timeline.
    manager_page = new_page()
    _log_in(manager_page, personas["a"]["case_manager"].username)
    manager_page.goto("/cases/")
    manager_page.click(f"text={reference}")
    manager_page.select_option("#id_advocate", str(personas["a"]["advocate"].pk))
    manager_page.click("form[action$='/assign/'] button[type=submit]")
    expect(manager_page.locator("li.event-assigned")).to_be_visible()

    # Searching with the phone in another format finds the new person; picking selects them.
    page.goto("/helpline/")
    page.fill("#q", "+923001234567")
    result = page.locator("#search-results button.result")
    expect(result).to_contain_text("Najibullah")
    result.first.click()
    expect(page.locator("#picked input[name=person_id]")).to_have_count(1)

    # Kept for a person to look at (git-ignored): the right-to-left console.
    page.screenshot(path=f"test-results/console-{language}.png")

    # Someone of another organisation gets a plain 404 for the same case.
    outsider = new_page()
    _log_in(outsider, personas["b"]["org_admin"].username)
    response = outsider.goto(f"/cases/{reference}/")
    assert response.status == 404
    expect(outsider.locator("body")).not_to_contain_text("Najibullah")
