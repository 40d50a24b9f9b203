"""Know-your-rights articles, their language versions and the review trail.

Articles are not personal data and belong to no organisation: every organisation's refugees
read the same law. What a lawyer approved is a *version*: changing a word makes a new draft
version, while the published one stays public until the new one is reviewed and published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    ARREST = "arrest", _("Arrest and custody")
    DOCUMENTS = "documents", _("Documents")
    FAMILY = "family", _("Children and family")
    RETURN = "return", _("Return and deportation")
    HELP = "help", _("Getting help")


class Confidence(models.TextChoices):
    FIRM = "firm", _("Firm")
    LIKELY = "likely", _("Likely")
    UNCERTAIN = "uncertain", _("Uncertain")


class ReviewState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    REVIEWED = "reviewed", _("Reviewed by a lawyer")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Article(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    topic = models.CharField(max_length=20, choices=Topic.choices)
    order = models.PositiveSmallIntegerField(default=0)
    # False once the article's file is gone: its versions stay, for the record.
    in_library = models.BooleanField(default=True)

    class Meta:
        ordering = ["topic", "order", "slug"]

    def __str__(self) -> str:
        return self.slug


class ArticleVersion(models.Model):
    article = models.ForeignKey(Article, on_delete=models.PROTECT, related_name="versions")
    language = models.CharField(max_length=8, choices=settings.LANGUAGES)
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=120)
    summary = models.TextField()
    body = models.TextField()
    caution = models.TextField(blank=True)
    confidence = models.CharField(max_length=12, choices=Confidence.choices)
    sources = models.JSONField(default=list)
    content_hash = models.CharField(max_length=64)
    state = models.CharField(max_length=12, choices=ReviewState.choices, default=ReviewState.DRAFT)
    loaded_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["article", "language", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language", "number"], name="articleversion_number"
            ),
            models.UniqueConstraint(
                fields=["article", "language", "content_hash"], name="articleversion_content"
            ),
            # At most one public version per article and language: the public page never
            # has to choose between two.
            models.UniqueConstraint(
                fields=["article", "language"],
                condition=models.Q(state="published"),
                name="articleversion_one_published",
            ),
            models.CheckConstraint(
                condition=models.Q(state="draft")
                | models.Q(reviewed_by__isnull=False, reviewed_at__isnull=False),
                name="articleversion_reviewed_before_public",
            ),
        ]
        indexes = [models.Index(fields=["language", "state"], name="articleversion_public")]

    def __str__(self) -> str:
        return f"{self.article.slug} [{self.language}] v{self.number}"


class ReviewEvent(models.Model):
    """One step in an article version's review: who did what, when, and why."""

    class Kind(models.TextChoices):
        LOADED = "loaded", _("Loaded from the library files")
        REVIEWED = "reviewed", _("Reviewed by a lawyer")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Replaced by a newer version")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    version = models.ForeignKey(ArticleVersion, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organisation_name = models.CharField(max_length=200, blank=True)
    note = models.TextField(blank=True)
    at = models.DateTimeField()

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.version} {self.kind}"
