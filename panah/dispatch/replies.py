"""Reading an advocate's SMS or WhatsApp reply: YES 4821, NO 4821, HERE 4821, ON, OFF.

Pure parsing here (property-tested); `inbound_reply_handle` in services applies it. Replies
come from phones: any case, extra words, Urdu/Pashto/Dari yes and no, Eastern Arabic digits.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# The first word decides; a code (4 digits) anywhere after it names the alert.
_WORDS = {
    "yes": {
        "YES",
        "Y",
        "YA",
        "YEP",
        "OK",
        "HAAN",
        "HAN",
        "JI",
        "ہاں",
        "جی",
        "هو",
        "ہو",
        "بلی",
        "بله",
        "آره",
    },
    "no": {"NO", "N", "NAHI", "NAHIN", "نہیں", "نه", "نہ", "نخیر", "نی"},
    "here": {"HERE", "ARRIVED", "PAHUNCH", "پہنچ", "پہنچا", "ورسېدم", "رسیدم"},
    "on": {"ON", "AVAILABLE"},
    "off": {"OFF", "UNAVAILABLE"},
}
_CODE = re.compile(r"(?<!\d)(\d{4})(?!\d)")
_MAX_LENGTH = 500


@dataclass(frozen=True)
class ParsedReply:
    verb: str  # yes | no | here | on | off | unknown
    code: str | None


def _ascii_digits(text: str) -> str:
    # ۱۲۳۴ (Extended Arabic-Indic) and ١٢٣٤ (Arabic-Indic) become 1234.
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


def parse_reply(text: str) -> ParsedReply:
    """Return what a reply asks for; anything unreadable is `unknown`, never an error."""
    cleaned = _ascii_digits(unicodedata.normalize("NFKC", text or "")[:_MAX_LENGTH])
    words = re.findall(r"[^\W\d_]+", cleaned)
    if not words:
        return ParsedReply("unknown", None)
    first = words[0].upper()
    verb = next((v for v, options in _WORDS.items() if first in options), "unknown")
    match = _CODE.search(cleaned)
    return ParsedReply(verb, match.group(1) if match else None)
