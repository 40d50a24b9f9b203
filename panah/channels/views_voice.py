"""The voice menu's Twilio endpoints, and the operators' call-back queue.

Twilio's requests for a call's next step are checked like every webhook (`views.py`): size,
then the slug (a Twilio voice channel, else an empty 404), then the signature with the
channel's own verification (403, nothing stored). Only the channel id and a reason code are
logged. The call itself arrives on the channel's messages webhook (`views.webhook`), which hands
an answered call to `voice.call_answer`.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from panah.accounts.selectors import actor_for
from panah.channels import selectors, services, voice
from panah.channels.models import CallbackRequest, Channel, Medium, Provider
from panah.channels.providers.base import Forged, Malformed, Webhook, clean_id
from panah.channels.providers.twilio import TwilioProvider
from panah.core.errors import DomainError
from panah.core.htmx import render_page_or_partial
from panah.people.models import mask

logger = logging.getLogger(__name__)

TWIML = "text/xml"


def _verified(
    request: HttpRequest, slug: str
) -> tuple[Channel, MultiValueDict[str, str]] | HttpResponse:
    """Return the channel and the signed parameters, or the refusal to send back."""
    limit = settings.PANAH_CHANNELS_MAX_BODY
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or "0")
    except ValueError:
        return HttpResponse(status=400)
    if declared > limit or declared < 0:
        return HttpResponse(status=413)
    body = request.read(limit + 1)
    if len(body) > limit:
        return HttpResponse(status=413)
    channel = selectors.channel_for_webhook(slug)
    if channel is None or (channel.provider, channel.medium) != (Provider.TWILIO, Medium.VOICE):
        return HttpResponse(status=404)
    hook = Webhook(
        method="POST",
        url=settings.PANAH_BASE_URL.rstrip("/") + request.get_full_path(),
        headers=request.headers,
        query=request.GET,
        body=body,
        content_type=request.content_type or "",
    )
    while True:
        try:
            return channel, TwilioProvider().verify(channel, hook)
        except Forged as exc:
            # The channel may be remembered from before its credentials changed: read it again.
            refreshed = selectors.channel_refreshed(slug, channel)
            if refreshed is None or refreshed.provider != Provider.TWILIO:
                logger.warning("channel %s voice request refused: %s", channel.pk, exc)
                return HttpResponse(status=403)
            channel = refreshed
        except Malformed as exc:
            logger.warning("channel %s voice request malformed: %s", channel.pk, exc)
            return HttpResponse(status=400)


def _call_step(request: HttpRequest, slug: str, act: Any) -> HttpResponse:
    checked = _verified(request, slug)
    if isinstance(checked, HttpResponse):
        return checked
    channel, params = checked
    call_sid = clean_id(params.get("CallSid"))
    if call_sid is None:
        return HttpResponse(status=400)
    twiml = act(channel, call_sid, params)
    if twiml is None:
        return HttpResponse(status=404)
    return HttpResponse(twiml, content_type=TWIML)


@csrf_exempt
@require_POST
def voice_gather(request: HttpRequest, slug: str, step: int) -> HttpResponse:
    """The key a caller pressed at a menu (none, after the wait)."""
    return _call_step(
        request,
        slug,
        lambda channel, sid, params: voice.call_gather(
            channel, call_sid=sid, step=step, digits=params.get("Digits", "")
        ),
    )


@csrf_exempt
@require_POST
def voice_name(request: HttpRequest, slug: str, step: int) -> HttpResponse:
    """The recorded name of an arrested person (or 0, back)."""
    return _call_step(
        request,
        slug,
        lambda channel, sid, params: voice.call_name(
            channel,
            call_sid=sid,
            step=step,
            recording=voice.recording_url(
                params.get("RecordingUrl", ""), params.get("RecordingDuration", "")
            ),
            digits=params.get("Digits", ""),
        ),
    )


@csrf_exempt
@require_POST
def voice_voicemail(request: HttpRequest, slug: str, step: int) -> HttpResponse:
    """A voicemail (or none): it goes to the inbox and the call-back queue."""
    return _call_step(
        request,
        slug,
        lambda channel, sid, params: voice.call_voicemail(
            channel,
            call_sid=sid,
            step=step,
            recording=voice.recording_url(
                params.get("RecordingUrl", ""), params.get("RecordingDuration", "")
            ),
            duration=clean_id(params.get("RecordingDuration", "")) or "0",
        ),
    )


@csrf_exempt
@require_POST
def voice_status(request: HttpRequest, slug: str) -> HttpResponse:
    """Twilio's call status callback: a call ended (a hang-up before the end is called back)."""
    checked = _verified(request, slug)
    if isinstance(checked, HttpResponse):
        return checked
    channel, params = checked
    call_sid = clean_id(params.get("CallSid"))
    if call_sid is None:
        return HttpResponse(status=400)
    voice.call_status(channel, call_sid=call_sid, status=params.get("CallStatus", ""))
    return HttpResponse(status=204)


# --- The operators' call-back queue ----------------------------------------------------------


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("How did the call go?"),
        choices=[
            (CallbackRequest.State.DONE, gettext_lazy("Spoke with the person")),
            (CallbackRequest.State.NO_ANSWER, gettext_lazy("No answer")),
            (CallbackRequest.State.WRONG_NUMBER, gettext_lazy("Wrong number")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=services.MAX_CALLBACK_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _detail_context(
    request: HttpRequest, callback: CallbackRequest, **extra: Any
) -> dict[str, Any]:
    actor = actor_for(request.user)
    revealed = selectors.callback_revealed_to(actor, callback)
    return {
        "callback": callback,
        "revealed": revealed,
        "masked": mask(callback.caller),
        "is_open": callback.state in CallbackRequest.OPEN_STATES,
        "form": extra.pop("form", None) or OutcomeForm(),
        "max_attempts": settings.PANAH_CALLBACK_MAX_ATTEMPTS,
        **extra,
    }


@login_required
@require_GET
def callback_list(request: HttpRequest) -> HttpResponse:
    """The queue: open call-backs (pending and due first, oldest first), numbers masked."""
    actor = actor_for(request.user)
    closed = request.GET.get("show") == "closed"
    rows = [(c, mask(c.caller)) for c in selectors.callback_list_for(actor, closed=closed)]
    return render_page_or_partial(
        request,
        "channels/callbacks/callback_list.html",
        "rows",
        {"rows": rows, "closed": closed},
    )


@login_required
@require_GET
def callback_detail(request: HttpRequest, callback_id: uuid.UUID) -> HttpResponse:
    """One call-back; its number in full (with a tel: link) only to the operator who took it."""
    actor = actor_for(request.user)
    callback = selectors.callback_get_for(actor, callback_id)
    return render_page_or_partial(
        request,
        "channels/callbacks/callback_detail.html",
        "panel",
        _detail_context(request, callback),
    )


def _refused(request: HttpRequest, callback_id: uuid.UUID, exc: DomainError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    if getattr(request, "htmx", False):
        actor = actor_for(request.user)
        callback = selectors.callback_get_for(actor, callback_id)
        return render(
            request,
            "channels/callbacks/callback_detail.html#panel",
            _detail_context(request, callback, errors=exc.messages),
            status=409,
        )
    return redirect("channels:callback_detail", callback_id=callback_id)


@login_required
@require_POST
def callback_claim(request: HttpRequest, callback_id: uuid.UUID) -> HttpResponse:
    """Take a call-back: the number is shown to the actor, who calls."""
    actor = actor_for(request.user)
    callback = selectors.callback_for_write(actor, callback_id)
    try:
        services.callback_claim(actor, callback)
    except DomainError as exc:
        return _refused(request, callback_id, exc)
    if getattr(request, "htmx", False):
        callback = selectors.callback_get_for(actor, callback_id)
        return render(
            request,
            "channels/callbacks/callback_detail.html#panel",
            _detail_context(request, callback),
        )
    return redirect("channels:callback_detail", callback_id=callback_id)


@login_required
@require_POST
def callback_outcome(request: HttpRequest, callback_id: uuid.UUID) -> HttpResponse:
    """Record how the call went; an unanswered one goes back in the queue for later."""
    actor = actor_for(request.user)
    callback = selectors.callback_for_write(actor, callback_id)
    form = OutcomeForm(request.POST)
    if not form.is_valid():
        fresh = selectors.callback_get_for(actor, callback_id)
        return render_page_or_partial(
            request,
            "channels/callbacks/callback_detail.html",
            "panel",
            _detail_context(request, fresh, form=form),
            status=400,
        )
    try:
        updated = services.callback_record_outcome(
            actor, callback, form.cleaned_data["outcome"], form.cleaned_data["note"]
        )
    except DomainError as exc:
        return _refused(request, callback_id, exc)
    if updated.state == CallbackRequest.State.PENDING:
        messages.info(request, _("Back in the queue for another attempt later."))
    else:
        messages.success(request, _("The call-back is closed."))
    return redirect("channels:callback_list")
