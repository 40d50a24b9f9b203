"""Legal cases, their timeline and deadlines."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from panah.core.fields import EncryptedTextField
from panah.core.models import PublicIdModel


class CaseType(models.TextChoices):
    ARREST = "arrest", _("Arrest or detention")
    REMOVAL = "removal", _("Deportation or removal order")
    DOCUMENTATION = "documentation", _("Documentation")
    HARASSMENT = "harassment", _("Harassment or extortion")
    EVICTION = "eviction", _("Eviction")
    FAMILY_CIVIL = "family_civil", _("Family or civil matter")
    OTHER = "other", _("Other")


class Priority(models.IntegerChoices):
    URGENT = 1, _("Urgent")
    HIGH = 2, _("High")
    NORMAL = 3, _("Normal")
    LOW = 4, _("Low")


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    CLOSED = "closed", _("Closed")


class Outcome(models.TextChoices):
    RELEASED = "released", _("Released")
    BAIL = "bail", _("Released on bail")
    CHARGED = "charged", _("Charged, case continues in court")
    DEPORTED = "deported", _("Deported")
    RETURNED_VOLUNTARILY = "returned", _("Returned voluntarily")
    DOCUMENTS_OBTAINED = "documents", _("Documents obtained")
    REFERRED = "referred", _("Referred to another organisation")
    RESOLVED = "resolved", _("Resolved")
    NO_CONTACT = "no_contact", _("Lost contact")
    WITHDRAWN = "withdrawn", _("Withdrawn by the person")
    DUPLICATE = "duplicate", _("Duplicate case")


class ArrestingForce(models.TextChoices):
    POLICE = "police", _("Police")
    LEVIES = "levies", _("Levies")
    FIA = "fia", _("FIA")
    OTHER = "other", _("Other or not known")


# The status workflow: new → assigned → in progress → closed (with an outcome); reopen goes
# back to in progress. Anything not listed here is refused.
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset({Status.ASSIGNED, Status.CLOSED}),
    Status.ASSIGNED: frozenset({Status.IN_PROGRESS, Status.CLOSED}),
    Status.IN_PROGRESS: frozenset({Status.CLOSED}),
    Status.CLOSED: frozenset({Status.IN_PROGRESS}),
}


class Case(PublicIdModel):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="cases"
    )
    reference = models.CharField(_("reference"), max_length=24, unique=True)
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="cases", verbose_name=_("person")
    )
    case_type = models.CharField(_("type"), max_length=16, choices=CaseType.choices)
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.NORMAL
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default="new")
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, blank=True)
    district = models.ForeignKey(
        "places.District",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    place = models.ForeignKey(
        "places.Place",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("police station or facility"),
    )
    arrested_at = models.DateTimeField(_("time of arrest"), null=True, blank=True)
    arresting_force = models.CharField(
        _("arrested by"), max_length=8, choices=ArrestingForce.choices, blank=True
    )
    produced_at = models.DateTimeField(_("produced before a magistrate"), null=True, blank=True)
    fir_number = EncryptedTextField(_("FIR number"), blank=True)
    summary = EncryptedTextField(_("summary"), blank=True)
    assigned_advocate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="advocate_cases",
        verbose_name=_("advocate"),
    )
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_cases",
        verbose_name=_("case manager"),
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # A copy of the person's stored deportation risk (Person.risk_rank: 0 low … 3 high, null
    # while not assessed), so that "most urgent first" sorts by a column of this table, which
    # an index can give in order; sorting by the joined person's column meant sorting every
    # open case for each page. case_open copies it, services.case_risk_sync (called by
    # rules.triage whenever it stores a person's rank) keeps it equal to the person's.
    risk_rank = models.PositiveSmallIntegerField(
        _("deportation risk"), null=True, blank=True, editable=False
    )
    # The queue's sort key: the rank, or -1 while not assessed, sorted descending. The order
    # wanted is "rank descending, not assessed last", but NULLS LAST cannot go in an index on
    # SQLite, and PostgreSQL's descending index puts nulls first; a key that is never null
    # sorts the same on both, and both walk the same index (case_open_triage) for it. The
    # database computes it from risk_rank, so the two cannot disagree.
    triage_key = models.GeneratedField(
        expression=Coalesce("risk_rank", -1, output_field=models.SmallIntegerField()),
        output_field=models.SmallIntegerField(),
        db_persist=True,
    )

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        indexes = [
            models.Index(fields=["organisation", "status", "priority", "-created_at"]),
            models.Index(fields=["organisation", "priority", "-created_at"]),
            # The queue of open cases: its count and first page read this small index only
            # (status is carried last so SQLite, too, can count without touching the table).
            models.Index(
                fields=["organisation", "priority", "-created_at", "status"],
                condition=~Q(status="closed"),
                name="case_open_queue",
            ),
            # "Most urgent first" (selectors.QUEUE_ORDER), in the order it sorts: the first page
            # of open cases is read in index order, however many there are.
            models.Index(
                F("organisation"),
                F("priority"),
                F("triage_key").desc(),
                Coalesce("arrested_at", "created_at"),
                F("reference"),
                condition=~Q(status="closed"),
                name="case_open_triage",
            ),
            models.Index(fields=["assigned_advocate", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="closed") | ~Q(outcome=""), name="case_closed_has_outcome"
            ),
            models.CheckConstraint(
                condition=Q(produced_at__isnull=True)
                | Q(arrested_at__isnull=True)
                | Q(produced_at__gte=models.F("arrested_at")),
                name="case_produced_after_arrest",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def can_transition_to(self, status: str) -> bool:
        return status in ALLOWED_TRANSITIONS.get(self.status, frozenset())

    @property
    def is_open(self) -> bool:
        return self.status != Status.CLOSED

    @property
    def is_urgent_arrest(self) -> bool:
        return self.case_type == CaseType.ARREST and self.arrested_at is not None


class CaseEvent(models.Model):
    """One line of a case's timeline. `data` holds codes and ids only, never personal text."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Case opened")
        ASSIGNED = "assigned", _("Assigned")
        STATUS = "status", _("Status changed")
        NOTE = "note", _("Note")
        DEADLINE = "deadline", _("Deadline added")
        PRODUCED = "produced", _("Produced before a magistrate")
        CUSTODY_WARNING = "custody_warning", _("Custody time nearly over")
        CONTACT = "contact", _("Helpline contact")
        DISPATCH = "dispatch", _("Advocate alert")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    data = models.JSONField(default=dict, blank=True)
    note = EncryptedTextField(_("note"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["case", "at"])]
        verbose_name = _("case event")
        verbose_name_plural = _("case events")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.kind}"


class Deadline(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deadlines")
    title = models.CharField(_("what is due"), max_length=150)
    due_at = models.DateTimeField(_("due"))
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")

    def __str__(self) -> str:
        return self.title


class CaseCounter(models.Model):
    """The last case number issued per year (the NNNNNN in PNH-2026-000123)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.year}:{self.last}"
