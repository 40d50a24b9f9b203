"""Queueing and sending outbound messages."""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.core.sms import sms_segments
from panah.messaging.backends import PermanentSendError, RateLimited, SendError, get_backend
from panah.messaging.models import STATUS_RANK, Channel, OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def message_queue(
    organisation: Organisation,
    *,
    to: str,
    body: str,
    purpose: str,
    channel: str = Channel.SMS,
    via: Any = None,
) -> OutboundMessage:
    """Store a message and enqueue its sending when the surrounding transaction commits.

    `via` names the provider channel (a `panah.channels.models.Channel`) to send through, as a
    conversation's reply goes out on the channel it came in on; without it the channel backend
    picks the organisation's active channel for the medium.
    """
    from panah.messaging.tasks import message_send  # noqa: PLC0415 - tasks import services

    message = OutboundMessage(
        organisation=organisation,
        channel=channel,
        to=to,
        body=body,
        purpose=purpose,
        via=via,
        segments=sms_segments(body),
        created_at=timezone.now(),
    )
    message.full_clean()
    message.save(force_insert=True)
    # The task row commits with the message: no message without its task, no task without
    # its message.
    message_send.enqueue(str(message.pk))
    return message


def _retry_delay(attempts: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(30 * 2 ** (attempts - 1), 900))


def message_send(message_id: str) -> OutboundMessage | None:
    """Hand one queued message to the backend; on failure retry later with back-off.

    Safe to run twice: a message that is no longer queued is left alone.
    """
    from panah.messaging.tasks import message_send as task  # noqa: PLC0415

    with transaction.atomic():
        message = (
            OutboundMessage.objects.select_for_update()
            .filter(pk=message_id, status=OutboundMessage.Status.QUEUED)
            .first()
        )
        if message is None:
            return None
        backend = get_backend()
        message.attempts += 1
        message.backend = backend.name
        try:
            message.provider_id = backend.send(message)
        except RateLimited as exc:
            # Not a failure: the channel is at its per-minute limit. Try again when a slot frees
            # up, without using one of the message's attempts.
            message.attempts -= 1
            task.using(run_after=exc.retry_at).enqueue(str(message.pk))
        except PermanentSendError as exc:
            message.last_error = str(exc)[:200]
            message.status = OutboundMessage.Status.FAILED
            logger.warning("message %s (%s) refused by the provider", message.pk, message.purpose)
        except SendError as exc:
            # The provider's words only: never the number or the text.
            message.last_error = str(exc)[:200]
            if message.attempts >= MAX_ATTEMPTS:
                message.status = OutboundMessage.Status.FAILED
            else:
                task.using(run_after=timezone.now() + _retry_delay(message.attempts)).enqueue(
                    str(message.pk)
                )
            logger.warning(
                "message %s (%s) failed, attempt %d", message.pk, message.purpose, message.attempts
            )
        else:
            message.status = OutboundMessage.Status.SENT
            message.sent_at = timezone.now()
        message.save()
        return message


def message_status_update(
    organisation_id: Any, *, provider_id: str, status: str, error: str = ""
) -> bool:
    """Apply a provider's delivery report to the organisation's message with this provider id.

    One conditional UPDATE: the status moves only forward (`STATUS_RANK`), so reports that
    arrive twice or out of order, even at the same moment, never move it back. Returns whether
    a message changed. `error` is the provider's error code, never text from the message.
    """
    if not provider_id or status not in STATUS_RANK:
        return False
    lower = [s for s, rank in STATUS_RANK.items() if rank < STATUS_RANK[status]]
    changes: dict[str, Any] = {"status": status}
    if error:
        changes["last_error"] = error[:200]
    updated = OutboundMessage.objects.filter(
        organisation_id=organisation_id, provider_id=provider_id, status__in=lower
    ).update(**changes)
    return updated > 0
