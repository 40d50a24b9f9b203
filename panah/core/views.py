from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.core.errors import PermissionDenied


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work starts."""
    try:
        actor = actor_for(request.user)
    except PermissionDenied:
        return render(request, "no_membership.html", status=403)
    if actor.can(Capability.CONTACT_LOG):
        return redirect("helpline:console")
    if actor.can(Capability.CASE_VIEW_ASSIGNED) or actor.can(Capability.CASE_VIEW_ALL):
        return redirect("cases:case_queue")
    return render(request, "home.html")
