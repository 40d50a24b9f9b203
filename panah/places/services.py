"""Loading the public reference data (districts and places)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from panah.places.models import District, Place

DEFAULT_DATA = Path(__file__).resolve().parent / "data" / "balochistan.json"


@transaction.atomic
def places_load(path: Path = DEFAULT_DATA) -> tuple[int, int]:
    """Create or update districts and places from a JSON file; return how many of each."""
    document = json.loads(path.read_text(encoding="utf-8"))
    province = document["province"]
    districts: dict[str, District] = {}
    for row in document["districts"]:
        district, _created = District.objects.update_or_create(
            province=province, name=row["name"], defaults={"name_ur": row.get("name_ur", "")}
        )
        districts[district.name] = district
    for row in document["places"]:
        Place.objects.update_or_create(
            district=districts[row["district"]],
            kind=row["kind"],
            name=row["name"],
            defaults={
                "name_ur": row.get("name_ur", ""),
                "address": row.get("address", ""),
                "source": row.get("source", "")[:250],
            },
        )
    return len(districts), len(document["places"])
