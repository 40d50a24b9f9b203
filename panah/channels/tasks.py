"""Background work for channels: thin wrappers that load by id and call one service."""

from __future__ import annotations

from django_tasks import task

from panah.channels import services


@task()
def inbound_process(inbound_id: str) -> None:
    """Thread one received message into its conversation (retried by the service)."""
    services.inbound_process(inbound_id)


@task()
def inbound_process_batch(inbound_ids: list[str]) -> None:
    """Thread messages stored together by the webhook, one by one: each message's failure is
    counted and retried on its own (as `inbound_process`), so one cannot hold back another."""
    for inbound_id in inbound_ids:
        services.inbound_process(inbound_id)
