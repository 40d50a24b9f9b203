"""Display helpers for the operators' inbox: masked senders and the navigation's unread badge."""

from __future__ import annotations

from typing import Any

import phonenumbers
from django import template
from django.utils.translation import gettext as _

from panah.accounts.selectors import Actor
from panah.channels.models import Message
from panah.channels.selectors import conversation_unread_total_for
from panah.channels.selectors_inbox import InboxCounts
from panah.people.models import mask

register = template.Library()

HIDDEN = "•••"


@register.filter
def masked_sender(e164: str | None) -> str:
    """Show a sender's number as "+92 345 ••• 4567": country, network prefix, last four digits
    (SECURITY.md DP-9). Shorter numbers keep fewer digits; an unreadable one shows its last
    three only. Wrap the result in `dir="ltr"`: numbers read left to right in every language.
    """
    value = (e164 or "").strip()
    if not value:
        return ""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return mask(value)
    national = phonenumbers.national_significant_number(parsed)
    country = f"+{parsed.country_code}"
    if len(national) >= 9:
        return f"{country} {national[:3]} {HIDDEN} {national[-4:]}"
    if len(national) >= 6:
        return f"{country} {HIDDEN} {national[-3:]}"
    return f"{country} {HIDDEN}"


@register.filter
def reply_author(message: Message) -> str:
    """Name who wrote an outbound message: the operator, or the self-service line."""
    from panah.selfservice.services import is_selfservice_user  # noqa: PLC0415 - heavy import

    author = message.author
    if author is None or is_selfservice_user(author):
        return _("Self-service line")
    return author.get_full_name() or author.username


@register.simple_tag
def inbox_unread_total(actor: Actor | None, counts: Any = None) -> int:
    """Return the unread messages of the organisation's open conversations (one aggregate).

    Pass the inbox's counts where a page has them already, to spare the query.
    """
    if isinstance(counts, InboxCounts):
        return counts.unread
    if actor is None:
        return 0
    return conversation_unread_total_for(actor)
