"""HTTP access to the engine: the same input and output as `panah rules assess`."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Body, Router, Status

from panah.accounts.selectors import actor_for
from panah.rules.engine import InputError
from panah.rules.services import facts_assess

router = Router(tags=["rules"])


@router.post("/assess", response={200: dict[str, Any], 422: dict[str, str]})
def assess(request: HttpRequest, payload: dict[str, Any] = Body(...)) -> Any:  # noqa: B008
    """Assess documents on a date: JSON input as documented for `panah rules assess`.

    Nothing is stored and no person is read: the caller sends only the facts.
    """
    actor_for(request.user)  # staff of an organisation only
    try:
        return Status(200, facts_assess(payload))
    except InputError as exc:
        return Status(422, {"detail": str(exc)})
