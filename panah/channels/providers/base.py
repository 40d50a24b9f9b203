"""What every provider module offers, and the plain values its webhooks turn into.

A provider reads a webhook (`receive`) and sends a message (`send`). `receive` checks the
signature before it trusts anything and raises `Forged` (403) or `Malformed` (400); it returns
the messages and delivery reports it found, each already checked, and counts the entries it
had to skip. Nothing here touches the database: the view stores what `receive` returns.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import parse_qsl

from django.conf import settings
from django.utils.datastructures import MultiValueDict

from panah.messaging.backends import PermanentSendError, SendError

if TYPE_CHECKING:
    from panah.channels.models import Channel
    from panah.messaging.models import OutboundMessage

MAX_FORM_FIELDS = 100
MAX_PROVIDER_ID = 128
MAX_TEXT = 10_000


class Forged(Exception):
    """The request is not signed by the channel's provider: refused with 403, nothing stored.

    The message is a short reason code for the log (never anything from the request).
    """


class Malformed(Exception):
    """Signed (or not yet checkable) but unreadable: refused with 400, nothing stored."""


@dataclass(frozen=True)
class Webhook:
    """The parts of an HTTP request a provider reads. `url` is the public URL, as signed."""

    method: str
    url: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    content_type: str = ""


@dataclass(frozen=True)
class InboundEvent:
    provider_message_id: str
    sender: str  # E.164
    text: str
    kind: str = "text"


@dataclass(frozen=True)
class StatusEvent:
    provider_message_id: str
    status: str  # an OutboundMessage.Status value
    error: str = ""


@dataclass
class Received:
    """What one webhook carried: messages, delivery reports and the entries skipped."""

    inbound: list[InboundEvent] = field(default_factory=list)
    statuses: list[StatusEvent] = field(default_factory=list)
    skipped: int = 0
    reply: bytes = b""
    reply_type: str = "text/plain"


class ProviderModule(Protocol):
    name: str
    required_credentials: tuple[str, ...]

    def receive(self, channel: Channel, hook: Webhook, *, status: bool) -> Received: ...

    def handshake(self, channel: Channel, hook: Webhook) -> str | None: ...

    def send(self, channel: Channel, message: OutboundMessage, *, status_url: str) -> str: ...


# --- helpers shared by the providers ---------------------------------------------------------


def hmac_sha256_matches(secret: str, body: bytes, signature: str) -> bool:
    """Return whether `signature` (hex, optionally "sha256=…") is the HMAC of the raw body."""
    if not secret or not signature:
        return False
    given = signature.strip()
    if given.lower().startswith("sha256="):
        given = given[len("sha256=") :]
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    # Constant time: the comparison must not tell a forger how many characters were right.
    return hmac.compare_digest(expected, given.lower().encode("ascii", "replace").decode())


def form_fields(body: bytes) -> MultiValueDict[str, str]:
    """Decode an application/x-www-form-urlencoded body strictly (UTF-8, bounded)."""
    try:
        text = body.decode("ascii")
        pairs = parse_qsl(
            text,
            keep_blank_values=True,
            encoding="utf-8",
            errors="strict",
            max_num_fields=MAX_FORM_FIELDS,
        )
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("undecodable form") from exc
    result: MultiValueDict[str, str] = MultiValueDict()
    for key, value in pairs:
        result.appendlist(key, value)
    return result


def json_object(body: bytes) -> dict[str, Any]:
    """Decode a JSON object body strictly (UTF-8)."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise Malformed("undecodable json") from exc
    if not isinstance(value, dict):
        raise Malformed("json is not an object")
    return value


def clean_id(value: object) -> str | None:
    """Return a provider message id if it is a short printable string, else None."""
    if not isinstance(value, str | int) or isinstance(value, bool):
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_PROVIDER_ID or not text.isprintable():
        return None
    return text


def clean_text(value: object) -> str | None:
    """Return message text bounded in length, or None if it is not text."""
    if not isinstance(value, str):
        return None
    # NUL cannot be stored in a PostgreSQL text column; nothing legitimate sends it.
    return value.replace("\x00", "")[:MAX_TEXT]


def http_request(
    url: str,
    *,
    data: bytes | None,
    headers: Mapping[str, str],
    method: str,
    label: str,
) -> bytes:
    """Send one HTTP request to a provider; return the body of a 2xx answer.

    Raise `PermanentSendError` for 4xx answers other than 429 (the provider will refuse this
    message again), and `SendError` for 429, 5xx, timeouts and network errors (worth a retry).
    Errors carry the provider label and status only: never the number or the text.
    """
    if not url.startswith(("https://", "http://")):
        raise PermanentSendError(f"{label}: URL must be http(s)")
    request = urllib.request.Request(url, data=data, headers=dict(headers), method=method)  # noqa: S310 - scheme checked above
    try:
        with urllib.request.urlopen(  # noqa: S310 - scheme checked above
            request, timeout=settings.PANAH_CHANNELS_SEND_TIMEOUT
        ) as response:
            return bytes(response.read(1024 * 1024))
    except urllib.error.HTTPError as exc:
        if exc.code == 429 or exc.code >= 500:
            raise SendError(f"{label}: HTTP {exc.code}") from None
        raise PermanentSendError(f"{label}: HTTP {exc.code}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"{label}: {type(exc).__name__}") from None
