"""The row django-tasks-db stores for an enqueued task, for a hot path that writes it in SQL.

`task.enqueue()` through django-tasks-db validates the task, saves a `DBTaskResult` through the
ORM and sends the `task_enqueued` signal: about a millisecond of CPU, a fifth of a provider
webhook (benchmarks/results.md). The webhook instead stores its message and the message's task
in one SQL statement (`panah.channels.services.inbound_receive`), with the values this module
prepares the way the backend would: once per task and connection, the same `DBTaskResult`
fields through the same `pre_save` receivers (django-tasks-db's sets `run_after`), each value
prepared by its model field; then per row only the id, the arguments and the enqueueing time.
A test compares the row with one `enqueue()` wrote, column by column, and runs the worker on
it, so an upgrade of django-tasks-db that changes the row fails there first.

What it leaves out, on purpose: the `task_enqueued` signal (django-tasks only logs it at DEBUG)
and the backend's task validation (the task is a module-level function checked by every
`enqueue()` in the test suite).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db import router
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models.signals import pre_save
from django.utils import timezone
from django_tasks.base import Task
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import normalize_json
from django_tasks_db.models import DBTaskResult


@dataclass(frozen=True)
class _Template:
    """A task's prepared row through one connection, and what must be filled in per row."""

    table: str
    columns: list[str]
    values: list[Any]
    id_at: int
    args_at: int
    now_at: list[int]  # auto_now and auto_now_add columns: the moment of enqueueing


_templates: dict[tuple[Any, ...], _Template] = {}


class TaskRow(NamedTuple):
    table: str
    columns: list[str]
    values: list[Any]
    args_column: str  # the column of the JSON arguments, for a caller that builds them in SQL


def database_task_row(
    task: Task[Any, Any], args: list[Any] | None, connection: BaseDatabaseWrapper
) -> TaskRow | None:
    """Return the table, columns and values of the row `task.enqueue(*args)` would insert
    through `connection`, or None when the task goes elsewhere (another backend or database):
    the caller then enqueues it the usual way. With args None, the arguments' value is left
    unprepared: a caller that builds them in SQL (see TaskRow.args_column) saves the work."""
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    if router.db_for_write(DBTaskResult) != connection.alias:
        return None
    key = (task.module_path, task.priority, task.queue_name, task.run_after, id(backend))
    key += (connection.alias, connection.vendor)
    template = _templates.get(key) or _template(key, task, backend, connection)
    fields = DBTaskResult._meta.local_concrete_fields
    row = list(template.values)
    row[template.id_at] = fields[template.id_at].get_db_prep_save(backend._get_id(), connection)
    if args is not None:
        arguments = normalize_json({"args": list(args), "kwargs": {}})
        row[template.args_at] = fields[template.args_at].get_db_prep_save(arguments, connection)
    now = timezone.now()  # what DateTimeField.pre_save gives an auto_now(_add) field
    for index in template.now_at:
        row[index] = fields[index].get_db_prep_save(now, connection)
    return TaskRow(template.table, template.columns, row, template.columns[template.args_at])


def _template(
    key: tuple[Any, ...],
    task: Task[Any, Any],
    backend: DatabaseBackend,
    connection: BaseDatabaseWrapper,
) -> _Template:
    """Once per task and connection: the whole save path of the row, as `enqueue` takes it."""
    # What DatabaseBackend._task_to_db_task passes to DBTaskResult.objects.create().
    result: DBTaskResult[Any, Any] = DBTaskResult(
        id=backend._get_id(),
        args_kwargs=normalize_json({"args": [], "kwargs": {}}),
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,  # type: ignore[misc]  # None: its pre_save receiver sets it
        backend_name=backend.alias,
    )
    pre_save.send(
        sender=DBTaskResult, instance=result, raw=False, using=connection.alias, update_fields=None
    )
    fields = DBTaskResult._meta.local_concrete_fields
    template = _Template(
        table=DBTaskResult._meta.db_table,
        columns=[str(field.column) for field in fields],
        values=[
            field.get_db_prep_save(field.pre_save(result, add=True), connection) for field in fields
        ],
        id_at=next(i for i, field in enumerate(fields) if field.primary_key),
        args_at=next(i for i, field in enumerate(fields) if field.name == "args_kwargs"),
        now_at=[
            i
            for i, field in enumerate(fields)
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ],
    )
    _templates[key] = template
    return template
