"""Writing the library: load the shipped files as versions, review them, publish them."""

from __future__ import annotations

import dataclasses
from typing import NamedTuple

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.selectors import Actor
from panah.core.access import Capability
from panah.core.errors import DomainError, NotFound
from panah.rights.content import ArticleFile, load_articles
from panah.rights.models import Article, ArticleVersion, ReviewEvent, ReviewState


class LoadResult(NamedTuple):
    articles: int
    new_versions: int
    unchanged: int
    retired: int


def _version_fields(article_file: ArticleFile, language: str) -> dict[str, object]:
    text = article_file.texts[language]
    return {
        "title": text.title,
        "summary": text.summary,
        "body": text.body,
        "caution": text.caution,
        "confidence": article_file.confidence,
        "sources": [dataclasses.asdict(source) for source in article_file.sources],
        "content_hash": article_file.content_hash(language),
    }


@transaction.atomic
def library_load(article_files: list[ArticleFile] | None = None) -> LoadResult:
    """Bring the database in line with the library files (a system action, no user).

    A text that changed becomes a new draft version; what is published stays published until
    a lawyer reviews the new wording. Loading the same files twice creates nothing.
    """
    article_files = load_articles() if article_files is None else article_files
    now = timezone.now()
    new_versions = unchanged = 0
    slugs = set()
    for article_file in article_files:
        slugs.add(article_file.slug)
        article, _created = Article.objects.update_or_create(
            slug=article_file.slug,
            defaults={
                "topic": article_file.topic,
                "order": article_file.order,
                "in_library": True,
            },
        )
        known = {
            (language, content_hash)
            for language, content_hash in article.versions.values_list("language", "content_hash")
        }
        latest = dict(
            article.versions.values("language")
            .annotate(latest=Max("number"))
            .values_list("language", "latest")
        )
        for language in article_file.texts:
            fields = _version_fields(article_file, language)
            if (language, fields["content_hash"]) in known:
                unchanged += 1
                continue
            version = ArticleVersion(
                article=article,
                language=language,
                number=latest.get(language, 0) + 1,
                loaded_at=now,
                **fields,
            )
            version.full_clean()
            version.save(force_insert=True)
            ReviewEvent.objects.create(version=version, kind=ReviewEvent.Kind.LOADED, at=now)
            new_versions += 1
    retired = (
        Article.objects.exclude(slug__in=slugs).filter(in_library=True).update(in_library=False)
    )
    return LoadResult(len(article_files), new_versions, unchanged, retired)


def _locked(version: ArticleVersion) -> ArticleVersion:
    return ArticleVersion.objects.select_for_update().select_related("article").get(pk=version.pk)


def _event(actor: Actor, version: ArticleVersion, kind: str, note: str) -> None:
    ReviewEvent.objects.create(
        version=version,
        kind=kind,
        actor=actor.user,
        organisation_name=actor.organisation.name,
        note=note.strip(),
        at=timezone.now(),
    )


@transaction.atomic
def article_review(actor: Actor, version: ArticleVersion, *, note: str = "") -> ArticleVersion:
    """Record that a lawyer checked this wording against its sources."""
    actor.require(Capability.RIGHTS_REVIEW)
    version = _locked(version)
    if version.state != ReviewState.DRAFT:
        raise DomainError(_("Only a draft can be marked as reviewed."))
    version.state = ReviewState.REVIEWED
    version.reviewed_by = actor.user
    version.reviewed_at = timezone.now()
    version.full_clean()
    version.save(update_fields=["state", "reviewed_by", "reviewed_at"])
    _event(actor, version, ReviewEvent.Kind.REVIEWED, note)
    return version


@transaction.atomic
def article_publish(actor: Actor, version: ArticleVersion, *, note: str = "") -> ArticleVersion:
    """Make a reviewed version public; the version it replaces is kept as superseded."""
    actor.require(Capability.RIGHTS_PUBLISH)
    version = _locked(version)
    if version.state != ReviewState.REVIEWED:
        raise DomainError(_("Only a version reviewed by a lawyer can be published."))
    if not version.article.in_library:
        raise DomainError(_("This article was removed from the library."))
    # Lock the current public version too, so two publishers cannot both replace it.
    current = (
        ArticleVersion.objects.select_for_update()
        .filter(article=version.article, language=version.language, state=ReviewState.PUBLISHED)
        .first()
    )
    if current is not None:
        if current.number > version.number:
            raise DomainError(_("A newer version of this article is already public."))
        current.state = ReviewState.SUPERSEDED
        current.save(update_fields=["state"])
        _event(actor, current, ReviewEvent.Kind.SUPERSEDED, "")
    version.state = ReviewState.PUBLISHED
    version.published_by = actor.user
    version.published_at = timezone.now()
    version.save(update_fields=["state", "published_by", "published_at"])
    _event(actor, version, ReviewEvent.Kind.PUBLISHED, note)
    return version


@transaction.atomic
def article_withdraw(actor: Actor, version: ArticleVersion, *, note: str) -> ArticleVersion:
    """Take a public version down at once (wrong or dangerous advice); say why."""
    actor.require(Capability.RIGHTS_PUBLISH)
    if not note.strip():
        raise DomainError({"note": _("Say why the article is withdrawn.")})
    version = _locked(version)
    if version.state != ReviewState.PUBLISHED:
        raise NotFound
    version.state = ReviewState.WITHDRAWN
    version.save(update_fields=["state"])
    _event(actor, version, ReviewEvent.Kind.WITHDRAWN, note)
    return version
