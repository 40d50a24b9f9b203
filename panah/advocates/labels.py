"""The words for routing's reason codes: "why this advocate" on the case page.

`routing.rank` returns codes and numbers; these are the sentences users read, in the active
language. Every code `rank` can emit has an entry here (tested).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.conf import settings
from django.utils import formats
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from panah.advocates.routing import Reason

LABELS: dict[str, Promise] = {
    "covers_place": _("Covers this police station or facility"),
    "covers_district": _("Covers this district"),
    "speaks_language": _("Speaks %(language)s"),
    "open_cases": ngettext_lazy("%(count)s open case", "%(count)s open cases", "count"),
    "distance_km": _("%(km)s km away (by road, estimated)"),
    "distance_unknown": _("Distance not known: no base on the map"),
    "acceptance_rate": _("Accepted %(percent)s%% of alerts"),
    "no_history": _("No alerts yet"),
}


def explain(reasons: Iterable[Reason | Mapping[str, Any]]) -> list[str]:
    """Return one translated sentence per reason, in the order given.

    Takes `Reason`s, or their dictionaries as stored with an offer
    (`dataclasses.asdict(reason)`). A code this version does not know (from an older or newer
    release) is left out rather than shown raw.
    """
    sentences = []
    for reason in reasons:
        if isinstance(reason, Reason):
            code, value = reason.code, reason.value
        else:
            code, value = str(reason.get("code")), reason.get("value")
        label = LABELS.get(code)
        if label is None:
            continue
        sentences.append(str(label % _params(code, value)))
    return sentences


def _params(code: str, value: Any) -> dict[str, Any]:
    if code == "speaks_language":
        names = dict(settings.LANGUAGES)
        return {"language": str(names.get(value, value))}
    if code == "open_cases":
        return {"count": int(value or 0)}
    if code == "distance_km":
        # Whole km from 10 km up; number_format truncates, so round first.
        km = float(value or 0)
        shown = round(km) if km >= 10 else round(km, 1)
        return {"km": formats.number_format(shown, decimal_pos=0 if km >= 10 else 1)}
    if code == "acceptance_rate":
        return {"percent": formats.number_format(round(float(value or 0) * 100))}
    return {}
