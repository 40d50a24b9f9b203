"""Channel backends: how a queued message leaves Panah.

A backend is a class with `send(message) -> provider_id`, raising `SendError` on failure. The
console and file backends are for development and tests; the organisations' SMS and WhatsApp
providers plug in the same way through `panah.channels.backends.ChannelBackend`, chosen by
`PANAH_MESSAGING_BACKEND`.
"""

from __future__ import annotations

import datetime
import json
import sys
import uuid
from pathlib import Path
from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from panah.messaging.models import OutboundMessage


class SendError(Exception):
    """The provider refused or could not be reached; the message may be retried."""


class PermanentSendError(SendError):
    """The provider refused the message for good (a 4xx: bad number, no permission): no retry."""


class RateLimited(SendError):
    """The channel has sent its quota for now: send again at `retry_at`, without an attempt."""

    def __init__(self, message: str, *, retry_at: datetime.datetime) -> None:
        super().__init__(message)
        self.retry_at = retry_at


class Backend(Protocol):
    name: str

    def send(self, message: OutboundMessage) -> str: ...


class ConsoleBackend:
    """Print messages to standard output (development only: it shows numbers and text)."""

    name = "console"

    def send(self, message: OutboundMessage) -> str:
        sys.stdout.write(f"[{message.channel} to {message.to}] {message.body}\n")
        return f"console-{uuid.uuid4()}"


class FileBackend:
    """Append each message as one JSON line to a file (tests and the demo read it)."""

    name = "file"

    def send(self, message: OutboundMessage) -> str:
        path = Path(settings.PANAH_MESSAGING_FILE)
        path.parent.mkdir(parents=True, exist_ok=True)
        provider_id = f"file-{uuid.uuid4()}"
        record = {
            "id": provider_id,
            "message": str(message.id),
            "channel": message.channel,
            "to": message.to,
            "body": message.body,
            "purpose": message.purpose,
            "at": timezone.now().isoformat(),
        }
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
        return provider_id


def get_backend() -> Backend:
    backend: Backend = import_string(settings.PANAH_MESSAGING_BACKEND)()
    return backend
