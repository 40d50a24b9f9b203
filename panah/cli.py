"""The `panah` console command: Django's management commands with a few friendly names.

panah demo      migrate, load demo data, serve on http://127.0.0.1:8000
panah serve     run the web server (development server; use gunicorn in production)
panah worker    run the background task worker
panah migrate   apply database migrations
panah keys …    generate, rotate and re-encrypt with field encryption keys
panah dedupe RECORDS.csv --output CLUSTERS.csv
                find duplicate people in a CSV file (no database needed; --help for more)
panah <cmd>     any other Django management command
"""

from __future__ import annotations

import os
import sys

ALIASES = {"serve": "runserver", "worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "panah.settings")
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not args:
            return
    elif args[0] == "dedupe":
        # Standalone: works on a partner's spreadsheet without settings or a database.
        from panah.matching.cli import main as dedupe

        sys.exit(dedupe(args[1:]))
    elif args[0] in ALIASES:
        args[0] = ALIASES[args[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["panah", *args])


if __name__ == "__main__":
    main()
