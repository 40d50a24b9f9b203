"""The dispatch panel on the case page and the words for dispatch steps on its timeline.

Template tags, so the cases app shows dispatch without importing it (dispatch sits above
cases in the import order).
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from panah.accounts.models import User
from panah.advocates.labels import explain
from panah.core.access import Capability
from panah.dispatch.selectors import dispatches_for_case

register = template.Library()


def _name(context: template.Context, user_id: Any) -> str:
    # One query per advocate per page, however many timeline lines name them.
    cache: dict[Any, str] = context.render_context.setdefault(  # type: ignore[assignment]
        "dispatch_names",
        {},  # type: ignore[arg-type]
    )
    if user_id not in cache:
        user = User.objects.filter(pk=user_id).only("first_name", "last_name", "username").first()
        cache[user_id] = (user.get_full_name() or user.username) if user else "—"
    return str(cache[user_id])


@register.simple_tag(takes_context=True)
def dispatch_step(context: template.Context, event: Any) -> str:
    """One dispatch line of the timeline, in words."""
    data = event.data or {}
    advocate = _name(context, data["advocate"]) if data.get("advocate") else ""
    words = {
        "started": _("Looking for an advocate on duty."),
        "offered": _("Alert sent to %(advocate)s (choice %(rank)s).")
        % {"advocate": advocate, "rank": data.get("rank", "")},
        "declined": _("%(advocate)s declined.") % {"advocate": advocate},
        "expired": _("%(advocate)s did not answer in time.") % {"advocate": advocate},
        "accepted": _("%(advocate)s accepted the case.") % {"advocate": advocate},
        "late_yes": _("%(advocate)s answered after the case was taken.") % {"advocate": advocate},
        "arrived": _("%(advocate)s reached the station.") % {"advocate": advocate},
        "coordinator_alerted": _("No advocate accepted: the coordinator was alerted."),
        "cancelled": _("Alerts stopped."),
    }
    return words.get(data.get("step", ""), "")


@register.inclusion_tag("dispatch/case_panel.html", takes_context=True)
def dispatch_panel(context: template.Context, case: Any) -> dict[str, Any]:
    caps = context.get("caps") or ()
    dispatches = list(dispatches_for_case(case)[:3])
    rows = [
        {
            "dispatch": dispatch,
            "offers": [
                {"offer": offer, "why": explain(offer.explanation)}
                for offer in dispatch.offers.all()
            ],
        }
        for dispatch in dispatches
    ]
    return {
        "case": case,
        "rows": rows,
        "live": any(d.status == "offering" for d in dispatches),
        "can_start": (Capability.CASE_ASSIGN in caps or Capability.CASE_OPEN in caps)
        and case.is_open
        and case.assigned_advocate_id is None,
        "csrf_token": context.get("csrf_token"),
    }
