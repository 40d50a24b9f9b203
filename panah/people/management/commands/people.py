"""`panah people reindex`: rebuild every person's search keys (blind indexes)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from panah.people.services import search_keys_reindex


class Command(BaseCommand):
    help = (
        "reindex: rebuild every person's search keys, in batches. Run it after upgrading Panah "
        "when the release notes say the search keys changed, and after changing the "
        "blind-index key (index_key) in the key ring. Searches keep working meanwhile; people "
        "not yet rebuilt are found only by their old keys."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["reindex"])
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args: Any, action: str, batch_size: int, **options: Any) -> None:
        done = 0
        for done in search_keys_reindex(batch_size=max(1, batch_size)):
            if options["verbosity"] > 1:
                self.stdout.write(f"{done} people …")
        self.stdout.write(f"{done} people reindexed.")
