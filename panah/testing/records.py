"""Helpers that make records the way the application does: through its services."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from panah.accounts.selectors import Actor
from panah.cases.models import Case
from panah.cases.services import case_open
from panah.people.models import Person
from panah.people.services import PersonData, person_create


def person_make(actor: Actor, *, phones: tuple[str, ...] = (), **fields: Any) -> Person:
    """Create a person through `person_create` (given name "Mirwais" unless told otherwise)."""
    fields.setdefault("given_name", "Mirwais")
    return person_create(actor, data=PersonData(**fields), phones=phones)


def arrest_case_make(
    actor: Actor, person: Person, *, place: Any = None, hours_ago: float = 1, priority: int = 1
) -> Case:
    """Open an arrest case whose arrest happened `hours_ago` hours before now."""
    return case_open(
        actor,
        person=person,
        case_type="arrest",
        priority=priority,
        place=place,
        arrested_at=timezone.now() - datetime.timedelta(hours=hours_ago),
    )


def row_counts(*model_classes: type[models.Model]) -> dict[str, int]:
    """Return the number of rows of each model, to prove that a refusal wrote nothing."""
    return {m._meta.label: m._base_manager.count() for m in model_classes}
