"""Public reference data: districts and places (not personal, not organisation-owned)."""

from __future__ import annotations

from django.db.models import QuerySet

from panah.places.models import District, Place


def district_list() -> QuerySet[District]:
    """Return all districts, by name."""
    return District.objects.all()


def place_list(*, district_id: int | None = None, kind: str | None = None) -> QuerySet[Place]:
    """Return places, optionally within one district or of one kind."""
    qs = Place.objects.select_related("district")
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs
