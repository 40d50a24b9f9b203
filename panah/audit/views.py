from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from panah.audit.selectors import audit_list_for


@login_required
@require_GET
def audit_list(request: HttpRequest) -> HttpResponse:
    """The organisation's audit log (organisation administrators only)."""
    events = audit_list_for(request.user, object_id=request.GET.get("object") or None)
    page = Paginator(events, 100).get_page(request.GET.get("page"))
    return render(request, "audit/audit_list.html", {"page": page})
