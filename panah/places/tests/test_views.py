"""Places pages: the list and exports for any staff, the import for coordinators and admins."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from panah.core.access import Role
from panah.places.models import Place, PlaceImport
from panah.places.tests.conftest import HEADER
from panah.testing.factories import PlaceFactory

pytestmark = pytest.mark.django_db

MANAGERS = {Role.COORDINATOR, Role.ORG_ADMIN}
MIXED = (
    HEADER + "\n"
    "police_station,Jinnah Town Police Station,,Quetta,,,30.2,67.0,\n"  # line 2: good
    "prison,Central Jail,,Quetta,,,,,\n"  # line 3: unknown kind
    "police_station,Nowhere,,Queta,,,,,\n"  # line 4: unknown district
)


def upload(text: str | bytes = MIXED, name: str = "stations.csv") -> SimpleUploadedFile:
    raw = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, raw, content_type="text/csv")


@pytest.mark.parametrize("role", Role.values)
def test_only_coordinators_and_admins_open_the_import_page_and_post_to_it(
    client, personas, districts, role
):
    client.force_login(personas["a"][role])
    page = client.get(reverse("places:place_import"))
    posted = client.post(reverse("places:place_import"), {"file": upload()})
    expected = 200 if role in MANAGERS else 404
    assert page.status_code == expected, role
    assert posted.status_code == (302 if role in MANAGERS else 404), role
    if role not in MANAGERS:
        assert not Place.objects.exists() and not PlaceImport.objects.exists()


@pytest.mark.parametrize("role", Role.values)
def test_every_staff_member_sees_the_list_and_downloads_the_exports(
    client, personas, districts, role
):
    PlaceFactory(district=districts["Quetta"])
    client.force_login(personas["a"][role])
    page = client.get(reverse("places:place_list"))
    assert page.status_code == 200
    assert "Brewery Police Station" in page.content.decode()
    assert (reverse("places:place_import") in page.content.decode()) == (role in MANAGERS)
    assert client.get(reverse("places:place_export_csv")).status_code == 200
    assert client.get(reverse("places:place_export_geojson")).status_code == 200


def test_the_nav_links_to_places_only_for_those_who_manage_them(client, personas):
    for role in Role.values:
        client.force_login(personas["a"][role])
        html = client.get(reverse("places:place_list")).content.decode()
        link = f'<a href="{reverse("places:place_list")}">Places</a>'
        assert (link in html) == (role in MANAGERS), role


def test_the_list_filters_by_district_and_kind_in_a_fixed_number_of_queries(
    client, personas, districts, django_assert_num_queries
):
    for n in range(5):
        PlaceFactory(district=districts["Quetta"], name=f"Quetta station {n}")
    PlaceFactory(district=districts["Chagai"], kind=Place.Kind.FIA, name="FIA Taftan")
    client.force_login(personas["a"]["operator"])
    url = reverse("places:place_list")
    client.get(url)  # warm the session and the actor
    # Session, user, membership; the chosen district; count and page of places (with their
    # districts); the districts for the filter's menu; the inbox's unread count in the
    # navigation (one aggregate, for staff who answer the line). Not one more per place.
    with django_assert_num_queries(8):
        response = client.get(url, {"district": districts["Chagai"].pk})
    html = response.content.decode()
    assert "FIA Taftan" in html and "Quetta station" not in html
    html = client.get(url, {"kind": "police_station"}).content.decode()
    assert "Quetta station 3" in html and "FIA Taftan" not in html


def test_the_list_answers_htmx_with_only_the_rows(client, personas, districts):
    PlaceFactory(district=districts["Quetta"])
    client.force_login(personas["a"]["operator"])
    response = client.get(reverse("places:place_list"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "Brewery Police Station" in html and "<html" not in html


def test_an_upload_imports_the_good_rows_and_shows_each_rejected_row_with_its_line(
    client, personas, districts
):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(reverse("places:place_import"), {"file": upload()}, follow=True)

    assert Place.objects.get().name == "Jinnah Town Police Station"
    record = PlaceImport.objects.get()
    assert response.redirect_chain == [(reverse("places:import_detail", args=[record.pk]), 302)]
    html = response.content.decode()
    assert "line 3" in html and "Unknown kind “prison”" in html
    assert "line 4" in html and "Unknown district “Queta”" in html
    assert reverse("places:import_rejected", args=[record.pk]) in html
    assert record.file_name == "stations.csv"
    assert (record.created, record.rejected) == (1, 2)


def test_the_rejected_rows_download_as_csv_with_their_lines_and_reasons(
    client, personas, districts
):
    client.force_login(personas["a"]["coordinator"])
    client.post(reverse("places:place_import"), {"file": upload()})
    record = PlaceImport.objects.get()
    response = client.get(reverse("places:import_rejected", args=[record.pk]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == HEADER + ",rejected_at,reasons"
    assert lines[1].startswith('prison,Central Jail,,Quetta,,,,,,line 3,"Unknown kind')
    assert lines[2].startswith('police_station,Nowhere,,Queta,,,,,,line 4,"Unknown district')


def test_a_geojson_upload_is_recognised_by_its_name(client, personas, districts):
    document = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [67.0, 30.2]},
                "properties": {"kind": "court", "name": "Sessions Court", "district": "Quetta"},
            }
        ],
    }
    client.force_login(personas["a"]["org_admin"])
    client.post(
        reverse("places:place_import"), {"file": upload(json.dumps(document), "places.geojson")}
    )
    assert Place.objects.get().kind == Place.Kind.COURT


def test_a_file_refused_as_a_whole_is_shown_on_the_form(client, personas, districts):
    client.force_login(personas["a"]["coordinator"])
    response = client.post(reverse("places:place_import"), {"file": upload("name\nx\n")})
    assert response.status_code == 200
    assert "The header lacks the required columns: kind, district." in response.content.decode()
    assert not PlaceImport.objects.exists()


def test_the_form_can_create_missing_districts(client, personas, districts):
    client.force_login(personas["a"]["coordinator"])
    data = HEADER + "\nborder_crossing,Badini,,Killa Saifullah,,,,,\n"
    client.post(reverse("places:place_import"), {"file": upload(data)})
    assert not Place.objects.exists()
    client.post(reverse("places:place_import"), {"file": upload(data), "create_districts": "on"})
    assert Place.objects.get().district.name == "Killa Saifullah"


@pytest.mark.parametrize("role", Role.values)
def test_another_organisation_gets_404_for_an_import_and_its_rejected_rows(
    client, personas, districts, role
):
    client.force_login(personas["a"]["coordinator"])
    client.post(reverse("places:place_import"), {"file": upload()})
    record = PlaceImport.objects.get()
    client.force_login(personas["b"][role])
    for name in ("places:import_detail", "places:import_rejected"):
        assert client.get(reverse(name, args=[record.pk])).status_code == 404, (role, name)
    page = client.get(reverse("places:place_import"))
    assert "stations.csv" not in page.content.decode()


def test_the_csv_export_downloads_with_a_dated_name(client, personas, districts):
    PlaceFactory(district=districts["Quetta"])
    client.force_login(personas["a"]["analyst"])
    response = client.get(reverse("places:place_export_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="panah-places-' in response["Content-Disposition"]
    assert "Brewery Police Station" in response.content.decode("utf-8-sig")
    geojson = client.get(reverse("places:place_export_geojson"))
    assert geojson["Content-Type"] == "application/geo+json"
    assert json.loads(geojson.content)["features"][0]["properties"]["district"] == "Quetta"


def test_anonymous_visitors_are_sent_to_log_in(client, districts):
    for name in ("places:place_list", "places:place_import", "places:place_export_csv"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))
