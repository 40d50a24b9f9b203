"""Reading the audit log: organisation administrators see their organisation's events."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from panah.accounts.selectors import actor_for
from panah.audit.models import AuditEvent
from panah.core.access import Capability


def audit_list_for(user: Any, *, object_id: str | None = None) -> QuerySet[AuditEvent]:
    """Return the organisation's audit events, newest first (org admins only)."""
    actor = actor_for(user)
    actor.require(Capability.AUDIT_VIEW)
    qs = AuditEvent.objects.filter(organisation_id=actor.organisation_id).select_related("actor")
    if object_id:
        qs = qs.filter(object_id=object_id)
    return qs
