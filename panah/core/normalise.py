"""Normalisation of identifiers before they are indexed or compared.

Originals are always stored as entered (encrypted); these functions produce the keys used for
exact matching. Heavier name matching (transliteration, phonetic keys) belongs to linkage.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.utils.translation import gettext_lazy as _

from panah.core.errors import DomainError

# Pakistan first (where the helpline runs), then Afghanistan: "0300…" is a Pakistani mobile,
# and Afghan numbers are usually given with +93/0093.
PHONE_REGIONS = ("PK", "AF")
MAX_PHONE_INPUT = 40


def normalise_phone(raw: str, *, default_region: str = "PK") -> str:
    """Return the E.164 form of a Pakistani or Afghan phone number, or raise DomainError."""
    text = (raw or "").strip()
    if not text or len(text) > MAX_PHONE_INPUT:
        raise DomainError(_("Enter a valid Pakistani or Afghan phone number."), code="phone")
    if text.startswith("00"):
        text = "+" + text[2:]
    regions = (default_region,) + tuple(r for r in PHONE_REGIONS if r != default_region)
    for region in regions:
        try:
            parsed = phonenumbers.parse(text, region)
        except phonenumbers.NumberParseException:
            continue
        # Only Pakistani and Afghan numbers: the helpline's callers and the people they call for.
        if (
            phonenumbers.is_valid_number(parsed)
            and phonenumbers.region_code_for_number(parsed) in PHONE_REGIONS
        ):
            return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    raise DomainError(_("Enter a valid Pakistani or Afghan phone number."), code="phone")


def looks_like_phone(text: str) -> bool:
    """Return whether free search text is plausibly a phone number."""
    digits = re.sub(r"[\s\-()+.]", "", text)
    return digits.isdigit() and 7 <= len(digits) <= 15


# Arabic-script letters that differ only by keyboard (Arabic vs Persian/Urdu code points).
# Folded for matching only, never for storage (shared/domain/facts.md §5.2). Pashto's ې ۍ ئ
# are distinct letters and are deliberately left alone.
_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # Arabic yeh -> Farsi yeh
        "\u0643": "\u06a9",  # Arabic kaf -> keheh
        "\u0629": "\u0647",  # teh marbuta -> heh
        "\u06c1": "\u0647",  # heh goal -> heh
        "\u06d5": "\u0647",  # ae -> heh
        "\u0623": "\u0627",  # alef with hamza above -> alef
        "\u0625": "\u0627",  # alef with hamza below -> alef
        "\u0622": "\u0627",  # alef with madda -> alef
    }
)
_MARKS = re.compile(r"[\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")  # harakat, tatweel


def normalise_name(raw: str) -> str:
    """Return a name folded for exact matching: NFKC, case-folded, marks and punctuation out."""
    text = unicodedata.normalize("NFKC", raw or "").casefold()
    text = _MARKS.sub("", text).translate(_ARABIC_FOLD)
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


def name_tokens(*parts: str) -> list[str]:
    """Return the distinct normalised tokens of several name parts (for search as you type)."""
    seen: dict[str, None] = {}
    for part in parts:
        for token in normalise_name(part).split():
            seen.setdefault(token, None)
    return list(seen)


# Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…, used in Urdu, Pashto and Dari) digits.
_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)


def normalise_document_number(raw: str) -> str:
    """Return a document number without spaces, dashes, case or digit-script differences."""
    text = unicodedata.normalize("NFKC", raw or "").translate(_DIGITS).upper()
    return re.sub(r"[^0-9A-Z]", "", text)
