"""Background work for messaging: thin wrappers that load by id and call one service."""

from __future__ import annotations

from django_tasks import task

from panah.messaging import services


@task()
def message_send(message_id: str) -> None:
    """Send one queued message (retried with back-off by the service on failure)."""
    services.message_send(message_id)
