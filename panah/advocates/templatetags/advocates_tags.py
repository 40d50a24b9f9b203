"""Small display helpers for the advocates' pages."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from panah.advocates.models import Shift, Specialisation
from panah.people.models import PersonLanguage, mask

register = template.Library()

WEEKDAYS = dict(Shift._meta.get_field("weekday").choices or [])


@register.filter
def masked(value: str | None) -> str:
    """Show a phone number with all but its last three digits hidden (SECURITY.md DP-9)."""
    return mask(value or "")


@register.filter
def language_names(codes: list[str] | None) -> str:
    """Name the languages of a list of codes ("ps", "fa" …) in the active language."""
    names = dict(PersonLanguage.choices)
    return ", ".join(str(names.get(code, code)) for code in codes or ())


@register.filter
def specialisation_names(codes: list[str] | None) -> str:
    names = dict(Specialisation.choices)
    return ", ".join(str(names.get(code, code)) for code in codes or ())


@register.filter
def weekday_name(day: datetime.date) -> str:
    """The weekday of a date (or of a time, in the display zone), in the active language."""
    if isinstance(day, datetime.datetime) and timezone.is_aware(day):
        day = timezone.localtime(day)
    return str(WEEKDAYS.get(day.weekday(), ""))


@register.filter
def clock(moment: datetime.datetime) -> str:
    """The wall-clock time of an end of a span: midnight that closes a day is 24:00."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return local.strftime("%H:%M")


@register.filter
def day_end(moment: datetime.datetime) -> str:
    """Like `clock`, but a span ending at midnight ends at 24:00 (of the day before)."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    return "24:00" if local.time() == datetime.time(0, 0) else local.strftime("%H:%M")
