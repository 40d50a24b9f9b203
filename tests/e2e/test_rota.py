"""The coordinator's rota in a real browser: a gap in cover is warned of, and a weekly shift
added with the page's htmx form closes it. In English and in Urdu (right to left).

Elements are found by id, name or data attributes, never by the interface's words.
"""

from __future__ import annotations

import datetime
import tempfile
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from panah.accounts.services import user_set_language
from panah.advocates.models import Shift
from panah.advocates.tests.factories import AdvocateFactory, ShiftFactory
from panah.audit.models import AuditEvent
from panah.testing.factories import DistrictFactory
from tests.e2e.test_operator_flow import expect_language, log_in, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(tempfile.gettempdir())
LANGUAGES = pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ur", "rtl")])


@pytest.fixture
def rota_with_a_gap(personas: dict[str, Any]) -> tuple[Any, Any, int]:
    """Organisation A's advocate covers Quetta all day every day but one, two days from now."""
    quetta = DistrictFactory()
    advocate = AdvocateFactory(
        user=personas["a"]["advocate"],
        organisation=personas["a"]["org"],
        membership=False,
        covers=[quetta],
        phone_digest="e" * 64,
    )
    gap_weekday = (timezone.localdate() + datetime.timedelta(days=2)).weekday()
    for weekday in range(7):
        if weekday != gap_weekday:
            ShiftFactory(
                organisation=personas["a"]["org"],
                user=advocate.user,
                weekday=weekday,
                district=quetta,
            )
    return quetta, advocate, gap_weekday


@LANGUAGES
def test_a_coordinator_adds_a_weekly_shift_and_the_gap_warning_goes(
    new_page: Any,
    personas: dict[str, Any],
    rota_with_a_gap: tuple[Any, Any, int],
    language: str,
    direction: str,
) -> None:
    quetta, advocate, gap_weekday = rota_with_a_gap
    coordinator = personas["a"]["coordinator"]
    user_set_language(coordinator, language=language)
    page: Page = new_page()
    log_in(page, coordinator)
    page.goto("/advocates/rota/")
    expect_language(page, language, direction)

    warning = page.locator(f'#gap-warning li[data-district="{quetta.pk}"]')
    expect(warning).to_be_visible()
    expect(page.locator(f'.cover-table tr[data-district="{quetta.pk}"] td.has-gap')).to_have_count(
        1
    )
    # Times stay left to right on a right-to-left page.
    assert page.eval_on_selector("#id_starts", "e => getComputedStyle(e).direction") == "ltr"

    form = page.locator("#shift-form")
    form.locator("#id_user").select_option(str(advocate.user.pk))
    form.locator("#id_kind").select_option("weekly")
    # A weekly shift has no date: the form hides the date and shows the weekday.
    expect(form.locator("#id_date")).to_be_hidden()
    form.locator("#id_weekday").select_option(str(gap_weekday))
    form.locator("#id_starts").fill("00:00")
    form.locator("#id_ends").fill("00:00")
    form.locator("#id_district").select_option(str(quetta.pk))
    form.locator("button[type=submit]").click()

    # htmx swaps the rota in place: no warning, the new shift in the calendar.
    expect(page.locator("#gap-warning")).to_have_count(0)
    expect(page.locator("#gap-ok")).to_be_visible()
    expect(page.locator(f'.cover-table tr[data-district="{quetta.pk}"] td.has-gap')).to_have_count(
        0
    )
    expect(page).to_have_url(f"{page.url.split('/advocates/')[0]}/advocates/rota/")
    row = page.locator(f'.rota-table tr[data-user="{advocate.user.pk}"]')
    expect(row.locator(".entry")).to_have_count(7)

    shift = Shift.objects.get(user=advocate.user, weekday=gap_weekday)
    assert (shift.district, shift.created_by) == (quetta, coordinator)
    assert AuditEvent.objects.filter(
        object_type="shift", object_id=str(shift.pk), action="create", actor=coordinator
    ).exists()
    if language == "ur":
        screenshot(page, SCREENSHOTS / "panah-rota-ur.png")
