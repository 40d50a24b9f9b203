"""Reading a partner's person spreadsheet (CSV) for duplicate detection, without losing a row.

Every data row becomes a ``Record``. Rows that cannot be read as a person (wrong number of
fields, no record id, a record id seen before) are marked ``bad``: they are reported with their
line number and end up alone in their own cluster. A field that cannot be understood (a date
that is not YYYY-MM-DD or YYYY, a phone that is not Pakistani or Afghan, an unknown sex) is
reported too and then treated as missing; the row still takes part in matching.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from panah.core.errors import DomainError
from panah.core.normalise import normalise_document_number, normalise_phone
from panah.matching.names import clean, split_relation

HEADER = (
    "record_id",
    "given_name",
    "family_name",
    "father_name",
    "sex",
    "date_of_birth",
    "phone",
    "document_number",
    "source_org",
)
MAX_FIELD = 200  # longer values are not names or identifiers; cut, and reported
_SEX = {"m": "M", "male": "M", "f": "F", "female": "F", "مرد": "M", "زن": "F", "ښځه": "F"}
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})-(\d{1,2}))?$")


class HeaderError(ValueError):
    """The file does not start with the expected header: nothing can be read safely."""


@dataclass
class Record:
    line: int  # line number of the row's first line in the file (the header is line 1)
    record_id: str
    given_name: str = ""
    family_name: str = ""
    father_name: str = ""
    sex: str | None = None
    dob: dt.date | None = None
    yob: int | None = None
    phone: str | None = None
    document: str | None = None
    source_org: str = ""
    # Where the person lives, as free text (street, village or camp, district, postcode). Not
    # a column of the CSV: read_records leaves it blank. A caller with addresses (a benchmark
    # on a public set, an import that has them) fills it, and the model then compares it.
    address: str = ""
    bad: bool = False
    problems: list[str] = field(default_factory=list)


def _parse_date(text: str) -> tuple[dt.date | None, int | None]:
    """Return (date, year) from "YYYY-MM-DD" or "YYYY"; raise ValueError otherwise."""
    found = _DATE.match(text)
    if not found:
        raise ValueError(text)
    year = int(found.group(1))
    if not 1880 <= year <= dt.date.today().year + 1:  # noqa: DTZ011 (a calendar year)
        raise ValueError(text)
    if found.group(2) is None:
        return None, year
    return dt.date(year, int(found.group(2)), int(found.group(3))), year


def _record_from_row(line: int, row: list[str], seen: set[str]) -> Record:
    if len(row) != len(HEADER):
        record = Record(line=line, record_id=(row[0].strip() if row else ""), bad=True)
        record.problems.append(f"expected {len(HEADER)} fields, found {len(row)}")
        return record
    values = dict(zip(HEADER, (value.strip() for value in row), strict=True))
    record = Record(line=line, record_id=values["record_id"], source_org=values["source_org"])
    if not record.record_id:
        record.bad = True
        record.problems.append("record_id is empty")
        return record
    if record.record_id in seen:
        record.bad = True
        record.problems.append(f"record_id {record.record_id!r} was already used above")
        return record
    seen.add(record.record_id)
    for name in ("given_name", "family_name", "father_name"):
        if len(values[name]) > MAX_FIELD:
            record.problems.append(f"{name} longer than {MAX_FIELD} characters, cut")
            values[name] = values[name][:MAX_FIELD]
    given, father = values["given_name"], values["father_name"]
    if not father:
        # "Karim s/o Rahim" typed into the name column.
        given, father = split_relation(given)
    record.given_name, record.family_name, record.father_name = (
        given,
        values["family_name"],
        father,
    )
    if not any(clean(v) for v in (given, values["family_name"], father)):
        record.problems.append("no name")
    sex = values["sex"]
    if sex:
        record.sex = _SEX.get(clean(sex))
        if record.sex is None:
            record.problems.append(f"sex {sex!r} not understood, ignored")
    if values["date_of_birth"]:
        try:
            record.dob, record.yob = _parse_date(values["date_of_birth"])
        except ValueError:
            record.problems.append(
                f"date_of_birth {values['date_of_birth']!r} is not YYYY-MM-DD or YYYY, ignored"
            )
    if values["phone"]:
        try:
            record.phone = normalise_phone(values["phone"])
        except DomainError:
            record.problems.append(f"phone {values['phone']!r} not understood, ignored")
    if values["document_number"]:
        record.document = normalise_document_number(values["document_number"]) or None
        if record.document is None:
            record.problems.append("document_number has no letters or digits, ignored")
    return record


def read_records(lines: Iterable[str]) -> Iterator[Record]:
    """Yield one Record per data row of a CSV file with the dedupe header.

    Raise HeaderError when the first row is not the expected header. Blank lines are not rows.
    """
    reader = csv.reader(lines, strict=False)
    try:
        header = next(reader)
    except StopIteration:
        raise HeaderError("the file is empty") from None
    if tuple(h.strip().lstrip("\ufeff") for h in header) != HEADER:
        raise HeaderError("the header must be: " + ",".join(HEADER))
    seen: set[str] = set()
    start = reader.line_num + 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:  # e.g. a NUL byte; the reader can go on after it
            record = Record(line=start, record_id="", bad=True)
            record.problems.append(f"unreadable row: {error}")
            yield record
            start = reader.line_num + 1
            continue
        if row:  # csv gives [] for a blank line, which is not a row
            yield _record_from_row(start, row, seen)
        start = reader.line_num + 1
