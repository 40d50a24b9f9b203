"""Case pages: the queue, the case with its timeline and custody clock, and its actions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.selectors import Actor, actor_for, staff_list_for
from panah.cases import services
from panah.cases.clock import custody_clock
from panah.cases.forms import (
    AssignForm,
    DeadlineForm,
    NoteForm,
    ProductionForm,
    QueueFilterForm,
    TransitionForm,
)
from panah.cases.models import Case
from panah.cases.selectors import (
    QueueFilters,
    QueueSort,
    case_for_write,
    case_get_for,
    case_queue_for,
    case_timeline_for,
)
from panah.core.access import Capability, Role
from panah.core.htmx import render_page_or_partial

QUEUE_PAGE_SIZE = 50


@login_required
@require_GET
def case_queue(request: HttpRequest) -> HttpResponse:
    """The case queue, most urgent first; filters re-render only the rows for htmx requests."""
    actor = actor_for(request.user)
    if not (actor.can(Capability.CASE_VIEW_ALL) or actor.can(Capability.CASE_VIEW_ASSIGNED)):
        actor.require(Capability.CASE_VIEW_ALL)
    form = QueueFilterForm(request.GET or None)
    filters = QueueFilters()
    if form.is_valid():
        d = form.cleaned_data
        filters = QueueFilters(
            status=d["status"] or "open",
            priority=d["priority"],
            case_type=d["case_type"],
            district_id=d["district"].pk if d["district"] else None,
            mine=d["mine"],
            unassigned=d["unassigned"],
            reference=d["reference"],
            sort=d["sort"] or QueueSort.URGENT,
        )
    page = Paginator(case_queue_for(request.user, filters=filters), QUEUE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    now = timezone.now()
    rows = [
        (
            case,
            custody_clock(case.arrested_at, now, produced_at=case.produced_at)
            if case.arrested_at is not None and case.is_urgent_arrest and case.is_open
            else None,
        )
        for case in page.object_list
    ]
    return render_page_or_partial(
        request, "cases/case_queue.html", "rows", {"form": form, "page": page, "rows": rows}
    )


_MANAGER_ROLES = [Role.CASE_MANAGER, Role.COORDINATOR, Role.ORG_ADMIN]


def _assign_form(request: HttpRequest, data: object = None, **kwargs: object) -> AssignForm:
    return AssignForm(
        data,
        advocates=staff_list_for(request.user, roles=[Role.ADVOCATE]),
        managers=staff_list_for(request.user, roles=_MANAGER_ROLES),
        **kwargs,
    )


def _detail_context(request: HttpRequest, case: Case) -> dict[str, object]:
    actor = actor_for(request.user)
    clock = (
        custody_clock(case.arrested_at, timezone.now(), produced_at=case.produced_at)
        if case.arrested_at
        else None
    )
    return {
        "case": case,
        "clock": clock,
        "timeline": case_timeline_for(case),
        "deadlines": case.deadlines.all(),
        "can_assign": actor.can(Capability.CASE_ASSIGN),
        "can_transition": actor.can(Capability.CASE_TRANSITION),
        "can_note": actor.can(Capability.CASE_NOTE),
        "assign_form": _assign_form(
            request,
            initial={"advocate": case.assigned_advocate, "case_manager": case.case_manager},
        ),
        "transition_form": TransitionForm(),
        "note_form": NoteForm(),
        "production_form": ProductionForm(),
        "deadline_form": DeadlineForm(),
    }


@login_required
@require_GET
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    case = case_get_for(request.user, reference=reference)
    return render(request, "cases/case_detail.html", _detail_context(request, case))


# Every action on the case page has the same four steps: authorise, parse the form, call one
# service, then go back to the case with its message (or the form's and the service's errors).
CaseAction = Callable[[Actor, Case, dict[str, Any]], object]


def _case_action(
    request: HttpRequest,
    reference: str,
    *,
    capability: Capability,
    form: forms.Form,
    act: CaseAction,
    done: str,
) -> HttpResponse:
    actor = actor_for(request.user)
    actor.require(capability)
    case = case_for_write(actor, reference=reference)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, str(message))
    else:
        try:
            act(actor, case, form.cleaned_data)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, done)
    return redirect("cases:case_detail", reference=case.reference)


@login_required
@require_POST
def case_assign(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        capability=Capability.CASE_ASSIGN,
        form=_assign_form(request, request.POST),
        act=lambda actor, case, d: services.case_assign(
            actor, case, advocate=d["advocate"], case_manager=d["case_manager"]
        ),
        done=_("Case assigned."),
    )


@login_required
@require_POST
def case_transition(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        capability=Capability.CASE_TRANSITION,
        form=TransitionForm(request.POST),
        act=lambda actor, case, d: services.case_transition(
            actor, case, to_status=d["to_status"], outcome=d["outcome"], note=d["note"]
        ),
        done=_("Status changed."),
    )


@login_required
@require_POST
def case_note(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        capability=Capability.CASE_NOTE,
        form=NoteForm(request.POST),
        act=lambda actor, case, d: services.case_note_add(actor, case, text=d["text"]),
        done=_("Note added."),
    )


@login_required
@require_POST
def case_production(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        capability=Capability.CASE_NOTE,
        form=ProductionForm(request.POST),
        act=lambda actor, case, d: services.case_production_record(
            actor, case, produced_at=d["produced_at"]
        ),
        done=_("Production before the magistrate recorded."),
    )


@login_required
@require_POST
def case_deadline(request: HttpRequest, reference: str) -> HttpResponse:
    return _case_action(
        request,
        reference,
        capability=Capability.CASE_NOTE,
        form=DeadlineForm(request.POST),
        act=lambda actor, case, d: services.deadline_add(
            actor, case, title=d["title"], due_at=d["due_at"]
        ),
        done=_("Deadline added."),
    )
