"""Manage field encryption keys: show, rotate (add a new key), re-encrypt with the newest."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from panah.core import crypto
from panah.core.fields import encrypted_fields

BATCH = 500


class Command(BaseCommand):
    help = "Show, rotate and re-encrypt with Panah's field encryption keys."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["show", "rotate", "reencrypt"])

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"_{action}")()

    def _show(self) -> None:
        ring = crypto.get_keyring()
        ids = ", ".join(k.key_id for k in ring.encryption_keys)
        self.stdout.write(f"encryption keys (oldest first): {ids}; current: {ring.current.key_id}")

    def _rotate(self) -> None:
        if settings.PANAH_KEYS:
            raise CommandError(
                "Keys come from PANAH_KEYS: add a new key there, then run `panah keys reencrypt`."
            )
        path = Path(settings.PANAH_KEY_FILE)
        document = crypto.read_key_document(path)
        entry = crypto.new_key_entry()
        document["encryption_keys"].append(entry)  # type: ignore[attr-defined]
        crypto.parse_key_document(document)
        crypto.write_key_document(path, document)
        crypto.reset_keyring()
        self.stdout.write(f"added key {entry['id']}; now run `panah keys reencrypt`")

    def _reencrypt(self) -> None:
        ring = crypto.get_keyring()
        current = ring.current.key_id
        total = 0
        for model in apps.get_models():
            fields = encrypted_fields(model)
            if not fields:
                continue
            total += self._reencrypt_model(model, [f.name for f in fields])
        self.stdout.write(f"re-encrypted {total} rows with key {current}")

    def _reencrypt_model(self, model: Any, names: list[str]) -> int:
        # Every row is read (the field decrypts with whichever loaded key sealed it) and written
        # back (the field seals with the newest key). Batches keep each transaction short, so
        # the application keeps working while this runs; running it twice is harmless.
        done = 0
        last_pk: Any = None
        while True:
            qs = model._base_manager.order_by("pk").only("pk", *names)
            if last_pk is not None:
                qs = qs.filter(pk__gt=last_pk)
            batch = list(qs[:BATCH])
            if not batch:
                return done
            last_pk = batch[-1].pk
            with transaction.atomic():
                model._base_manager.bulk_update(batch, names)
            done += len(batch)
