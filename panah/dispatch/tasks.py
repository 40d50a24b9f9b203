"""Background work for dispatch: thin wrappers that load by id and call one service."""

from __future__ import annotations

from django_tasks import task

from panah.dispatch import services


@task()
def offer_expire(offer_id: str) -> None:
    """Close an unanswered alert at its deadline and alert the next advocate."""
    services.offer_expire(offer_id)
