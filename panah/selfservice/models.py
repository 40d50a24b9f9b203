"""Self-service sessions: where one sender is in a flow of the refugee line.

One row per organisation, medium and sender. The sender is known only by a keyed blind index
of their number (never the number itself); the answers collected so far (a name, a police
station) and the navigation are encrypted. The row outlives an expired session so the line
remembers the sender's language; `session_purge` clears or deletes old rows.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField


class Medium(models.TextChoices):
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    VOICE = "voice", _("Voice")


class FlowSession(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    medium = models.CharField(_("medium"), max_length=10, choices=Medium.choices)
    # crypto.blind_index(SENDER_INDEX, e164): finds the session without storing the number.
    sender_digest = models.CharField(max_length=32)
    flow_id = models.CharField(_("flow"), max_length=40)
    flow_version = models.PositiveIntegerField(_("flow version"))
    node = models.CharField(_("step"), max_length=40)
    language = models.CharField(_("language"), max_length=8)
    language_chosen = models.BooleanField(default=False)
    answers = EncryptedTextField(_("answers"), blank=True)  # JSON
    navigation = EncryptedTextField(blank=True)  # JSON: history, page, options on screen
    # Urgent cases this sender opened on the line, per local day: past
    # PANAH_SELFSERVICE_URGENT_CASES_PER_DAY a report goes to an operator instead of alerting
    # another advocate (a hoax or a stuck phone must not page the whole rota).
    urgent_day = models.DateField(null=True, blank=True)
    urgent_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    expires_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "medium", "sender_digest"],
                name="selfservice_one_session_per_sender",
            )
        ]
        indexes = [models.Index(fields=["expires_at"], name="selfservice_expiry")]
        verbose_name = _("self-service session")
        verbose_name_plural = _("self-service sessions")

    def __str__(self) -> str:
        return f"{self.medium} {self.flow_id}@{self.flow_version}:{self.node}"
