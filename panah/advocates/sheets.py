"""Police station sheets: one A4 page per police station or Levies thana, a ZIP per district.

A sheet is handed to the station and pinned up. It says, in Urdu (first, in Nastaliq) and in
English, with one line each in Pashto and Dari, that Afghan refugees get free legal help from
the Panah helpline; it prints the helpline number large with a QR code, and lists the advocates
who cover the station (named in their profile, or covering its district) and are active,
verified and agreed to be printed (`Advocate.listed_on_sheets`): name, phone, languages.

Issue 3, part 7. Decisions:

- **Whose advocates.** Every organisation's: the sheet is a public notice for the station, the
  same whoever prints it, and each advocate listed agreed to be printed on it. Each download
  is audited (an EXPORT row for the station or district and one per advocate printed).
- **QR code.** `tel:` and the helpline number with digits and "+" only. With no number
  configured, the public rights library (`PANAH_BASE_URL` + /rights/), which needs no login,
  explains the rights in four languages and is where the number appears once it is set.
- **Cache.** A sheet is cached (Django's cache, 24 hours) under a fingerprint of everything it
  prints except the date: the place, each advocate's printed name, phone and languages, every
  translated sentence (so a catalogue update shows), the helpline number, the QR payload and
  `SHEET_VERSION`. A change to the rota or to an advocate changes the fingerprint, and the
  next download renders afresh; otherwise the rendered PDF is reused. "Generated on" is the
  day that content was rendered. The cached bytes hold advocates' phones in clear, so keep
  the default per-process memory cache or another private one; files under var/ would put
  them on disk outside the encrypted database, which is why the cache is not files.
- **Text extraction.** The Urdu is printed in Nastaliq with an invisible text layer, so
  pdftotext, copy and paste and screen readers get the Urdu words in order (`panah.core.pdf`).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import uuid
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q, QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from panah.accounts.selectors import actor_for
from panah.advocates.models import Advocate
from panah.audit.services import Action, audit_record
from panah.core.access import Capability
from panah.core.errors import NotFound
from panah.core.pdf import FONT_FILES, TEXT_FONT, font_uri, qr_data_uri, render_pdf
from panah.places.models import District, Place
from panah.places.selectors import place_list
from panah.rights.render import helpline_number

# The places that get a sheet.
SHEET_KINDS = (Place.Kind.POLICE_STATION, Place.Kind.LEVIES_THANA)
# Bump when sheet_pdf.html or its style changes what is printed: sheets cached under the old
# version are then never served again.
SHEET_VERSION = 1
CACHE_SECONDS = 24 * 3600
# Tried in turn until the sheet fits one page; a long list of advocates prints smaller.
FONT_SIZES_PT = (11.0, 10.0, 9.0, 8.0, 7.0)
# More advocates than this are listed in two columns.
ONE_COLUMN_MAX = 12
# The family whose text is hidden from extraction: the text layer carries it instead.
NASTALIQ = "Panah Nastaliq"


@dataclass(frozen=True)
class PrintedAdvocate:
    """One advocate as a sheet prints them."""

    advocate_id: int
    name: str
    phone: str
    languages: tuple[str, ...]


@dataclass(frozen=True)
class SheetFile:
    """A download: its file name, bytes and content type."""

    name: str
    content: bytes
    content_type: str


@dataclass
class StationRow:
    place: Place
    advocates: int


@dataclass
class DistrictSheets:
    district: District
    stations: list[StationRow] = field(default_factory=list)


@dataclass(frozen=True)
class _Sheet:
    place: Place
    advocates: tuple[PrintedAdvocate, ...]
    printed: dict[str, Any]  # everything the sheet prints except the date
    fingerprint: str


# --- reading ----------------------------------------------------------------------------------


def _listed() -> QuerySet[Advocate]:
    """Return the advocates a sheet may print: active, verified, and agreed to be printed."""
    return Advocate.objects.filter(
        is_active=True,
        user__is_active=True,
        verified_at__isnull=False,
        listed_on_sheets=True,
    )


def sheet_advocates(place: Place) -> list[PrintedAdvocate]:
    """Return the listed advocates who cover a place or its district, by name (one query)."""
    advocates = (
        _listed()
        .filter(Q(places=place) | Q(districts=place.district_id))
        .distinct()
        .select_related("user")
        .order_by()
    )
    printed = [
        PrintedAdvocate(
            advocate_id=advocate.pk,
            name=str(advocate),
            phone=_phone_display(advocate.phone),
            languages=tuple(_language_name(code) for code in advocate.languages),
        )
        for advocate in advocates
    ]
    return sorted(printed, key=lambda a: (a.name.casefold(), a.advocate_id))


def _phone_display(phone: str) -> str:
    """Return a phone number grouped for reading ("+92 301 2345678"), or as stored."""
    try:
        parsed = phonenumbers.parse(phone, settings.PANAH_DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        return phone
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _language_name(code: str) -> str:
    """Return a language's name in itself (اردو, پښتو, دری, English): every reader finds
    their own."""
    if code in dict(settings.LANGUAGES):
        return str(translation.get_language_info(code)["name_local"])
    return code


def sheet_list_for(user: Any) -> list[DistrictSheets]:
    """Return every district with police stations or Levies thanas, each station with the
    number of advocates its sheet lists (four queries, whatever the numbers)."""
    actor_for(user).require(Capability.SHEETS_PRINT)
    listed = _listed()
    by_place: dict[Any, set[int]] = defaultdict(set)
    by_district: dict[int, set[int]] = defaultdict(set)
    for place_id, advocate_id in Advocate.places.through.objects.filter(
        advocate__in=listed
    ).values_list("place_id", "advocate_id"):
        by_place[place_id].add(advocate_id)
    for district_id, advocate_id in Advocate.districts.through.objects.filter(
        advocate__in=listed
    ).values_list("district_id", "advocate_id"):
        by_district[district_id].add(advocate_id)
    districts: dict[int, DistrictSheets] = {}
    for place in place_list().filter(kind__in=SHEET_KINDS):
        group = districts.setdefault(place.district_id, DistrictSheets(district=place.district))
        count = len(by_place[place.pk] | by_district[place.district_id])
        group.stations.append(StationRow(place=place, advocates=count))
    return list(districts.values())


# --- rendering --------------------------------------------------------------------------------


def _qr_payload() -> str:
    """Return what the QR code holds: the helpline to call, or the public rights library."""
    number = settings.PANAH_HELPLINE_NUMBER
    if number:
        return "tel:" + re.sub(r"[^\d+]", "", number)
    return settings.PANAH_BASE_URL.rstrip("/") + reverse("rights:library_home")


def _texts(language: str, place: Place) -> dict[str, str]:
    """Return the sheet's sentences in one language (Urdu or English)."""
    arabic_script = language != "en"
    with translation.override(language):
        kind = place.get_kind_display()
        district = place.district
        district_name = (district.name_ur if arabic_script else "") or district.name
        return {
            "heading": _("Free legal help for Afghan refugees"),
            "place": (place.name_ur if arabic_script else "") or place.name,
            "where": _("%(kind)s in %(district)s district")
            % {"kind": kind, "district": district_name},
            "call": _(
                "If an Afghan refugee is arrested or held here, call the Panah helpline at "
                "once. The help of a lawyer is free."
            ),
            "helpline_label": _("Panah helpline"),
            "helpline": helpline_number(),
            "scan": (
                _("Scan the code to call the helpline.")
                if settings.PANAH_HELPLINE_NUMBER
                else _("Scan the code to read your rights online.")
            ),
            "advocates": _("Advocates who cover this station"),
            "name": _("Name"),
            "phone": _("Phone"),
            "languages": _("Languages"),
            "none": _("No advocate is listed for this station yet: call the helpline."),
            "rota": _("Advocates on duty change: call the helpline."),
        }


def _one_line(language: str) -> str:
    """Return the Pashto or Dari line."""
    with translation.override(language):
        return _("Afghan refugees: call the Panah helpline for free legal help.")


def _sheet(place: Place) -> _Sheet:
    advocates = tuple(sheet_advocates(place))
    printed = {
        "version": SHEET_VERSION,
        "place": str(place.pk),
        "ur": _texts("ur", place),
        "en": _texts("en", place),
        "ps": _one_line("ps"),
        "fa": _one_line("fa"),
        "helpline_number": settings.PANAH_HELPLINE_NUMBER,
        "qr": _qr_payload(),
        "advocates": [[a.advocate_id, a.name, a.phone, list(a.languages)] for a in advocates],
    }
    encoded = json.dumps(printed, sort_keys=True, ensure_ascii=False).encode()
    return _Sheet(
        place=place,
        advocates=advocates,
        printed=printed,
        fingerprint=hashlib.sha256(encoded).hexdigest(),
    )


def _generated_on(language: str) -> str:
    with translation.override(language):
        date = formats.date_format(timezone.localdate(), "DATE_FORMAT")
        return _("Generated on %(date)s") % {"date": date}


def _fonts() -> dict[str, str]:
    latin, latin_bold = FONT_FILES["Noto Sans"]
    latin_ext, latin_ext_bold = FONT_FILES["Noto Sans Latin Ext"]
    nastaliq, nastaliq_bold = FONT_FILES["Noto Nastaliq Urdu"]
    return {
        "latin": font_uri(latin),
        "latin_bold": font_uri(latin_bold),
        "latin_ext": font_uri(latin_ext),
        "latin_ext_bold": font_uri(latin_ext_bold),
        "nastaliq": font_uri(nastaliq),
        "nastaliq_bold": font_uri(nastaliq_bold),
        "text": font_uri(TEXT_FONT),
    }


def sheet_html(sheet: _Sheet, *, font_size: float) -> str:
    """Return the sheet's HTML at a body font size (points)."""
    printed = sheet.printed
    return render_to_string(
        "advocates/sheet_pdf.html",
        {
            "ur": printed["ur"],
            "en": printed["en"],
            "ps": printed["ps"],
            "fa": printed["fa"],
            "has_number": bool(printed["helpline_number"]),
            "advocate_columns": _columns(sheet.advocates),
            "qr": qr_data_uri(printed["qr"]),
            "generated_en": _generated_on("en"),
            "generated_ur": _generated_on("ur"),
            "fonts": _fonts(),
            "font_size": f"{font_size:g}",
        },
    )


def _columns(advocates: tuple[PrintedAdvocate, ...]) -> list[tuple[PrintedAdvocate, ...]]:
    """Return the advocates in one column, or in two (down, then across) when there are many."""
    if len(advocates) <= ONE_COLUMN_MAX:
        return [advocates] if advocates else []
    half = -(-len(advocates) // 2)
    return [advocates[:half], advocates[half:]]


def _pdf(sheet: _Sheet) -> bytes:
    cache_key = f"advocates:sheet:{sheet.fingerprint}"
    pdf = cache.get(cache_key)
    if pdf is None:
        pdf = render_pdf(
            lambda font_size: sheet_html(sheet, font_size=font_size),
            FONT_SIZES_PT,
            hidden_families=[NASTALIQ],
        )
        cache.set(cache_key, pdf, timeout=CACHE_SECONDS)
    return bytes(pdf)


def station_sheet_pdf(place: Place) -> bytes:
    """Return the A4 PDF sheet of a police station or Levies thana (cached, see above)."""
    return _pdf(_sheet(place))


def _stations(district: District) -> list[Place]:
    return list(place_list(district_id=district.pk).filter(kind__in=SHEET_KINDS))


def _file_names(places: Iterable[Place]) -> list[tuple[Place, str]]:
    """Return each place with a unique ASCII file name, the same in every language
    ("city-police-station.pdf", "kuchlak-levies-thana.pdf")."""
    taken: set[str] = set()
    named = []
    for place in places:
        kind = place.kind.replace("_", "-")
        stem = slugify(place.name)
        if kind not in stem:
            stem = f"{stem}-{kind}" if stem else f"{kind}-{place.pk}"
        name, n = f"{stem}.pdf", 1
        while name in taken:
            n += 1
            name = f"{stem}-{n}.pdf"
        taken.add(name)
        named.append((place, name))
    return named


def _zip(sheets: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    # PDFs are compressed already: store them as they are.
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, pdf in sheets:
            archive.writestr(name, pdf)
    return buffer.getvalue()


def district_sheets_zip(district: District) -> bytes:
    """Return a ZIP of the sheets of every police station and Levies thana in a district."""
    return _zip([(name, station_sheet_pdf(p)) for p, name in _file_names(_stations(district))])


def _district_slug(district: District) -> str:
    return slugify(district.name) or f"district-{district.pk}"


# --- downloads (authorised and audited) -------------------------------------------------------


def _audit_export(actor: Any, obj: Place | District, advocate_ids: Iterable[int]) -> None:
    """Record the download: the station or district, and each advocate whose name and phone
    it prints (ids and field names only)."""
    with transaction.atomic():
        audit_record(
            actor,
            action=Action.EXPORT,
            object_type=obj._meta.model_name or "",
            object_id=obj.pk,
            fields=["advocates"],
        )
        for advocate_id in sorted(set(advocate_ids)):
            audit_record(
                actor,
                action=Action.EXPORT,
                object_type="advocate",
                object_id=advocate_id,
                fields=["name", "phone", "languages"],
            )


def station_sheet_for(user: Any, place_id: uuid.UUID) -> SheetFile:
    """Return the sheet of a police station or Levies thana for someone who may print it.

    Any other place, or a user without `sheets.print`, gets the same 404.
    """
    actor = actor_for(user)
    actor.require(Capability.SHEETS_PRINT)
    place = place_list().filter(pk=place_id, kind__in=SHEET_KINDS).first()
    if place is None:
        raise NotFound
    sheet = _sheet(place)
    pdf = _pdf(sheet)
    _audit_export(actor, place, (a.advocate_id for a in sheet.advocates))
    slug = _file_names([place])[0][1]
    return SheetFile(
        name=f"panah-sheet-{_district_slug(place.district)}-{slug}",
        content=pdf,
        content_type="application/pdf",
    )


def district_sheets_for(user: Any, district_id: int) -> SheetFile:
    """Return the ZIP of a district's sheets for someone who may print them (404 when the
    district has no station)."""
    actor = actor_for(user)
    actor.require(Capability.SHEETS_PRINT)
    district = District.objects.filter(pk=district_id).first()
    stations = _stations(district) if district else []
    if district is None or not stations:
        raise NotFound
    sheets: list[tuple[str, bytes]] = []
    advocate_ids: set[int] = set()
    for place, name in _file_names(stations):
        sheet = _sheet(place)
        sheets.append((name, _pdf(sheet)))
        advocate_ids.update(a.advocate_id for a in sheet.advocates)
    _audit_export(actor, district, advocate_ids)
    return SheetFile(
        name=f"panah-sheets-{_district_slug(district)}.zip",
        content=_zip(sheets),
        content_type="application/zip",
    )
