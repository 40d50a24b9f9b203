"""What a person is indexed under, how a typed query is read, and how candidates are ranked.

Pure functions (no database): people.services writes a person's SearchKey rows from
``person_values`` and people.selectors looks a query up with ``query_values``, so both sides
derive their keys the same way; ``score`` re-ranks the decrypted candidates.

Name words come from panah.matching.names (clean-up, Arabic-script folding and transliteration,
compound names, honorifics). A name is indexed by *units*: each of its words (with the word
after Abdul, since Abdul Rahman is often called Rahman) and each two neighbouring words
written as one (Gul Zaman = GulZaman, which names.py keeps as different tokens). Each word is
indexed at three levels — canonical match form, phonetic key, consonant skeleton (the
cross-script level) — and, because a single word such as Mohammad can belong to a third of a
register, also in *pairs*: own name × father's name (word by word, and the whole given name
× the whole father's name, which tells "son of Ali" from "son of Noor Ali"), two units of the
own name, own name × year of birth. A pair is what lets a search for "Rahman son of Abdul
Ghani" read a few hundred index entries instead of a hundred thousand.

Only keyed digests of these values are stored (panah.core.crypto.blind_index, one key per
kind); the values themselves never reach the database.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import combinations

from django.utils import timezone
from rapidfuzz.distance import Indel, JaroWinkler

from panah.core.errors import DomainError
from panah.core.normalise import normalise_document_number, normalise_phone
from panah.matching.names import name_tokens, split_relation, word_keys
from panah.people.models import SearchKey

Kind = SearchKey.Kind

# "Abdul Rahman" is often called "Rahman": the word after Abdul is indexed (and compared) too.
_ABDUL = "abdul"
_MIN_ALIAS = 3
ALIAS_FACTOR = 0.95
# Mohammad opens or closes a large share of Afghan and Pakistani men's names: it is indexed as
# a word, but left out of pairs when the name has another word, and counts half in the score.
COMMON_TOKEN = "muhamad"

# Words that introduce a document number in a query ("PoR 123-456-789"): not name words.
_DOCUMENT_WORDS = frozenset(
    {"por", "acc", "poc", "cnic", "nic", "tazkira", "tazkera", "passport", "pp", "no", "card"}
)
_DATE = re.compile(
    r"^([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})$|^([0-9]{1,2})[-/.]([0-9]{1,2})[-/.]([0-9]{4})$"
)
_MIN_PHONE_DIGITS, _MAX_PHONE_DIGITS = 7, 15
_MIN_DOCUMENT = 5
MAX_DOCUMENT_CANDIDATES = 6
MAX_QUERY_TOKENS = 6


# --- name words -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """A canonical name word with its coarser keys."""

    match: str
    phonetic: str
    skeleton: str


@lru_cache(maxsize=65536)
def word(token: str) -> Word:
    """Return the three keys of one canonical token (as given by names.name_tokens)."""
    phonetic, skeleton = word_keys(token)
    return Word(match=token, phonetic=phonetic or token, skeleton=skeleton or token)


def alias(token: str) -> str | None:
    """Return the word after Abdul in a joined compound ("abdulrahman" → "rahman"), if any.

    Abdullah has none: its "ullah" is not a name anyone is called by.
    """
    tail = token[len(_ABDUL) :]
    if token.startswith(_ABDUL) and len(tail) >= _MIN_ALIAS and not tail.startswith("ul"):
        return tail
    return None


# names.py joins "Abd Ullah" and "Abd-ullah" into "abdulula" but "Abdullah" into "abdula";
# until it does the same for both, search treats them as one word.
_SAME_WORD = {"abdulula": "abdula"}


@lru_cache(maxsize=65536)
def field_tokens(text: str) -> tuple[str, ...]:
    """Return the canonical tokens of one name field (any script)."""
    return tuple(_SAME_WORD.get(t, t) for t in name_tokens(text or ""))


@dataclass(frozen=True)
class Unit:
    """A word of a name (with its Abdul alias), or two neighbouring words joined."""

    forms: tuple[str, ...]
    field: int  # which name field it comes from
    start: int  # its place in that field, in tokens: [start, end)
    end: int

    @property
    def joined(self) -> bool:
        return self.end - self.start > 1

    def overlaps(self, other: Unit) -> bool:
        return self.field == other.field and self.start < other.end and other.start < self.end


@lru_cache(maxsize=65536)
def units(fields: tuple[tuple[str, ...], ...], first_field: int = 0) -> tuple[Unit, ...]:
    """Return the units of some name fields (each a tuple of canonical tokens)."""
    found: list[Unit] = []
    for number, tokens in enumerate(fields, start=first_field):
        for i, token in enumerate(tokens):
            extra = alias(token)
            found.append(Unit((token, extra) if extra else (token,), number, i, i + 1))
        found.extend(
            Unit((_joined(tokens[i], tokens[i + 1]),), number, i, i + 2)
            for i in range(len(tokens) - 1)
        )
    return tuple(found)


def _joined(first: str, second: str) -> str:
    # names.py drops the final h of "Shah" ("sha") but keeps it inside "ShahWali": join the
    # two words as the glued spelling reads.
    return ("shah" if first == "sha" else first) + second


def _core(found: Sequence[Unit]) -> list[Unit]:
    """Return the units fit for pairs: without a lone Mohammad when the name has another word."""
    kept = [u for u in found if u.forms != (COMMON_TOKEN,)]
    return kept if any(not u.joined for u in kept) else list(found)


_NAME_KINDS = (Kind.NAME_MATCH, Kind.NAME_PHONETIC, Kind.NAME_SKELETON)
_FATHER_KINDS = (Kind.FATHER_MATCH, Kind.FATHER_PHONETIC, Kind.FATHER_SKELETON)


def _single_values(found: Sequence[Unit], kinds: tuple[str, str, str]) -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    for unit in found:
        for token in unit.forms:
            w = word(token)
            values.add((kinds[1], w.phonetic))
            if not unit.joined:  # joined words: the phonetic level is enough
                values.add((kinds[0], w.match))
                values.add((kinds[2], w.skeleton))
    return values


def _father_pairs(
    own: Sequence[Unit], father: Sequence[Unit], *, in_order: bool = False
) -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    for u in own:
        for v in father:
            if u.overlaps(v) or (in_order and u.end > v.start and u.field == v.field):
                continue
            for a in u.forms:
                for b in v.forms:
                    wa, wb = word(a), word(b)
                    values.add((Kind.PAIR_FATHER, f"{wa.phonetic} {wb.phonetic}"))
                    if len(wa.skeleton) > 1 and len(wb.skeleton) > 1:  # "l" (Ali) is too coarse
                        values.add((Kind.PAIR_FATHER_SKELETON, f"{wa.skeleton} {wb.skeleton}"))
    return values


def _name_pairs(found: Sequence[Unit]) -> set[tuple[str, str]]:
    values: set[tuple[str, str]] = set()
    for u, v in combinations(found, 2):
        if u.overlaps(v):
            continue
        for a in u.forms:
            for b in v.forms:
                first, second = sorted((word(a).skeleton, word(b).skeleton))
                values.add((Kind.PAIR_NAME, f"{first} {second}"))
    return values


def _year_pairs(found: Sequence[Unit], year: int) -> set[tuple[str, str]]:
    return {(Kind.PAIR_YEAR, f"{word(t).skeleton} {year}") for u in found for t in u.forms}


def _full(tokens: Sequence[str]) -> str:
    """Return a whole name field as one phonetic word: Mohammad Zaman → "mahamadzaman"."""
    return word("".join(tokens)).phonetic


def _full_pair(given: Sequence[str], father: Sequence[str]) -> tuple[str, str]:
    return (Kind.PAIR_FULL, f"{_full(given)} {_full(father)}")


def _no_father(given: Sequence[str], family: Sequence[str]) -> tuple[str, str]:
    """A key of a person without a recorded father's name: the whole given name, alone or
    with the whole family name. With the family name it stays selective at a million people,
    where "Hekmatullah, no father recorded" alone is hundreds."""
    return (Kind.NO_FATHER, f"{_full(given)} {_full(family)}" if family else _full(given))


def person_values(
    *,
    given: Sequence[tuple[str, ...]],
    family: Sequence[tuple[str, ...]],
    father: Sequence[tuple[str, ...]],
    birth_year: int | None,
) -> set[tuple[str, str]]:
    """Return the (kind, value) pairs a person is indexed under (values are hashed before use).

    Each argument holds the canonical tokens of each field of that name (Latin and Arabic
    script).
    """
    own = (*given, *family)
    own_units = units(own)
    father_units = units(tuple(father), len(own))
    values = _single_values(own_units, _NAME_KINDS) | _single_values(father_units, _FATHER_KINDS)
    own_core, father_core = _core(own_units), _core(father_units)
    values |= _father_pairs(own_core, father_core)
    values |= _name_pairs(own_core)
    values |= {_full_pair(g, f) for g in given if g for f in father if f}
    if not any(father):
        # Missing is not different: see query_values. The given name alone too (a query may
        # type no family name); a large register holds hundreds of those, so there it counts
        # little (selectors.KEY_ROWS).
        families = [(), *(f for f in family if f)]
        values |= {_no_father(g, f) for g in given if g for f in families}
    if birth_year:
        values.add((Kind.BIRTH_YEAR, str(birth_year)))
        values |= _year_pairs(own_core, birth_year)
    return values


# --- reading a query ------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A typed search, read into its parts. Name parts are canonical tokens."""

    own: tuple[str, ...] = ()
    father: tuple[str, ...] = ()
    # True when a relation marker ("s/o", "ولد", "bin") separated the father's name: without
    # one, every word may be either the person's or the father's.
    related: bool = False
    own_text: str = ""
    year: int | None = None
    date: datetime.date | None = None
    phones: tuple[str, ...] = ()
    documents: tuple[str, ...] = ()

    @property
    def has_identifier(self) -> bool:
        return bool(self.phones or self.documents)

    @property
    def is_empty(self) -> bool:
        return not (self.own or self.father or self.year or self.has_identifier)


def _ascii_digits(text: str) -> str:
    # Eastern Arabic and Persian digits (۰۳۰۰…) read as 0-9 for phones, years and documents.
    return "".join(
        str(unicodedata.decimal(ch)) if ch.isdecimal() and not ch.isascii() else ch for ch in text
    )


def _has_digit(text: str) -> bool:
    return any("0" <= ch <= "9" for ch in text)


def _digit_count(text: str) -> int:
    return sum("0" <= ch <= "9" for ch in text)


def _phone(text: str, region: str) -> str | None:
    if not _MIN_PHONE_DIGITS <= _digit_count(text) <= _MAX_PHONE_DIGITS:
        return None
    try:
        return normalise_phone(text, default_region=region)
    except DomainError:
        return None


def _year_or_date(token: str) -> tuple[int | None, datetime.date | None]:
    latest = timezone.now().year + 1
    if len(token) == 4 and token.isascii() and token.isdigit() and 1900 <= int(token) <= latest:
        return int(token), None
    found = _DATE.match(token)
    if not found:
        return None, None
    if found.group(1):
        year, month, day = int(found.group(1)), int(found.group(2)), int(found.group(3))
    else:
        day, month, year = int(found.group(4)), int(found.group(5)), int(found.group(6))
    if not 1900 <= year <= latest:
        return None, None
    try:
        return year, datetime.date(year, month, day)
    except ValueError:
        return year, None


@dataclass
class _Numbers:
    phones: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    year: int | None = None
    date: datetime.date | None = None


def _read_run(tokens: list[str], prefix: str, region: str, found: _Numbers) -> None:
    """Read one run of adjacent tokens holding digits: phones first, then years, documents."""
    left: list[list[str]] = [[]]
    start = 0
    while start < len(tokens):
        for end in range(len(tokens), start, -1):  # the longest phone number first
            phone = _phone(" ".join(tokens[start:end]), region)
            if phone:
                found.phones.append(phone)
                left.append([])
                start = end
                break
        else:
            left[-1].append(tokens[start])
            start += 1
    for chunk in filter(None, left):
        if len(chunk) == 1:
            year, date = _year_or_date(chunk[0])
            if year is not None:
                found.year, found.date = year, date
                continue
        number = normalise_document_number("".join(chunk))
        found.documents.append(number)
        if prefix:
            found.documents.append(normalise_document_number(prefix) + number)


def parse_query(text: str, *, region: str = "PK") -> Query:
    """Read free search text: name, father's name, year or date of birth, phones, documents.

    "mohd rehman s/o abdulghani 1985 0300-1234567" gives own ("muhamad", "rihman"), father
    ("abdulgani",), year 1985 and the phone +923001234567. Numbers that are neither a valid
    phone nor a year are taken as document numbers (with a preceding "PoR"/"ACC" word).
    """
    raw_tokens = _ascii_digits(text).split()
    found = _Numbers()
    name_words: list[str] = []
    i = 0
    while i < len(raw_tokens):
        if not _has_digit(raw_tokens[i]):
            name_words.append(raw_tokens[i])
            i += 1
            continue
        j = i
        while j < len(raw_tokens) and _has_digit(raw_tokens[j]):
            if any(ch.isalpha() for ch in raw_tokens[j]):
                name_words.append(raw_tokens[j])  # "ACC1234567" or a name typed with a digit
            j += 1
        prefix = ""
        if name_words and name_words[-1].casefold().strip(".:#") in _DOCUMENT_WORDS:
            prefix = name_words.pop()
        _read_run(raw_tokens[i:j], prefix, region, found)
        i = j
    if _has_digit(text) and all(_has_digit(w) for w in name_words):
        found.documents.append(normalise_document_number(text))  # "PoR-123 456" as one number
    documents = [d for d in dict.fromkeys(found.documents) if len(d) >= _MIN_DOCUMENT]
    own_text, father_text = split_relation(" ".join(name_words))
    own = field_tokens(own_text)[:MAX_QUERY_TOKENS]
    father = field_tokens(father_text)[:MAX_QUERY_TOKENS]
    return Query(
        own=own,
        father=father,
        related=bool(father_text),
        own_text=own_text,
        year=found.year,
        date=found.date,
        phones=tuple(dict.fromkeys(found.phones)),
        documents=tuple(documents[:MAX_DOCUMENT_CANDIDATES]),
    )


# A typed name starts with the given name: keys of its first word count fully, keys of later
# words (a family name, a misplaced father's name) less, which orders the many people who share
# only a family and a father's name (siblings, cousins) after those who share the given name.
LATER_WORD = 0.6
# A person without a recorded father's name, for a query that types one: a third of what the
# whole given and father's names matching count (Kind.PAIR_FULL), so that every namesake whose
# father does match stays ahead.
NO_FATHER_FACTOR = 1 / 3


def query_values(query: Query) -> dict[tuple[str, str], float]:
    """Return the (kind, value) pairs to look a query's names and year up under, each with a
    factor (1 or LATER_WORD) for its weight.

    Without a relation marker any word after the first may start the father's name: pairs are
    formed between a unit and a later one, and of single words only the phonetic key is also
    looked up as a father's. Phones, documents and the full name are looked up by the caller.
    """
    found: dict[tuple[str, str], float] = {}

    def add(values: set[tuple[str, str]], factor: float = 1.0) -> None:
        for value in values:
            if found.get(value, 0.0) < factor:
                found[value] = factor

    own_units = units((query.own,))
    lead = [u for u in own_units if u.start == 0]
    later = [u for u in own_units if u.start > 0]
    add(_single_values(lead, _NAME_KINDS))
    add(_single_values(later, _NAME_KINDS), LATER_WORD)
    own_core = _core(own_units)
    own_lead = [u for u in own_core if u.start == 0]
    own_later = [u for u in own_core if u.start > 0]
    prefixes = [query.own[:k] for k in range(1, min(3, len(query.own)) + 1)]
    if query.related:
        father_units = units((query.father,), 1)
        add(_single_values(father_units, _FATHER_KINDS))
        father_core = _core(father_units)
        add(_father_pairs(own_lead, father_core))
        add(_father_pairs(own_later, father_core), LATER_WORD)
        if query.father:
            add({_full_pair(given, query.father) for given in prefixes})
            # A namesake whose father's name was never recorded may be the one: ahead of
            # namesakes whose recorded father is another man (NEUTRAL, in the ranking).
            add(
                {
                    _no_father(given, family)
                    for given in prefixes
                    for family in ((), query.own[len(given) :])
                },
                NO_FATHER_FACTOR,
            )
    else:
        add({(Kind.FATHER_PHONETIC, word(t).phonetic) for u in later for t in u.forms})
        add(_father_pairs(own_lead, own_core, in_order=True))
        add(_father_pairs(own_later, own_core, in_order=True), LATER_WORD)
        add(
            {
                _full_pair(given, query.own[start:])
                for start in range(1, len(query.own))
                for given in prefixes
                if len(given) <= start
            }
        )
        add(
            {
                _no_father(given, query.own[len(given) : start])
                for start in range(1, len(query.own))
                for given in prefixes
                if len(given) <= start
            },
            NO_FATHER_FACTOR,
        )
    later_pairs = _name_pairs(own_later)
    add(_name_pairs(own_core) - later_pairs)
    add(later_pairs, LATER_WORD)
    if query.year:
        add({(Kind.BIRTH_YEAR, str(query.year))})
        add(_year_pairs(own_lead, query.year))
        add(_year_pairs(own_later, query.year), LATER_WORD)
    # A one-letter skeleton ("l" for Ali) would list half the register: compare it in the
    # ranking instead.
    return {
        (kind, value): factor
        for (kind, value), factor in found.items()
        if not (kind in (Kind.NAME_SKELETON, Kind.FATHER_SKELETON) and len(value) < 2)
    }


# --- ranking --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """What the ranking compares: a decrypted person's name words and birth facts.

    The word tuples hold every form of every unit (tokens, Abdul aliases, joined pairs).
    """

    given: tuple[str, ...]  # the given name's tokens only
    own: tuple[str, ...]  # given and family names
    father: tuple[str, ...]
    has_family: bool = True
    birth_year: int | None = None
    birth_date: datetime.date | None = None


def candidate_from_fields(
    *,
    given: Sequence[str],
    family: Sequence[str],
    father: Sequence[str],
    birth_year: int | None = None,
    birth_date: datetime.date | None = None,
) -> Candidate:
    """Return the ranking view of a person from their (decrypted) name fields."""
    given_fields = tuple(field_tokens(text) for text in given)
    family_fields = tuple(field_tokens(text) for text in family)
    father_fields = tuple(field_tokens(text) for text in father)
    given_words = _words(units(given_fields))
    return Candidate(
        given=tuple(dict.fromkeys(t for tokens in given_fields for t in tokens)),
        own=given_words + _words(units(family_fields, len(given_fields))),
        father=_words(units(father_fields)),
        has_family=any(family_fields),
        birth_year=birth_year,
        birth_date=birth_date,
    )


def _words(found: Sequence[Unit]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(form for unit in found for form in unit.forms))


@lru_cache(maxsize=262144)
def word_similarity(one: str, other: str) -> float:
    """Return how alike two canonical words are, 0…1 (Jaro-Winkler, lifted by equal keys)."""
    if one == other:
        return 1.0
    tails = alias(one), alias(other)
    if tails[0] and tails[1]:
        # Abdul Ghani and Abdul Rahman share only "servant of": compare what follows, or
        # Jaro-Winkler's bonus for a common start would make every Abdul alike.
        return word_similarity(tails[0], tails[1])
    similarity = JaroWinkler.normalized_similarity(one, other)
    if min(len(one), len(other)) < 0.7 * max(len(one), len(other)):
        # Jaro-Winkler rewards a shared start whatever follows ("gul" ~ "gulmuhamad" 0.86):
        # between words of very different lengths, take the stricter Indel similarity.
        similarity = min(similarity, Indel.normalized_similarity(one, other))
    a, b = word(one), word(other)
    if a.phonetic == b.phonetic:
        similarity = max(similarity, 0.95)
    elif a.skeleton == b.skeleton and len(a.skeleton) >= 2:
        similarity = max(similarity, 0.85)  # a vowel typo, or Arabic script without vowels
    return similarity


@lru_cache(maxsize=65536)
def _variants(token: str) -> tuple[tuple[str, float], ...]:
    extra = alias(token)
    return ((token, 1.0), (extra, ALIAS_FACTOR)) if extra else ((token, 1.0),)


@lru_cache(maxsize=262144)
def best_similarity(token: str, words: tuple[str, ...]) -> float:
    """Return how alike a word is to the closest of some words, 0…1, sharpened.

    Jaro-Winkler gives unrelated names about 0.5: the similarity is rescaled so that 0.5 and
    below count as nothing and 1 stays 1. Cached: the same names recur across candidates and
    keystrokes.
    """
    best = 0.0
    for candidate in words:
        for q, qf in _variants(token):
            for p, pf in _variants(candidate):
                best = max(best, word_similarity(q, p) * qf * pf)
        if best >= 1.0:
            break
    return max(0.0, (best - 0.5) * 2)


# A missing family or father's name neither confirms nor contradicts a typed one.
NEUTRAL = 0.5


def _token_weight(token: str, tokens: Sequence[str]) -> float:
    return 0.5 if token == COMMON_TOKEN and len(tokens) > 1 else 1.0


@lru_cache(maxsize=262144)
def _sequence_similarity(
    tokens: tuple[str, ...], words: tuple[str, ...], *, wildcards: int = 0
) -> float:
    """Return how well typed words match a person's words, 0…1 (weighted by word).

    Two neighbouring typed words may match one joined word ("gul zaman" = "GulZaman"); each
    wildcard lets one typed word count NEUTRAL (a name part the person has no record of).
    """
    weights = [_token_weight(t, tokens) for t in tokens]

    def single(t: str) -> float:
        return best_similarity(t, words)

    # best[i][k]: best weighted sum for the first i typed words, having used k wildcards.
    minus = float("-inf")
    best = [[minus] * (wildcards + 1) for _ in range(len(tokens) + 1)]
    best[0][0] = 0.0
    for i in range(1, len(tokens) + 1):
        w, value = weights[i - 1], single(tokens[i - 1])
        joined = best_similarity(_joined(tokens[i - 2], tokens[i - 1]), words) if i >= 2 else None
        for k in range(wildcards + 1):
            options = [best[i - 1][k] + w * value]
            if k:
                options.append(best[i - 1][k - 1] + w * NEUTRAL)
            if joined is not None:
                options.append(best[i - 2][k] + (w + weights[i - 2]) * joined)
            best[i][k] = max(options)
    return max(best[-1]) / sum(weights) if weights else 0.0


@lru_cache(maxsize=65536)
def _coverage(query_tokens: tuple[str, ...], given: tuple[str, ...]) -> float:
    """Return the share of the person's given-name words that the query matched.

    Mohammad counts a quarter: "Rahman" is a complete way to ask for Mohammad Rahman.
    """
    if not given:
        return NEUTRAL
    joined = tuple(_joined(a, b) for a, b in zip(query_tokens, query_tokens[1:], strict=False))
    weights = [0.25 if g == COMMON_TOKEN and len(given) > 1 else 1.0 for g in given]
    matched = sum(
        w
        for g, w in zip(given, weights, strict=True)
        if best_similarity(g, query_tokens + joined) >= 0.7
    )
    return matched / sum(weights)


def _year_agreement(query: Query, candidate: Candidate) -> float:
    if candidate.birth_year is None or query.year is None:
        return NEUTRAL
    gap = abs(candidate.birth_year - query.year)
    if gap == 0:
        exact = query.date is not None and candidate.birth_date == query.date
        return 1.0 if exact or query.date is None or candidate.birth_date is None else 0.9
    return {1: 0.6, 2: 0.3}.get(gap, 0.0)


# How much each part of a query counts (only the parts the query has take part).
W_OWN, W_COVERAGE, W_FATHER, W_YEAR = 0.5, 0.1, 0.35, 0.15
IDENTIFIER_LIFT = 0.8  # share of the way to 100 that a matching phone or document adds
IDENTIFIER_MISS = 0.85  # factor when the query has one and this person does not match it


def score(query: Query, candidate: Candidate, *, identifier_matched: bool) -> int:
    """Return 0…100: how well a candidate matches the query (names, year, phone/document).

    Names and year give a score of their own; a matching phone or document number then lifts
    it most of the way to 100, and one that does not match lowers it a little (people change
    phones; a family shares one).
    """
    # Only what the ranking reads goes into the cache key: never the typed text or numbers.
    ranking = Query(
        own=query.own,
        father=query.father,
        related=query.related,
        year=query.year,
        date=query.date,
        phones=("",) if query.phones else (),
        documents=("",) if query.documents else (),
    )
    return _score(ranking, candidate, identifier_matched)


@lru_cache(maxsize=65536)
def _score(query: Query, candidate: Candidate, identifier_matched: bool) -> int:
    if identifier_matched:
        # "ACC1234567" is read as a document number and as a word; it has done its work.
        query = replace(
            query,
            own=tuple(t for t in query.own if not _has_digit(t)),
            father=tuple(t for t in query.father if not _has_digit(t)),
        )
    parts = _name_parts(query, candidate)
    if query.year is not None:
        parts.append((W_YEAR, _year_agreement(query, candidate)))
    names = _weighted_mean(parts) if parts else 0.0
    if query.has_identifier:
        names = names + (1.0 - names) * IDENTIFIER_LIFT if identifier_matched else names
        names *= 1.0 if identifier_matched else IDENTIFIER_MISS
    return round(100 * names)


def _weighted_mean(pairs: Sequence[tuple[float, float]]) -> float:
    total = sum(w for w, _ in pairs)
    return sum(w * v for w, v in pairs) / total if total else 0.0


def _name_parts(query: Query, candidate: Candidate) -> list[tuple[float, float]]:
    parts: list[tuple[float, float]] = []
    missing_family = 0 if candidate.has_family else 1
    if query.related:
        if query.own:
            own = _sequence_similarity(query.own, candidate.own, wildcards=missing_family)
            parts += [(W_OWN, own), (W_COVERAGE, _coverage(query.own, candidate.given))]
        if query.father:
            father = (
                _sequence_similarity(query.father, candidate.father)
                if candidate.father
                else NEUTRAL
            )
            parts.append((W_FATHER, father))
    elif query.own:
        # No marker: the father's name, if typed, is the last words ("Rahman Achakzai Abdul
        # Ghani"). Try every place it could start, and the reading without one.
        coverage = (W_COVERAGE, _coverage(query.own, candidate.given))
        own = _sequence_similarity(query.own, candidate.own, wildcards=missing_family)
        best = [(W_OWN + W_FATHER / 2, own), coverage]
        if candidate.father:  # only a father's name typed: his children, after himself
            father = 0.9 * _sequence_similarity(query.own, candidate.father)
            if father > _weighted_mean(best):
                best = [(W_FATHER, father)]
        for split in range(1, len(query.own)):
            head, tail = query.own[:split], query.own[split:]
            father = _sequence_similarity(tail, candidate.father) if candidate.father else NEUTRAL
            reading = [
                (W_OWN, _sequence_similarity(head, candidate.own, wildcards=missing_family)),
                coverage,
                (W_FATHER, father),
            ]
            if _weighted_mean(reading) > _weighted_mean(best):
                best = reading
        parts += best
    return parts
