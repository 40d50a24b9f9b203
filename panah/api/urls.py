"""The REST API, version 1: one more interface to the same selectors and services."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.security import django_auth

from panah.api.v1 import cases, people
from panah.rules.api import router as rules_router

api = NinjaAPI(
    title="Panah API",
    version="1",
    urls_namespace="api-v1",
    auth=django_auth,
)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    # Same body whether the record is missing or belongs to someone else (SECURITY.md AC-3).
    return api.create_response(request, {"detail": str(exc) or _("Not found.")}, status=404)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.messages}, status=422)


api.add_router("/cases", cases.router)
api.add_router("/people", people.router)
api.add_router("/rules", rules_router)
