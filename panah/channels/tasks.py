"""Background work for channels: thin wrappers that load by id and call one service."""

from __future__ import annotations

from django_tasks import task

from panah.channels import services


@task()
def inbound_process(inbound_id: str) -> None:
    """Thread one received message into its conversation (retried by the service)."""
    services.inbound_process(inbound_id)
