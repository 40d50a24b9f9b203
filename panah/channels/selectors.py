"""Reading channels and conversations, scoped to the acting operator's organisation."""

from __future__ import annotations

import threading
import time
import uuid

from django.conf import settings
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from panah.accounts.selectors import Actor
from panah.audit.services import Action, Source, audit_record, audit_record_read
from panah.channels.models import CallbackRequest, Channel, Conversation, Message
from panah.core.access import Capability
from panah.core.errors import NotFound

MAX_LIST = 200


# slug -> (channel, monotonic time it was read). Process-local: each server worker keeps its own.
_webhook_channels: dict[str, tuple[Channel, float]] = {}
_webhook_channels_lock = threading.Lock()


def channel_for_webhook(slug: str, *, fresh: bool = False) -> Channel | None:
    """Return the active channel a webhook slug names, or None.

    Not scoped to a user: the slug is the route, the provider's signature the proof.

    Every message of a busy line names the same few channels, and reading the row (with its
    encrypted credentials) was a sixth of a webhook's CPU, so each process remembers a channel
    for PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS. Saving or deleting a channel forgets it in this
    process at once (`forget_webhook_channels`); other processes see a deactivation within that
    time. A signature that fails against a remembered channel is checked again with `fresh=True`
    (the view does it), so rotated credentials never refuse a genuine message. The instance is
    shared between threads: callers only read it. Unknown slugs are not remembered.
    """
    if not slug or len(slug) > 64:
        return None
    ttl = settings.PANAH_CHANNELS_WEBHOOK_CACHE_SECONDS
    now = time.monotonic()
    if not fresh and ttl > 0:
        remembered = _webhook_channels.get(slug)
        if remembered is not None and now - remembered[1] < ttl:
            return remembered[0]
    channel = Channel.objects.filter(webhook_slug=slug, is_active=True).first()
    with _webhook_channels_lock:
        if channel is None:
            _webhook_channels.pop(slug, None)
        elif ttl > 0:
            _webhook_channels[slug] = (channel, now)
    return channel


def channel_refreshed(slug: str, remembered: Channel) -> Channel | None:
    """After a signature failed against `remembered`: the channel read again from the database,
    if it changed since (new credentials, say), else None (the failure stands)."""
    channel = channel_for_webhook(slug, fresh=True)
    if channel is None or channel is remembered:
        return None
    if (channel.credentials, channel.provider) == (remembered.credentials, remembered.provider):
        return None
    return channel


def forget_webhook_channels() -> None:
    """Forget every remembered webhook channel in this process (after a change to any)."""
    with _webhook_channels_lock:
        _webhook_channels.clear()


def channel_list() -> QuerySet[Channel]:
    """Return every configured channel with its organisation (the administrators' command)."""
    return Channel.objects.select_related("organisation").order_by("organisation__name", "name")


def conversation_list_for(
    actor: Actor, *, state: str | None = None, mine: bool = False, limit: int = 50
) -> list[Conversation]:
    """Return the organisation's conversations, latest message first, with their unread counts.

    Without `state`, closed conversations are left out; `mine` keeps those the actor claimed.
    Nothing is decrypted here but the sender's number, once per row.
    """
    actor.require(Capability.CONTACT_VIEW)
    qs = Conversation.objects.filter(organisation_id=actor.organisation_id)
    qs = qs.filter(state=state) if state else qs.exclude(state=Conversation.State.CLOSED)
    if mine:
        qs = qs.filter(assigned_to_id=actor.user.pk)
    qs = qs.select_related("channel", "assigned_to").order_by("-last_message_at")
    return list(qs[: max(1, min(limit, MAX_LIST))])


def conversation_unread_total_for(actor: Actor) -> int:
    """Return how many messages wait unread in the organisation's open conversations."""
    actor.require(Capability.CONTACT_VIEW)
    total = (
        Conversation.objects.filter(organisation_id=actor.organisation_id)
        .exclude(state=Conversation.State.CLOSED)
        .aggregate(total=Sum("unread_count"))["total"]
    )
    return int(total or 0)


def conversation_get_for(
    actor: Actor, conversation_id: object, *, source: str = Source.WEB
) -> Conversation:
    """Return one conversation of the actor's organisation, recording the read in the audit.

    A missing id, a malformed one and another organisation's all raise the same 404.
    """
    actor.require(Capability.CONTACT_VIEW)
    try:
        pk = uuid.UUID(str(conversation_id))
    except ValueError:
        raise NotFound from None
    conversation = (
        Conversation.objects.select_related("channel", "assigned_to", "person", "contact")
        .filter(pk=pk, organisation_id=actor.organisation_id)
        .first()
    )
    if conversation is None:
        raise NotFound
    audit_record_read(actor, conversation, source=source)
    return conversation


def conversation_messages_for(actor: Actor, conversation: Conversation) -> QuerySet[Message]:
    """Return a conversation's messages, oldest first, with their delivery status."""
    actor.require(Capability.CONTACT_VIEW)
    if conversation.organisation_id != actor.organisation_id:
        raise NotFound
    return (
        Message.objects.filter(conversation_id=conversation.pk)
        .select_related("outbound", "author")
        .order_by("created_at", "id")
    )


# --- call-backs ------------------------------------------------------------------------------


def _callback_pk(callback_id: object) -> uuid.UUID:
    try:
        return uuid.UUID(str(callback_id))
    except ValueError:
        raise NotFound from None


def callback_list_for(
    actor: Actor, *, closed: bool = False, limit: int = 100
) -> list[CallbackRequest]:
    """Return the organisation's call-backs: the open ones — pending and due first, then those
    being called, then those waiting for their next attempt, oldest first within each — or,
    with `closed`, the latest closed ones. The numbers are decrypted for masking only.
    """
    actor.require(Capability.CONTACT_VIEW)
    qs = CallbackRequest.objects.filter(organisation_id=actor.organisation_id).select_related(
        "channel", "claimed_by", "case"
    )
    if closed:
        qs = qs.exclude(state__in=CallbackRequest.OPEN_STATES).order_by("-done_at")
    else:
        now = timezone.now()
        qs = qs.filter(state__in=CallbackRequest.OPEN_STATES).annotate(
            queue_rank=Case(
                When(
                    Q(state=CallbackRequest.State.PENDING)
                    & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)),
                    then=Value(0),
                ),
                When(state=CallbackRequest.State.CLAIMED, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        qs = qs.order_by("queue_rank", "requested_at")
    return list(qs[: max(1, min(limit, MAX_LIST))])


def callback_pending_count_for(actor: Actor) -> int:
    """Return how many call-backs wait for someone to take them."""
    actor.require(Capability.CONTACT_VIEW)
    return CallbackRequest.objects.filter(
        organisation_id=actor.organisation_id, state=CallbackRequest.State.PENDING
    ).count()


def callback_get_for(
    actor: Actor, callback_id: object, *, source: str = Source.WEB
) -> CallbackRequest:
    """Return one call-back of the actor's organisation, recording the read in the audit.

    The number and the recording are shown in full only to the operator who claimed the
    request: that read names them in the audit entry. A missing id, a malformed one and
    another organisation's all raise the same 404.
    """
    actor.require(Capability.CONTACT_VIEW)
    request = (
        CallbackRequest.objects.select_related("channel", "claimed_by", "case")
        .filter(pk=_callback_pk(callback_id), organisation_id=actor.organisation_id)
        .first()
    )
    if request is None:
        raise NotFound
    fields = ["caller", "recording_url"] if callback_revealed_to(actor, request) else []
    audit_record(
        actor,
        action=Action.VIEW,
        object_type=request._meta.model_name or "",
        object_id=request.pk,
        fields=fields,
        source=source,
    )
    return request


def callback_revealed_to(actor: Actor, request: CallbackRequest) -> bool:
    """Whether the actor sees this call-back's number and recording in full (they claimed it)."""
    return request.state == CallbackRequest.State.CLAIMED and request.claimed_by_id == actor.user.pk


def callback_for_write(actor: Actor, callback_id: object) -> CallbackRequest:
    """Return a call-back the actor may act on (no read audit: the write is audited)."""
    actor.require(Capability.CONTACT_LOG)
    request = CallbackRequest.objects.filter(
        pk=_callback_pk(callback_id), organisation_id=actor.organisation_id
    ).first()
    if request is None:
        raise NotFound
    return request
