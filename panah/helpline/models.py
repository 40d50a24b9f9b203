"""Helpline contacts: every call, message or visit an operator logs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField
from panah.core.models import PublicIdModel


class Channel(models.TextChoices):
    CALL = "call", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    WALK_IN = "walk_in", _("Walk-in")
    WEB = "web", _("Web")


class Direction(models.TextChoices):
    INBOUND = "in", _("Inbound")
    OUTBOUND = "out", _("Outbound")


class CallerRelation(models.TextChoices):
    SELF = "self", _("The person themself")
    SPOUSE = "spouse", _("Spouse")
    PARENT = "parent", _("Parent")
    CHILD = "child", _("Son or daughter")
    SIBLING = "sibling", _("Brother or sister")
    RELATIVE = "relative", _("Other relative")
    NEIGHBOUR = "neighbour", _("Neighbour or friend")
    ELDER = "elder", _("Community elder")
    ORGANISATION = "organisation", _("Another organisation")
    OTHER = "other", _("Other")


class Contact(PublicIdModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="contacts"
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.INBOUND
    )
    caller_phone = EncryptedTextField(_("caller's phone"), blank=True)
    caller_relation = models.CharField(
        _("caller is"), max_length=12, choices=CallerRelation.choices, default=CallerRelation.SELF
    )
    caller = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts_made",
        verbose_name=_("caller"),
    )
    person = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("person concerned"),
    )
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contacts",
        verbose_name=_("case"),
    )
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES)
    summary = EncryptedTextField(_("summary"), blank=True)
    started_at = models.DateTimeField(_("time"))
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-started_at"]
        indexes = [models.Index(fields=["organisation", "-started_at"])]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.started_at:%Y-%m-%d %H:%M}"
