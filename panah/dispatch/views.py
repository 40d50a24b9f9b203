"""Dispatch pages: start alerting from a case, the advocate's signed link, the metrics."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from panah.accounts.selectors import actor_for
from panah.cases.selectors import case_for_write
from panah.dispatch import selectors, services
from panah.dispatch.models import Offer


@login_required
@require_POST
def dispatch_start(request: HttpRequest, reference: str) -> HttpResponse:
    actor = actor_for(request.user)
    case = case_for_write(actor, reference=reference)
    try:
        services.dispatch_start(actor, case)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("cases:case_detail", reference=case.reference)


@require_http_methods(["GET", "POST"])
def offer_link(request: HttpRequest, token: str) -> HttpResponse:
    """The link in an alert: the advocate answers without logging in (the link is the key).

    A GET only shows the question, so a phone's link preview cannot accept a case.
    """
    offer = services.offer_from_token(token)
    if offer is None:
        return render(request, "dispatch/offer_link_invalid.html", status=404)
    with translation.override(offer.advocate.user.language):
        reply = None
        if request.method == "POST" and request.POST.get("answer") in {"yes", "no"}:
            reply = services.offer_answer(
                offer, accept=request.POST["answer"] == "yes", channel="link"
            )
            offer.refresh_from_db()
        response = render(
            request,
            "dispatch/offer_link.html",
            {
                "offer": offer,
                "case": offer.dispatch.case,
                "reply": reply,
                "waiting": offer.status in {Offer.Status.PENDING, Offer.Status.EXPIRED}
                and offer.dispatch.status == "offering",
            },
        )
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    rows = selectors.response_metrics_for(request.user)
    return render(request, "dispatch/metrics.html", {"rows": rows})
