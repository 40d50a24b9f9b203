"""`panah places import|export`: row errors on standard error with their line, exit 1."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from panah.places.models import Place, PlaceImport
from panah.places.tests.conftest import HEADER
from panah.testing.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("places", *args, stdout=out, stderr=err)
    except CommandError as exc:
        return out.getvalue(), err.getvalue(), exc.returncode
    return out.getvalue(), err.getvalue(), 0


def test_import_prints_each_rejected_row_with_its_line_and_exits_1(districts, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text(
        HEADER + "\n"
        "police_station,Jinnah Town Police Station,,Quetta,,,,,\n"
        "prison,Central Jail,,Quetta,,,,,\n"
        "police_station,Nowhere,,Queta,,,,,\n",
        encoding="utf-8",
    )
    out, err, status = run("import", str(path))
    assert status == 1
    assert out.strip() == "1 created, 0 updated, 0 unchanged, 2 rejected."
    lines = err.splitlines()
    assert lines[0].startswith("stations.csv, line 3: Unknown kind “prison”")
    assert lines[1].startswith("stations.csv, line 4: Unknown district “Queta”")
    assert Place.objects.get().name == "Jinnah Town Police Station"
    record = PlaceImport.objects.get()
    assert record.imported_by is None and record.organisation_name == ""


def test_import_of_a_clean_file_exits_0(districts, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text(HEADER + "\nfia,FIA Circle,,Quetta,,,,,\n", encoding="utf-8")
    assert run("import", str(path)) == ("1 created, 0 updated, 0 unchanged, 0 rejected.\n", "", 0)


def test_a_refused_file_exits_2_and_imports_nothing(districts, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text("name\nx\n", encoding="utf-8")
    out, err, status = run("import", str(path))
    assert status == 2
    assert not PlaceImport.objects.exists()


def test_geojson_is_read_by_the_file_name_and_features_are_numbered(districts, tmp_path):
    path = tmp_path / "places.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "geometry": None, "properties": {"kind": "court"}},
                ],
            }
        ),
        encoding="utf-8",
    )
    out, err, status = run("import", str(path))
    assert status == 1
    assert err.startswith("places.geojson, feature 1: The name is missing.")


def test_create_districts_is_an_option(districts, tmp_path):
    path = tmp_path / "stations.csv"
    path.write_text(HEADER + "\nborder_crossing,Badini,,Killa Saifullah,,,,,\n", "utf-8")
    assert run("import", str(path), "--create-districts")[2] == 0
    assert Place.objects.get().district.name == "Killa Saifullah"


def test_export_writes_the_chosen_format_to_standard_output(districts, tmp_path):
    PlaceFactory(district=districts["Quetta"])
    out, _err, status = run("export", "--format", "geojson")
    assert status == 0
    assert json.loads(out)["features"][0]["properties"]["name"] == "Brewery Police Station"
    csv_out = run("export")[0]
    assert csv_out.startswith("\ufeff" + HEADER + "\r\n")

    # What export writes, import reads back unchanged.
    path = tmp_path / "places.csv"
    path.write_text(csv_out, encoding="utf-8")
    assert run("import", str(path))[0] == "0 created, 0 updated, 1 unchanged, 0 rejected.\n"
