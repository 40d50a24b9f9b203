"""Reading the library: the public sees published versions only; reviewers see everything."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.core.errors import NotFound, PermissionDenied
from panah.rights.models import ArticleVersion, ReviewState


def published_for(language: str) -> QuerySet[ArticleVersion]:
    """Return the public versions in a language, in reading order."""
    return (
        ArticleVersion.objects.filter(
            language=language, state=ReviewState.PUBLISHED, article__in_library=True
        )
        .select_related("article")
        .order_by("article__topic", "article__order", "article__slug")
    )


def published_get(language: str, slug: str) -> ArticleVersion:
    """Return the public version of one article in one language, or raise NotFound."""
    version = published_for(language).filter(article__slug=slug).first()
    if version is None:
        raise NotFound
    return version


def published_languages(slug: str) -> list[str]:
    """Return the languages an article is public in (for the language links)."""
    return list(
        ArticleVersion.objects.filter(
            article__slug=slug, state=ReviewState.PUBLISHED, article__in_library=True
        ).values_list("language", flat=True)
    )


def sms_summary(language: str, slug: str) -> str | None:
    """Return the public SMS summary of an article, or None: the self-service line's hook.

    The helpline number is already put in; the result fits two SMS segments (content check).
    """
    from panah.rights.render import summary_text  # noqa: PLC0415 - render imports settings

    version = published_for(language).filter(article__slug=slug).first()
    return None if version is None else summary_text(version.summary)


def _require_reviewer(user: Any) -> None:
    actor = actor_for(user)
    if not (actor.can(Capability.RIGHTS_REVIEW) or actor.can(Capability.RIGHTS_PUBLISH)):
        raise PermissionDenied


def review_list_for(user: Any) -> QuerySet[ArticleVersion]:
    """Return every version worth a reviewer's attention: drafts, reviewed and public ones."""
    _require_reviewer(user)
    return (
        ArticleVersion.objects.filter(
            state__in=[ReviewState.DRAFT, ReviewState.REVIEWED, ReviewState.PUBLISHED]
        )
        .select_related("article", "reviewed_by", "published_by")
        .order_by("article__topic", "article__order", "article__slug", "language", "-number")
    )


def review_get_for(user: Any, *, pk: int) -> ArticleVersion:
    """Return one version with its trail, for a reviewer."""
    _require_reviewer(user)
    version = (
        ArticleVersion.objects.select_related("article", "reviewed_by", "published_by")
        .prefetch_related("events__actor")
        .filter(pk=pk)
        .first()
    )
    if version is None:
        raise NotFound
    return version
