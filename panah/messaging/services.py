"""Queueing and sending outbound messages."""

from __future__ import annotations

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.core.sms import sms_segments
from panah.messaging.backends import SendError, get_backend
from panah.messaging.models import Channel, OutboundMessage

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def message_queue(
    organisation: Organisation,
    *,
    to: str,
    body: str,
    purpose: str,
    channel: str = Channel.SMS,
) -> OutboundMessage:
    """Store a message and enqueue its sending when the surrounding transaction commits."""
    from panah.messaging.tasks import message_send  # noqa: PLC0415 - tasks import services

    message = OutboundMessage(
        organisation=organisation,
        channel=channel,
        to=to,
        body=body,
        purpose=purpose,
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
