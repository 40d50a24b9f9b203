"""Twilio: SMS, WhatsApp and voice.

Credentials: `account_sid`, `auth_token`. Webhooks are form-encoded and signed with
X-Twilio-Signature: HMAC-SHA1 of the public URL and the sorted parameters under the auth
token, checked with the `twilio` library's own `RequestValidator` on the URL Twilio called
(PANAH_BASE_URL + path, so it holds behind a proxy). Sending uses the real `twilio` client;
PANAH_TWILIO_API_URL points it elsewhere (tests run a local server).
"""

from __future__ import annotations

import hmac
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.datastructures import MultiValueDict
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.request_validator import RequestValidator
from twilio.rest import Client

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
)
from panah.messaging.backends import PermanentSendError, SendError

if TYPE_CHECKING:
    from panah.channels.models import Channel
    from panah.messaging.models import OutboundMessage

TWILIO_API = "https://api.twilio.com"
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
# A call to the line is rejected as busy, so the caller pays nothing, and recorded as a request
# to be called back: the "missed call" most callers without credit already use.
REJECT_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response><Reject reason="busy"/></Response>'

# Twilio's MessageStatus values that Panah tracks; the others (queued, sending, accepted,
# scheduled, receiving, received) say nothing new about a message Panah has sent.
STATUS_MAP = {
    "sent": "sent",
    "delivered": "delivered",
    "read": "read",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
}


def _strip_scheme(address: str) -> str:
    return address.split(":", 1)[1] if address.lower().startswith("whatsapp:") else address


def _signed(validator: RequestValidator, url: str, params: Any, signature: str) -> bool:
    """Whether Twilio signed these parameters for this URL.

    The library's `validate` signs the URL twice, with and without its port, since Twilio is
    not consistent about it; the URL exactly as configured matches nearly every request, so it
    is tried first (a tenth of a millisecond saved on each message) and `validate` decides the
    rest.
    """
    exact = validator.compute_signature(url, params).encode()
    if hmac.compare_digest(exact, signature.encode("utf-8", "replace")):
        return True
    return bool(validator.validate(url, params, signature))


class _ApiHttpClient(TwilioHttpClient):
    """The library's HTTP client, sent to PANAH_TWILIO_API_URL instead of api.twilio.com."""

    def request(  # type: ignore[override]
        self, method: str, url: str, *args: Any, **kwargs: Any
    ) -> Response:
        base = settings.PANAH_TWILIO_API_URL.rstrip("/")
        if base != TWILIO_API and url.startswith(TWILIO_API):
            url = base + url[len(TWILIO_API) :]
        return super().request(method, url, *args, **kwargs)


class TwilioProvider:
    name = "twilio"
    required_credentials: tuple[str, ...] = ("account_sid", "auth_token")

    def handshake(self, channel: Channel, hook: Webhook) -> str | None:
        return None  # Twilio has no subscription handshake

    def verify(self, channel: Channel, hook: Webhook) -> MultiValueDict[str, str]:
        """Return the form parameters of a request Twilio signed for this channel's account.

        Raise `Forged` for a missing or wrong signature or another account, `Malformed` for a
        body that is not a UTF-8 form. Every Twilio endpoint (messages, statuses, the voice
        menu's steps) checks its requests here.
        """
        signature = hook.headers.get("X-Twilio-Signature", "")
        if not signature:
            raise Forged("missing signature")
        params = form_fields(hook.body)  # pure decoding: the signature covers the parameters
        credentials = channel.credentials_dict()
        token = credentials.get("auth_token", "")
        if not token or not _signed(RequestValidator(token), hook.url, params, signature):
            raise Forged("bad signature")
        if params.get("AccountSid") != credentials.get("account_sid"):
            # Signed with this token but for another account: refuse as forged.
            raise Forged("other account")
        return params

    def receive(self, channel: Channel, hook: Webhook, *, status: bool) -> Received:
        params = self.verify(channel, hook)
        if status:
            return self._status(params)
        return self._inbound(channel, params)

    def _status(self, params: Any) -> Received:
        provider_id = clean_id(params.get("MessageSid") or params.get("SmsSid"))
        raw_status = params.get("MessageStatus") or params.get("SmsStatus") or ""
        if provider_id is None or not raw_status:
            raise Malformed("status fields")
        received = Received()
        mapped = STATUS_MAP.get(raw_status)
        if mapped is not None:
            error = clean_id(params.get("ErrorCode") or "") or ""
            received.statuses.append(StatusEvent(provider_id, mapped, error[:20]))
        return received

    def _inbound(self, channel: Channel, params: Any) -> Received:
        call_sid = params.get("CallSid")
        provider_id = clean_id(call_sid or params.get("MessageSid") or params.get("SmsSid"))
        sender = sender_e164(params.get("From", ""))
        if provider_id is None or sender is None:
            raise Malformed("sender or id")
        to = _strip_scheme(params.get("To", ""))
        # Twilio writes our number as we configured it (E.164); anything else is normalised.
        if to != channel.address and sender_e164(to) != sender_e164(channel.address):
            raise Malformed("not this channel's number")
        if call_sid:
            event = InboundEvent(provider_id, sender, "", kind="call")
            return Received(inbound=[event], reply=REJECT_TWIML, reply_type="text/xml")
        text = clean_text(params.get("Body", ""))
        try:
            media = int(params.get("NumMedia") or 0)
        except ValueError:
            media = 0
        if text is None:
            raise Malformed("body")
        kind = "media" if media > 0 else "text"
        return Received(
            inbound=[InboundEvent(provider_id, sender, text, kind=kind)],
            reply=EMPTY_TWIML,
            reply_type="text/xml",
        )

    def send(self, channel: Channel, message: OutboundMessage, *, status_url: str) -> str:
        if channel.medium == "voice":
            raise PermanentSendError("twilio: a voice channel sends no messages")
        credentials = channel.credentials_dict()
        client = Client(
            credentials.get("account_sid"),
            credentials.get("auth_token"),
            http_client=_ApiHttpClient(timeout=settings.PANAH_CHANNELS_SEND_TIMEOUT),
        )
        prefix = "whatsapp:" if channel.medium == "whatsapp" else ""
        try:
            sent = client.messages.create(
                to=prefix + message.to,
                from_=prefix + channel.address,
                body=message.body,
                status_callback=status_url,
            )
        except TwilioRestException as exc:
            # Status and Twilio's error code only: Twilio's message text quotes the number.
            label = f"twilio: HTTP {exc.status} code {exc.code}"
            if exc.status == 429 or exc.status >= 500:
                raise SendError(label) from None
            raise PermanentSendError(label) from None
        except (TwilioException, OSError) as exc:
            raise SendError(f"twilio: {type(exc).__name__}") from None
        return str(sent.sid)
