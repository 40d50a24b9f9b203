"""Reading dispatches: the case page's panel and the response metrics."""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from panah.accounts.selectors import actor_for
from panah.cases.models import Case
from panah.core.access import Capability
from panah.core.errors import PermissionDenied
from panah.dispatch.models import Dispatch, Offer


def dispatches_for_case(case: Case) -> QuerySet[Dispatch]:
    """The case's dispatches, newest first, with their offers (the case is already scoped)."""
    return (
        Dispatch.objects.filter(case=case)
        .prefetch_related("offers__advocate__user")
        .order_by("-started_at")
    )


def live_offer_count(case: Case) -> int:
    return Offer.objects.filter(dispatch__case=case, status=Offer.Status.PENDING).count()


@dataclass(frozen=True)
class WeekRow:
    district: str
    week: str  # ISO year-week, e.g. 2026-W48
    dispatches: int
    accepted: int
    median_accept_minutes: float | None
    median_arrival_minutes: float | None
    produced_in_time: int
    produced_known: int


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def response_metrics_for(user: Any, *, weeks: int = 8) -> list[WeekRow]:
    """Per district and ISO week: time to acceptance and arrival, production within 24 hours."""
    actor = actor_for(user)
    if not actor.can(Capability.STATS_VIEW):
        raise PermissionDenied
    since = timezone.now() - datetime.timedelta(weeks=weeks)
    rows = (
        Dispatch.objects.filter(organisation_id=actor.organisation_id, started_at__gte=since)
        .select_related("case__place__district", "case__district")
        .only(
            "started_at",
            "accepted_at",
            "arrived_at",
            "status",
            "case__arrested_at",
            "case__produced_at",
            "case__place__district__name",
            "case__district__name",
        )
    )
    groups: dict[tuple[str, str], list[Dispatch]] = defaultdict(list)
    for dispatch in rows:
        case = dispatch.case
        where = case.place.district if case.place is not None else case.district
        iso = timezone.localtime(dispatch.started_at).isocalendar()
        label = f"{iso.year}-W{iso.week:02d}"
        groups[(str(where) if where else "-", label)].append(dispatch)
    result = []
    for (district, week_label), items in sorted(
        groups.items(), key=lambda kv: (kv[0][1], kv[0][0])
    ):
        accept = [
            (d.accepted_at - d.started_at).total_seconds() / 60 for d in items if d.accepted_at
        ]
        arrival = [
            (d.arrived_at - d.started_at).total_seconds() / 60 for d in items if d.arrived_at
        ]
        known = [d.case for d in items if d.case.arrested_at and d.case.produced_at]
        in_time = [
            c
            for c in known
            if c.produced_at
            and c.arrested_at
            and c.produced_at - c.arrested_at <= datetime.timedelta(hours=24)
        ]
        result.append(
            WeekRow(
                district=district,
                week=week_label,
                dispatches=len(items),
                accepted=len(accept),
                median_accept_minutes=_median(accept),
                median_arrival_minutes=_median(arrival),
                produced_in_time=len(in_time),
                produced_known=len(known),
            )
        )
    return result
