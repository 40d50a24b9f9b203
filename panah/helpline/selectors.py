"""Reads of helpline contacts, scoped to the acting user's organisation."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from panah.accounts.selectors import actor_for
from panah.core.access import Capability
from panah.helpline.models import Contact


def contact_list_for(user: Any) -> QuerySet[Contact]:
    """Return the organisation's contacts, newest first (staff who handle contacts only)."""
    actor = actor_for(user)
    actor.require(Capability.CONTACT_VIEW)
    return (
        Contact.objects.filter(organisation_id=actor.organisation_id)
        .select_related("operator", "case")
        .order_by("-started_at")
    )
