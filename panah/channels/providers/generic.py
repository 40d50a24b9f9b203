"""A generic HTTP SMS gateway (Pakistani aggregators, Jasmin, Kannel behind a signing relay).

Everything is configured in the channel's encrypted credentials (docs/channels.md):

- `hmac_secret` (required): inbound messages and delivery reports carry the hex HMAC-SHA256 of
  the raw body under it (optionally prefixed "sha256=") in `signature_header`
  (default X-Panah-Signature), compared in constant time before the body is parsed.
- Inbound field names: `sender_field` (from), `text_field` (text), `id_field` (id), and
  `to_field` (to; checked against the channel's number when present). The body is a JSON object
  or a form.
- Delivery reports: `status_id_field` (id), `status_field` (status) and `status_map`, which
  adds to or overrides `DEFAULT_STATUS_MAP` (the gateway's word → sent/delivered/failed/read).
- Sending: `send_url`, a template with {to}, {to_digits}, {from}, {text} and {id} (our message
  id, for gateways that report delivery by our id), URL-encoded into the URL; `send_method`
  (POST or GET); `send_fields` (field → template) sent as a form, or JSON with
  `send_format: "json"`; `send_headers`; `response_id_field` when the gateway's JSON answer
  names its own id (otherwise our id is the provider id).
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

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
    form_fields,
    hmac_sha256_matches,
    http_request,
    json_object,
)
from panah.messaging.backends import PermanentSendError

if TYPE_CHECKING:
    from panah.channels.models import Channel
    from panah.messaging.models import OutboundMessage

DEFAULT_SIGNATURE_HEADER = "X-Panah-Signature"
# Kannel's DLR types (1 delivered, 2 failed, 8 submitted, 16 rejected), SMPP's final states
# and plain words.
DEFAULT_STATUS_MAP = {
    "1": "delivered",
    "2": "failed",
    "8": "sent",
    "16": "failed",
    "DELIVRD": "delivered",
    "UNDELIV": "failed",
    "REJECTD": "failed",
    "EXPIRED": "failed",
    "sent": "sent",
    "delivered": "delivered",
    "failed": "failed",
    "read": "read",
}
_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _expand(template: str, values: dict[str, str], *, url: bool) -> str:
    """Replace {name} with its value (URL-encoded in a URL); refuse unknown names."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in values:
            raise PermanentSendError(f"generic: unknown placeholder {{{name}}}")
        return quote(values[name], safe="") if url else values[name]

    return _PLACEHOLDER.sub(one, template)


def _fields(hook: Webhook) -> dict[str, Any]:
    """Read the body as a JSON object or a form, by content type (then by its first byte)."""
    if "json" in hook.content_type or hook.body.lstrip()[:1] == b"{":
        return json_object(hook.body)
    return {key: values[-1] for key, values in form_fields(hook.body).lists()}


class GenericHttpProvider:
    name = "generic_http"
    required_credentials: tuple[str, ...] = ("hmac_secret",)

    def handshake(self, channel: Channel, hook: Webhook) -> str | None:
        return None

    def receive(self, channel: Channel, hook: Webhook, *, status: bool) -> Received:
        config = channel.credentials_dict()
        header = config.get("signature_header") or DEFAULT_SIGNATURE_HEADER
        signature = hook.headers.get(header, "")
        if not signature:
            raise Forged("missing signature")
        if not hmac_sha256_matches(config.get("hmac_secret", ""), hook.body, signature):
            raise Forged("bad signature")
        fields = _fields(hook)
        if status:
            return self._status(config, fields)
        return self._inbound(channel, config, fields)

    def _status(self, config: dict[str, Any], fields: dict[str, Any]) -> Received:
        provider_id = clean_id(fields.get(config.get("status_id_field") or "id"))
        raw = fields.get(config.get("status_field") or "status")
        if provider_id is None or raw is None:
            raise Malformed("status fields")
        status_map = {**DEFAULT_STATUS_MAP, **(config.get("status_map") or {})}
        mapped = status_map.get(str(raw))
        received = Received()
        if mapped is not None:
            received.statuses.append(StatusEvent(provider_id, mapped))
        return received

    def _inbound(
        self, channel: Channel, config: dict[str, Any], fields: dict[str, Any]
    ) -> Received:
        provider_id = clean_id(fields.get(config.get("id_field") or "id"))
        sender = sender_e164(str(fields.get(config.get("sender_field") or "from") or ""))
        text = clean_text(fields.get(config.get("text_field") or "text"))
        if provider_id is None or sender is None or text is None:
            raise Malformed("sender, text or id")
        to = fields.get(config.get("to_field") or "to")
        if to is not None and sender_e164(str(to)) != sender_e164(channel.address):
            raise Malformed("not this channel's number")
        return Received(inbound=[InboundEvent(provider_id, sender, text)])

    def send(self, channel: Channel, message: OutboundMessage, *, status_url: str) -> str:
        config = channel.credentials_dict()
        template = config.get("send_url") or ""
        if not template:
            raise PermanentSendError("generic: no send_url configured")
        values = {
            "to": message.to,
            "to_digits": message.to.lstrip("+"),
            "from": channel.address,
            "text": message.body,
            "id": str(message.pk),
            "status_url": status_url,
        }
        url = _expand(template, values, url=True)
        method = str(config.get("send_method") or "POST").upper()
        headers = {str(k): str(v) for k, v in (config.get("send_headers") or {}).items()}
        data = None
        if method == "POST":
            body = {
                str(k): _expand(str(v), values, url=False)
                for k, v in (config.get("send_fields") or {}).items()
            }
            if config.get("send_format") == "json":
                data = json.dumps(body).encode("utf-8")
                headers.setdefault("Content-Type", "application/json")
            else:
                data = urlencode(body).encode("ascii")
                headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
        answer = http_request(url, data=data, headers=headers, method=method, label="gateway")
        id_field = config.get("response_id_field")
        if id_field:
            try:
                provider_id = clean_id(json.loads(answer)[id_field])
            except (ValueError, KeyError, TypeError):
                provider_id = None
            if provider_id is None:
                raise PermanentSendError("generic: answer without a message id")
            return provider_id
        return str(message.pk)
