"""Organisations that use Panah, their staff, and each staff member's role."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.access import Role


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LEGAL_AID = "legal_aid", _("Legal aid organisation")
        BAR_COUNCIL = "bar_council", _("Bar council")
        UN_AGENCY = "un_agency", _("UN agency")
        GOVERNMENT = "government", _("Government liaison")
        COMMUNITY = "community", _("Community network")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A staff member. Language and time zone are personal choices shown on every page."""

    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )

    class Meta(AbstractUser.Meta):
        swappable = "AUTH_USER_MODEL"


class Membership(models.Model):
    """A user's place in one organisation, with one role.

    One membership per user for now: every permission question is then "this user's
    organisation", with no ambiguity about which organisation a request acts for.
    """

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user_id}@{self.organisation_id}:{self.role}"


class LoginFailure(models.Model):
    """One failed login, keyed by a digest of the username (throttling, SECURITY.md AUTH-1)."""

    username_digest = models.CharField(max_length=32, db_index=True)
    at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.username_digest[:8]}@{self.at:%Y-%m-%d %H:%M}"
