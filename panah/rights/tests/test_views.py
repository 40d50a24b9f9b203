"""Public library pages (no login, small, right to left) and the reviewers' desk."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from panah.rights.models import ArticleVersion
from panah.rights.services import library_load
from panah.rights.tests.factories import URDU_TITLE, article_file, published

pytestmark = pytest.mark.django_db

DIRECTIONS = {"en": "ltr", "ur": "rtl", "ps": "rtl", "fa": "rtl"}


@pytest.fixture
def library(personas, actor_of):
    return published(actor_of(personas["a"]["advocate"]), actor_of(personas["a"]["coordinator"]))


@pytest.mark.parametrize("language", ["en", "ur", "ps", "fa"])
def test_a_published_article_opens_without_login_in_its_language_and_direction(
    client, library, language
):
    url = reverse("rights:article", kwargs={"language": language, "slug": "arrest-24-hours"})
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}" dir="{DIRECTIONS[language]}">' in html
    version = ArticleVersion.objects.get(language=language, state="published")
    assert version.title in html
    assert "Code of Criminal Procedure 1898, s. 61" in html  # its sources, always shown
    assert response["Cache-Control"] == "public, max-age=600"
    assert "sessionid" not in response.cookies


def test_public_pages_are_small_with_no_script(client, library):
    for url in (
        reverse("rights:library", kwargs={"language": "ur"}),
        reverse("rights:article", kwargs={"language": "ur", "slug": "arrest-24-hours"}),
    ):
        response = client.get(url)
        html = response.content
        # 2G is about 50 kbit/s in practice: 12 KB of HTML is about two seconds.
        assert len(html) < 12_000, (url, len(html))
        assert b"<script" not in html
        assert b"fonts.css" not in html  # the staff pages' fonts (with the 160 KB Nastaliq)


def test_markdown_in_a_body_cannot_inject_markup_or_links(client, personas, actor_of):
    hostile = article_file()
    texts = dict(hostile.texts)
    import dataclasses

    texts["en"] = dataclasses.replace(
        texts["en"],
        body="<script>alert(1)</script>\n\n[click](https://evil.example) **bold**\n\n- one",
    )
    published(
        actor_of(personas["a"]["advocate"]),
        actor_of(personas["a"]["coordinator"]),
        dataclasses.replace(hostile, texts=texts),
        languages=("en",),
    )
    html = client.get(
        reverse("rights:article", kwargs={"language": "en", "slug": "arrest-24-hours"})
    ).content.decode()
    assert "<script>alert" not in html
    assert 'href="https://evil.example"' not in html
    assert "<strong>bold</strong>" in html
    assert "<li>one</li>" in html


def test_the_helpline_number_is_put_in_left_to_right(client, library, settings):
    settings.PANAH_HELPLINE_NUMBER = "+92 81 1234567"
    html = client.get(
        reverse("rights:article", kwargs={"language": "ur", "slug": "arrest-24-hours"})
    ).content.decode()
    assert '<span dir="ltr">+92 81 1234567</span>' in html
    assert "{helpline}" not in html


def test_drafts_and_reviewed_versions_never_reach_the_public(client, personas, actor_of):
    from panah.rights.services import article_review

    library_load([article_file()])
    article_review(actor_of(personas["a"]["advocate"]), ArticleVersion.objects.get(language="ps"))
    for language in ("en", "ps"):
        url = reverse("rights:article", kwargs={"language": language, "slug": "arrest-24-hours"})
        assert client.get(url).status_code == 404
        listing = client.get(reverse("rights:library", kwargs={"language": language}))
        assert b"arrest-24-hours" not in listing.content


def test_the_library_lists_published_articles_and_links_the_languages(client, library):
    html = client.get(reverse("rights:library", kwargs={"language": "ur"})).content.decode()
    assert URDU_TITLE in html
    assert 'hreflang="ps"' in html and "پښتو" in html
    assert 'hreflang="fa"' in html and "دری" in html


def test_the_library_root_follows_the_browser_language(client):
    response = client.get(reverse("rights:library_home"), HTTP_ACCEPT_LANGUAGE="ps")
    assert response["Location"] == reverse("rights:library", kwargs={"language": "ps"})
    response = client.get(reverse("rights:library_home"), HTTP_ACCEPT_LANGUAGE="de")
    assert response["Location"] == reverse("rights:library", kwargs={"language": "en"})


def test_unknown_languages_and_articles_are_404(client, library):
    assert client.get("/rights/de/").status_code == 404
    url = reverse("rights:article", kwargs={"language": "en", "slug": "no-such-article"})
    assert client.get(url).status_code == 404


# --- the reviewers' desk -------------------------------------------------------------------


def test_only_lawyers_and_publishers_open_the_review_desk(client, personas):
    library_load([article_file()])
    version = ArticleVersion.objects.get(language="en")
    for role, status in (
        ("operator", 404),
        ("analyst", 404),
        ("case_manager", 404),
        ("advocate", 200),
        ("coordinator", 200),
        ("org_admin", 200),
    ):
        client.force_login(personas["a"][role])
        assert client.get(reverse("rights:review_list")).status_code == status, role
        detail = reverse("rights:review_detail", kwargs={"pk": version.pk})
        assert client.get(detail).status_code == status, role


def test_a_lawyer_reviews_and_a_coordinator_publishes_through_the_pages(client, personas):
    library_load([article_file()])
    version = ArticleVersion.objects.get(language="fa")
    detail = reverse("rights:review_detail", kwargs={"pk": version.pk})

    client.force_login(personas["a"]["advocate"])
    html = client.get(detail).content.decode()
    assert "mark as reviewed" in html
    publish = reverse("rights:review_action", kwargs={"pk": version.pk, "action": "publish"})
    client.post(publish)  # an advocate may not publish: nothing changes
    version.refresh_from_db()
    assert version.state == "draft"
    review = reverse("rights:review_action", kwargs={"pk": version.pk, "action": "review"})
    assert client.post(review, {"note": "Checked against CrPC."}).status_code == 302
    version.refresh_from_db()
    assert version.state == "reviewed"

    client.force_login(personas["b"]["coordinator"])
    client.post(publish)
    version.refresh_from_db()
    assert version.state == "published"
    html = client.get(detail).content.decode()
    assert "Checked against CrPC." in html  # the trail shows the lawyer's note
    assert re.search(r"Published", html)
