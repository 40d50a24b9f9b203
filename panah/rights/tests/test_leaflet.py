"""Printable leaflets: one A4 page, Arabic script shaped and in reading order."""

from __future__ import annotations

import io
import shutil
import subprocess

import pytest
from django.urls import reverse
from pypdf import PdfReader

from panah.rights.tests.factories import published

pytestmark = pytest.mark.django_db


@pytest.fixture
def library(personas, actor_of, settings):
    settings.PANAH_HELPLINE_NUMBER = "+92 81 1234567"
    return published(actor_of(personas["a"]["advocate"]), actor_of(personas["a"]["coordinator"]))


def _pdf(client, language):
    url = reverse("rights:leaflet", kwargs={"language": language, "slug": "arrest-24-hours"})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(pdf)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "poppler-utils is installed by `make system-deps`"
    result = subprocess.run(  # noqa: S603 - fixed command on our own file
        [pdftotext, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    )
    return result.stdout


@pytest.mark.parametrize("language", ["en", "ur", "ps", "fa"])
def test_each_language_prints_on_one_a4_page_with_the_helpline(client, library, language):
    reader = PdfReader(io.BytesIO(_pdf(client, language)))
    assert len(reader.pages) == 1
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4 in points
    fonts = {
        str(font["/BaseFont"])
        for font in (reader.pages[0]["/Resources"]["/Font"].get_object().values())
    }
    expected = {"en": "Noto-Sans", "ur": "Noto-Nastaliq-Urdu", "ps": "Noto-Naskh-Arabic"}
    assert any(expected.get(language, "Noto-Naskh-Arabic") in font for font in fonts), fonts


def test_the_urdu_leaflet_is_laid_out_right_to_left_with_its_latin_parts_intact(
    client, library, tmp_path
):
    text = _text(_pdf(client, "ur"), tmp_path)
    # pdftotext marks each right-to-left run it finds with RLE (U+202B) ... PDF (U+202C).
    # It cannot give the Urdu words back letter for letter: Noto draws the dots of ب ت ن ی
    # as separate glyphs, and a PDF maps each glyph to one character (checked by eye on the
    # rendered page instead; see docs/rights.md). The Latin parts must come out exactly.
    assert "\u202b" in text and "\u202c" in text
    assert "+92 81 1234567" in text
    assert "Code of Criminal Procedure 1898, s. 61" in text


def test_a_draft_has_no_leaflet(client, db):
    url = reverse("rights:leaflet", kwargs={"language": "en", "slug": "arrest-24-hours"})
    assert client.get(url).status_code == 404
