"""GeoJSON import: good features are imported, each bad one reported by its number (from 1)."""

from __future__ import annotations

import json

import pytest

from panah.places.formats import PlacesFileError
from panah.places.models import Place
from panah.places.tests.conftest import reasons_by_location, run_import

pytestmark = pytest.mark.django_db


def feature(name, *, kind="police_station", district="Quetta", coordinates=None, **properties):
    geometry = None if coordinates is None else {"type": "Point", "coordinates": coordinates}
    return {
        "type": "Feature",
        "geometry": geometry,
        "properties": {"kind": kind, "name": name, "district": district, **properties},
    }


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def test_good_features_are_imported_and_each_bad_one_is_reported_by_number(districts):
    result = run_import(
        collection(
            feature("Brewery Police Station", coordinates=[67.012, 30.198], fid=7),  # 1: good
            feature("Central Jail", kind="prison"),  # 2: unknown kind
            feature("Nowhere PS", district="Queta"),  # 3: unknown district
            feature("Swapped PS", coordinates=[30.198, 67.012]),  # 4: [lat, lon], not [lon, lat]
            {"type": "Feature", "geometry": {"type": "LineString", "coordinates": []}},  # 5
            feature("", coordinates=[67, 30]),  # 6: no name
            feature("brewery police station"),  # 7: feature 1 again
            feature("Text coordinates", coordinates=["67", 30]),  # 8
            feature("Noor Wahab", district="Chagai", name_ur="نور وہاب"),  # 9: good
            "not a feature",  # 10
            feature("Numbered", address=12, source=["a list"]),  # 11: a property not text
        ),
        file_format="geojson",
    )
    assert sorted(Place.objects.values_list("name", flat=True)) == [
        "Brewery Police Station",
        "Noor Wahab",
    ]
    reasons = reasons_by_location(result)
    assert sorted(reasons) == [2, 3, 4, 5, 6, 7, 8, 10, 11]
    assert "Unknown kind “prison”" in reasons[2][0]
    assert "Unknown district “Queta”" in reasons[3][0]
    assert "are latitude and longitude swapped?" in reasons[4][0]
    assert reasons[5] == [
        "The geometry must be a Point with coordinates [longitude, latitude], or null."
    ]
    assert reasons[6] == ["The name is missing."]
    assert reasons[7] == ["Same district, kind and name as feature 1."]
    assert reasons[8] == ["The coordinates must be numbers."]
    assert reasons[10] == ["This is not a GeoJSON Feature."]
    assert reasons[11] == ["The property “source” must be text."]
    place = Place.objects.get(name="Brewery Police Station")
    assert (str(place.latitude), str(place.longitude)) == ("30.198000", "67.012000")


def test_a_null_geometry_clears_the_coordinates_and_a_missing_one_keeps_them(districts):
    run_import(
        collection(feature("Brewery Police Station", coordinates=[67, 30])), file_format="geojson"
    )
    missing = feature("Brewery Police Station", address="Brewery Road")
    del missing["geometry"]
    run_import(collection(missing), file_format="geojson")
    place = Place.objects.get()
    assert (place.address, place.latitude) == ("Brewery Road", 30)

    run_import(collection(feature("Brewery Police Station")), file_format="geojson")
    place.refresh_from_db()
    assert place.latitude is None and place.longitude is None


def test_a_third_coordinate_the_elevation_is_ignored(districts):
    result = run_import(
        collection(feature("Brewery Police Station", coordinates=[67.01, 30.19, 1680])),
        file_format="geojson",
    )
    assert result.created == 1


def test_nul_and_lone_surrogates_are_refused_without_reaching_the_database(districts):
    text = collection(feature("Brewery\u0000 PS"), feature("Bad \ud800 PS"))
    result = run_import(text.encode("utf-8", "surrogatepass"), file_format="geojson")
    assert sorted(reasons_by_location(result)) == [1, 2]
    assert not Place.objects.exists()
    # What is kept of the rows can be stored (and shown) anywhere.
    assert result.record.rejected_rows[0]["row"]["name"] == "Brewery\ufffd PS"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"{", "The file is not valid JSON (line 1, column 2"),
        (b'{"type": "Feature"}', "The file is not a GeoJSON FeatureCollection."),
        (b'{"type": "FeatureCollection", "features": {}}', "not a GeoJSON FeatureCollection"),
        (b"\xff\xfe{}", "The file is not UTF-8 text"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_a_file_that_is_not_a_feature_collection_imports_nothing(districts, data, message):
    with pytest.raises(PlacesFileError) as refused:
        run_import(data, file_format="geojson")
    assert message in refused.value.messages[0]
