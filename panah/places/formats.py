"""Reading and writing places files (CSV and GeoJSON): text in, rows of text out.

No database here. A reader turns a file's bytes into `SourceRow`s, each keeping where it came
from (CSV: the line it starts on, the header being line 1; GeoJSON: the feature's number,
counting from 1) and only the columns the row actually gives. A column a CSV file leaves out, or
a property a GeoJSON feature leaves out, is not in `values`, and the import leaves that field of
an existing place alone; an empty cell is in `values` as "" and clears the field.

Problems that spoil the whole file (too big, not UTF-8 JSON, a header without the required
columns) raise `PlacesFileError` and nothing is imported. Problems of one row (a cell that is
not UTF-8, a wrong number of cells, a feature that is not a Point) go into that row's
`problems`; the service adds its own checks and imports the rest.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from panah.core.errors import DomainError

# The file layout, in this order on export.
COLUMNS = (
    "kind",
    "name",
    "name_ur",
    "district",
    "address",
    "jurisdiction",
    "latitude",
    "longitude",
    "source",
)
REQUIRED_COLUMNS = ("kind", "name", "district")
TEXT_COLUMNS = tuple(c for c in COLUMNS if c not in {"latitude", "longitude"})
# The two columns the rejected-rows file adds. They are ignored on upload, so that file can be
# fixed and uploaded again as it is.
REJECTED_COLUMNS = ("rejected_at", "reasons")

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000


class PlacesFileError(DomainError):
    """The file as a whole cannot be imported (nothing of it was); the message says why."""


@dataclass
class SourceRow:
    location: int
    values: dict[str, str]
    problems: list[str] = field(default_factory=list)


def _check_size(data: bytes) -> None:
    if len(data) > MAX_BYTES:
        raise PlacesFileError(
            _("The file is larger than %(limit)s MB: split it into smaller files.")
            % {"limit": MAX_BYTES // (1024 * 1024)}
        )


def _too_many_rows() -> PlacesFileError:
    return PlacesFileError(
        _("The file has more than %(limit)s places: split it into smaller files.")
        % {"limit": f"{MAX_ROWS:,}"}
    )


# --- CSV ------------------------------------------------------------------------------------


def _header(cells: list[str]) -> list[str]:
    """Return the header's column names (lower case), or raise if they are not usable.

    A blank header cell (a spreadsheet's trailing comma) names a column that is ignored.
    """
    names = [_replace_undecodable(cell).strip().lower() for cell in cells]
    unknown = [n for n in names if n and n not in COLUMNS and n not in REJECTED_COLUMNS]
    if unknown:
        shown = ", ".join(repr(n[:30]) for n in unknown[:5]) + (", …" if len(unknown) > 5 else "")
        raise PlacesFileError(
            _(
                "Line 1 must be the header. Unknown columns: %(unknown)s. "
                "The columns are: %(columns)s."
            )
            % {"unknown": shown, "columns": ",".join(COLUMNS)}
        )
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        raise PlacesFileError(
            _("The header names a column twice: %(columns)s.") % {"columns": ", ".join(repeated)}
        )
    missing = [n for n in REQUIRED_COLUMNS if n not in names]
    if missing:
        raise PlacesFileError(
            _("The header lacks the required columns: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    if ("latitude" in names) != ("longitude" in names):
        raise PlacesFileError(_("The header must have both latitude and longitude, or neither."))
    return names


def _undecodable(text: str) -> bool:
    # Bytes that are not UTF-8 were decoded as lone surrogates (errors="surrogateescape").
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def _replace_undecodable(text: str) -> str:
    """Return the text with each byte that was not UTF-8 shown as U+FFFD."""
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def read_csv(data: bytes) -> list[SourceRow]:
    """Return the rows of a CSV file (UTF-8, with or without a byte order mark).

    A line whose bytes are not UTF-8 becomes a row with a problem, not a failed file: the
    other rows are still good. Blank lines are skipped.
    """
    _check_size(data)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlacesFileError(_("The file is saved as UTF-16: save it as “CSV UTF-8” instead."))
    text = data.decode("utf-8", errors="surrogateescape").removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise _unreadable(1, exc) from exc
    if not first or not any(cell.strip() for cell in first):
        raise PlacesFileError(_("The file is empty, or its first line is not the header."))
    names = _header(first)
    rows: list[SourceRow] = []
    while True:
        line = reader.line_num + 1
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise _unreadable(line, exc) from exc
        if cells is None:
            break
        if not any(cell.strip() for cell in cells):
            continue
        if len(rows) == MAX_ROWS:
            raise _too_many_rows()
        rows.append(_csv_row(line, names, cells))
    return rows


def _unreadable(line: int, exc: csv.Error) -> PlacesFileError:
    return PlacesFileError(
        _(
            "Line %(line)s cannot be read as CSV (%(error)s): look for a quote that is never "
            "closed. Nothing was imported."
        )
        % {"line": line, "error": exc}
    )


def _csv_row(line: int, names: list[str], cells: list[str]) -> SourceRow:
    row = SourceRow(location=line, values={})
    if any(_undecodable(cell) for cell in cells):
        row.problems.append(
            _("This line is not UTF-8 text: save the file as “CSV UTF-8” and upload it again.")
        )
        cells = [_replace_undecodable(cell) for cell in cells]
    if len(cells) != len(names):
        row.problems.append(
            _("This line has %(found)s values; the header has %(expected)s columns.")
            % {"found": len(cells), "expected": len(names)}
        )
    for name, cell in zip(names, cells, strict=False):
        if name in COLUMNS:
            row.values[name] = cell
    return row


# --- GeoJSON --------------------------------------------------------------------------------


def _constant_as_text(name: str) -> str:
    # NaN and Infinity are not JSON; keep them as text so the row is refused as "not a number".
    return name


def read_geojson(data: bytes) -> list[SourceRow]:
    """Return the features of a GeoJSON FeatureCollection of Point features, as rows.

    Coordinates are [longitude, latitude] (RFC 7946); a null geometry means "no coordinates".
    Properties are the CSV columns except latitude and longitude; other properties (those GIS
    tools add, such as "fid") are ignored.
    """
    _check_size(data)
    try:
        text = data.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        raise PlacesFileError(_("The file is not UTF-8 text, as GeoJSON must be.")) from exc
    try:
        document = json.loads(
            text, parse_float=Decimal, parse_int=Decimal, parse_constant=_constant_as_text
        )
    except json.JSONDecodeError as exc:
        raise PlacesFileError(
            _("The file is not valid JSON (line %(line)s, column %(column)s: %(error)s).")
            % {"line": exc.lineno, "column": exc.colno, "error": exc.msg}
        ) from exc
    except RecursionError as exc:
        raise PlacesFileError(_("The file is nested too deeply to be GeoJSON.")) from exc
    if (
        not isinstance(document, dict)
        or document.get("type") != "FeatureCollection"
        or not isinstance(document.get("features"), list)
    ):
        raise PlacesFileError(_("The file is not a GeoJSON FeatureCollection."))
    features = document["features"]
    if len(features) > MAX_ROWS:
        raise _too_many_rows()
    return [_feature_row(number, feature) for number, feature in enumerate(features, start=1)]


def _feature_row(number: int, feature: Any) -> SourceRow:
    row = SourceRow(location=number, values={})
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        row.problems.append(_("This is not a GeoJSON Feature."))
        return row
    properties = feature.get("properties")
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        row.problems.append(_("The feature's properties must be an object."))
        properties = {}
    for name in TEXT_COLUMNS:
        if name not in properties:
            continue
        value = properties[name]
        if value is None:
            row.values[name] = ""
        elif isinstance(value, str):
            row.values[name] = value
        elif isinstance(value, Decimal):
            row.values[name] = str(value)
        else:
            row.values[name] = json.dumps(value, default=str)[:1000]
            row.problems.append(_("The property “%(name)s” must be text.") % {"name": name})
    if "geometry" in feature:
        _read_point(feature["geometry"], row)
    return row


def _read_point(geometry: Any, row: SourceRow) -> None:
    if geometry is None:
        row.values["latitude"] = row.values["longitude"] = ""
        return
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") != "Point"
        or not isinstance(coordinates, list)
        or len(coordinates) not in {2, 3}  # a third number, the elevation, is allowed
    ):
        row.problems.append(
            _("The geometry must be a Point with coordinates [longitude, latitude], or null.")
        )
        return
    lon, lat = coordinates[0], coordinates[1]
    # Numbers became Decimals; anything else (text, true, NaN) stays visible and is refused.
    row.values["longitude"] = str(lon) if isinstance(lon, Decimal | str) else json.dumps(lon)
    row.values["latitude"] = str(lat) if isinstance(lat, Decimal | str) else json.dumps(lat)
    for value in (lon, lat):
        if not isinstance(value, Decimal):
            row.problems.append(_("The coordinates must be numbers."))
            break


# --- writing --------------------------------------------------------------------------------


def _spreadsheet_safe(value: str) -> str:
    """Return text a spreadsheet shows as text, never runs (the rejected rows may hold any)."""
    return "'" + value if value.startswith(("=", "+", "-", "@", "\t", "\r")) else value


def write_csv(rows: Iterable[Mapping[str, str]], *, extra: tuple[str, ...] = ()) -> str:
    """Return CSV text with the standard header (and any extra columns), with a byte order mark.

    The mark makes Excel read the Urdu names as UTF-8; the importer accepts it.
    """
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS + extra)
    for row in rows:
        writer.writerow(
            [
                row.get(c, "")
                if c in {"latitude", "longitude"}
                else _spreadsheet_safe(row.get(c, ""))
                for c in COLUMNS + extra
            ]
        )
    return out.getvalue()


def write_geojson(rows: Iterable[Mapping[str, str]]) -> str:
    """Return a GeoJSON FeatureCollection, one Point feature per row (null geometry if none)."""
    features = []
    for row in rows:
        lat, lon = row.get("latitude", ""), row.get("longitude", "")
        geometry = (
            {"type": "Point", "coordinates": [_number(lon), _number(lat)]} if lat and lon else None
        )
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {c: row.get(c, "") for c in TEXT_COLUMNS},
            }
        )
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _number(text: str) -> float:
    # Six decimal places at most (the model's), which a float keeps exactly enough for its
    # shortest repr to read back as the same decimal.
    return float(Decimal(text))
