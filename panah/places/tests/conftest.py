"""Fixtures for the places tests: two districts, and a quick way to import a file."""

from __future__ import annotations

import io
from typing import Any

import pytest

from panah.places.formats import COLUMNS
from panah.places.models import District
from panah.places.services import ImportResult, places_import
from panah.testing.factories import DistrictFactory

HEADER = ",".join(COLUMNS)


@pytest.fixture
def districts(db: Any) -> dict[str, District]:
    return {
        "Quetta": DistrictFactory(name="Quetta", name_ur="کوئٹہ"),
        "Chagai": DistrictFactory(name="Chagai", name_ur="چاغی"),
    }


def run_import(
    data: str | bytes, *, file_format: str = "csv", actor: Any = None, **kwargs: Any
) -> ImportResult:
    """Import `data` (text is encoded as UTF-8) as the command line would, or as `actor`."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return places_import(
        actor, io.BytesIO(raw), format=file_format, file_name=f"places.{file_format}", **kwargs
    )


def reasons_by_location(result: ImportResult) -> dict[int, list[str]]:
    return {row.location: row.reasons for row in result.rejected}
