"""The know-your-rights library in a real browser: read in four languages, review, publish."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from panah.accounts.selectors import actor_for
from panah.conftest import PASSWORD
from panah.rights.models import ArticleVersion
from panah.rights.services import article_publish, article_review, library_load

SCREENSHOTS = Path(tempfile.gettempdir())
DIRECTIONS = {"en": "ltr", "ur": "rtl", "ps": "rtl", "fa": "rtl"}
SLUG = "arrest-24-hours"


def log_in(page: Page, user: Any) -> None:
    page.goto("/accounts/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", PASSWORD)
    page.locator("form:has(#id_password) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


@pytest.fixture
def shipped_library(personas: dict[str, Any]) -> None:
    """The articles Panah ships, reviewed and published in every language."""
    library_load()
    lawyer = actor_for(personas["a"]["advocate"])
    publisher = actor_for(personas["a"]["coordinator"])
    for version in ArticleVersion.objects.filter(state="draft"):
        article_review(lawyer, version)
        article_publish(publisher, version)


@pytest.mark.parametrize("language", ["en", "ur", "ps", "fa"])
def test_a_refugee_opens_an_article_in_their_language_without_an_account(
    new_page: Any, shipped_library: None, language: str
) -> None:
    page = new_page()
    page.set_extra_http_headers({"Accept-Language": language})
    page.goto("/rights/")
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", DIRECTIONS[language])
    title = ArticleVersion.objects.get(
        article__slug=SLUG, language=language, state="published"
    ).title
    page.get_by_role("link", name=title).click()
    expect(page.locator("h1")).to_have_text(title)
    # The text really runs in the page's direction.
    direction = page.eval_on_selector("article p", "e => getComputedStyle(e).direction")
    assert direction == DIRECTIONS[language]
    expect(page.locator(".sources li").first).to_be_visible()
    if language != "en":
        screenshot = SCREENSHOTS / f"panah-rights-{language}.png"
        page.screenshot(path=str(screenshot), full_page=True)
    # The leaflet link gives a PDF.
    href = page.locator(".actions a").first.get_attribute("href")
    response = page.request.get(href or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"


def test_a_lawyer_reviews_and_a_coordinator_publishes_then_the_public_sees_it(
    new_page: Any, personas: dict[str, Any]
) -> None:
    library_load()
    version = ArticleVersion.objects.get(article__slug=SLUG, language="ps")

    public = new_page()
    assert public.goto(f"/rights/ps/{SLUG}/").status == 404

    lawyer = new_page()
    log_in(lawyer, personas["a"]["advocate"])
    lawyer.goto("/rights/review/")
    lawyer.locator(f"a[href='/rights/review/{version.pk}/']").click()
    lawyer.fill("#id_note", "Checked against CrPC s. 61.")
    lawyer.locator("form button[type=submit].primary").click()
    expect(lawyer.locator(".messages .success")).to_be_visible()

    coordinator = new_page()
    log_in(coordinator, personas["a"]["coordinator"])
    coordinator.goto(f"/rights/review/{version.pk}/")
    coordinator.locator("form button[type=submit].primary").click()
    expect(coordinator.locator(".messages .success")).to_be_visible()
    expect(coordinator.locator("ol.timeline li")).to_have_count(3)  # loaded, reviewed, published

    assert public.goto(f"/rights/ps/{SLUG}/").status == 200
    expect(public.locator("h1")).to_have_text(version.title)
