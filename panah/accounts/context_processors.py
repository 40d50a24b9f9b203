from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.core.errors import PermissionDenied


def membership(request: HttpRequest) -> dict[str, Any]:
    """Expose the acting user's organisation, role and capabilities (navigation only: every
    view still checks for itself)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None, "caps": frozenset()}
    try:
        actor = actor_for(user)
    except PermissionDenied:
        return {"actor": None, "caps": frozenset()}
    return {"actor": actor, "caps": frozenset(c.value for c in Capability if actor.can(c))}
