"""Public reference data: districts and places (not personal, not organisation-owned)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from panah.accounts.selectors import Actor
from panah.core.access import Capability
from panah.core.errors import NotFound
from panah.places.models import District, Place, PlaceImport


def district_list() -> QuerySet[District]:
    """Return all districts, by name."""
    return District.objects.all()


def place_list(*, district_id: int | None = None, kind: str | None = None) -> QuerySet[Place]:
    """Return places, optionally within one district or of one kind."""
    qs = Place.objects.select_related("district")
    if district_id is not None:
        qs = qs.filter(district_id=district_id)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def place_import_list_for(actor: Actor) -> QuerySet[PlaceImport]:
    """Return the places imports made by the actor's organisation, newest first.

    Only for those who may import (`places.manage`); imports from the command line belong to
    no organisation and show here for nobody.
    """
    actor.require(Capability.PLACES_MANAGE)
    return PlaceImport.objects.filter(organisation_id=actor.organisation_id).select_related(
        "imported_by"
    )


def place_import_get_for(actor: Actor, *, pk: uuid.UUID) -> PlaceImport:
    """Return one import of the actor's organisation, or the same 404 as a missing one."""
    found = place_import_list_for(actor).filter(pk=pk).first()
    if found is None:
        raise NotFound
    return found
