"""Reading what people type into the line: digits in three scripts, words, place names.

Pure functions (no Django): the engine and the flow loader share them, so a word in a flow file
and the same word typed on a phone reduce to the same form.
"""

from __future__ import annotations

import re
import unicodedata

from panah.matching import names

# Longer input is cut before any matching: enough for a name or a sentence, and it bounds the
# work fuzzy matching does on a pasted essay.
MAX_INPUT = 500

# Arabic-Indic (U+0660…) and Extended Arabic-Indic (U+06F0…, used in Urdu, Pashto and Dari).
_DIGITS = str.maketrans(
    {chr(0x0660 + i): str(i) for i in range(10)} | {chr(0x06F0 + i): str(i) for i in range(10)}
)
_NOT_WORD = re.compile(r"[^\w]+")


def ascii_digits(text: str) -> str:
    """Return text with Arabic-Indic and Extended Arabic-Indic digits written 0-9."""
    return text.translate(_DIGITS)


def clean_input(text: str) -> str:
    """Return the input trimmed, NFKC-normalised, with ASCII digits and at most MAX_INPUT long."""
    text = unicodedata.normalize("NFKC", text or "")[: MAX_INPUT * 2]
    return ascii_digits(text).strip()[:MAX_INPUT]


def key_of(text: str) -> str | None:
    """Return the digit(s) a reply means, or None: " ۱ ", "1.", "(1)" and "١" are all "1"."""
    compact = _NOT_WORD.sub("", clean_input(text)).replace("_", "")
    return compact if compact.isascii() and compact.isdigit() else None


def word_form(text: str) -> str:
    """Return text reduced for word matching: case-folded, marks and punctuation removed and
    Arabic-script keyboard variants folded (Urdu ک and Arabic ك, ی and ي …)."""
    return names.fold_arabic(clean_input(text))


def first_words(text: str, count: int = 1) -> str:
    """Return the first `count` words of the word form."""
    return " ".join(word_form(text).split()[:count])


# Words that name the kind of place, not the place: "Brewery Police Station" is "brewery".
_PLACE_WORDS = frozenset(
    word_form(w)
    for w in (
        "police",
        "station",
        "ps",
        "p s",
        "thana",
        "thanna",
        "levies",
        "fia",
        "circle",
        "district",
        "تھانہ",
        "تھانا",
        "تهانه",
        "پولیس",
        "سٹیشن",
        "ضلع",
        "ضلعه",
    )
)


def place_form(text: str) -> str:
    """Return a place name for fuzzy matching: its word form without kind words."""
    words = [w for w in word_form(text).split() if w not in _PLACE_WORDS]
    return " ".join(words)


def place_skeleton(text: str) -> str:
    """Return the consonant skeleton of a place name, comparable across scripts."""
    return names.skeleton_key(place_form(text))
