"""Duplicate review pages: the queue, the side-by-side comparison, merge and undo."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.selectors import actor_for
from panah.core.errors import DomainError
from panah.duplicates import selectors, services
from panah.duplicates.evidence import evidence_lines
from panah.duplicates.selectors import Side


@login_required
@require_GET
def candidate_queue(request: HttpRequest) -> HttpResponse:
    """Pairs waiting for a decision, most probable first (no names: open a pair to compare)."""
    candidates = selectors.candidate_queue_for(request.user)
    rows = [(c, evidence_lines(c.evidence)[:4]) for c in candidates]
    flags = selectors.unshared_flags_for(request.user)
    return render(request, "duplicates/candidate_queue.html", {"rows": rows, "flags": flags})


def _default_survivor(a: Side, b: Side) -> Side:
    """Suggest keeping the reviewer's own record, then the one with more history, then the older."""
    if a.own != b.own:
        return a if a.own else b
    if a.cases + a.contacts != b.cases + b.contacts:
        return a if a.cases + a.contacts > b.cases + b.contacts else b
    return a if a.person.created_at <= b.person.created_at else b


@login_required
@require_GET
def candidate_detail(request: HttpRequest, candidate_id: uuid.UUID) -> HttpResponse:
    """Both records side by side, decrypted (both reads audited), with the evidence."""
    comparison = selectors.candidate_compare_for(request.user, candidate_id)
    return render(
        request,
        "duplicates/candidate_detail.html",
        {
            "c": comparison,
            "candidate": comparison.candidate,
            "a": comparison.a,
            "b": comparison.b,
            "keep": _default_survivor(comparison.a, comparison.b).person.pk,
        },
    )


def _uuid_or_none(value: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@login_required
@require_POST
def candidate_merge(request: HttpRequest, candidate_id: uuid.UUID) -> HttpResponse:
    actor = actor_for(request.user)
    candidate = selectors.candidate_get_for(request.user, candidate_id)
    try:
        merge = services.candidate_merge(
            actor, candidate, survivor_id=_uuid_or_none(request.POST.get("survivor"))
        )
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("duplicates:candidate_detail", candidate_id=candidate.pk)
    messages.success(request, _("The two records are merged. You can undo it below."))
    return redirect("duplicates:merge_detail", merge_id=merge.pk)


@login_required
@require_POST
def candidate_reject(request: HttpRequest, candidate_id: uuid.UUID) -> HttpResponse:
    """Not the same person. From the queue (htmx) the row goes; otherwise back to the queue."""
    actor = actor_for(request.user)
    candidate = selectors.candidate_get_for(request.user, candidate_id)
    try:
        services.candidate_reject(actor, candidate)
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
        if getattr(request, "htmx", False):
            return HttpResponse(status=409)
        return redirect("duplicates:candidate_detail", candidate_id=candidate.pk)
    if getattr(request, "htmx", False):
        return HttpResponse("")
    messages.success(request, _("Marked as two different people."))
    return redirect("duplicates:candidate_queue")


@login_required
@require_GET
def merge_detail(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    merge = selectors.merge_get_for(request.user, merge_id)
    actor = actor_for(request.user)
    return render(
        request,
        "duplicates/merge_detail.html",
        {
            "merge": merge,
            "moved": merge.moved,
            "survivor_own": merge.survivor.organisation_id == actor.organisation_id,
            "merged_own": merge.merged.organisation_id == actor.organisation_id,
        },
    )


@login_required
@require_POST
def merge_undo(request: HttpRequest, merge_id: uuid.UUID) -> HttpResponse:
    actor = actor_for(request.user)
    merge = selectors.merge_for_write(actor, merge_id)
    try:
        services.person_merge_undo(actor, merge)
    except DomainError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The merge is undone: both records are as they were."))
    return redirect("duplicates:merge_detail", merge_id=merge.pk)
