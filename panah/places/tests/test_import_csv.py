"""CSV import: good rows are imported, each bad row is reported with its line number."""

from __future__ import annotations

import pytest

from panah.places.formats import MAX_BYTES, MAX_ROWS, PlacesFileError
from panah.places.models import District, Place, PlaceImport
from panah.places.tests.conftest import HEADER, reasons_by_location, run_import

pytestmark = pytest.mark.django_db

# Line 1 is the header. Lines 2, 5 and 12 are good; every other line has one problem.
MIXED = (
    HEADER + "\n"
    "police_station,Brewery Police Station,تھانہ بروری,Quetta,Brewery Road,City division,"
    "30.198,67.012,Dawn\n"  # 2: good
    "prison,Central Jail,,Quetta,,,,,\n"  # 3: unknown kind
    "police_station,Nowhere PS,,Queta,,,,,\n"  # 4: unknown district (a typo)
    "fia,FIA Circle Quetta,,quetta,,,,,\n"  # 5: good (district in any case)
    "police_station,Swapped PS,,Quetta,,,67.012,30.198,\n"  # 6: coordinates swapped
    "police_station,Half PS,,Quetta,,,30.1,,\n"  # 7: latitude without longitude
    "police_station,,,Quetta,,,,,\n"  # 8: no name
    "police_station,Brewery police station,,Quetta,,,,,\n"  # 9: line 2 again (case aside)
    "police_station,Not a number PS,,Quetta,,,thirty,67,\n"  # 10: latitude not a number
    "\n"  # 11: blank, skipped
    "border_crossing,Noor Wahab,نور وہاب,Chagai,,,,,facts.md §4.8\n"  # 12: good
    'court,=HYPERLINK("http://x"),,Quetta,,,,,\n'  # 13: a spreadsheet formula
    "court,Too few,Quetta\n"  # 14: wrong number of values
)


def test_good_rows_are_imported_and_each_bad_row_is_reported_with_its_line(districts):
    result = run_import(MIXED)

    assert sorted(Place.objects.values_list("name", flat=True)) == [
        "Brewery Police Station",
        "FIA Circle Quetta",
        "Noor Wahab",
    ]
    reasons = reasons_by_location(result)
    assert sorted(reasons) == [3, 4, 6, 7, 8, 9, 10, 13, 14]
    assert reasons[3] == [
        "Unknown kind “prison”: use one of police_station, levies_thana, fia, court, "
        "holding_centre, border_crossing."
    ]
    assert "Unknown district “Queta”" in reasons[4][0]
    assert "Latitude: 67.012 is outside Pakistan" in reasons[6][0]
    assert "Longitude: 30.198 is outside Pakistan" in reasons[6][1]
    assert reasons[7] == ["Longitude: Give both latitude and longitude, or neither."]
    assert reasons[8] == ["The name is missing."]
    assert reasons[9] == ["Same district, kind and name as line 2."]
    assert reasons[10] == ["The latitude “thirty” is not a number."]
    assert reasons[13] == [
        "Name: Text may not start with =, +, - or @ (a spreadsheet would run it as a formula)."
    ]
    assert reasons[14] == ["This line has 3 values; the header has 9 columns."]
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)


def test_a_good_row_is_stored_with_every_column(districts):
    run_import(MIXED)
    place = Place.objects.get(name="Brewery Police Station")
    assert place.kind == Place.Kind.POLICE_STATION
    assert place.district == districts["Quetta"]
    assert place.name_ur == "تھانہ بروری"
    assert place.address == "Brewery Road"
    assert place.jurisdiction == "City division"
    assert (str(place.latitude), str(place.longitude)) == ("30.198000", "67.012000")
    assert place.source == "Dawn"


def test_the_rejected_rows_keep_what_the_file_said(districts):
    result = run_import(MIXED)
    row = next(r for r in result.rejected if r.location == 3)
    assert row.row == {
        "kind": "prison",
        "name": "Central Jail",
        "name_ur": "",
        "district": "Quetta",
        "address": "",
        "jurisdiction": "",
        "latitude": "",
        "longitude": "",
        "source": "",
    }


def test_the_import_is_recorded_with_its_counts_and_rejected_rows(districts, personas, actor_of):
    coordinator = personas["a"]["coordinator"]
    run_import(MIXED, actor=actor_of(coordinator))
    record = PlaceImport.objects.get()
    assert record.imported_by == coordinator
    assert record.organisation == personas["a"]["org"]
    assert record.organisation_name == "Org A"
    assert record.file_name == "places.csv"
    assert (record.created, record.updated, record.unchanged, record.rejected) == (3, 0, 0, 9)
    assert [r["location"] for r in record.rejected_rows] == [3, 4, 6, 7, 8, 9, 10, 13, 14]


def test_a_byte_order_mark_is_accepted(districts):
    data = "\ufeff" + HEADER + "\npolice_station,Brewery Police Station,,Quetta,,,,,\n"
    result = run_import(data.encode("utf-8"))
    assert result.created == 1 and not result.rejected


def test_a_line_that_is_not_utf8_is_rejected_and_the_others_imported(districts):
    data = (
        HEADER.encode() + b"\n"
        b"police_station,Caf\xe9 Police Station,,Quetta,,,,,\n"  # Latin-1, not UTF-8
        b"police_station,Jinnah Town Police Station,,Quetta,,,,,\n"
    )
    result = run_import(data)
    assert list(Place.objects.values_list("name", flat=True)) == ["Jinnah Town Police Station"]
    assert reasons_by_location(result) == {
        2: ["This line is not UTF-8 text: save the file as “CSV UTF-8” and upload it again."]
    }
    # The undecodable byte is shown as a replacement character, and can be stored anywhere.
    assert result.rejected[0].row["name"] == "Caf\ufffd Police Station"


def test_line_numbers_count_the_lines_of_a_quoted_value_that_spans_several(districts):
    data = (
        HEADER + "\n"
        'police_station,Brewery Police Station,,Quetta,"Brewery Road,\nnear the market",,,,\n'
        "prison,Central Jail,,Quetta,,,,,\n"
    )
    result = run_import(data)
    assert list(reasons_by_location(result)) == [4]
    assert Place.objects.get().address == "Brewery Road,\nnear the market"


def test_a_second_import_updates_on_the_natural_key_and_counts_unchanged_rows(districts):
    run_import(
        HEADER + "\npolice_station,Brewery Police Station,,Quetta,,,,,\n"
        "police_station,Civil Lines Police Station,,Quetta,,,,,\n"
    )
    result = run_import(
        HEADER + "\n"
        "police_station,BREWERY POLICE STATION,,Quetta,Brewery Road,,,,\n"
        "police_station,Civil Lines Police Station,,Quetta,,,,,\n"
    )
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    place = Place.objects.get(address="Brewery Road")
    assert place.name == "BREWERY POLICE STATION"  # the new spelling is kept
    assert Place.objects.count() == 2


def test_a_column_left_out_leaves_that_field_alone_and_an_empty_cell_clears_it(districts):
    run_import(HEADER + "\npolice_station,Brewery Police Station,ur,Quetta,Road,Area,30.2,67,S\n")
    run_import("kind,name,district,source\npolice_station,Brewery Police Station,Quetta,\n")
    place = Place.objects.get()
    assert (place.name_ur, place.address, place.jurisdiction) == ("ur", "Road", "Area")
    assert place.latitude is not None
    assert place.source == ""


def test_unknown_districts_are_created_only_when_asked(districts):
    data = HEADER + "\nborder_crossing,Badini,,Killa Saifullah,,,,,\n"
    refused = run_import(data)
    assert refused.rejected and not District.objects.filter(name="Killa Saifullah").exists()

    result = run_import(data, create_districts=True)
    assert result.created == 1
    assert Place.objects.get().district.name == "Killa Saifullah"


def test_a_place_in_a_new_district_and_its_duplicate_create_one_district(districts):
    result = run_import(
        HEADER + "\n"
        "border_crossing,Badini,,Killa Saifullah,,,,,\n"
        "fia,FIA Badini,,killa saifullah,,,,,\n"
        "fia,fia badini,,Killa Saifullah,,,,,\n",
        create_districts=True,
    )
    assert District.objects.filter(name__iexact="killa saifullah").count() == 1
    assert reasons_by_location(result) == {4: ["Same district, kind and name as line 3."]}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty, or its first line is not the header."),
        (b"name,district\nX,Quetta\n", "The header lacks the required columns: kind."),
        (b"kind,name,district,lattitude\n", "Unknown columns: 'lattitude'."),
        (b"kind,name,district,name\n", "The header names a column twice: name."),
        (b"kind,name,district,latitude\n", "both latitude and longitude, or neither."),
        ("kind,name,district\n".encode("utf-16"), "The file is saved as UTF-16"),
        (b"kind,name,district\n" + b"x" * MAX_BYTES, "larger than 5 MB"),
    ],
)
def test_a_file_that_cannot_be_read_imports_nothing_and_says_why(districts, data, message):
    with pytest.raises(PlacesFileError) as refused:
        run_import(data)
    assert message in refused.value.messages[0]
    assert not PlaceImport.objects.exists()


def test_more_than_the_row_limit_imports_nothing(districts):
    rows = "".join(f"police_station,Station {n},,Quetta,,,,,\n" for n in range(MAX_ROWS + 1))
    with pytest.raises(PlacesFileError, match="more than 20,000 places"):
        run_import(HEADER + "\n" + rows)
    assert not Place.objects.exists()


def test_the_rejected_rows_file_can_be_fixed_and_uploaded_again(districts):
    from panah.places.services import rejected_rows_csv

    first = run_import(HEADER + "\nprison,Central Jail,,Quetta,,,,,\n")
    download = rejected_rows_csv(first.record)
    assert download.startswith("\ufeff" + HEADER + ",rejected_at,reasons\r\n")
    assert "line 2" in download and "Unknown kind" in download

    fixed = download.replace("prison,", "police_station,")
    second = run_import(fixed)
    assert second.created == 1 and not second.rejected


def test_the_rejected_rows_file_does_not_hand_a_formula_to_a_spreadsheet(districts):
    from panah.places.services import rejected_rows_csv

    result = run_import(HEADER + "\ncourt,\"=cmd|' /C calc'!A0\",,Quetta,,,,,\n")
    assert ",'=cmd|" in rejected_rows_csv(result.record)


def test_a_header_that_is_not_utf8_gives_a_message_that_can_be_shown(districts):
    with pytest.raises(PlacesFileError) as refused:
        run_import(b"kind,name,district,caf\xe9\nx,y,z,w\n")
    message = refused.value.messages[0]
    assert "'caf\ufffd'" in message
    message.encode("utf-8")  # no lone surrogate left to break the page


def test_a_trailing_comma_on_every_line_is_harmless(districts):
    result = run_import("kind,name,district,\npolice_station,Brewery Police Station,Quetta,\n")
    assert result.created == 1 and not result.rejected
