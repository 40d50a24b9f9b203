"""Exporting every place as CSV or GeoJSON, in the importer's own layout."""

from __future__ import annotations

from decimal import Decimal

from panah.places import formats
from panah.places.models import FileFormat, Place


def places_export(format: str) -> str:
    """Return every place as CSV (with a byte order mark) or GeoJSON, in a stable order.

    Importing the result again changes nothing: the columns and their spelling are the
    importer's.
    """
    places = Place.objects.select_related("district").order_by("district__name", "kind", "name")
    rows = [_as_row(place) for place in places]
    if format == FileFormat.GEOJSON:
        return formats.write_geojson(rows)
    return formats.write_csv(rows)


def _as_row(place: Place) -> dict[str, str]:
    def number(value: Decimal | None) -> str:
        return "" if value is None else format(value, "f")

    return {
        "kind": place.kind,
        "name": place.name,
        "name_ur": place.name_ur,
        "district": place.district.name,
        "address": place.address,
        "jurisdiction": place.jurisdiction,
        "latitude": number(place.latitude),
        "longitude": number(place.longitude),
        "source": place.source,
    }
