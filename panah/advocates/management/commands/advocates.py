"""`panah advocates rebuild-cover`: reinstall the ShiftCover triggers and rebuild the table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connections, transaction

from panah.advocates import cover


class Command(BaseCommand):
    help = (
        "rebuild-cover: reinstall the database triggers that keep the rota routing reads "
        "(ShiftCover) true and rebuild it from the shifts and the advocates' profiles. Safe to "
        "run at any time; needed if a migration or a restore dropped the triggers (the system "
        "check panah.E010 says so)."
    )
    # The check this command repairs would otherwise stop it from running.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["rebuild-cover"])
        parser.add_argument("--database", default="default")

    def handle(self, *args: Any, **options: Any) -> None:
        connection = connections[options["database"]]
        with transaction.atomic(using=options["database"]):
            cover.install(connection)
            count = cover.rebuild(connection)
        self.stdout.write(f"Rota cover rebuilt: {count} rows; triggers installed.")
