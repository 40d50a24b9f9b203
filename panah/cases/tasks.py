"""Background work for cases: thin wrappers that load by id and call one service."""

from __future__ import annotations

from django_tasks import task

from panah.cases import services


@task()
def case_custody_warning(case_id: str) -> None:
    """Warn on the timeline when an arrested person nears 24 hours without production."""
    services.case_custody_warning_record(case_id)
