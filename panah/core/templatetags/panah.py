from __future__ import annotations

import datetime

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration_hm(value: datetime.timedelta | None) -> str:
    """Format a duration as hours and minutes in the active language."""
    if value is None:
        return ""
    minutes = int(value.total_seconds() // 60)
    return _("%(hours)s h %(minutes)s min") % {
        "hours": number_format(minutes // 60),
        "minutes": number_format(minutes % 60),
    }
