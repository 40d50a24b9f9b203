"""Police station sheets: the page listing them for printing, and the downloads."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from panah.advocates import sheets
from panah.core.pdf import PdfUnavailable


def _download(file: sheets.SheetFile) -> HttpResponse:
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.name}"'
    # Advocates' names and phones: no browser or proxy may keep a copy.
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def sheet_list(request: HttpRequest) -> HttpResponse:
    """Every district's police stations and Levies thanas, with their sheets and the ZIP."""
    return render(
        request, "advocates/sheets.html", {"districts": sheets.sheet_list_for(request.user)}
    )


@login_required
@require_GET
def sheet_pdf(request: HttpRequest, place_id: uuid.UUID) -> HttpResponse:
    """One station's sheet, as a PDF download (audited)."""
    try:
        file = sheets.station_sheet_for(request.user, place_id)
    except PdfUnavailable:
        return render(request, "advocates/sheets_unavailable.html", status=503)
    return _download(file)


@login_required
@require_GET
def district_zip(request: HttpRequest, district_id: int) -> HttpResponse:
    """Every sheet of a district in one ZIP download (audited)."""
    try:
        file = sheets.district_sheets_for(request.user, district_id)
    except PdfUnavailable:
        return render(request, "advocates/sheets_unavailable.html", status=503)
    return _download(file)
