from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from panah.accounts.selectors import actor_for
from panah.core.errors import PermissionDenied


def membership(request: HttpRequest) -> dict[str, Any]:
    """Expose the acting user's organisation and role to templates (navigation only)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"actor": None}
    try:
        return {"actor": actor_for(user)}
    except PermissionDenied:
        return {"actor": None}
