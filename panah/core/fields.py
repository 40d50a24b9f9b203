"""Model fields that keep sensitive values encrypted at rest (see panah.core.crypto)."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models.lookups import IsNull

from panah.core import crypto


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """A text column holding AES-GCM ciphertext; Python code sees plaintext.

    Only `isnull` look-ups are allowed: equality on ciphertext can never match (each value has
    a fresh nonce), so searches go through blind indexes instead. Empty strings are stored as
    empty strings, which reveals only that the field is blank.
    """

    description = "Text encrypted at rest"

    @property
    def crypto_context(self) -> str:
        # Bind each ciphertext to its table and column, so it cannot be moved elsewhere.
        return f"{self.model._meta.db_table}.{self.column}"

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return IsNull

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value, context=self.crypto_context)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value), context=self.crypto_context)


def encrypted_fields(model: type[models.Model]) -> list[EncryptedTextField]:
    """Return the encrypted fields declared on a model."""
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
