"""Background work for the rules engine: thin wrappers that call one service."""

from __future__ import annotations

from django_tasks import task

from panah.rules import triage


@task()
def risk_refresh_stale() -> int:
    """Re-assess every person whose stored risk is older than today or from another policy.

    The risk changes with the date alone (a deadline to leave passes, enforcement starts, a
    visa runs out), so it must be recomputed daily, and after a new policy version is
    installed. django-tasks has no scheduler: a cron job or systemd timer runs
    `panah rules refresh` shortly after midnight in PANAH_DISPLAY_TIME_ZONE (where "today"
    starts), and a deployment that changes rules/policy/policy.yaml runs it once more. The
    command calls the same service in a fresh process, which reads the installed policy file;
    enqueue this task instead only from code that wants the work done by `panah worker`. Safe
    to run twice, or alongside the web application.
    """
    return triage.risk_refresh_stale()
