"""Background work for duplicates: a thin wrapper around the finder."""

from __future__ import annotations

from django_tasks import task

from panah.accounts.models import Organisation
from panah.duplicates import services


@task()
def duplicates_find(organisation_id: str | None = None) -> dict[str, int]:
    """Find likely duplicates (in one organisation's register, or across all) for review."""
    organisation = None
    if organisation_id is not None:
        organisation = Organisation.objects.filter(pk=organisation_id).first()
        if organisation is None:
            return {}
    summary = services.duplicates_find(organisation=organisation)
    return dict(summary.__dict__)
