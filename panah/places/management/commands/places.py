"""`panah places import FILE` and `panah places export --format csv|geojson > FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from panah.places.models import FileFormat, location_label
from panah.places.services import format_for_file_name, places_export, places_import

# Exit statuses: 1 when some rows were rejected (the good ones are imported), 2 when the file
# as a whole was refused and nothing was imported.
SOME_ROWS_REJECTED = 1
FILE_REFUSED = 2


class Command(BaseCommand):
    help = (
        "import FILE: create or update places from a CSV or GeoJSON file (the format comes "
        "from the file name unless --format says); each rejected row is printed to standard "
        "error with its line (CSV) or feature number (GeoJSON), the good rows are imported, "
        "and the exit status is 1 if any row was rejected, 2 if the file was refused. "
        "export: print every place as CSV or GeoJSON."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["import", "export"])
        parser.add_argument("file", nargs="?", type=Path, help="import: the file to read")
        parser.add_argument("--format", choices=FileFormat.values, dest="file_format")
        parser.add_argument(
            "--create-districts",
            action="store_true",
            help="import: create districts the file names that do not exist yet (in the "
            "default province); without it such rows are rejected",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "export":
            if options["file"]:
                raise CommandError("export writes to standard output: panah places export > FILE")
            self.stdout.write(places_export(options["file_format"] or FileFormat.CSV), ending="")
            return
        path: Path | None = options["file"]
        if path is None:
            raise CommandError("import needs a file: panah places import FILE")
        file_format = options["file_format"] or format_for_file_name(path.name)
        try:
            with path.open("rb") as file:
                result = places_import(
                    None,
                    file,
                    format=file_format,
                    file_name=path.name,
                    create_districts=options["create_districts"],
                )
        except OSError as exc:
            raise CommandError(f"cannot read {path}: {exc.strerror}", returncode=2) from exc
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages), returncode=FILE_REFUSED) from exc
        for row in result.rejected:
            where = location_label(file_format, row.location)
            self.stderr.write(f"{path.name}, {where}: {' '.join(row.reasons)}")
        self.stdout.write(
            f"{result.created} created, {result.updated} updated, {result.unchanged} "
            f"unchanged, {len(result.rejected)} rejected."
        )
        if result.rejected:
            raise CommandError(
                f"{len(result.rejected)} rows rejected; the others were imported.",
                returncode=SOME_ROWS_REJECTED,
            )
