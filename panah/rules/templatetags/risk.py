"""`{% risk_badge rank %}`: a stored risk rank as its badge, for pages of apps below rules.

A template tag, so the case queue shows the risk without `cases` importing `rules`.
"""

from __future__ import annotations

from typing import Any

from django import template

from panah.rules.triage import risk_for_rank

register = template.Library()


@register.inclusion_tag("rules/risk_badge.html")
def risk_badge(rank: int | None) -> dict[str, Any]:
    return {"risk": risk_for_rank(rank)}
