"""System check: the triggers that keep ShiftCover (routing's view of the rota) true exist."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.db import connections

from panah.advocates import cover
from panah.advocates.models import ShiftCover


@checks.register(checks.Tags.database)
def shift_cover_triggers(
    app_configs: Any, databases: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    """Refuse to go on when a ShiftCover trigger is missing: routing would miss advocates.

    A database check, so it runs with `panah check --database default` and before `panah
    migrate`, not on every command. A database not migrated this far is not checked.
    """
    errors: list[checks.CheckMessage] = []
    for alias in databases or ():
        connection = connections[alias]
        if ShiftCover._meta.db_table not in connection.introspection.table_names():
            continue
        missing = cover.missing_triggers(connection)
        if missing:
            errors.append(
                checks.Error(
                    f"Database {alias!r} lacks the triggers that keep the rota routing reads "
                    f"true: {', '.join(sorted(missing))}. Urgent cases would not reach "
                    "advocates on duty.",
                    hint="Run `panah advocates rebuild-cover` to reinstall them and rebuild "
                    "the table.",
                    id="panah.E010",
                )
            )
    return errors
