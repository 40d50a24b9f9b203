"""Provider webhooks: size, route, verify, store, answer — in that order.

1. A body over PANAH_CHANNELS_MAX_BODY is refused (413) before it is read.
2. The slug names one active channel; an unknown one gets an empty 404.
3. The provider checks the signature (403 if missing or wrong) and reads the payload (400 if
   unreadable). Only the channel id and a reason code are logged, never the body.
4. Each message is committed with its processing task before the 2xx; a retry of the same
   provider id is answered 2xx again and stores nothing.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from panah.channels import selectors, services, voice
from panah.channels.models import VoiceMode
from panah.channels.providers import provider_for
from panah.channels.providers.base import Forged, Malformed, Webhook

logger = logging.getLogger(__name__)


def _too_large(request: HttpRequest) -> bool | None:
    """True if the declared body is over the limit, None if the length is unreadable."""
    raw = request.META.get("CONTENT_LENGTH") or "0"
    try:
        length = int(raw)
    except ValueError:
        return None
    return length > settings.PANAH_CHANNELS_MAX_BODY or length < 0


def _handle(request: HttpRequest, slug: str, *, status: bool) -> HttpResponse:
    body = b""
    if request.method == "POST":
        too_large = _too_large(request)
        if too_large is None:
            return HttpResponse(status=400)
        if too_large:
            return HttpResponse(status=413)
        limit = settings.PANAH_CHANNELS_MAX_BODY
        body = request.read(limit + 1)
        if len(body) > limit:
            return HttpResponse(status=413)
    channel = selectors.channel_for_webhook(slug)
    if channel is None:
        return HttpResponse(status=404)
    provider = provider_for(channel.provider)
    hook = Webhook(
        method=request.method or "",
        # The URL the provider called and signed, whatever proxy stands in front of us.
        url=settings.PANAH_BASE_URL.rstrip("/") + request.get_full_path(),
        headers=request.headers,
        query=request.GET,
        body=body,
        content_type=request.content_type or "",
    )
    if request.method == "GET":
        challenge = provider.handshake(channel, hook)
        if challenge is None:
            logger.warning("channel %s webhook refused: bad handshake", channel.pk)
            return HttpResponse(status=403)
        return HttpResponse(challenge, content_type="text/plain")
    while True:
        try:
            received = provider.receive(channel, hook, status=status)
            break
        except Forged as exc:
            # The channel may be remembered from before its credentials changed: read it again.
            refreshed = selectors.channel_refreshed(slug, channel)
            if refreshed is None:
                logger.warning("channel %s webhook refused: %s", channel.pk, exc)
                return HttpResponse(status=403)
            channel, provider = refreshed, provider_for(refreshed.provider)
        except Malformed as exc:
            logger.warning("channel %s webhook malformed: %s", channel.pk, exc)
            return HttpResponse(status=400)
    if channel.voice_mode == VoiceMode.MENU and [e.kind for e in received.inbound] == ["call"]:
        # An answered call: the voice menu takes it from here (panah.channels.voice).
        event = received.inbound[0]
        twiml = voice.call_answer(channel, call_sid=event.provider_message_id, caller=event.sender)
        return HttpResponse(twiml, content_type="text/xml")
    for event in received.inbound:
        services.inbound_receive(channel, event)
    for report in received.statuses:
        services.status_receive(channel, report)
    if received.skipped:
        logger.info("channel %s webhook: %d entries skipped", channel.pk, received.skipped)
    return HttpResponse(received.reply, content_type=received.reply_type)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest, slug: str) -> HttpResponse:
    """Messages (and, for WhatsApp Cloud, statuses too); GET is Meta's subscription check."""
    return _handle(request, slug, status=False)


@csrf_exempt
@require_POST
def status(request: HttpRequest, slug: str) -> HttpResponse:
    """Delivery-status callbacks for messages Panah sent through this channel."""
    return _handle(request, slug, status=True)
