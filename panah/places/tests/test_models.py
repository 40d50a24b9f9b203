"""Places: coordinates both or neither and inside Pakistan; text that is not a formula."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from panah.places.models import Place

pytestmark = pytest.mark.django_db


def place(district, **values):
    return Place(district=district, kind=Place.Kind.POLICE_STATION, name="Brewery PS", **values)


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [(None, None), ("30.198", "67.012"), ("23.5", "60.8"), ("37.2", "77.9")],
)
def test_coordinates_inside_pakistan_or_none_are_accepted(districts, latitude, longitude):
    p = place(
        districts["Quetta"],
        latitude=latitude and Decimal(latitude),
        longitude=longitude and Decimal(longitude),
    )
    p.full_clean()
    p.save()


@pytest.mark.parametrize(
    ("latitude", "longitude", "field"),
    [
        ("30.2", None, "longitude"),
        (None, "67", "latitude"),
        ("67.012", "30.198", "latitude"),  # swapped
        ("51.5", "-0.12", "latitude"),  # London
        ("23.4", "67", "latitude"),
        ("30", "78", "longitude"),
    ],
)
def test_coordinates_outside_pakistan_or_half_given_are_refused_by_clean_and_the_database(
    districts, latitude, longitude, field
):
    p = place(
        districts["Quetta"],
        latitude=latitude and Decimal(latitude),
        longitude=longitude and Decimal(longitude),
    )
    with pytest.raises(ValidationError) as refused:
        p.full_clean()
    assert field in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        p.save()


@pytest.mark.parametrize("text", ["=SUM(A1)", "+92", "-x", "@cmd", "\tx"])
def test_text_a_spreadsheet_would_run_is_refused(districts, text):
    with pytest.raises(ValidationError) as refused:
        place(districts["Quetta"], address=text).full_clean()
    assert "address" in refused.value.message_dict


def test_a_jurisdiction_may_be_long_but_not_unbounded(districts):
    place(districts["Quetta"], jurisdiction="x" * 1000).full_clean()
    with pytest.raises(ValidationError):
        place(districts["Quetta"], jurisdiction="x" * 1001).full_clean()
