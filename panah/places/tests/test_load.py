"""The bundled Balochistan data loads cleanly, twice, and cites a source for every place."""

from __future__ import annotations

import json

import pytest

from panah.places.models import District, Place
from panah.places.services import DEFAULT_DATA, places_load

pytestmark = pytest.mark.django_db


def test_the_bundled_data_loads_and_a_second_load_changes_nothing():
    districts, places = places_load()
    assert (District.objects.count(), Place.objects.count()) == (districts, places)
    before = list(Place.objects.values())
    places_load()
    assert list(Place.objects.values()) == before


def test_every_bundled_place_has_a_source_and_coordinates_only_with_one_for_them():
    document = json.loads(DEFAULT_DATA.read_text(encoding="utf-8"))
    for row in document["places"]:
        assert row["source"], row["name"]
        if row.get("latitude"):
            assert "coordinates:" in row["source"], row["name"]


def test_the_chaman_crossing_is_placed_at_its_published_coordinates():
    places_load()
    chaman = Place.objects.get(name="Chaman (Bab-e-Dosti)")
    assert (str(chaman.latitude), str(chaman.longitude)) == ("30.922220", "66.444720")
