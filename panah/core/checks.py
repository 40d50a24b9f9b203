"""System checks run by every management command and at server start."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from panah.core import crypto


@checks.register(checks.Tags.security)
def encryption_keys_loaded(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Refuse to run without field encryption keys (SECURITY.md DP-2)."""
    try:
        crypto.get_keyring()
    except ImproperlyConfigured as exc:
        return [checks.Critical(str(exc), id="panah.E001")]
    return []
