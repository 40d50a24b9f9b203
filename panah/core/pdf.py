"""Printable PDFs: WeasyPrint, the vendored fonts, QR codes, one-page fitting, a text layer.

WeasyPrint lays text out with Pango and HarfBuzz, so Urdu, Pashto and Dari are shaped and
ordered correctly; the fonts are the project's vendored OFL fonts, read from disk, so a PDF
renders the same on a machine with no network and no system Arabic fonts.

**Text extraction.** A PDF gives text back glyph by glyph: each glyph of a font maps to one
piece of text (the font's ToUnicode map). Noto Nastaliq Urdu (and the Noto Naskh Arabic 2.021
that the web pages use) draw a letter as a dotless base shape plus separate dot glyphs, and
share them between letters (ب ت ث ن ی begin with the same base, ت ق ی carry the same two
dots), so no map can give the words back: pdftotext prints broken words. Noto Naskh Arabic
2.004 (`TEXT_FONT`, family "Panah Text") has one glyph per letter and form, and comes back
letter for letter, in reading order. Text that must be printed in Nastaliq and still read back
correctly is printed twice: visibly in Nastaliq, whose own text is replaced by nothing (an empty
/ActualText span, `render_pdf(hidden_families=…)`), and as an invisible copy in "Panah Text" at
the same place, the way scanned PDFs carry their OCR text. See docs/rights.md, "Known limit".
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import segno
from django.conf import settings
from django.contrib.staticfiles import finders


class PdfUnavailable(RuntimeError):
    """WeasyPrint or its system libraries (Pango) are missing on this server, or a font is."""


# Vendored font files (panah/static/vendor/fonts/, see its README) per family: regular, bold.
FONT_FILES: dict[str, tuple[str, str]] = {
    "Noto Sans": ("noto-sans-latin-400-normal.woff2", "noto-sans-latin-700-normal.woff2"),
    "Noto Sans Latin Ext": (
        "noto-sans-latin-ext-400-normal.woff2",
        "noto-sans-latin-ext-700-normal.woff2",
    ),
    "Noto Naskh Arabic": (
        "noto-naskh-arabic-arabic-400-normal.woff2",
        "noto-naskh-arabic-arabic-700-normal.woff2",
    ),
    "Noto Nastaliq Urdu": (
        "noto-nastaliq-urdu-arabic-400-normal.woff2",
        "noto-nastaliq-urdu-arabic-700-normal.woff2",
    ),
}
# Noto Naskh Arabic 2.004 (Debian's fonts-noto-core): one glyph per letter and form, so text
# printed in it is read back exactly. Regular only.
TEXT_FONT = "noto-naskh-arabic-2.004-regular.ttf"


def font_uri(file_name: str) -> str:
    """Return the file: URI of a vendored font, for an @font-face rule.

    A WOFF2 file is given as the TrueType file it unpacks to, unpacked once per server (in
    `PANAH_VAR_DIR`/cache/fonts): WeasyPrint would otherwise unpack it, in Python, at every
    rendering (about 0.7 s per file for the Nastaliq).
    """
    found = finders.find(f"vendor/fonts/{file_name}")
    if not found:
        raise PdfUnavailable(f"font file {file_name} is missing from static files")
    path = Path(str(found))
    if path.suffix == ".woff2":
        # If var/ is not writable, WeasyPrint unpacks the WOFF2 itself (slowly).
        with contextlib.suppress(OSError):
            path = _unpacked(path)
    return path.as_uri()


def _unpacked(woff2_path: Path) -> Path:
    target = _unpacked_path(woff2_path)
    if not target.exists():
        from fontTools.ttLib import woff2  # noqa: PLC0415 - only needed on first use

        target.parent.mkdir(parents=True, exist_ok=True)
        unpacked = io.BytesIO()
        woff2.decompress(io.BytesIO(woff2_path.read_bytes()), unpacked)
        # Write beside, then rename: another process may be reading the file at that moment.
        partial = target.with_suffix(f".{os.getpid()}.part")
        partial.write_bytes(unpacked.getvalue())
        partial.replace(target)
    return target


@functools.cache
def _unpacked_path(woff2_path: Path) -> Path:
    """Return where a WOFF2 file's TrueType goes: named after its content, so a new version
    of the font never reuses the old one."""
    digest = hashlib.sha256(woff2_path.read_bytes()).hexdigest()[:16]
    return Path(settings.VAR_DIR) / "cache" / "fonts" / f"{woff2_path.stem}-{digest}.ttf"


def qr_data_uri(payload: str) -> str:
    """Return a QR code of the payload as an SVG data: URI (error correction M)."""
    svg = segno.make(payload, error="m").svg_inline(scale=4, border=2)
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def render_pdf(
    html_at: Callable[[float], str],
    font_sizes: Sequence[float],
    *,
    hidden_families: Iterable[str] = (),
) -> bytes:
    """Render the HTML at each font size in turn until it fits one page; return the PDF.

    `html_at(size)` returns the document at a body font size (points). When even the last
    size spills over, that rendering is returned as it is (several pages): callers that must
    not drop content would rather print a second page. Text drawn in `hidden_families` is
    replaced by nothing for text extraction (see the module docstring).
    """
    try:
        import weasyprint  # noqa: PLC0415 - loads Pango; only the PDF views need it
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415
    except OSError as exc:  # the Python package is there but Pango is not
        raise PdfUnavailable(str(exc)) from exc
    if not font_sizes:
        raise ValueError("give at least one font size")
    # One font configuration for all attempts: each @font-face file is loaded once.
    font_config = FontConfiguration()
    for font_size in font_sizes:
        document = weasyprint.HTML(string=html_at(font_size)).render(font_config=font_config)
        if len(document.pages) == 1:
            break
    families = tuple(hidden_families)
    finisher = _hide_text_in(families) if families else None
    return bytes(document.write_pdf(finisher=finisher))


def _hide_text_in(families: tuple[str, ...]) -> Callable[[Any, Any], None]:
    """Return a WeasyPrint finisher that gives the text drawn in these families an empty
    /ActualText (PDF 1.7, 14.9.4): viewers, screen readers and pdftotext then read nothing
    there, and read the invisible text layer printed at the same place instead.

    WeasyPrint writes a font's BaseFont as "/ABCDEF+Family-Name", and draws every text box as
    one BT … ET text object that selects its fonts with "/Name size Tf".
    """
    wanted = tuple(b"+" + family.replace(" ", "-").encode() for family in families)

    def finisher(document: Any, pdf: Any) -> None:
        objects = pdf.objects

        def resolve(value: Any) -> Any:
            # An indirect reference is written as b"12 0 R".
            if isinstance(value, bytes) and value.endswith(b" R"):
                return objects[int(value.split()[0])]
            return value

        hidden: set[bytes] = set()
        for obj in objects:
            fonts = resolve(obj.get("Font")) if isinstance(obj, dict) else None
            if not isinstance(fonts, dict):
                continue
            for name, ref in fonts.items():
                base_font = bytes(resolve(ref).get("BaseFont", b""))
                if any(marker in base_font for marker in wanted):
                    hidden.add(b"/" + str(name).encode())
        if not hidden:
            return
        for obj in objects:
            operations = getattr(obj, "stream", None)
            if isinstance(operations, list) and b"BT" in operations:
                operations[:] = list(_wrap_text_objects(operations, hidden))

    return finisher


def _wrap_text_objects(operations: list[Any], fonts: set[bytes]) -> Iterator[Any]:
    """Yield the content operations with each text object that uses one of `fonts` wrapped
    in an empty /ActualText span."""
    block: list[Any] | None = None
    for operation in operations:
        if operation == b"BT":
            block = [operation]
            continue
        if block is None:
            yield operation
            continue
        block.append(operation)
        if operation != b"ET":
            continue
        if any(
            isinstance(op, bytes) and op.endswith(b" Tf") and op.split()[0] in fonts for op in block
        ):
            yield b"/Span <</ActualText ()>> BDC"
            yield from block
            yield b"EMC"
        else:
            yield from block
        block = None
