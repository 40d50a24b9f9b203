"""Duplicate review in a real browser: the finder stores a pair, a case manager compares the
two records (in Urdu, right to left), confirms and merges, then undoes the merge."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, expect

from panah.accounts.selectors import actor_for
from panah.cases.services import case_open
from panah.duplicates.models import DuplicateCandidate, PersonMerge
from panah.duplicates.services import duplicates_find
from panah.people.models import Person
from panah.testing.records import person_make
from tests.e2e.test_operator_flow import expect_language, log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_compare_confirm_merge_and_undo(new_page: Any, personas: dict[str, Any]) -> None:
    operator = actor_for(personas["a"]["operator"])
    fields = {"father_name": "Abdul Ghani", "sex": "f", "birth_year": 1990}
    kept = person_make(operator, given_name="Zarghona", phones=("03001112223",), **fields)
    gone = person_make(operator, given_name="Zarghuna", phones=("03001112223",), **fields)
    case = case_open(operator, person=gone, case_type="documentation")
    duplicates_find(organisation=personas["a"]["org"])
    candidate = DuplicateCandidate.objects.get()

    reviewer = personas["a"]["case_manager"]
    reviewer.language = "ur"
    reviewer.save(update_fields=["language"])
    page: Page = new_page()
    log_in(page, reviewer)
    page.goto("/duplicates/")
    expect_language(page, "ur", "rtl")
    page.locator(f"#candidate-{candidate.pk} a").first.click()
    expect(page.locator("table.compare")).to_contain_text("Zarghona")
    expect(page.locator("table.compare")).to_contain_text("Zarghuna")
    page.locator(f"input[name=survivor][value='{kept.pk}']").check()
    page.locator("#merge-form button[type=submit]").click()

    expect(page.locator("#undo-form")).to_be_visible()
    gone.refresh_from_db()
    case.refresh_from_db()
    assert gone.merged_into_id == kept.pk and case.person_id == kept.pk

    page.locator("#undo-form button[type=submit]").click()
    expect(page.locator("#undo-form")).to_have_count(0)
    assert Person.objects.get(pk=gone.pk).merged_into_id is None
    case.refresh_from_db()
    assert case.person_id == gone.pk
    assert PersonMerge.objects.get().undone_at is not None
