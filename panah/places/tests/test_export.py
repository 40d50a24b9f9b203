"""Export: every place as CSV or GeoJSON, which imports back unchanged."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from panah.places.formats import COLUMNS
from panah.places.models import Place
from panah.places.services import places_export, places_load
from panah.places.tests.conftest import run_import
from panah.testing.factories import PlaceFactory

pytestmark = pytest.mark.django_db

FIELDS = ("kind", "name", "name_ur", "address", "jurisdiction", "latitude", "longitude", "source")

# Places whose text is awkward for CSV and JSON: commas, quotes, new lines, Urdu, emoji.
AWKWARD = [
    {"name": 'Station "A", Quetta', "address": "Line one\nLine two", "jurisdiction": "a, b; c"},
    {"name": "تھانہ سٹی", "name_ur": "تھانہ سٹی", "source": "Jang (Urdu) “quoted”"},
    {"name": "Edge of the box", "latitude": Decimal("23.5"), "longitude": Decimal("77.9")},
    {"name": "Precise", "latitude": Decimal("30.123457"), "longitude": Decimal("66.000001")},
    {"name": "Trailing space kept out", "address": "x", "source": "🙂 emoji"},
]


def snapshot():
    return sorted(
        (p.district.name, *(getattr(p, f) for f in FIELDS))
        for p in Place.objects.select_related("district")
    )


@pytest.mark.parametrize("file_format", ["csv", "geojson"])
def test_an_export_imports_back_unchanged(districts, file_format):
    for values in AWKWARD:
        PlaceFactory(district=districts["Quetta"], **values)
    PlaceFactory(district=districts["Chagai"], kind=Place.Kind.FIA, name="FIA Taftan")
    before = snapshot()
    exported = places_export(file_format)

    result = run_import(exported, file_format=file_format)

    assert (result.created, result.updated, result.unchanged) == (0, 0, len(before))
    assert not result.rejected
    assert snapshot() == before


@pytest.mark.parametrize("file_format", ["csv", "geojson"])
def test_an_export_recreates_every_place_in_an_empty_database(districts, file_format):
    for values in AWKWARD:
        PlaceFactory(district=districts["Quetta"], **values)
    before = snapshot()
    exported = places_export(file_format)
    Place.objects.all().delete()

    result = run_import(exported, file_format=file_format)

    assert result.created == len(before) and not result.rejected
    assert snapshot() == before


def test_the_bundled_demo_data_round_trips():
    places_load()
    before = snapshot()
    for file_format in ("csv", "geojson"):
        result = run_import(places_export(file_format), file_format=file_format)
        assert result.unchanged == len(before) and not result.rejected
    assert snapshot() == before


def test_the_csv_export_has_the_documented_header_and_a_byte_order_mark(districts):
    PlaceFactory(district=districts["Quetta"], latitude=Decimal("30.2"), longitude=Decimal("67"))
    text = places_export("csv")
    assert text.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text[1:])))
    assert tuple(rows[0]) == COLUMNS
    assert rows[0]["latitude"] == "30.200000" and rows[0]["district"] == "Quetta"


def test_the_geojson_export_puts_longitude_first(districts):
    PlaceFactory(district=districts["Quetta"], latitude=Decimal("30.2"), longitude=Decimal("67"))
    PlaceFactory(district=districts["Quetta"], name="No coordinates")
    document = json.loads(places_export("geojson"))
    assert document["type"] == "FeatureCollection"
    geometries = {f["properties"]["name"]: f["geometry"] for f in document["features"]}
    assert geometries["Brewery Police Station"] == {"type": "Point", "coordinates": [67.0, 30.2]}
    assert geometries["No coordinates"] is None


# Text a person could type into a place's fields: any printable character, no leading formula
# sign, no surrounding spaces (the importer strips those).
TEXT = (
    st.text(
        st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"),
        max_size=40,
    )
    .map(str.strip)
    .filter(lambda s: not s.startswith(("=", "+", "-", "@")))
)
LATITUDE = st.decimals(min_value=Decimal("23.5"), max_value=Decimal("37.2"), places=6)
LONGITUDE = st.decimals(min_value=Decimal("60.8"), max_value=Decimal("77.9"), places=6)


@st.composite
def places(draw):
    located = draw(st.booleans())
    return {
        "kind": draw(st.sampled_from(Place.Kind.values)),
        "name": draw(TEXT.filter(bool)),
        "name_ur": draw(TEXT),
        "address": draw(TEXT),
        "jurisdiction": draw(TEXT),
        "source": draw(TEXT),
        "latitude": draw(LATITUDE) if located else None,
        "longitude": draw(LONGITUDE) if located else None,
    }


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    values=st.lists(places(), max_size=6, unique_by=lambda v: (v["kind"], v["name"].casefold())),
    file_format=st.sampled_from(["csv", "geojson"]),
)
def test_any_places_round_trip_through_export_and_import(districts, values, file_format):
    Place.objects.all().delete()
    for v in values:
        Place.objects.create(district=districts["Quetta"], **v)
    before = snapshot()

    exported = places_export(file_format)
    Place.objects.all().delete()
    result = run_import(exported, file_format=file_format)

    assert [r.reasons for r in result.rejected] == []
    assert snapshot() == before
