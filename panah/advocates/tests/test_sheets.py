"""Police station sheets: one A4 page per station, a ZIP per district, printed for the stations.

The Urdu is checked the way a reader's tools see it: `pdftotext -layout` must give the Urdu
sentences back word for word and in reading order (issue 3, "Done when").
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile

import polib
import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from pypdf import PdfReader

from panah.advocates import sheets
from panah.advocates.tests.factories import ListedAdvocateFactory
from panah.audit.models import AuditEvent
from panah.conftest import PASSWORD
from panah.places.models import Place
from panah.testing.factories import DistrictFactory, PlaceFactory, UserFactory

pytestmark = pytest.mark.django_db

HELPLINE = "+92 81 1234567"

# Translations of the sheet's sentences, compiled into a catalogue ahead of the project's, so
# these tests print real Urdu, Pashto and Dari whatever state the project's catalogues are in.
# (The same wording is proposed for panah/locale; a reviewer may change it there.)
CATALOGUE = {
    "ur": {
        "Free legal help for Afghan refugees": "افغان پناہ گزینوں کے لیے مفت قانونی مدد",
        "%(kind)s in %(district)s district": "%(kind)s، ضلع %(district)s",
        "If an Afghan refugee is arrested or held here, call the Panah helpline at once. "
        "The help of a lawyer is free.": "اگر کسی افغان پناہ گزین کو یہاں گرفتار کیا جائے یا "
        "روکا جائے تو فوری طور پر پناہ ہیلپ لائن پر کال کریں۔ وکیل کی مدد مفت ہے۔",
        "Panah helpline": "پناہ ہیلپ لائن",
        "Scan the code to call the helpline.": "ہیلپ لائن پر کال کرنے کے لیے کوڈ اسکین کریں۔",
        "Advocates who cover this station": "وہ وکلا جو اس تھانے میں پیش ہوتے ہیں",
        "Name": "نام",
        "Phone": "فون",
        "Languages": "زبانیں",
        "Advocates on duty change: call the helpline.": (
            "ڈیوٹی پر موجود وکلا بدلتے رہتے ہیں، ہیلپ لائن پر کال کریں۔"
        ),
        "No advocate is listed for this station yet: call the helpline.": (
            "اس تھانے کے لیے ابھی کوئی وکیل درج نہیں، ہیلپ لائن پر کال کریں۔"
        ),
        "Generated on %(date)s": "%(date)s کو تیار کیا گیا",
        "Police station": "تھانہ",
    },
    "ps": {
        "Afghan refugees: call the Panah helpline for free legal help.": (
            "افغان کډوالو، د وړیا حقوقي مرستې لپاره د پناه مرستندویه کرښې ته زنګ ووهئ"
        ),
    },
    "fa": {
        "Afghan refugees: call the Panah helpline for free legal help.": (
            "پناهجویان افغان، برای کمک حقوقی رایگان به خط کمک پناه زنگ بزنید"
        ),
    },
}
# pdftotext (poppler 22.12) counts ASCII punctuation as left-to-right: on a page it reads as
# left-to-right overall, an Arabic-script line "A: B" comes out as "B : A". The wording above
# uses Arabic-script punctuation (، ۔), as Urdu, Pashto and Dari normally do.

# pdftotext marks right-to-left runs with embedding controls; the words are what count.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e"))


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.translate(_BIDI_CONTROLS))


def _assert_in_order(text: str, phrases: list[str]) -> None:
    """Assert that each phrase's words appear together, and the phrases in this order."""
    words, start = _words(text), 0
    for phrase in phrases:
        wanted = _words(phrase)
        found = next(
            (
                i
                for i in range(start, len(words) - len(wanted) + 1)
                if words[i : i + len(wanted)] == wanted
            ),
            None,
        )
        assert found is not None, f"{phrase!r} not found in order in:\n{text}"
        start = found + len(wanted)


@pytest.fixture
def catalogue(settings, tmp_path):
    for language, entries in CATALOGUE.items():
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        for msgid, msgstr in entries.items():
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        directory = tmp_path / "locale" / language / "LC_MESSAGES"
        directory.mkdir(parents=True)
        po.save_as_mofile(str(directory / "django.mo"))
    # Changing LOCALE_PATHS makes Django reload its catalogues (and again when restored).
    settings.LOCALE_PATHS = [tmp_path / "locale", *settings.LOCALE_PATHS]


@pytest.fixture(autouse=True)
def _helpline(settings):
    settings.PANAH_HELPLINE_NUMBER = HELPLINE
    cache.clear()


@pytest.fixture
def station(db):
    return PlaceFactory(
        name="City Police Station", name_ur="تھانہ سٹی", district=DistrictFactory(name="Quetta")
    )


def _advocate(name: str, *, covers, **kwargs):
    first, last = name.split()
    return ListedAdvocateFactory(
        user=UserFactory(first_name=first, last_name=last), covers=covers, **kwargs
    )


def _text(pdf: bytes, tmp_path, *options: str) -> str:
    path = tmp_path / "sheet.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by `make system-deps`"
    result = subprocess.run(
        [pdftotext, "-enc", "UTF-8", *options, str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def _phrases(language: str, *msgids: str) -> list[str]:
    with translation.override(language):
        return [gettext(msgid) for msgid in msgids]


# --- the PDF ----------------------------------------------------------------------------------


def test_a_sheet_is_one_a4_page_with_the_helpline_and_the_advocates(station, tmp_path):
    _advocate("Ayesha Khan", covers=[station], phone="+923001234567", languages=["ur", "ps"])
    _advocate("Bilal Ahmed", covers=[station.district], phone="+923337654321")

    pdf = sheets.station_sheet_pdf(station)

    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    text = _text(pdf, tmp_path, "-layout")
    for phrase in _phrases(
        "en",
        "Free legal help for Afghan refugees",
        "Panah helpline",
        "Advocates who cover this station",
        "Advocates on duty change: call the helpline.",
    ):
        assert phrase in text
    assert "City Police Station" in text
    assert "Police station in Quetta district" in text
    assert HELPLINE in text
    # Sorted by name; phones grouped for reading and left to right; languages in themselves.
    _assert_in_order(text, ["Ayesha Khan", "Bilal Ahmed"])
    assert "+92 300 1234567" in text
    assert "+92 333 7654321" in text
    assert "اردو · پښتو" in text


def test_the_urdu_comes_back_from_pdftotext_word_for_word_in_reading_order(
    catalogue, station, tmp_path
):
    _advocate("Ayesha Khan", covers=[station])

    text = _text(sheets.station_sheet_pdf(station), tmp_path, "-layout")

    urdu = _phrases(
        "ur",
        "Free legal help for Afghan refugees",
        "If an Afghan refugee is arrested or held here, call the Panah helpline at once. "
        "The help of a lawyer is free.",
    )
    _assert_in_order(
        text,
        [
            urdu[0],
            "تھانہ سٹی",
            "تھانہ، ضلع کوئٹہ",
            urdu[1],
            *_phrases(
                "ur",
                "Panah helpline",
                "Scan the code to call the helpline.",
                "Advocates who cover this station",
                "Advocates on duty change: call the helpline.",
            ),
        ],
    )
    for header in _phrases("ur", "Name", "Phone", "Languages"):
        assert header in _words(text)
    # Urdu first, then English.
    assert text.index("تھانہ سٹی") < text.index("City Police Station")


def test_the_pashto_and_dari_lines_come_from_the_catalogues(catalogue, station, tmp_path):
    line = "Afghan refugees: call the Panah helpline for free legal help."

    text = _text(sheets.station_sheet_pdf(station), tmp_path, "-layout")

    _assert_in_order(text, [*_phrases("ps", line), *_phrases("fa", line)])


def test_the_qr_code_calls_the_helpline_or_opens_the_rights_library(station, settings, monkeypatch):
    payloads = []
    real = sheets.qr_data_uri
    monkeypatch.setattr(sheets, "qr_data_uri", lambda p: payloads.append(p) or real(p))
    settings.PANAH_BASE_URL = "https://panah.example.org/"

    sheets.station_sheet_pdf(station)
    settings.PANAH_HELPLINE_NUMBER = ""
    sheets.station_sheet_pdf(station)

    assert payloads[0] == "tel:+92811234567"
    assert payloads[-1] == "https://panah.example.org/rights/"


def test_without_a_number_the_sheet_names_the_helpline(station, settings, tmp_path):
    settings.PANAH_HELPLINE_NUMBER = ""

    text = _text(sheets.station_sheet_pdf(station), tmp_path, "-layout")

    assert "the Panah helpline" in text
    assert "Scan the code to read your rights online." in text


def test_only_active_verified_consenting_advocates_are_printed(station, tmp_path):
    elsewhere = PlaceFactory(name="Other Police Station", district=station.district)
    other_district = DistrictFactory(name="Pishin")
    _advocate("Listed Here", covers=[station])
    _advocate("Not Listed", covers=[station], listed_on_sheets=False)
    _advocate("Not Verified", covers=[station], verified_at=None)
    _advocate("Not Active", covers=[station], is_active=False)
    gone = _advocate("Left Panah", covers=[station])
    gone.user.is_active = False
    gone.user.save(update_fields=["is_active"])
    _advocate("Other Station", covers=[elsewhere])
    _advocate("Other District", covers=[other_district])

    text = _text(sheets.station_sheet_pdf(station), tmp_path, "-layout")

    assert "Listed Here" in text
    for name in (
        "Not Listed",
        "Not Verified",
        "Not Active",
        "Left Panah",
        "Other Station",
        "Other District",
    ):
        assert name not in text


def test_a_station_without_advocates_says_to_call_the_helpline(station, tmp_path):
    text = _text(sheets.station_sheet_pdf(station), tmp_path, "-layout")

    assert "No advocate is listed for this station yet: call the helpline." in text


def test_a_long_list_still_fits_one_page(station):
    for n in range(30):
        _advocate(f"Advocate Number{n:02d}", covers=[station], languages=["ur", "ps", "fa", "en"])

    assert len(PdfReader(io.BytesIO(sheets.station_sheet_pdf(station))).pages) == 1


def test_a_sheet_is_reused_until_what_it_prints_changes(station, tmp_path, monkeypatch):
    advocate = _advocate("Ayesha Khan", covers=[station], phone="+923001234567")
    renders = []
    real = sheets.render_pdf
    monkeypatch.setattr(sheets, "render_pdf", lambda *a, **k: renders.append(1) or real(*a, **k))

    first = sheets.station_sheet_pdf(station)
    again = sheets.station_sheet_pdf(station)
    advocate.phone = "+923009999999"
    advocate.save(update_fields=["phone"])
    changed = sheets.station_sheet_pdf(station)

    assert again == first
    assert len(renders) == 2
    assert changed != first
    text = _text(changed, tmp_path, "-layout")
    assert "+92 300 9999999" in text
    assert "+92 300 1234567" not in text


def test_a_new_advocate_on_the_rota_changes_the_sheet(station, tmp_path):
    before = sheets.station_sheet_pdf(station)
    _advocate("Zainab Noor", covers=[station.district])

    after = sheets.station_sheet_pdf(station)

    assert after != before
    assert "Zainab Noor" in _text(after, tmp_path, "-layout")


def test_the_district_zip_holds_one_sheet_per_station(station):
    district = station.district
    thana = PlaceFactory(
        name="Kuchlak", kind=Place.Kind.LEVIES_THANA, district=district, name_ur="کچلاک"
    )
    PlaceFactory(name="Quetta Court", kind=Place.Kind.COURT, district=district)
    PlaceFactory(name="Elsewhere", district=DistrictFactory(name="Chaman"))

    archive = zipfile.ZipFile(io.BytesIO(sheets.district_sheets_zip(district)))

    names = sorted(archive.namelist())
    assert names == ["city-police-station.pdf", "kuchlak-levies-thana.pdf"]
    assert all(name.isascii() for name in names)
    for name in names:
        assert len(PdfReader(io.BytesIO(archive.read(name))).pages) == 1
    assert archive.read("kuchlak-levies-thana.pdf") == sheets.station_sheet_pdf(thana)


# --- the pages and downloads ------------------------------------------------------------------


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


@pytest.mark.parametrize("role", ["coordinator", "case_manager", "operator", "org_admin"])
def test_staff_who_print_sheets_get_the_page_and_the_downloads(client, personas, station, role):
    _login(client, personas["a"][role])

    page = client.get(reverse("sheets:sheet_list"))
    pdf = client.get(reverse("sheets:sheet_pdf", kwargs={"place_id": station.pk}))
    archive = client.get(
        reverse("sheets:district_zip", kwargs={"district_id": station.district_id})
    )

    assert page.status_code == 200
    assert "City Police Station" in page.content.decode()
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == (
        'attachment; filename="panah-sheet-quetta-city-police-station.pdf"'
    )
    assert pdf["Cache-Control"] == "no-store"
    assert archive.status_code == 200
    assert archive["Content-Type"] == "application/zip"
    assert archive["Content-Disposition"] == 'attachment; filename="panah-sheets-quetta.zip"'
    assert archive["Cache-Control"] == "no-store"


@pytest.mark.parametrize("role", ["analyst", "advocate"])
def test_analysts_and_advocates_get_404(client, personas, station, role):
    _login(client, personas["a"][role])

    for url in (
        reverse("sheets:sheet_list"),
        reverse("sheets:sheet_pdf", kwargs={"place_id": station.pk}),
        reverse("sheets:district_zip", kwargs={"district_id": station.district_id}),
    ):
        assert client.get(url).status_code == 404


def test_the_sheet_is_the_same_whoever_prints_it(client, personas, station, tmp_path):
    # A public notice for the station: every organisation's consenting advocates are on it.
    _advocate("Ayesha Khan", covers=[station], organisation=personas["b"]["org"])
    url = reverse("sheets:sheet_pdf", kwargs={"place_id": station.pk})
    _login(client, personas["a"]["coordinator"])
    from_a = client.get(url).content
    _login(client, personas["b"]["operator"])

    assert client.get(url).content == from_a
    assert "Ayesha Khan" in _text(from_a, tmp_path, "-layout")


def test_anonymous_visitors_are_sent_to_log_in(client, station):
    response = client.get(reverse("sheets:sheet_pdf", kwargs={"place_id": station.pk}))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_a_place_that_is_not_a_station_has_no_sheet(client, personas, station):
    court = PlaceFactory(name="Quetta Court", kind=Place.Kind.COURT, district=station.district)
    _login(client, personas["a"]["coordinator"])

    url = reverse("sheets:sheet_pdf", kwargs={"place_id": court.pk})

    assert client.get(url).status_code == 404


def test_each_download_is_audited_with_ids_only(client, personas, station):
    listed = _advocate("Ayesha Khan", covers=[station], phone="+923001234567")
    coordinator = personas["a"]["coordinator"]
    _login(client, coordinator)

    client.get(reverse("sheets:sheet_pdf", kwargs={"place_id": station.pk}))
    client.get(reverse("sheets:district_zip", kwargs={"district_id": station.district_id}))

    events = list(AuditEvent.objects.filter(action="export").order_by("id"))
    assert [(e.object_type, e.object_id) for e in events] == [
        ("place", str(station.pk)),
        ("advocate", str(listed.pk)),
        ("district", str(station.district_id)),
        ("advocate", str(listed.pk)),
    ]
    assert {e.actor_id for e in events} == {coordinator.pk}
    assert {e.organisation_id for e in events} == {personas["a"]["org"].pk}
    assert events[1].fields == ["languages", "name", "phone"]
    # Field names and ids only, never the values printed.
    assert not any("Ayesha" in str(e.fields) or "1234567" in str(e.fields) for e in events)


def test_the_page_lists_each_station_with_its_advocates_in_few_queries(
    client, personas, station, django_assert_max_num_queries
):
    for n in range(5):
        place = PlaceFactory(name=f"Station {n}", district=station.district)
        _advocate(f"Advocate Number{n}", covers=[place, station.district])
    _advocate("Only Here", covers=[station])
    _login(client, personas["a"]["coordinator"])

    with django_assert_max_num_queries(10):
        response = client.get(reverse("sheets:sheet_list"))

    rows = {row.place.name: row.advocates for row in response.context["districts"][0].stations}
    assert rows["City Police Station"] == 6
    assert rows["Station 0"] == 5
