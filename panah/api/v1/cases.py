from __future__ import annotations

import datetime
import uuid

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from panah.accounts.selectors import actor_for
from panah.audit.services import Source
from panah.cases import services
from panah.cases.selectors import QueueFilters, case_for_write, case_get_for, case_queue_for

router = Router(tags=["cases"])


class CaseOut(Schema):
    reference: str
    case_type: str
    priority: int
    status: str
    outcome: str
    person_id: uuid.UUID
    place_id: uuid.UUID | None
    district_id: int | None
    arrested_at: datetime.datetime | None
    produced_at: datetime.datetime | None
    created_at: datetime.datetime


class TransitionIn(Schema):
    to_status: str
    outcome: str = ""
    note: str = ""


@router.get("/", response=list[CaseOut])
@paginate(LimitOffsetPagination)
def case_queue(request: HttpRequest, status: str = "open", priority: int | None = None):  # type: ignore[no-untyped-def]
    """The case queue, most urgent first: priority, then the person's risk (the copy each case
    carries), then longest wait; the same selector, order and index as the queue page."""
    return case_queue_for(request.user, filters=QueueFilters(status=status, priority=priority))


@router.get("/{reference}", response=CaseOut)
def case_detail(request: HttpRequest, reference: str) -> object:
    """One case (the read is audited)."""
    return case_get_for(request.user, reference=reference, source=Source.API)


@router.post("/{reference}/transition", response=CaseOut)
def case_transition(request: HttpRequest, reference: str, payload: TransitionIn) -> object:
    """Move a case along its status workflow."""
    actor = actor_for(request.user)
    case = case_for_write(actor, reference=reference)
    return services.case_transition(
        actor,
        case,
        to_status=payload.to_status,
        outcome=payload.outcome,
        note=payload.note,
        source=Source.API,
    )
