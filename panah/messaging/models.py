"""Outbound messages: a durable queue in the database, sent by background tasks.

Every SMS or WhatsApp message Panah sends is a row first, committed with the change that
caused it, then handed to the channel backend by a task. Phone number and text are encrypted
at rest like any other personal data.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")


class OutboundMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        DELIVERED = "delivered", _("Delivered")
        READ = "read", _("Read")
        FAILED = "failed", _("Failed")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    channel = models.CharField(max_length=12, choices=Channel.choices, default=Channel.SMS)
    to = EncryptedTextField()
    body = EncryptedTextField()
    # What the message is for (e.g. "dispatch.offer"): for metrics and logs, never the text.
    purpose = models.CharField(max_length=40)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.QUEUED)
    segments = models.PositiveSmallIntegerField(default=1)
    backend = models.CharField(max_length=40, blank=True)
    # The provider channel (panah.channels) that sent it, or is to send it; empty for the
    # console and file backends.
    via = models.ForeignKey(
        "channels.Channel", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provider_id = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField()
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "created_at"], name="outbound_status"),
            # Delivery-status callbacks find their message by the provider's id.
            models.Index(fields=["provider_id"], name="outbound_provider_id"),
            # A channel's sends in the last minute (its rate limit).
            models.Index(fields=["via", "sent_at"], name="outbound_via_sent"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.status}"


# How far along a message is. Delivery callbacks arrive late, twice and out of order: a status
# replaces another only if it ranks higher, so "read" never becomes "delivered" again. A failure
# ranks with delivery: a delivered message stays delivered and a failed one failed, but a later
# "read" (the phone's own receipt) wins over both.
STATUS_RANK: dict[str, int] = {
    OutboundMessage.Status.QUEUED: 0,
    OutboundMessage.Status.SENT: 1,
    OutboundMessage.Status.DELIVERED: 2,
    OutboundMessage.Status.FAILED: 2,
    OutboundMessage.Status.READ: 3,
}
