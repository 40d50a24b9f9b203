"""Loading, reviewing, publishing and withdrawing articles."""

from __future__ import annotations

import dataclasses

import pytest
from django.db import IntegrityError, transaction

from panah.core.errors import DomainError, PermissionDenied
from panah.rights.models import Article, ArticleVersion, ReviewEvent, ReviewState
from panah.rights.services import (
    article_publish,
    article_review,
    article_withdraw,
    library_load,
)
from panah.rights.tests.factories import article_file, published

pytestmark = pytest.mark.django_db


@pytest.fixture
def lawyer(personas, actor_of):
    return actor_of(personas["a"]["advocate"])


@pytest.fixture
def coordinator(personas, actor_of):
    return actor_of(personas["b"]["coordinator"])


def _version(language="en", **filters):
    return ArticleVersion.objects.filter(language=language, **filters).latest("number")


def test_loading_creates_one_draft_per_language_and_loading_again_creates_nothing():
    first = library_load([article_file()])
    assert (first.new_versions, first.unchanged) == (4, 0)
    assert set(ArticleVersion.objects.values_list("state", flat=True)) == {ReviewState.DRAFT}
    again = library_load([article_file()])
    assert (again.new_versions, again.unchanged) == (0, 4)
    assert ArticleVersion.objects.count() == 4
    assert ReviewEvent.objects.filter(kind="loaded").count() == 4


def test_a_changed_wording_is_a_new_draft_and_the_public_version_stays_until_reviewed(
    lawyer, coordinator
):
    published(lawyer, coordinator, article_file(), languages=("en",))
    changed = article_file()
    texts = dict(changed.texts)
    texts["en"] = dataclasses.replace(texts["en"], body="New wording.")
    changed = dataclasses.replace(changed, texts=texts)

    result = library_load([changed])

    assert result.new_versions == 1  # only English changed
    versions = ArticleVersion.objects.filter(language="en").order_by("number")
    assert [(v.number, v.state) for v in versions] == [(1, "published"), (2, "draft")]

    article_review(lawyer, versions[1])
    article_publish(coordinator, versions[1])
    assert [v.state for v in ArticleVersion.objects.filter(language="en").order_by("number")] == [
        "superseded",
        "published",
    ]


def test_a_changed_source_needs_a_new_review_too():
    library_load([article_file()])
    library_load([article_file(sources=[{"ref": "facts.md §3.4", "cite": "CrPC s. 167"}])])
    assert ArticleVersion.objects.filter(state="draft").count() == 8


def test_only_a_lawyer_reviews_and_only_a_coordinator_or_admin_publishes(
    personas, actor_of, lawyer, coordinator
):
    library_load([article_file()])
    version = _version()
    for role in ("operator", "case_manager", "analyst", "coordinator", "org_admin"):
        with pytest.raises(PermissionDenied):
            article_review(actor_of(personas["a"][role]), version)
    article_review(lawyer, version)
    for role in ("operator", "case_manager", "analyst", "advocate"):
        with pytest.raises(PermissionDenied):
            article_publish(actor_of(personas["a"][role]), version)
    article_publish(coordinator, version)
    assert _version().state == ReviewState.PUBLISHED


def test_a_draft_cannot_be_published_and_a_review_is_not_repeated(lawyer, coordinator):
    library_load([article_file()])
    version = _version()
    with pytest.raises(DomainError):
        article_publish(coordinator, version)
    article_review(lawyer, version)
    with pytest.raises(DomainError):
        article_review(lawyer, version)


def test_an_older_version_cannot_replace_a_newer_public_one(lawyer, coordinator):
    library_load([article_file()])
    old = _version()
    article_review(lawyer, old)
    changed = article_file()
    texts = dict(changed.texts)
    texts["en"] = dataclasses.replace(texts["en"], title="Arrested? Your rights")
    library_load([dataclasses.replace(changed, texts=texts)])
    new = _version()
    article_review(lawyer, new)
    article_publish(coordinator, new)
    with pytest.raises(DomainError):
        article_publish(coordinator, old)


def test_withdrawing_needs_a_reason_and_takes_the_article_down(lawyer, coordinator):
    [version, *_] = published(lawyer, coordinator, languages=("en",))
    with pytest.raises(DomainError):
        article_withdraw(coordinator, version, note=" ")
    article_withdraw(coordinator, version, note="The deadline changed on 1 December.")
    version.refresh_from_db()
    assert version.state == ReviewState.WITHDRAWN
    event = version.events.get(kind="withdrawn")
    assert (event.actor, event.organisation_name) == (coordinator.user, "Org B")


def test_the_database_allows_one_public_version_per_language(lawyer, coordinator):
    [version, *_] = published(lawyer, coordinator, languages=("en",))
    duplicate = ArticleVersion.objects.get(pk=version.pk)
    duplicate.pk = None
    duplicate.number = 99
    duplicate.content_hash = "x" * 64
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_an_article_removed_from_the_files_is_retired_not_deleted(lawyer, coordinator):
    published(lawyer, coordinator, languages=("en",))
    result = library_load([article_file("bail")])
    assert result.retired == 1
    assert not Article.objects.get(slug="arrest-24-hours").in_library
    assert ArticleVersion.objects.filter(article__slug="arrest-24-hours").count() == 4
