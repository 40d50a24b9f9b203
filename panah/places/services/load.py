"""Loading the bundled reference data (`data/balochistan.json`): districts and places."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from panah.places.models import District, Place

DEFAULT_DATA = Path(__file__).resolve().parent.parent / "data" / "balochistan.json"

_SOURCE_MAX = Place._meta.get_field("source").max_length or 250


class PlacesDataError(ValueError):
    """Raised when a places file is malformed; nothing of it is loaded."""


@transaction.atomic
def places_load(path: Path | str = DEFAULT_DATA) -> tuple[int, int]:
    """Create or update the districts and places of a JSON file; safe to run again.

    Rows are matched on their natural keys (province and name for a district; district, kind
    and name for a place), so a second run updates Urdu names and sources in place and creates
    nothing new. Places removed from the file are left alone: cases may point at them.
    Returns how many districts and places the file holds.
    """
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    try:
        province = document["province"]
        district_rows = document["districts"]
        place_rows = document["places"]
    except (KeyError, TypeError) as exc:
        raise PlacesDataError(f"{path}: expected province, districts and places") from exc
    districts: dict[str, District] = {}
    for row in district_rows:
        district, _created = District.objects.update_or_create(
            province=province, name=row["name"], defaults={"name_ur": row.get("name_ur", "")}
        )
        districts[district.name] = district
    for row in place_rows:
        if row.get("kind") not in Place.Kind.values:
            raise PlacesDataError(f"{path}: unknown kind {row.get('kind')!r} for {row.get('name')}")
        if row.get("district") not in districts:
            raise PlacesDataError(f"{path}: {row['name']} names an unknown district")
        place = Place.objects.filter(
            district=districts[row["district"]], kind=row["kind"], name=row["name"]
        ).first() or Place(district=districts[row["district"]], kind=row["kind"], name=row["name"])
        place.name_ur = row.get("name_ur", "")
        place.address = row.get("address", "")
        place.jurisdiction = row.get("jurisdiction", "")
        place.latitude = _json_coordinate(row.get("latitude"))
        place.longitude = _json_coordinate(row.get("longitude"))
        place.source = row.get("source", "")[:_SOURCE_MAX]
        try:
            place.full_clean()
        except ValidationError as exc:
            raise PlacesDataError(f"{path}: {row['name']}: {exc.messages}") from exc
        place.save()
    return len(districts), len(place_rows)


def _json_coordinate(value: object) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))
