"""Reading a sender's address as providers write it: pure, property-tested, never an error.

Twilio writes "+923001234567" or "whatsapp:+923001234567", Meta "923001234567", gateways
anything from "03001234567" to "0092 300 1234567". A refugee may write from an Iranian or a
Gulf number: any number the numbering plan allows is accepted (a valid message must never be
lost), not only the Pakistani and Afghan numbers staff may type (`core.normalise`).
"""

from __future__ import annotations

import re

import phonenumbers

MAX_ADDRESS = 40
_PREFIXES = ("whatsapp:", "tel:", "sms:")
_SEPARATORS = re.compile(r"[\s\-().]")


def sender_e164(raw: str, *, default_region: str = "PK") -> str | None:
    """Return the E.164 form of a provider's sender address, or None if it is not a number."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_ADDRESS:
        return None
    lowered = text.lower()
    for prefix in _PREFIXES:
        if lowered.startswith(prefix):
            text = text[len(prefix) :]
            break
    text = _SEPARATORS.sub("", text)
    if text.startswith("00"):
        text = "+" + text[2:]
    elif text.isascii() and text.isdigit() and not text.startswith("0") and len(text) >= 10:
        # Meta and many gateways drop the "+": a long number not starting with 0 is
        # international (a Pakistani national number starts with 0).
        text = "+" + text
    if not text.lstrip("+").isascii() or not text.lstrip("+").isdigit():
        return None
    try:
        parsed = phonenumbers.parse(text, default_region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(parsed):
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
