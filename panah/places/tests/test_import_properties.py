"""Whatever CSV text arrives, the importer answers with a result or a file error, never a
crash, and a row it reports as bad is never imported."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from panah.places.formats import COLUMNS, PlacesFileError, read_csv
from panah.places.models import Place, PlaceImport
from panah.places.tests.conftest import HEADER, run_import

# Per column, values that are good, so that many rows are imported ...
GOOD = {
    "kind": st.sampled_from(["police_station", "fia", "Court", " levies_thana "]),
    "name": st.sampled_from(["Brewery PS", "brewery ps", "City PS", "تھانہ سٹی", 'A "B", C']),
    "name_ur": st.sampled_from(["", "تھانہ بروری"]),
    "district": st.sampled_from(["Quetta", "quetta ", "Chagai"]),
    "address": st.sampled_from(["", "Road 1, Quetta", "line\nbreak"]),
    "jurisdiction": st.sampled_from(["", "City division"]),
    "latitude": st.sampled_from(["", "30.2", "30.1234567", "23.5"]),
    "longitude": st.sampled_from(["", "67", "66.4447200", "77.9"]),
    "source": st.sampled_from(["", "Dawn, 2024"]),
}
# ... and cells that are nearly good or hostile, so the rows land on every branch.
CELLS = st.one_of(
    st.sampled_from(["prison", "Queta", "NaN", "1e999", "-1", "67.0", " ", "", "=1+1", "@x"]),
    st.sampled_from(['"', '""', ",", "\n", "\r", "\x00", "\ufeff", "\ud800", "x" * 300]),
    st.text(max_size=12),
)
OTHER_HEADERS = st.sampled_from(["KIND, Name ,district", "kind,name", ""]) | st.text(max_size=40)


@st.composite
def headers(draw):
    """Mostly the full header, so rows get checked; sometimes another or a broken one."""
    return draw(OTHER_HEADERS) if draw(st.integers(0, 3)) == 0 else HEADER


@st.composite
def lines(draw):
    """One line of a CSV file: mostly a well-formed row, sometimes broken on purpose."""
    cells = [draw(CELLS if draw(st.integers(0, 9)) == 0 else GOOD[c]) for c in COLUMNS]
    if draw(st.integers(0, 5)) == 0:
        cells = cells[: draw(st.integers(0, 11))]
    if draw(st.booleans()):
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        return out.getvalue()
    # Joined naively: quotes and new lines inside cells make broken CSV.
    return ",".join(cells)


def key(kind: str, name: str, district: str) -> tuple[str, str, str]:
    return (district.strip().casefold(), kind.strip().lower(), name.strip().casefold())


def coordinate(text: str) -> Decimal | None:
    return Decimal(text).quantize(Decimal("0.000001")) if text else None


def check(data: bytes) -> None:
    """Import `data`; the places stored must be exactly the rows not reported as bad."""
    with transaction.atomic():
        try:
            result = run_import(data)
        except PlacesFileError:
            event("file refused")
            assert not Place.objects.exists()
            assert not PlaceImport.objects.exists()
        else:
            refused = {row.location for row in result.rejected}
            event(f"imported: {bool(result.created)}, rejected: {bool(refused)}")
            assert all(row.reasons for row in result.rejected)
            accepted = [row for row in read_csv(data) if row.location not in refused]
            stored = {
                key(p.kind, p.name, p.district.name): p
                for p in Place.objects.select_related("district")
            }
            assert result.created == len(accepted) == len(stored)
            for row in accepted:
                values = {name: value.strip() for name, value in row.values.items()}
                place = stored[key(values["kind"], values["name"], values["district"])]
                assert place.name == values["name"]
                for name in ("name_ur", "address", "jurisdiction", "source"):
                    assert getattr(place, name) == values.get(name, "")
                for axis in ("latitude", "longitude"):
                    assert getattr(place, axis) == coordinate(values.get(axis, ""))
        transaction.set_rollback(True)


@pytest.mark.django_db
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    header=headers(),
    body=st.lists(lines(), max_size=12),
)
def test_any_csv_text_gives_a_result_or_a_file_error_and_bad_rows_are_never_imported(
    districts, header, body
):
    check("\n".join([header, *body]).encode("utf-8", "surrogatepass"))


@pytest.mark.django_db
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.binary(max_size=400))
def test_any_bytes_after_a_good_header_give_a_result_or_a_file_error(districts, data):
    check(HEADER.encode() + b"\n" + data)
