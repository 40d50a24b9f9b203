"""Reads for the self-service line: the lists a person chooses from (public reference data).

Districts and places belong to no organisation and hold nothing personal, so these reads need
no actor. Sessions are read only by `services.session_handle`, under a row lock; the one
exception is `session_language_for`, the language a sender chose, for the operators' inbox.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from panah.places.models import Place
from panah.places.selectors import district_list, place_list
from panah.selfservice.engine import Catalog, Option
from panah.selfservice.models import FlowSession

LANGUAGES = ("en", "ur", "ps", "fa")
# Where people are held after an arrest: police and Levies stations, FIA circles.
ARREST_PLACE_KINDS = (Place.Kind.POLICE_STATION, Place.Kind.LEVIES_THANA, Place.Kind.FIA)


def _labels(name: str, name_ur: str) -> dict[str, str]:
    # Readers of Urdu, Pashto and Dari get the Arabic-script name (as Place.__str__ does).
    local = name_ur or name
    return {"en": name, "ur": local, "ps": local, "fa": local}


def catalog_for_line() -> Catalog:
    """Return the lists of the line: districts (those with arrest places first, by how many,
    then by name) and the arrest places of each district, by name. Two queries."""
    places = [p for p in place_list() if p.kind in ARREST_PLACE_KINDS]
    per_district: dict[str, list[Option]] = defaultdict(list)
    for place in sorted(places, key=lambda p: p.name):
        per_district[str(place.district_id)].append(
            Option(
                id=str(place.pk),
                labels=_labels(place.name, place.name_ur),
                names=tuple(n for n in (place.name, place.name_ur) if n),
            )
        )
    counts = Counter(p.district_id for p in places)
    districts = sorted(district_list(), key=lambda d: (-counts[d.pk], d.name))
    return Catalog(
        {
            "districts": {
                "": tuple(
                    Option(
                        id=str(d.pk),
                        labels=_labels(d.name, d.name_ur),
                        names=tuple(n for n in (d.name, d.name_ur) if n),
                    )
                    for d in districts
                )
            },
            "police_stations": {key: tuple(options) for key, options in per_district.items()},
        }
    )


def session_language_for(organisation_id: Any, *, medium: str, sender_e164: str) -> str | None:
    """Return the language a sender chose on the line (on this medium), or None if they never
    chose one or have no session. One query, by the sender's blind index; nothing decrypted.

    The operators' inbox uses it to offer quick replies in the person's language.
    """
    # Imported here: services imports this module (the line's lists) at load time.
    from panah.selfservice.services import sender_digest  # noqa: PLC0415

    row = (
        FlowSession.objects.filter(
            organisation_id=organisation_id,
            medium=medium,
            sender_digest=sender_digest(sender_e164),
            language_chosen=True,
        )
        .values_list("language", flat=True)
        .first()
    )
    return row if row in LANGUAGES else None
