"""One-page printable leaflets (A4) rendered with WeasyPrint.

WeasyPrint lays text out with Pango and HarfBuzz, so Urdu, Pashto and Dari are shaped and
ordered correctly; the fonts are the project's vendored OFL fonts, read from disk, so a
leaflet renders the same on a machine with no network and no system Arabic fonts (the shared
helpers are in `panah.core.pdf`).
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.template.loader import render_to_string

from panah.core.pdf import FONT_FILES, PdfUnavailable, font_uri, qr_data_uri, render_pdf
from panah.rights.models import ArticleVersion
from panah.rights.render import body_html, helpline_number, summary_text

# Urdu readers expect Nastaliq; Pashto and Dari are printed in Naskh.
FONT_FAMILIES = {"en": "Noto Sans", "ur": "Noto Nastaliq Urdu", "ps": "Noto Naskh Arabic"}
FONT_FAMILIES["fa"] = FONT_FAMILIES["ps"]

# WeasyPrint or its system libraries (Pango) are missing on this server (the views catch it).
LeafletUnavailable = PdfUnavailable

# Nastaliq's letters climb and descend far more than Naskh's or Latin's: give its lines room.
LINE_HEIGHTS = {"Noto Nastaliq Urdu": 2.0}
# Tried in turn until the leaflet fits one page: a long translation prints a little smaller
# rather than spilling onto a second sheet.
FONT_SIZES_PT = (11.0, 10.0, 9.0, 8.0, 7.0)


def leaflet_html(version: ArticleVersion, *, article_url: str, font_size: float = 11.0) -> str:
    """Return the leaflet's HTML at a given body font size (points)."""
    family = FONT_FAMILIES[version.language]
    regular, bold = FONT_FILES[family]
    latin_regular, latin_bold = FONT_FILES["Noto Sans"]
    return render_to_string(
        "rights/leaflet.html",
        {
            "version": version,
            "body": body_html(version.body),
            "summary": summary_text(version.summary),
            "helpline": helpline_number(),
            "font_family": family,
            "font_size": f"{font_size:g}",
            "line_height": f"{LINE_HEIGHTS.get(family, 1.45):g}",
            "font_regular": font_uri(regular),
            "font_bold": font_uri(bold),
            "latin_regular": font_uri(latin_regular),
            "latin_bold": font_uri(latin_bold),
            "qr": qr_data_uri(article_url),
            "article_url": article_url,
        },
    )


def leaflet_pdf(version: ArticleVersion, *, article_url: str) -> bytes:
    """Return the PDF leaflet of a published version; cached per version and helpline number."""
    key = hashlib.sha256(
        f"{version.pk}:{version.content_hash}:{helpline_number()}:{article_url}".encode()
    ).hexdigest()
    cache_key = f"rights:leaflet:{key}"
    pdf = cache.get(cache_key)
    if pdf is None:
        pdf = render_pdf(
            lambda font_size: leaflet_html(version, article_url=article_url, font_size=font_size),
            FONT_SIZES_PT,
        )
        cache.set(cache_key, pdf, timeout=24 * 3600)
    return bytes(pdf)
