"""Reads of cases, scoped by the acting user's organisation and role."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from panah.accounts.selectors import Actor, actor_for
from panah.audit.services import audit_record_read
from panah.core.access import Capability
from panah.core.errors import NotFound

from .models import Case, CaseEvent, Status


def case_scope(actor: Actor) -> QuerySet[Case]:
    """Return the cases the actor may see: all of the organisation's, or only their own."""
    qs = Case.objects.filter(organisation_id=actor.organisation_id)
    if actor.can(Capability.CASE_VIEW_ALL):
        return qs
    if actor.can(Capability.CASE_VIEW_ASSIGNED):
        return qs.filter(assigned_advocate_id=actor.user.pk)
    return Case.objects.none()


def case_get_for(user: Any, *, reference: str, source: str = "web") -> Case:
    """Return one case with what its page shows; audit the read. 404 if out of scope."""
    actor = actor_for(user)
    case = (
        case_scope(actor)
        .select_related(
            "person", "place", "district", "assigned_advocate", "case_manager", "opened_by"
        )
        .filter(reference=reference[:24])
        .first()
    )
    if case is None:
        raise NotFound
    audit_record_read(actor, case, source=source)
    return case


def case_for_write(actor: Actor, *, reference: str) -> Case:
    """Return a case the actor may act on (the write itself is audited by its service)."""
    case = case_scope(actor).filter(reference=reference[:24]).first()
    if case is None:
        raise NotFound
    return case


def case_timeline_for(case: Case) -> QuerySet[CaseEvent]:
    """Return a case's timeline, oldest first (the case was fetched through case_get_for)."""
    return case.events.select_related("actor").order_by("at", "id")


class QueueSort(models.TextChoices):
    URGENT = "urgent", _("Most urgent first")
    NEWEST = "newest", _("Newest first")


# Both orders start with the priority an operator gave the case. Within a priority, "most
# urgent" puts the person most exposed to arrest and deportation first (their stored risk,
# copied onto the case: Case.risk_rank; people not assessed yet last, as triage_key is -1 for
# them), then the case waiting longest: the oldest arrest, or the oldest case where there was
# none. The reference, unique, keeps pages stable. Every term is a column or expression of the
# case, in the order of the index case_open_triage, so the open queue's first page is read in
# index order instead of sorting every open case; keep the two in step.
QUEUE_ORDER: dict[str, tuple[Any, ...]] = {
    QueueSort.URGENT: (
        "priority",
        "-triage_key",
        Coalesce("arrested_at", "created_at").asc(),
        "reference",
    ),
    QueueSort.NEWEST: ("priority", "-created_at"),
}


@dataclass(frozen=True)
class QueueFilters:
    status: str = "open"  # "open" (not closed), "all", or one status
    priority: int | None = None
    case_type: str = ""
    district_id: int | None = None
    mine: bool = False
    unassigned: bool = False
    reference: str = ""
    sort: str = QueueSort.URGENT


def case_queue_for(user: Any, *, filters: QueueFilters | None = None) -> QuerySet[Case]:
    """Return the case queue in the order asked for (most urgent first by default); joins
    what the queue page shows."""
    actor = actor_for(user)
    f = filters or QueueFilters()
    qs = case_scope(actor)
    if f.status == "open":
        qs = qs.exclude(status=Status.CLOSED)
    elif f.status in Status.values:
        qs = qs.filter(status=f.status)
    if f.priority:
        qs = qs.filter(priority=f.priority)
    if f.case_type:
        qs = qs.filter(case_type=f.case_type)
    if f.district_id:
        qs = qs.filter(district_id=f.district_id)
    if f.mine:
        qs = qs.filter(Q(assigned_advocate=actor.user) | Q(case_manager=actor.user))
    if f.unassigned:
        qs = qs.filter(assigned_advocate__isnull=True, case_manager__isnull=True)
    if f.reference:
        qs = qs.filter(reference__icontains=f.reference.strip()[:24])
    # Only the columns the queue shows: every encrypted column loaded is one decryption per
    # row, and the person's other names, notes and the case summary are not shown here.
    return (
        qs.select_related("person", "place", "district", "assigned_advocate")
        .only(*QUEUE_COLUMNS)
        .order_by(*QUEUE_ORDER.get(f.sort, QUEUE_ORDER[QueueSort.URGENT]))
    )


QUEUE_COLUMNS = (
    "reference",
    "organisation_id",
    "case_type",
    "priority",
    "status",
    "outcome",
    "arrested_at",
    "produced_at",
    "created_at",
    "person__id",
    "person__given_name",
    "person__family_name",
    "person__given_name_native",
    "person__family_name_native",
    "risk_rank",
    "place__id",
    "place__name",
    "place__name_ur",
    "district__id",
    "district__name",
    "district__name_ur",
    "assigned_advocate__id",
    "assigned_advocate__username",
    "assigned_advocate__first_name",
    "assigned_advocate__last_name",
)


def case_list_for_person(user: Any, *, person_id: Any) -> QuerySet[Case]:
    """Return the cases of one person that the user may see, newest first."""
    actor = actor_for(user)
    return case_scope(actor).filter(person_id=person_id).order_by("-created_at")
