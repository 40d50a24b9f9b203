"""The messaging backend that sends through the organisations' provider channels.

Set PANAH_MESSAGING_BACKEND=panah.channels.backends.ChannelBackend: `message_send` then hands
each queued message to `services.outbound_send`, which picks the channel, keeps its rate limit
and calls the provider.
"""

from __future__ import annotations

from panah.channels import services
from panah.messaging.models import OutboundMessage


class ChannelBackend:
    name = "channels"

    def send(self, message: OutboundMessage) -> str:
        return services.outbound_send(message)
