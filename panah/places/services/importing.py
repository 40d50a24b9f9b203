"""Importing places from CSV or GeoJSON: every row checked, the good ones written, the bad
ones reported with where they were and why."""

from __future__ import annotations

import copy
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import IO

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from panah.accounts.selectors import Actor
from panah.core.access import Capability
from panah.core.errors import DomainError
from panah.places import formats
from panah.places.formats import SourceRow
from panah.places.models import District, FileFormat, Place, PlaceImport, location_label

_MICRODEGREE = Decimal("0.000001")  # the model's six decimal places, about 0.1 m


@dataclass(frozen=True)
class RejectedRow:
    """A row that was not imported: where it was, what it said, and why it was refused."""

    location: int
    row: dict[str, str]
    reasons: list[str]


@dataclass(frozen=True)
class ImportResult:
    """What an import did: its record (with the counts) and the rows it refused, in order."""

    record: PlaceImport
    rejected: list[RejectedRow]

    @property
    def created(self) -> int:
        return self.record.created

    @property
    def updated(self) -> int:
        return self.record.updated

    @property
    def unchanged(self) -> int:
        return self.record.unchanged


@dataclass
class _Checked:
    """A good row, ready to write: the place (new, or a changed copy of the stored one)."""

    place: Place
    is_new: bool
    changed: list[str] = field(default_factory=list)
    new_district: District | None = None  # to be created first (create_districts)


_KEY_FIELDS = ("kind", "name")
_VALUE_FIELDS = ("name_ur", "address", "jurisdiction", "source", "latitude", "longitude")


def format_for_file_name(file_name: str) -> str:
    """Guess the format from a file name: .geojson or .json is GeoJSON, anything else CSV."""
    is_json = file_name.lower().endswith((".geojson", ".json"))
    return FileFormat.GEOJSON if is_json else FileFormat.CSV


def places_import(
    actor: Actor | None,
    file: IO[bytes],
    *,
    format: str,
    file_name: str = "",
    create_districts: bool = False,
) -> ImportResult:
    """Import the good rows of a CSV or GeoJSON places file, and report the bad ones.

    Every row is checked first; then all good rows are written in one transaction, created or
    updated on the natural key (district, kind and name, ignoring case; a changed spelling of
    the name is an update). A bad row is refused with its reasons (translated) and kept in the
    result and on the `PlaceImport` record, so it can be downloaded, fixed and uploaded again.
    A problem with the file as a whole (size, encoding, header) raises `PlacesFileError` and
    imports nothing.

    Districts must already exist: a misspelt district would otherwise become a new district
    for every organisation. With `create_districts`, unknown ones are created (in the default
    province, Balochistan). `actor` is None for the command line, whose user already has the
    server; anyone else needs `places.manage`.
    """
    if actor is not None:
        actor.require(Capability.PLACES_MANAGE)
    if format not in FileFormat.values:
        raise DomainError(_("Unknown file format: choose CSV or GeoJSON."))
    data = file.read(formats.MAX_BYTES + 1)
    read = formats.read_geojson if format == FileFormat.GEOJSON else formats.read_csv
    rows = read(data)
    checked, rejected = _check_rows(rows, format=format, create_districts=create_districts)
    name = _storable(Path(file_name or getattr(file, "name", "") or "").name)
    record = PlaceImport(
        imported_by=actor.user if actor else None,
        organisation=actor.organisation if actor else None,
        organisation_name=actor.organisation.name if actor else "",
        file_name=name[-255:],
        file_format=format,
        created=sum(1 for c in checked if c.is_new),
        updated=sum(1 for c in checked if c.changed),
        unchanged=sum(1 for c in checked if not c.is_new and not c.changed),
        rejected=len(rejected),
        rejected_rows=[
            {"location": r.location, "row": r.row, "reasons": r.reasons} for r in rejected
        ],
    )
    record.full_clean()
    try:
        with transaction.atomic():
            _write(checked)
            record.save()
    except IntegrityError as exc:
        # Two imports creating the same new place at once: the second one meets the unique
        # constraint. Nothing of it was written; uploading again updates instead.
        raise DomainError(
            _(
                "Another import changed the same places at the same moment. Nothing was "
                "imported: please upload the file again."
            )
        ) from exc
    return ImportResult(record=record, rejected=rejected)


def _write(checked: list[_Checked]) -> None:
    # Last writer wins if two imports update the same place at once: both are whole rows from
    # a person who meant them, and each import is recorded.
    # Only the new districts that good rows use: one whose rows were all refused is not made.
    new_districts = {id(c.new_district): c.new_district for c in checked if c.new_district}
    for district in new_districts.values():
        district.save()
    for c in checked:
        if c.new_district is not None:
            c.place.district = c.new_district
    Place.objects.bulk_create([c.place for c in checked if c.is_new], batch_size=500)
    changed = [c for c in checked if c.changed]
    if changed:
        fields = sorted({f for c in changed for f in c.changed})
        Place.objects.bulk_update([c.place for c in changed], fields, batch_size=500)


class _Districts:
    """The districts a file names, found by name ignoring case and surrounding spaces."""

    def __init__(self, *, create: bool) -> None:
        self.by_name: dict[str, list[District]] = {}
        for district in District.objects.all():
            self.by_name.setdefault(district.name.strip().casefold(), []).append(district)
        self.create = create
        self.new: dict[str, District] = {}

    def find(self, name: str, reasons: list[str]) -> District | None:
        """Return the district called `name`, a new one to create, or None with a reason."""
        key = name.casefold()
        found = self.by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if found:
            reasons.append(
                _("The district “%(name)s” is ambiguous: several provinces have one.")
                % {"name": name}
            )
            return None
        if not self.create:
            reasons.append(
                _(
                    "Unknown district “%(name)s”. Check the spelling, or import again with "
                    "“create districts” chosen."
                )
                % {"name": name}
            )
            return None
        if key not in self.new:
            district = District(name=name)
            try:
                district.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                reasons.extend(_field_messages(District, exc))
                return None
            self.new[key] = district
        return self.new[key]


def _check_rows(
    rows: list[SourceRow], *, format: str, create_districts: bool
) -> tuple[list[_Checked], list[RejectedRow]]:
    districts = _Districts(create=create_districts)
    stored = _StoredPlaces()
    checked: list[_Checked] = []
    rejected: list[RejectedRow] = []
    first_seen: dict[tuple[object, str, str], int] = {}
    for row in rows:
        reasons = list(row.problems)
        # A row the reader found broken (cells out of line, not UTF-8) is reported as such:
        # checking its values would only add noise.
        result = None if reasons else _check_row(row, districts, stored, reasons)
        if result is not None and not reasons:
            place = result.place
            district_key: object = (
                result.new_district.name.casefold() if result.new_district else place.district_id
            )
            key = (district_key, place.kind, place.name.casefold())
            if key in first_seen:
                reasons.append(_duplicate_reason(format, first_seen[key]))
            else:
                first_seen[key] = row.location
        if reasons or result is None:
            raw = {name: _storable(value) for name, value in row.values.items()}
            rejected.append(RejectedRow(location=row.location, row=raw, reasons=reasons))
        else:
            checked.append(result)
    return checked, rejected


def _duplicate_reason(format: str, first: int) -> str:
    if format == FileFormat.GEOJSON:
        return _("Same district, kind and name as feature %(number)s.") % {"number": first}
    return _("Same district, kind and name as line %(number)s.") % {"number": first}


class _StoredPlaces:
    """The stored places by district, kind and name; the name matches ignoring case."""

    def __init__(self) -> None:
        self.exact: dict[tuple[object, str, str], Place] = {}
        self.folded: dict[tuple[object, str, str], Place] = {}
        for place in Place.objects.all():
            self.exact[(place.district_id, place.kind, place.name)] = place
            self.folded.setdefault((place.district_id, place.kind, place.name.casefold()), place)

    def get(self, district: District, kind: str, name: str) -> Place | None:
        # An exact match first: older data may hold two names that differ only in case.
        return self.exact.get((district.pk, kind, name)) or self.folded.get(
            (district.pk, kind, name.casefold())
        )


def _storable(value: str) -> str:
    """Return text that any database stores (a rejected row may hold NUL or lone surrogates)."""
    if not _invalid_text(value):
        return value
    return "".join("\ufffd" if ch == "\x00" or "\ud800" <= ch <= "\udfff" else ch for ch in value)


def _invalid_text(value: str) -> bool:
    # NUL is refused by PostgreSQL; lone surrogates (a JSON "\ud800") cannot be stored at all.
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


def _check_row(
    row: SourceRow,
    districts: _Districts,
    stored: _StoredPlaces,
    reasons: list[str],
) -> _Checked | None:
    """Check one row, adding each problem to `reasons`; return the place it would write."""
    values = {name: value.strip() for name, value in row.values.items()}
    if any(_invalid_text(value) for value in values.values()):
        reasons.append(_("The row holds characters that are not text (such as NUL)."))
        return None
    kind = values.get("kind", "").lower()
    if not kind:
        reasons.append(_("The kind is missing."))
    elif kind not in Place.Kind.values:
        reasons.append(
            _("Unknown kind “%(kind)s”: use one of %(kinds)s.")
            % {"kind": values["kind"], "kinds": ", ".join(Place.Kind.values)}
        )
        kind = ""
    name = values.get("name", "")
    if not name:
        reasons.append(_("The name is missing."))
    district_name = values.get("district", "")
    district = None
    if not district_name:
        reasons.append(_("The district is missing."))
    else:
        district = districts.find(district_name, reasons)
    coordinates: dict[str, Decimal | None] = {}
    for axis in ("latitude", "longitude"):
        if axis in values:
            try:
                coordinates[axis] = _coordinate(values[axis])
            except ValueError:
                reasons.append(_not_a_number(axis, values[axis]))
                coordinates = {"latitude": None, "longitude": None}  # clean() would repeat it
                break
    is_new_district = district is not None and district.pk is None
    existing = None
    if district is not None and not is_new_district and kind and name:
        existing = stored.get(district, kind, name)
    # A copy: a row refused later must not change what the next rows are compared with.
    place = copy.copy(existing) if existing else Place(kind=kind)
    place.name = name
    for text_field in ("name_ur", "address", "jurisdiction", "source"):
        if text_field in values:
            setattr(place, text_field, values[text_field])
    for axis, value in coordinates.items():
        setattr(place, axis, value)
    # The district, kind, name and coordinates were checked above, with clearer messages.
    exclude = ["id", "district", "kind", "latitude", "longitude", *([] if name else ["name"])]
    try:
        place.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        reasons.extend(_field_messages(Place, exc))
    if reasons or district is None:
        return None
    if existing is None:
        if not is_new_district:
            place.district = district
        return _Checked(
            place=place, is_new=True, new_district=district if is_new_district else None
        )
    changed = [
        f for f in (*_KEY_FIELDS, *_VALUE_FIELDS) if getattr(place, f) != getattr(existing, f)
    ]
    return _Checked(place=place, is_new=False, changed=changed)


def _coordinate(text: str) -> Decimal | None:
    """Return the coordinate rounded to the model's six places, or None if empty.

    Raise ValueError if it is not a number.
    """
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not number.is_finite():
        raise ValueError(text)
    if abs(number) >= 1000:
        return number  # far outside Pakistan: clean() says so; quantize would overflow
    return number.quantize(_MICRODEGREE)


def _not_a_number(axis: str, text: str) -> str:
    if axis == "latitude":
        return _("The latitude “%(value)s” is not a number.") % {"value": text}
    return _("The longitude “%(value)s” is not a number.") % {"value": text}


def _field_messages(model: type[Place] | type[District], exc: ValidationError) -> list[str]:
    """Return a validation error's messages, each naming the field (for a row's reasons)."""
    messages: list[str] = []
    for name, errors in exc.message_dict.items():
        if name == NON_FIELD_ERRORS:
            messages.extend(errors)
            continue
        if model is District:
            label = capfirst(str(District._meta.verbose_name))
        else:
            label = capfirst(str(getattr(model._meta.get_field(name), "verbose_name", name)))
        messages.extend(
            _("%(field)s: %(message)s") % {"field": label, "message": m} for m in errors
        )
    return messages


def rejected_rows_csv(record: PlaceImport) -> str:
    """Return an import's rejected rows as CSV, with where each was and why, to fix and re-upload.

    The two added columns (`rejected_at`, `reasons`) are ignored when the file is uploaded again.
    """
    rows: Iterable[dict[str, str]] = (
        {
            **item["row"],
            "rejected_at": location_label(record.file_format, item["location"]),
            "reasons": " ".join(item["reasons"]),
        }
        for item in record.rejected_rows
    )
    return formats.write_csv(rows, extra=formats.REJECTED_COLUMNS)
