"""One module per provider, the same shape each (healthchecks' integrations pattern).

Adding a provider: a module with a class offering `receive`, `handshake` and `send`
(`base.ProviderModule`), an entry in `PROVIDERS` and in `models.Provider`, tests that sign
requests the way the provider does, and a section in docs/channels.md.
"""

from __future__ import annotations

from panah.channels.providers.base import ProviderModule
from panah.channels.providers.console import ConsoleProvider
from panah.channels.providers.generic import GenericHttpProvider
from panah.channels.providers.meta import MetaProvider
from panah.channels.providers.twilio import TwilioProvider

PROVIDERS: dict[str, ProviderModule] = {
    "twilio": TwilioProvider(),
    "meta_whatsapp": MetaProvider(),
    "generic_http": GenericHttpProvider(),
    "console": ConsoleProvider(),
}


def provider_for(name: str) -> ProviderModule:
    """Return the provider module for a channel's provider name."""
    return PROVIDERS[name]
