"""Dispatch: finding an advocate for an urgent case, one alert at a time, with escalation.

A Dispatch runs for a case until an advocate accepts, a coordinator takes over, or it is
cancelled. Each alert to one advocate is an Offer with a short code the advocate replies with
("YES 4821"). The database allows one accepted offer per dispatch: two advocates answering YES
at the same moment cannot both get the case.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Dispatch(models.Model):
    class Status(models.TextChoices):
        OFFERING = "offering", _("Alerting advocates")
        ACCEPTED = "accepted", _("Accepted")
        EXHAUSTED = "exhausted", _("No advocate accepted: coordinator alerted")
        CANCELLED = "cancelled", _("Cancelled")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey("cases.Case", on_delete=models.PROTECT, related_name="dispatches")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OFFERING)
    started_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        "advocates.Advocate", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Reported by the advocate ("I am at the station"): response-time metrics.
    arrived_at = models.DateTimeField(null=True, blank=True)
    coordinator_alerted_at = models.DateTimeField(null=True, blank=True)
    unanswered = models.PositiveSmallIntegerField(default=0)  # refusals and silences

    class Meta:
        ordering = ["-started_at"]
        constraints = [
            # One live dispatch per case: a second "find an advocate" joins the first.
            models.UniqueConstraint(
                fields=["case"], condition=Q(status="offering"), name="dispatch_one_live_per_case"
            )
        ]
        indexes = [models.Index(fields=["organisation", "started_at"], name="dispatch_metrics")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.status}"


class Offer(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        EXPIRED = "expired", _("No answer in time")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="offers")
    advocate = models.ForeignKey(
        "advocates.Advocate", on_delete=models.PROTECT, related_name="offers"
    )
    rank = models.PositiveSmallIntegerField()
    score = models.FloatField()
    # Why this advocate: the routing factors as codes and numbers (shown translated).
    explanation = models.JSONField(default=list)
    code = models.CharField(max_length=8)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PENDING)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    responded_at = models.DateTimeField(null=True, blank=True)
    response_channel = models.CharField(max_length=12, blank=True)

    class Meta:
        ordering = ["sent_at"]
        indexes = [models.Index(fields=["advocate", "code", "sent_at"], name="offer_reply_lookup")]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch"], condition=Q(status="accepted"), name="offer_one_accepted"
            ),
            models.UniqueConstraint(fields=["dispatch", "advocate"], name="offer_once_each"),
            # A reply's code names one waiting offer of that advocate (codes are reused later).
            models.UniqueConstraint(
                fields=["advocate", "code"],
                condition=Q(status="pending"),
                name="offer_pending_code_per_advocate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id} → {self.advocate_id} {self.status}"
