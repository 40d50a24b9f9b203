"""Running due background tasks inside a test, the way `panah worker` runs them.

`db_worker` closes old database connections between tasks, which ends a test's transaction,
and it sleeps; this runs every ready task (run_after ≤ now, so time-machine moves the clock)
in the test's connection, in order, until none is ready.
"""

from __future__ import annotations

from django_tasks_db.models import DBTaskResult


def run_due_tasks(*, limit: int = 1000) -> int:
    """Run the ready tasks in enqueue order; return how many ran. A failing task raises."""
    ran = 0
    while ran < limit:
        result = DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()
        if result is None:
            return ran
        result.claim("test")
        task_result = result.task_result
        try:
            value = result.task.call(*task_result.args, **task_result.kwargs)
        except Exception as exc:
            result.set_failed(exc)
            raise
        result.set_successful(value)
        ran += 1
    raise RuntimeError(f"more than {limit} tasks: is a task re-enqueueing itself?")
