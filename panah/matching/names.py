"""Matching keys for Afghan and Pakistani personal names, in Latin or Arabic script.

Every function here is pure: it takes a name as entered and returns a *key* used only for
comparing names. Originals are never changed or stored in these forms.

The layers, from light to coarse (each builds on the previous one):

``clean``         Unicode clean-up: NFKC, case folding, zero-width and bidi controls, tatweel,
                  harakat and Latin diacritics removed, punctuation turned into spaces.
``fold_arabic``   Arabic-script letters that differ only by keyboard folded together
                  (Arabic yeh/kaf → Persian, Urdu ٹ ڈ ڑ گ → Pashto ټ ډ ړ ګ, heh forms → heh);
                  Pashto's ې ۍ ئ stay distinct letters (shared/domain/facts.md §5.2).
``transliterate`` Arabic script → a Latin matching form: common names from a table, the rest
                  letter by letter (short vowels are not written, so "محمد" alone is "mhmd").
``name_tokens``   canonical Latin tokens: honorifics dropped, compounds joined (Abdul Rahman =
                  Abdulrahman = Abdur Rahman; Faiz Ullah = Faizullah), tribal suffixes
                  canonical (-zai, -khel), abbreviations expanded (Mohd, Md), spelling
                  equivalences applied (o/u, e/i, doubled letters, ee/i, oo/u, q/k, gh/g, x/kh,
                  w/v, ph/f, c/k).
``match_form``    the tokens joined by spaces: the string to compare with Jaro-Winkler.
``match_key``     the same without spaces, so joined and split names are equal.
``phonetic_key``  the match key with every vowel run written "a" and digraphs as one letter:
                  keeps the *shape* of the name, so Mohammad = Muhammad = Mohamed ("mahamad")
                  but Mahmood ("mahmad") stays different.
``skeleton_key``  the phonetic key without vowels: the cross-script key (Latin "Mohammad" and
                  "محمد" both give "mhmd"). Coarse by design: Mahmood is "mhmd" too, so use it to
                  find candidates and as one comparison level, never alone as proof.

Decisions worth knowing:

* **Mohammad is not an honorific.** It is a given name in its own right and the first part of
  many compound given names (Mohammad Zaman, Din Mohammad); dropping it would merge "Mohammad
  Akbar" with "Akbar" and empty a name that is only "Mohammad". ``core_key`` gives the key
  without Mohammad tokens for a weaker comparison level instead.
* Honorifics (Haji, Mullah, Sayed, Hafiz, Qari, Maulvi, Dr …) are dropped only when something is
  left: a name that is only "Haji" keeps it. Sayed/Syed is also a lineage marker; both records
  lose it the same way, so matching stays symmetric.
* Khan, Jan, Gul, Agha, Bibi, Shah, Mir and Sardar are parts of names and are kept.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean",
    "core_key",
    "distinctive_key",
    "fold_arabic",
    "has_arabic_script",
    "match_form",
    "match_key",
    "name_tokens",
    "phonetic_key",
    "skeleton_key",
    "split_relation",
    "transliterate",
]

# --- Unicode clean-up -----------------------------------------------------------------------

# Zero-width characters, soft hyphen, bidi marks/embeddings/isolates, Arabic letter mark. ZWNJ
# (U+200C) joins Persian compounds such as حکمت‌الله; removing it joins the two parts.
_INVISIBLE = re.compile("[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
# Harakat, Quranic marks, superscript alef and tatweel.
_ARABIC_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
# Apostrophes and transliteration marks for hamza/ayn vanish without a space: Na'im = Naim.
_APOSTROPHES = re.compile("['`\u00b4\u2018\u2019\u201b\u02b9-\u02bf\u02bc\u02c8]")


def _is_arabic_char(ch: str) -> bool:
    return "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\u08a0" <= ch <= "\u08ff"


def has_arabic_script(text: str) -> bool:
    """Return whether text contains any Arabic-script letter."""
    return any(_is_arabic_char(ch) for ch in text)


@lru_cache(maxsize=65536)
def clean(text: str) -> str:
    """Return text with the Unicode noise removed, for matching only.

    NFKC (which also maps Arabic presentation forms to letters), case folding, invisible
    characters, tatweel and harakat removed, diacritics removed from non-Arabic letters,
    apostrophes removed, any other non-letter/digit turned into a space, spaces collapsed.
    """
    text = unicodedata.normalize("NFKC", text or "")
    text = _INVISIBLE.sub("", text)
    text = _ARABIC_MARKS.sub("", text).casefold()
    text = _APOSTROPHES.sub("", text)
    out: list[str] = []
    for ch in text:
        if _is_arabic_char(ch):
            # Arabic digits and punctuation (، ؛ ؟ ٪ …) are not letters.
            out.append(ch if unicodedata.category(ch).startswith("L") else " ")
            continue
        for part in unicodedata.normalize("NFD", ch):
            category = unicodedata.category(part)
            if category in {"Mn", "Mc", "Me", "Lm", "Sk"}:
                continue
            out.append(part if category[0] in "LN" else " ")
    # NFC again: decomposed Latin letters without diacritics are plain ASCII already, but
    # letters such as "ł" or "ø" have no decomposition and pass through unchanged.
    return " ".join(unicodedata.normalize("NFC", "".join(out)).split())


# --- Arabic-script folding ------------------------------------------------------------------

_ARABIC_FOLD = str.maketrans(
    {
        "\u064a": "\u06cc",  # ي Arabic yeh -> ی Farsi yeh
        "\u0649": "\u06cc",  # ى alef maksura -> ی
        "\u06d2": "\u06cc",  # ے Urdu yeh barree -> ی
        "\u0643": "\u06a9",  # ك Arabic kaf -> ک keheh
        "\u0629": "\u0647",  # ة teh marbuta -> ه heh
        "\u06c1": "\u0647",  # ہ heh goal -> ه
        "\u06be": "\u0647",  # ھ heh doachashmee -> ه
        "\u06d5": "\u0647",  # ە ae -> ه
        "\u06c0": "\u0647",  # ۀ heh with yeh above -> ه
        "\u06c2": "\u0647",  # ۂ heh goal with hamza -> ه
        "\u0623": "\u0627",  # أ -> ا
        "\u0625": "\u0627",  # إ -> ا
        "\u0622": "\u0627",  # آ -> ا
        "\u0671": "\u0627",  # ٱ alef wasla -> ا
        "\u0624": "\u0648",  # ؤ -> و
        "\u0679": "\u067c",  # ٹ Urdu tteh -> ټ Pashto
        "\u0688": "\u0689",  # ڈ Urdu ddal -> ډ Pashto
        "\u0691": "\u0693",  # ڑ Urdu rreh -> ړ Pashto
        "\u06af": "\u06ab",  # گ Persian/Urdu gaf -> ګ Pashto
        "\u06ba": "\u0646",  # ں noon ghunna -> ن
        "\u0621": "",  # ء lone hamza: a seat-less glottal stop, written or not
    }
)


def fold_arabic(text: str) -> str:
    """Return cleaned text with keyboard variants of Arabic-script letters folded together.

    For matching only (shared/domain/facts.md §5.2): Pashto's ې, ۍ and ئ are distinct letters
    with grammatical meaning and are deliberately not folded into ی.
    """
    return clean(text).translate(_ARABIC_FOLD)


# --- Transliteration ------------------------------------------------------------------------

# Common name words in (folded) Arabic script → conventional Latin spelling. The letter-by-letter
# fallback cannot restore short vowels; for these frequent words the table can.
_ARABIC_WORDS: dict[str, str] = {
    "محمد": "mohammad",
    "محمود": "mahmood",
    "احمد": "ahmad",
    "علی": "ali",
    "حسن": "hassan",
    "حسین": "hussain",
    "عبد": "abd",
    "الله": "ullah",
    "خان": "khan",
    "ګل": "gul",
    "شاه": "shah",
    "نور": "noor",
    "ولی": "wali",
    "جان": "jan",
    "دین": "din",
    "فیض": "faiz",
    "نظر": "nazar",
    "نذر": "nazar",
    "سردار": "sardar",
    "جمعه": "juma",
    "اکبر": "akbar",
    "کریم": "karim",
    "رحمن": "rahman",
    "رحمان": "rahman",
    "رحیم": "rahim",
    "غنی": "ghani",
    "حکیم": "hakim",
    "جبار": "jabbar",
    "منان": "manan",
    "عزیز": "aziz",
    "قادر": "qadir",
    "واحد": "wahid",
    "نجیب": "najib",
    "حبیب": "habib",
    "نصر": "nasr",
    "حامد": "hamid",
    "قاسم": "qasim",
    "یوسف": "yousuf",
    "عمر": "omar",
    "عثمان": "usman",
    "ابراهیم": "ibrahim",
    "اسماعیل": "ismail",
    "ظاهر": "zahir",
    "ناصر": "nasir",
    "غلام": "ghulam",
    "حضرت": "hazrat",
    "زهرا": "zahra",
    "فاطمه": "fatima",
    "مریم": "maryam",
    "خدیجه": "khadija",
    "عایشه": "aisha",
    "زینب": "zainab",
    "لیلا": "laila",
    "لیلی": "laila",
    "ملالی": "malalai",
    "ګلالی": "gulalai",
    "شبانه": "shabana",
    "پروانه": "parwana",
    "زرغونه": "zarghona",
    "نازیه": "nazia",
    "فرشته": "fereshta",
    "سیما": "sima",
    "مرضیه": "marzia",
    "رویا": "roya",
    "پلوشه": "palwasha",
    "زرمینه": "zarmina",
    "بی": "bibi",
    "بیبی": "bibi",
    "اڅکزی": "achakzai",
    "اچکزی": "achakzai",
    "درانی": "durrani",
    "کاکړ": "kakar",
    "ترین": "tareen",
    "افریدی": "afridi",
    "شینواری": "shinwari",
    "مومند": "mohmand",
    "هزاره": "hazara",
    "اسحاقزی": "ishaqzai",
    "غلزی": "ghilzai",
}

# Letter-by-letter fallback. و and ی are consonants at the start of a word or before alef, and
# long vowels elsewhere; a final ه after a consonant is the vowel -a (فاطمه = Fatima).
_ARABIC_LETTERS: dict[str, str] = {
    "ا": "a",
    "ب": "b",
    "پ": "p",
    "ت": "t",
    "ټ": "t",
    "ث": "s",
    "ج": "j",
    "چ": "ch",
    "ح": "h",
    "خ": "kh",
    "ځ": "z",
    "څ": "s",
    "د": "d",
    "ډ": "d",
    "ذ": "z",
    "ر": "r",
    "ړ": "r",
    "ز": "z",
    "ژ": "zh",
    "ږ": "zh",
    "س": "s",
    "ش": "sh",
    "ښ": "sh",
    "ص": "s",
    "ض": "z",
    "ط": "t",
    "ظ": "z",
    "ع": "",
    "غ": "gh",
    "ف": "f",
    "ق": "q",
    "ک": "k",
    "ګ": "g",
    "ل": "l",
    "م": "m",
    "ن": "n",
    "ڼ": "n",
    "ه": "h",
    "ې": "e",
    "ۍ": "ai",
    "ئ": "i",
}
# Consonants whose Latin letter followed by "h" would read as a digraph (s+h = "sh").
_BEFORE_H_NEEDS_VOWEL = frozenset("sztkgcdph")

# Titles written in Arabic script (folded), dropped like their Latin forms.
_ARABIC_HONORIFICS = frozenset(
    {"حاجی", "الحاج", "ملا", "سید", "حافظ", "مولوی", "مولانا", "قاری", "شیخ", "داکتر", "ډاکټر"}
    | {"انجنیر", "استاد"}
)


def _transliterate_letters(word: str) -> str:
    out: list[str] = []
    last = len(word) - 1
    for i, ch in enumerate(word):
        nxt = word[i + 1] if i < last else ""
        if ch == "و":
            piece = "w" if i == 0 or nxt == "ا" else "u"
        elif ch == "ی":
            piece = "y" if i == 0 or nxt == "ا" else "i"
        elif (ch == "ه" and i == last and i > 0 and word[i - 1] not in "او") or (
            ch == "ع" and i == 0
        ):
            piece = "a"  # final heh as the vowel -a; initial ayn as a vowel carrier
        else:
            # Letters outside the table (rare Sindhi or Arabic letters) pass through unchanged
            # rather than vanish: a key must never empty a name.
            piece = _ARABIC_LETTERS.get(ch, ch)
        if piece.startswith("h") and out and out[-1] and out[-1][-1] in _BEFORE_H_NEEDS_VOWEL:
            piece = "a" + piece
        out.append(piece)
    return "".join(out)


def _transliterate_word(word: str) -> str:
    if word in _ARABIC_WORDS:
        return _ARABIC_WORDS[word]
    # عبدالرحمن: "servant of" + article + attribute, one word.
    if word.startswith("عبد") and len(word) > 3:
        rest = word[3:]
        rest = rest[2:] if rest.startswith("ال") and len(rest) > 2 else rest
        return "abdul" + _transliterate_word(rest)
    # رحیم‌الله written without the ZWNJ: the -ullah ending.
    if word.endswith("الله") and len(word) > 4:
        return _transliterate_word(word[:-4]) + "ullah"
    # Tribal endings: احمدزی (-zai), آدم‌خیل (-khel).
    if word.endswith("زی") and len(word) > 3:
        return _transliterate_word(word[:-2]) + "zai"
    if word.endswith("خیل") and len(word) > 4:
        return _transliterate_word(word[:-3]) + "khel"
    # The article written on the next word: عبد الرحمن.
    if word.startswith("ال") and len(word) > 3:
        return "al" + _transliterate_word(word[2:])
    return _transliterate_letters(word)


def transliterate(text: str) -> str:
    """Return the Latin matching form of a name written in Arabic script.

    Latin words pass through cleaned. Arabic-script words are folded, looked up in a table of
    common name words, or transliterated letter by letter (without short vowels). Arabic
    honorifics are dropped when other words remain.
    """
    words = fold_arabic(text).split()  # presentation forms become letters here (NFKC)
    kept = [w for w in words if w not in _ARABIC_HONORIFICS] or words
    return " ".join(t for w in kept if (t := _transliterate_word(w) if has_arabic_script(w) else w))


# --- Canonical Latin tokens -----------------------------------------------------------------

# Spelling-normalised forms (see _spell) of titles dropped before a name.
_HONORIFICS = frozenset(
    {
        "haji",
        "hagi",
        "hadji",
        "alhaj",
        "mula",
        "mulah",
        "sayid",
        "syid",
        "siyid",
        "saiyid",  # Saiyed
        "sayd",
        "saiyd",
        "said",  # "Saied Ali": as written by clerks for Sayed
        "sad",
        "hafiz",
        "kari",
        "maulwi",
        "mawlawi",
        "mulwi",
        "mulawi",
        "maulana",
        "mawlana",
        "mulana",
        "shikh",
        "shaikh",
        "shaykh",
        "ustad",
        "ustaz",
        "dr",
        "duktur",
        "daktar",
        "dakta",
        "ing",
        "inginir",
        "mr",
        "mrs",
        "ms",
        "mis",
        "prf",
        "prufisur",
        "sahib",
        "janab",
    }
)
# Titles glued to the name they precede, as in "HajiJuma" or "SyedAli", with the shortest name
# left after them. Only these unambiguous ones: Hafiz is also the start of Hafizullah, Said of
# Saidullah.
_GLUED_HONORIFICS = {"haji": 4, "mula": 4} | dict.fromkeys(
    ("sayid", "syid", "siyid", "saiyid", "saiyd", "sayd"), 3
)
# Endings that make a word on their own (Faiz-ullah, Ahmad-zai), never a name after a title.
_NAME_ENDINGS = frozenset({"ula", "zai", "khil", "jan", "gul", "khan", "din", "shah"})

# "Mohammad" written short.
_ABBREVIATIONS = {
    "mohd": "mohammad",
    "muhd": "mohammad",
    "mhd": "mohammad",
    "md": "mohammad",
    "mohmd": "mohammad",
    "mohamd": "mohammad",
    "mhmd": "mohammad",
}
# "SardarMohd", "MohdAkbar": the abbreviation glued to the other part of a compound name.
_GLUED_MOHD = re.compile(r"^(?:mohd|muhd|mohmd)(?=[a-z]{3})|(?<=[a-z]{3})(?:mohd|muhd|mohmd|mhd)$")
_ABD_PREFIX = frozenset({"abd", "abdul", "abdal", "abdel", "abdol", "abdu", "abdo", "abdur"})
_ARTICLES = frozenset({"al", "ul", "el", "ol", "ur", "ar", "ad", "ud", "an", "un", "as", "us"})
_ARTICLES |= frozenset({"az", "uz", "ush", "ash", "at", "ut", "o", "u", "e", "a"})
_ULLAH = frozenset({"ullah", "ulla", "ulah", "ula", "allah", "alla", "ollah", "olla", "llah"})
_ZAI = re.compile(r"(?:zai|zay|zaee|zaey|zaie|zaei|zey|zei|zae)$")
_KHEL = re.compile(r"(?:khel|khail|kheil|khil|kheyl|khyl|khael)$")
_ULLAH_END = re.compile(r"[uoae]llah?$|[uoa]lah$")
# "Abd" + a vowel + the article: "l", or "r" assimilated before a consonant (Abdurrahman,
# and AbdurKarim as clerks write it); "r" before a vowel starts the attribute (Abdurazzaq).
_ABD_JOINED = re.compile(r"^abd[aeiou]?(?:l|r(?=[^aeiou]))?")
# Relation markers between a person's name and a parent's or husband's name.
_RELATION = re.compile(
    r"\s(?:s/o|d/o|w/o|s\.o\.?|d\.o\.?|son of|daughter of|wife of|bin|binti|bint|ibn|walad|"
    r"wald|valad|walade|ولد|بن|بنت|زوی|لور)\s",
    re.IGNORECASE,
)


def split_relation(text: str) -> tuple[str, str]:
    """Split "Mohd Rehman s/o Abdul Ghani" into ("Mohd Rehman", "Abdul Ghani").

    Recognises s/o, d/o, w/o, son of, daughter of, bin, ibn, walad and their Arabic-script
    forms; returns (text, "") when there is no marker.
    """
    found = _RELATION.search(f" {text} ")
    if not found:
        return text.strip(), ""
    padded = f" {text} "
    return padded[: found.start()].strip(), padded[found.end() :].strip()


_SPELLING = (
    ("ph", "f"),
    ("ck", "k"),
    ("q", "k"),
    ("x", "kh"),
    ("v", "w"),
    ("gh", "g"),
    ("ee", "i"),
    ("oo", "u"),
    ("ou", "u"),
    ("o", "u"),
    ("e", "i"),
)


def _spell(word: str) -> str:
    """Return a Latin word with the usual vowel and consonant variants made equal."""
    # Repeat until nothing changes: one replacement can create another ("ghh" → "gh" → "g").
    while (spelled := _spell_once(word)) != word:
        word = spelled
    return word


def _spell_once(word: str) -> str:
    word = re.sub(r"c(?!h)", "k", word)
    for old, new in _SPELLING:
        word = word.replace(old, new)
    word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters: Jumma = Juma, Mohammad
    word = re.sub(r"y$", "i", word)  # Ahmadzay = Ahmadzai, Rezay = Rezai
    if len(word) > 2 and word.endswith("h") and word[-2] in "aiu":
        word = word[:-1]  # Fatimah = Fatima, Shah = Sha
    return word


def _canonical_word(word: str) -> str:
    word = _ABBREVIATIONS.get(word, word)
    word = _GLUED_MOHD.sub("mohammad", word) if len(word) > 5 else word
    if word.startswith("abd") and len(word) > 5 and not word.startswith("abdullah"):
        tail = _ABD_JOINED.sub("", word, count=1)
        word = "abdul" + tail if tail else word
    if _ULLAH_END.search(word) and len(word) > 6:
        word = _ULLAH_END.sub("ullah", word)
    word = _ZAI.sub("zai", word) if len(word) > 5 else word
    word = _KHEL.sub("khel", word) if len(word) > 6 else word
    word = _spell(word)
    if word.startswith("abdul") and len(word) > 6:
        # Sun-letter assimilation written out: Abdur-rahman, Abdor-rahman = Abdul-rahman.
        tail = word[5:]
        word = "abdul" + (tail[1:] if len(tail) > 1 and tail[0] == tail[1] else tail)
    return word


def _join_compounds(words: list[str]) -> list[str]:
    """Join "abdul rahman" and "faiz ullah" and "ahmad zai" into single words."""
    out: list[str] = []
    i = 0
    while i < len(words):
        word = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if word in _ABD_PREFIX and nxt is not None:
            if nxt in _ARTICLES and i + 2 < len(words):
                word, i = "abdul" + words[i + 2], i + 3
            else:
                word, i = "abdul" + (nxt[2:] if nxt.startswith("al") else nxt), i + 2
            out.append(word)
            continue
        if out and (word in _ULLAH or word in {"zai", "zay", "khel", "khail", "khil"}):
            out[-1] += "ullah" if word in _ULLAH else word
            i += 1
            continue
        out.append(word)
        i += 1
    return out


def _drop_honorifics(words: list[str]) -> list[str]:
    kept: list[str] = []
    for word in words:
        spelled = _spell(word)
        if spelled in _HONORIFICS:
            continue
        for title, shortest in _GLUED_HONORIFICS.items():
            rest = spelled[len(title) :]
            if spelled.startswith(title) and len(rest) >= shortest and rest not in _NAME_ENDINGS:
                word = word[len(word) - len(rest) :] if word.endswith(rest) else rest
                break
        kept.append(word)
    return kept or words


@lru_cache(maxsize=65536)
def name_tokens(text: str) -> tuple[str, ...]:
    """Return the canonical Latin tokens of a name (any script), for matching only."""
    cleaned = clean(text)
    latin = transliterate(cleaned) if has_arabic_script(cleaned) else cleaned
    words = latin.split()
    if not words:
        return ()
    words = _drop_honorifics(words)
    words = _join_compounds(words)
    return tuple(w for w in (_canonical_word(w) for w in words) if w)


def match_form(text: str) -> str:
    """Return the canonical tokens joined by spaces (compare with Jaro-Winkler)."""
    return " ".join(name_tokens(text))


def match_key(text: str) -> str:
    """Return the canonical tokens joined without spaces: Gul Mohammad = GulMohammad."""
    return "".join(name_tokens(text))


_MOHAMMAD_PART = re.compile(r"^mahamad(?=.)|(?<=.)mahamad$")


def core_key(text: str) -> str:
    """Return the phonetic key without Mohammad (Mohammad Akbar, MohdAkbar → "akbar").

    For a weaker comparison level: people often drop Mohammad from a compound given name.
    Returns the full phonetic key when nothing else is left.
    """
    words = [_phonetic_word(t) for t in name_tokens(text)]
    kept = [_MOHAMMAD_PART.sub("", w) for w in words if w != "mahamad"]
    return "".join(kept) or "".join(words)


_MOHAMMAD_TOKEN = "muhamad"  # the match form of every spelling of Mohammad
_GLUED_MOHAMMAD = re.compile(rf"^{_MOHAMMAD_TOKEN}(?=...)|(?<=...){_MOHAMMAD_TOKEN}$")


def distinctive_key(text: str) -> str:
    """Return the match key of the part of a name that tells it from similar names.

    Mohammad is dropped (Mohammad Zaman → "zaman"), and so is the "Abdul" of a compound
    (Abdul Rahman → "rahman"): Abdul Rahman and Abdul Rahim are different names, yet their
    match keys share seven letters and look alike to Jaro-Winkler. For string similarity
    only; returns the whole match key when nothing else is left (Mohammad, Abdullah).
    """
    tokens = name_tokens(text)
    kept = []
    for token in tokens:
        if token == _MOHAMMAD_TOKEN:
            continue
        token = _GLUED_MOHAMMAD.sub("", token)
        if token.startswith("abdul") and len(token) > 7:
            token = token[5:]
        kept.append(token)
    return "".join(kept) or "".join(tokens)


# Digraphs written as one letter in phonetic keys; "S" is sh, "x" is kh, "c" is ch, "j" is zh.
_DIGRAPHS = (("kh", "x"), ("sh", "S"), ("ch", "c"), ("zh", "j"), ("th", "t"), ("dh", "d"))
_VOWEL_RUN = re.compile(r"(?<=.)[aeiouyw]+|^[aeiou]+")


def _phonetic_word(word: str) -> str:
    for old, new in _DIGRAPHS:
        word = word.replace(old, new)
    # y and w are consonants at the start of a word and vowels elsewhere (Sayed = Syed = Said).
    word = _VOWEL_RUN.sub("a", word)
    return re.sub(r"(.)\1+", r"\1", word)


@lru_cache(maxsize=65536)
def phonetic_key(text: str) -> str:
    """Return a phonetic key designed for these names: consonants plus vowel positions.

    Mohammad, Muhammad, Mohamed, Mahammad → "mahamad"; Mahmood, Mehmood, Mahmud → "mahmad";
    Yusuf = Yousuf; Abdul Rahman = Abdur Rehman. Never empty for a name with a letter or digit.
    """
    return "".join(_phonetic_word(t) for t in name_tokens(text))


@lru_cache(maxsize=65536)
def skeleton_key(text: str) -> str:
    """Return the consonant skeleton: the phonetic key without vowels, equal across scripts.

    "Mohammad" and "محمد" → "mhmd"; "Hekmatullah" and "حکمت‌الله" → "hkmtlh"-like keys.
    Falls back to the phonetic key for a name made only of vowels, so it is never empty for a
    name with a letter or digit.
    """
    key = phonetic_key(text)
    skeleton = re.sub(r"(.)\1+", r"\1", re.sub(r"[a]", "", key))
    return skeleton or key


def word_keys(token: str) -> tuple[str, str]:
    """Return the phonetic key and the skeleton of one canonical token (an item of name_tokens).

    Equal to (phonetic_key(token), skeleton_key(token)) for such a token, without running the
    clean-up and canonical rules again: search compares the words of many decrypted names per
    keystroke, and those rules cost tens of microseconds a word.
    """
    phonetic = _phonetic_word(token)
    skeleton = re.sub(r"(.)\1+", r"\1", phonetic.replace("a", ""))
    return phonetic, skeleton or phonetic
