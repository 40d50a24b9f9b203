"""Places pages: the list and the exports (any staff), and the import (`places.manage`)."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.core.htmx import render_page_or_partial
from panah.places import selectors, services
from panah.places.forms import PlaceFilterForm, PlaceImportForm
from panah.places.models import FileFormat

PAGE_SIZE = 100
# The import page shows this many rejected rows; the download holds them all.
REJECTED_SHOWN = 500

_CONTENT_TYPES: dict[str, str] = {
    FileFormat.CSV: "text/csv; charset=utf-8",
    FileFormat.GEOJSON: "application/geo+json",
}


@login_required
@require_GET
def place_list(request: HttpRequest) -> HttpResponse:
    """Every place, filtered by district and kind; filters re-render only the rows for htmx."""
    actor = actor_for(request.user)
    form = PlaceFilterForm(request.GET or None)
    district_id, kind = None, None
    if form.is_valid():
        district = form.cleaned_data["district"]
        district_id = district.pk if district else None
        kind = form.cleaned_data["kind"] or None
    places = selectors.place_list(district_id=district_id, kind=kind)
    page = Paginator(places, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_partial(
        request,
        "places/place_list.html",
        "rows",
        {"form": form, "page": page, "can_manage": actor.can(Capability.PLACES_MANAGE)},
    )


@login_required
@require_GET
def place_export(request: HttpRequest, file_format: str) -> HttpResponse:
    """Every place as a CSV or GeoJSON download (public reference data: any staff member)."""
    actor_for(request.user)
    response = HttpResponse(
        services.places_export(file_format), content_type=_CONTENT_TYPES[file_format]
    )
    name = f"panah-places-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def place_import(request: HttpRequest) -> HttpResponse:
    """Upload a places file; the good rows are imported and the result page lists the rest."""
    actor = actor_for(request.user)
    actor.require(Capability.PLACES_MANAGE)
    form = PlaceImportForm(request.POST, request.FILES) if request.method == "POST" else None
    if form is not None and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = services.places_import(
                actor,
                upload,
                format=form.cleaned_data["format"] or services.format_for_file_name(upload.name),
                file_name=upload.name,
                create_districts=form.cleaned_data["create_districts"],
            )
        except ValidationError as exc:
            form.add_error("file", exc.messages)
        else:
            return redirect("places:import_detail", pk=result.record.pk)
    return render(
        request,
        "places/place_import.html",
        {
            "form": form or PlaceImportForm(),
            "imports": selectors.place_import_list_for(actor)[:20],
        },
    )


@login_required
@require_GET
def import_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """What an import did: the counts, and the rejected rows with where they were and why."""
    record = selectors.place_import_get_for(actor_for(request.user), pk=pk)
    rejected = [
        {"at": record.location_label(item["location"]), **item}
        for item in record.rejected_rows[:REJECTED_SHOWN]
    ]
    return render(
        request,
        "places/import_detail.html",
        {"record": record, "rejected": rejected, "hidden": record.rejected - len(rejected)},
    )


@login_required
@require_GET
def import_rejected(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The rejected rows of an import as CSV, to fix and upload again."""
    record = selectors.place_import_get_for(actor_for(request.user), pk=pk)
    response = HttpResponse(
        services.rejected_rows_csv(record), content_type=_CONTENT_TYPES[FileFormat.CSV]
    )
    name = f"panah-places-rejected-{timezone.localtime(record.imported_at):%Y-%m-%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
