"""The shipped flow, and the lists of the shipped Balochistan places as a pure catalog."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import pytest

from panah.dispatch.tests.conftest import rota  # noqa: F401 - the dispatch fixtures
from panah.selfservice.engine import Catalog, Flow, Option
from panah.selfservice.flows import load_flow

PLACES_FILE = Path(__file__).resolve().parents[2] / "places" / "data" / "balochistan.json"
LANGUAGES = ("en", "ur", "ps", "fa")
NOW = datetime.datetime(2026, 5, 1, 12, 0, tzinfo=datetime.UTC)


def places_catalog() -> Catalog:
    """The districts and arrest places of the shipped data file, ids made up (no database)."""
    data = json.loads(PLACES_FILE.read_text(encoding="utf-8"))
    ids = {d["name"]: str(i) for i, d in enumerate(data["districts"], start=1)}

    def option(key: str, item: dict[str, str]) -> Option:
        local = item.get("name_ur") or item["name"]
        return Option(
            key,
            {"en": item["name"], "ur": local, "ps": local, "fa": local},
            (item["name"], item.get("name_ur", "")),
        )

    stations: dict[str, list[Option]] = {}
    for index, place in enumerate(data["places"]):
        if place["kind"] in {"police_station", "levies_thana", "fia"}:
            stations.setdefault(ids[place["district"]], []).append(option(f"p{index}", place))
    return Catalog(
        {
            "districts": {"": tuple(option(ids[d["name"]], d) for d in data["districts"])},
            "police_stations": {k: tuple(v) for k, v in stations.items()},
        }
    )


@pytest.fixture(scope="session")
def flow() -> Flow:
    return load_flow()


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return places_catalog()
