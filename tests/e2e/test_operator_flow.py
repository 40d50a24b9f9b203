"""The operator's call, end to end in a real browser, in English and in Urdu.

Elements are found by id, name, role or data (a case reference, a person's id), never by the
interface's English text, so every test runs unchanged in both languages.
"""

from __future__ import annotations

import datetime
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from panah.accounts.services import user_set_language
from panah.cases.models import Case
from panah.conftest import PASSWORD

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REFERENCE = re.compile(r"PNH-\d{4}-\d{6}")
PHONE = "0300 1234567"
PHONE_OTHER_FORMAT = "+923001234567"
# Screenshots of the Urdu pages, kept for a person to look at (in /tmp on Linux).
SCREENSHOTS = Path(tempfile.gettempdir())
LANGUAGES = pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl")])


def log_in(page: Page, user: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def expect_language(page: Page, language: str, direction: str) -> None:
    html = page.locator("html")
    expect(html).to_have_attribute("lang", language)
    expect(html).to_have_attribute("dir", direction)


def open_console(page: Page) -> None:
    page.goto("/helpline/")
    expect(page.locator("#intake")).to_be_visible()


def search(page: Page, query: str) -> None:
    """Type into the console's search box; htmx answers into #search-results."""
    page.fill("#q", query)


def fill_new_person_with_urgent_arrest(page: Page, place: Any) -> None:
    page.select_option("#id_caller_relation", "sibling")
    page.fill("#id_caller_phone", "0345 7654321")
    page.fill("#id_summary", "Picked up at Brewery an hour ago.")
    page.fill("#id_given_name", "Najibullah")
    page.fill("#id_family_name", "Kakar")
    page.fill("#id_father_name", "Gul Khan")
    page.fill("#id_person_phone", PHONE)
    page.fill("#id_birth", "1994")
    page.select_option("#id_doc_type", "por")
    page.fill("#id_doc_number", "PoR-123456789")
    page.fill("#id_doc_issued_on", "2021-06-01")
    page.fill("#id_doc_expires_on", "2025-06-30")
    page.check("#id_open_case")
    page.select_option("#id_case_type", "arrest")
    page.select_option("#id_priority", "1")  # urgent
    page.select_option("#id_place", str(place.pk))
    arrested = timezone.localtime() - datetime.timedelta(hours=1)
    page.fill("#id_arrested_at", arrested.strftime("%Y-%m-%dT%H:%M"))


def submit_intake(page: Page) -> str:
    """Save the console's form; return the reference of the case page it lands on."""
    page.locator("#intake button[type=submit]").click()
    heading = page.locator("h1")
    expect(heading).to_contain_text(REFERENCE)
    match = REFERENCE.search(heading.inner_text())
    assert match is not None
    return match.group(0)


def screenshot(page: Page, path: Path) -> None:
    """A full-page screenshot once the web fonts have loaded (kept for a person to look at)."""
    page.evaluate("document.fonts.ready.then(() => true)")
    page.screenshot(path=path, full_page=True)


@pytest.fixture
def operator(personas: dict[str, Any], language: str) -> Any:
    user = personas["a"]["operator"]
    user_set_language(user, language=language)
    return user


@pytest.fixture
def opened_case(new_page: Any, operator: Any, brewery: Any) -> tuple[Page, str]:
    """The operator has logged a call and opened an urgent arrest case from the console."""
    page = new_page()
    log_in(page, operator)
    open_console(page)
    fill_new_person_with_urgent_arrest(page, brewery)
    return page, submit_intake(page)


@LANGUAGES
def test_operator_logs_a_call_and_opens_an_urgent_arrest_case(
    new_page: Any,
    personas: dict[str, Any],
    operator: Any,
    brewery: Any,
    language: str,
    direction: str,
) -> None:
    page = new_page()
    log_in(page, operator)
    open_console(page)
    expect_language(page, language, direction)

    # Search first: nobody yet.
    search(page, PHONE)
    expect(page.locator("#search-results p.muted")).to_be_visible()
    expect(page.locator("#search-results button.result")).to_have_count(0)

    fill_new_person_with_urgent_arrest(page, brewery)
    # Numbers keep their left-to-right order on a right-to-left page.
    for field in ("#id_person_phone", "#id_caller_phone", "#id_doc_number", "#id_fir_number"):
        assert page.eval_on_selector(field, "e => getComputedStyle(e).direction") == "ltr", field
    if language == "ur":
        screenshot(page, SCREENSHOTS / "panah-console-ur.png")
    reference = submit_intake(page)

    # The case page: its reference, the custody clock one hour (4 %) into the 24.
    expect_language(page, language, direction)
    expect(page).to_have_url(re.compile(rf"/cases/{reference}/$"))
    clock = page.locator(".clock meter")
    expect(clock).to_be_visible()
    expect(clock).to_have_attribute("value", "4")
    expect(page.locator(".clock.overdue")).to_have_count(0)

    # The case queue lists it.
    page.goto("/cases/")
    expect(page.locator("table.queue").get_by_role("link", name=reference)).to_be_visible()

    # A case manager of the same organisation assigns the advocate; the timeline shows it.
    manager = personas["a"]["case_manager"]
    user_set_language(manager, language=language)
    manager_page = new_page()
    log_in(manager_page, manager)
    manager_page.goto("/cases/")
    manager_page.locator("table.queue").get_by_role("link", name=reference).click()
    expect(manager_page).to_have_url(re.compile(rf"/cases/{reference}/$"))
    expect_language(manager_page, language, direction)
    expect(manager_page.locator("li.event-assigned")).to_have_count(0)
    manager_page.select_option("#id_advocate", str(personas["a"]["advocate"].pk))
    manager_page.locator("form[action$='/assign/'] button[type=submit]").click()
    expect(manager_page.locator("li.event-assigned")).to_be_visible()
    expect(manager_page.locator("li.event-assigned")).to_have_count(1)
    expect(manager_page.locator("#id_advocate")).to_have_value(str(personas["a"]["advocate"].pk))
    if language == "ur":
        screenshot(manager_page, SCREENSHOTS / "panah-case-ur.png")


@LANGUAGES
def test_searching_in_another_phone_format_finds_the_person_created(
    new_page: Any, opened_case: tuple[Page, str], language: str, direction: str
) -> None:
    page, reference = opened_case
    person_id = str(Case.objects.get(reference=reference).person_id)

    open_console(page)
    expect_language(page, language, direction)
    expect(page.locator("#picked input[name=person_id]")).to_have_count(0)
    search(page, PHONE_OTHER_FORMAT)
    result = page.locator("#search-results button.result")
    expect(result).to_have_count(1)
    expect(result).to_be_visible()
    result.click()
    picked = page.locator("#picked input[name=person_id]")
    expect(picked).to_have_count(1)
    expect(picked).to_have_value(person_id)
    expect(page.locator("#picked .picked")).to_be_visible()


@LANGUAGES
def test_someone_of_another_organisation_gets_a_404_for_the_case(
    new_page: Any,
    personas: dict[str, Any],
    opened_case: tuple[Page, str],
    language: str,
    direction: str,
) -> None:
    _, reference = opened_case
    outsider = personas["b"]["org_admin"]
    user_set_language(outsider, language=language)
    page = new_page()
    log_in(page, outsider)

    response = page.goto(f"/cases/{reference}/")
    assert response is not None
    assert response.status == 404
    expect_language(page, language, direction)
    body = page.locator("body")
    expect(body).not_to_contain_text(reference)
    expect(body).not_to_contain_text("Najibullah")
    expect(page.locator(".clock, .timeline, .facts")).to_have_count(0)
