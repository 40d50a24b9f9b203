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


@checks.register(checks.Tags.compatibility)
def helpline_number_set(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Warn when the public pages and leaflets have no helpline number to print."""
    from django.conf import settings  # noqa: PLC0415 - read at check time, not import time

    if settings.PANAH_ENV == "production" and not settings.PANAH_HELPLINE_NUMBER:
        return [
            checks.Warning(
                "PANAH_HELPLINE_NUMBER is not set: know-your-rights pages, SMS and leaflets "
                "will say 'the Panah helpline' instead of a number.",
                id="panah.W001",
            )
        ]
    return []
