"""Writing the audit log. Called inside the same transaction as the change it records."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models

from panah.accounts.selectors import Actor
from panah.audit.models import AuditEvent

Action = AuditEvent.Action
Source = AuditEvent.Source


def audit_record(
    actor: Actor | None,
    *,
    action: str,
    object_type: str,
    object_id: object,
    fields: Iterable[str] = (),
    source: str = Source.WEB,
) -> AuditEvent:
    """Append one audit event. Field names only: never the values themselves."""
    event = AuditEvent(
        actor=actor.user if actor else None,
        organisation=actor.organisation if actor else None,
        role=actor.role if actor else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        fields=sorted(set(fields)),
        source=source,
    )
    event.save(force_insert=True)
    return event


def audit_record_read(actor: Actor, obj: models.Model, *, source: str = Source.WEB) -> None:
    """Record that the actor viewed one record's detail."""
    audit_record(
        actor,
        action=Action.VIEW,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        source=source,
    )


def audit_record_write(
    actor: Actor | None,
    obj: models.Model,
    *,
    action: str,
    fields: Iterable[str] = (),
    source: str = Source.WEB,
) -> None:
    """Record a create, update or delete of one record."""
    audit_record(
        actor,
        action=action,
        object_type=obj._meta.model_name or "",
        object_id=obj.pk,
        fields=fields,
        source=source,
    )
