"""Likely duplicate person records, the reviewers' decisions, and merges that can be undone.

A DuplicateCandidate is a pair of persons the matching model (panah.matching.dedupe) scored
as probably one person, with the evidence as level codes per compared field — never the
values, which the review page decrypts from the records themselves. A PersonMerge lists the
exact rows a merge moved, so that undoing it puts back those rows and no others.

Two organisations may review duplicates across their registers only under a
DataSharingAgreement; until one exists, their administrators see that such pairs were found
(a count and opaque ids), nothing more.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from panah.core.models import PublicIdModel


class DataSharingAgreement(models.Model):
    """Two organisations agree to see each other's records for one purpose, for a time."""

    class Purpose(models.TextChoices):
        DUPLICATES = "duplicates", _("Finding and merging duplicate records")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation_a = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    organisation_b = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    reference = models.CharField(_("reference of the signed agreement"), max_length=100)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)  # open-ended when empty
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("data-sharing agreement")
        verbose_name_plural = _("data-sharing agreements")
        constraints = [
            models.CheckConstraint(
                condition=~Q(organisation_a=F("organisation_b")), name="agreement_two_parties"
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")),
                name="agreement_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.purpose})"

    def covers(self, on: datetime.date) -> bool:
        return (
            self.is_active
            and self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
        )


class DuplicateCandidate(PublicIdModel):
    """Two person records the model thinks may be one person (person_a's id < person_b's)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        CONFIRMED = "confirmed", _("Same person, not merged")
        REJECTED = "rejected", _("Not the same person")
        MERGED = "merged", _("Merged")

    person_a = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_b = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    # Copied from the persons so the queue is scoped by these columns alone.
    organisation_a = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    organisation_b = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )
    probability = models.FloatField(_("match probability"))
    # [{"field": "father", "level": "phonetic", "weight": 4.3}, …]: codes of
    # panah.matching.dedupe.LEVEL_CODES and match weights in bits, never values.
    evidence = models.JSONField(_("evidence"), default=list)
    reason = models.CharField(max_length=24, blank=True)  # see evidence.REASONS
    # A keyed digest of both records' matched fields when found: a rejected pair comes back
    # only when this changes (a record was corrected), not on every run.
    fingerprint = models.CharField(max_length=32)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    found_at = models.DateTimeField(_("found"))
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        verbose_name = _("duplicate candidate")
        verbose_name_plural = _("duplicate candidates")
        constraints = [
            models.UniqueConstraint(fields=["person_a", "person_b"], name="candidate_pair_once"),
            models.CheckConstraint(
                condition=~Q(person_a=F("person_b")), name="candidate_two_persons"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation_a", "state", "-probability"]),
            models.Index(fields=["organisation_b", "state", "-probability"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_a_id}~{self.person_b_id} {self.probability:.2f} {self.state}"

    @property
    def is_cross_organisation(self) -> bool:
        return bool(self.organisation_a_id != self.organisation_b_id)

    @property
    def is_open(self) -> bool:
        return self.state in {self.State.PENDING, self.State.CONFIRMED}


class PersonMerge(PublicIdModel):
    """One merge of `merged` into `survivor`, with the ids of every row it moved."""

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    candidate = models.ForeignKey(
        DuplicateCandidate, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="+"
    )  # the organisation of the reviewer who merged
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(_("merged"))
    # {"phones": [ids], "documents": […], "consents": […], "cases": […], "contacts": […],
    #  "contacts_as_caller": […], "household": {...}, "fields_filled": [names]}
    moved = models.JSONField(default=dict)
    undone_at = models.DateTimeField(_("undone"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-merged_at"]
        verbose_name = _("merge of two records")
        verbose_name_plural = _("merges of two records")
        constraints = [
            models.UniqueConstraint(
                fields=["merged"], condition=Q(undone_at__isnull=True), name="merge_one_live"
            ),
            models.CheckConstraint(condition=~Q(survivor=F("merged")), name="merge_two_persons"),
        ]

    def __str__(self) -> str:
        return f"{self.merged_id} → {self.survivor_id}"

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None
