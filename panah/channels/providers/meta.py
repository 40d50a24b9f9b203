"""Meta's WhatsApp Cloud API.

Credentials: `app_secret` (signs webhooks), `access_token` (sends), `verify_token` (the
subscription handshake). The channel's address is Meta's phone-number id.

Meta first calls the webhook with GET hub.mode=subscribe&hub.verify_token=…&hub.challenge=…;
we answer the challenge if the token is ours. Then every POST carries X-Hub-Signature-256:
"sha256=" + HMAC-SHA256 of the raw body under the app secret, compared in constant time
before the body is parsed. One POST may carry several messages and delivery statuses, and Meta
retries anything but a 200 for days: once signed and readable, the answer is 200, and entries
we cannot use (another phone number's, no id, no sender) are skipped and counted.
"""

from __future__ import annotations

import hmac
import json
from typing import TYPE_CHECKING, Any

from django.conf import settings

from panah.channels.addresses import sender_e164
from panah.channels.providers.base import (
    Forged,
    InboundEvent,
    Malformed,
    Received,
    StatusEvent,
    Webhook,
    clean_id,
    clean_text,
    hmac_sha256_matches,
    http_request,
    json_object,
)
from panah.messaging.backends import PermanentSendError

if TYPE_CHECKING:
    from panah.channels.models import Channel
    from panah.messaging.models import OutboundMessage

STATUS_MAP = {"sent": "sent", "delivered": "delivered", "read": "read", "failed": "failed"}
MEDIA_TYPES = {"image", "audio", "voice", "video", "document", "sticker"}
MAX_CHALLENGE = 100


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _message_text(message: dict[str, Any]) -> tuple[str, str | None]:
    """Return (kind, text) for one WhatsApp message object."""
    kind = message.get("type")
    if kind == "text":
        return "text", clean_text(_dict(message.get("text")).get("body"))
    if kind == "button":
        return "text", clean_text(_dict(message.get("button")).get("text"))
    if kind == "interactive":
        interactive = _dict(message.get("interactive"))
        reply = _dict(interactive.get("button_reply")) or _dict(interactive.get("list_reply"))
        return "text", clean_text(reply.get("title"))
    if kind in MEDIA_TYPES:
        caption = _dict(message.get(kind)).get("caption", "")
        return "media", clean_text(caption) if isinstance(caption, str) else ""
    # Locations, contacts, reactions, "unsupported": kept so an operator sees that the person
    # wrote, even though Panah cannot show what.
    return "other", ""


class MetaProvider:
    name = "meta_whatsapp"
    required_credentials: tuple[str, ...] = ("app_secret", "access_token", "verify_token")

    def handshake(self, channel: Channel, hook: Webhook) -> str | None:
        """Return the challenge to echo if Meta's verify token is ours, else None."""
        expected = channel.credentials_dict().get("verify_token", "")
        given = hook.query.get("hub.verify_token", "")
        challenge = hook.query.get("hub.challenge", "")
        if (
            hook.query.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(expected.encode(), given.encode())
            and challenge.isascii()
            and challenge.isalnum()
            and len(challenge) <= MAX_CHALLENGE
        ):
            return challenge
        return None

    def receive(self, channel: Channel, hook: Webhook, *, status: bool) -> Received:
        secret = channel.credentials_dict().get("app_secret", "")
        signature = hook.headers.get("X-Hub-Signature-256", "")
        if not signature:
            raise Forged("missing signature")
        if not hmac_sha256_matches(secret, hook.body, signature):
            raise Forged("bad signature")
        payload = json_object(hook.body)
        entries = payload.get("entry")
        if payload.get("object") != "whatsapp_business_account" or not isinstance(entries, list):
            raise Malformed("not a WhatsApp payload")
        received = Received()
        for entry in entries:
            for change in _list(_dict(entry).get("changes")):
                value = _dict(_dict(change).get("value"))
                if _dict(value.get("metadata")).get("phone_number_id") != channel.address:
                    # Another number of the same app: not this channel's to store.
                    received.skipped += len(_list(value.get("messages")))
                    received.skipped += len(_list(value.get("statuses")))
                    continue
                self._messages(value, received)
                self._statuses(value, received)
        return received

    def _messages(self, value: dict[str, Any], received: Received) -> None:
        for item in _list(value.get("messages")):
            message = _dict(item)
            provider_id = clean_id(message.get("id"))
            sender = sender_e164(str(message.get("from") or ""))
            kind, text = _message_text(message)
            if provider_id is None or sender is None or text is None:
                received.skipped += 1
                continue
            received.inbound.append(InboundEvent(provider_id, sender, text, kind=kind))

    def _statuses(self, value: dict[str, Any], received: Received) -> None:
        for item in _list(value.get("statuses")):
            report = _dict(item)
            provider_id = clean_id(report.get("id"))
            mapped = STATUS_MAP.get(str(report.get("status")))
            if provider_id is None or mapped is None:
                received.skipped += 1
                continue
            errors = _list(report.get("errors"))
            code = clean_id(_dict(errors[0]).get("code")) if errors else None
            received.statuses.append(StatusEvent(provider_id, mapped, (code or "")[:20]))

    def send(self, channel: Channel, message: OutboundMessage, *, status_url: str) -> str:
        credentials = channel.credentials_dict()
        url = f"{settings.PANAH_META_GRAPH_URL.rstrip('/')}/{channel.address}/messages"
        payload = {
            "messaging_product": "whatsapp",
            "recipient_type": "individual",
            "to": message.to.lstrip("+"),
            "type": "text",
            "text": {"preview_url": False, "body": message.body},
        }
        body = http_request(
            url,
            data=json.dumps(payload).encode("utf-8"),
            headers={
                "Authorization": f"Bearer {credentials.get('access_token', '')}",
                "Content-Type": "application/json",
            },
            method="POST",
            label="meta",
        )
        try:
            provider_id = clean_id(json.loads(body)["messages"][0]["id"])
        except (ValueError, KeyError, IndexError, TypeError):
            provider_id = None
        if provider_id is None:
            # Accepted but unreadable: sending again could deliver twice, so do not retry.
            raise PermanentSendError("meta: answer without a message id")
        return provider_id
