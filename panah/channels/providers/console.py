"""The console channel, for development: messages are printed, nothing is sent.

It has no webhook (every request is refused as unsigned); `panah channels receive` injects
an inbound message instead.
"""

from __future__ import annotations

import sys
import uuid
from typing import TYPE_CHECKING

from panah.channels.providers.base import Forged, Received, Webhook

if TYPE_CHECKING:
    from panah.channels.models import Channel
    from panah.messaging.models import OutboundMessage


class ConsoleProvider:
    name = "console"
    required_credentials: tuple[str, ...] = ()

    def handshake(self, channel: Channel, hook: Webhook) -> str | None:
        return None

    def receive(self, channel: Channel, hook: Webhook, *, status: bool) -> Received:
        raise Forged("console channel has no webhook")

    def send(self, channel: Channel, message: OutboundMessage, *, status_url: str) -> str:
        # Development only: shows the number and the text on the terminal.
        sys.stdout.write(f"[{channel.medium} {channel.address} to {message.to}] {message.body}\n")
        return f"console-{uuid.uuid4()}"
