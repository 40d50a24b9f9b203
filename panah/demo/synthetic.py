"""Synthetic people for the demo and the benchmarks: names, phones and identity documents.

Every value is made up from a seeded random generator: no real person, phone or card is meant.
Document dates follow shared/domain/facts.md §1:
- PoR: smart cards from the DRIVE exercise (Apr 2021 to Feb 2022), whose last notified validity
  was 30 Jun 2025 (§1.1);
- ACC: issued from 16 Aug 2017 to mid-2018; no validity after Oct 2019 was found (§1.2), so
  the expiry is left empty;
- e-Tazkira: issued from May 2018, valid up to 10 years (§1.3);
- UMRF certificate: issued in DRIVE, valid 2 years (§1.9).
Card numbers are made-up shapes, not the real formats of any issuer.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field

from panah.demo import names

# Pakistani mobile prefixes (Jazz, Zong, Ufone, Telenor) and Afghan ones (AWCC 070, Roshan
# 079 and 072, Etisalat 078, MTN 077), written as people give them.
PK_MOBILE_PREFIXES = [
    "0300", "0301", "0303", "0306", "0312", "0313", "0315", "0321",
    "0331", "0333", "0334", "0336", "0341", "0342", "0345", "0346",
]  # fmt: skip
AF_MOBILE_PREFIXES = ["+9370", "+9379", "+9372", "+9378", "+9377"]

DRIVE_START = datetime.date(2021, 4, 15)
DRIVE_END = datetime.date(2022, 2, 28)
POR_LAST_VALIDITY = datetime.date(2025, 6, 30)
ACC_START = datetime.date(2017, 8, 16)
ACC_END = datetime.date(2018, 5, 26)
E_TAZKIRA_START = datetime.date(2018, 5, 15)
E_TAZKIRA_END = datetime.date(2025, 12, 31)


@dataclass(frozen=True)
class SyntheticDocument:
    doc_type: str
    number: str = ""
    issued_on: datetime.date | None = None
    expires_on: datetime.date | None = None


@dataclass(frozen=True)
class SyntheticPerson:
    group: str  # "pashtun" or "hazara"
    sex: str  # "m" or "f"
    given: names.Name
    family: names.Name
    father: names.Name
    birth_year: int
    languages: list[str]
    phones: list[str] = field(default_factory=list)
    documents: list[SyntheticDocument] = field(default_factory=list)


def _day_between(rng: random.Random, start: datetime.date, end: datetime.date) -> datetime.date:
    return start + datetime.timedelta(days=rng.randint(0, (end - start).days))


def _valid_for(issued: datetime.date, years: int) -> datetime.date:
    """Return the last day of validity of a document valid for some years from issue."""
    try:
        end = issued.replace(year=issued.year + years)
    except ValueError:  # issued on 29 February
        end = issued.replace(year=issued.year + years, day=28)
    return end - datetime.timedelta(days=1)


def phone_number(rng: random.Random, *, afghan_share: float = 0.12) -> str:
    """Return a random Pakistani (local format) or Afghan (international format) mobile."""
    if rng.random() < afghan_share:
        return f"{rng.choice(AF_MOBILE_PREFIXES)}{rng.randint(1_000_000, 9_999_999)}"
    return f"{rng.choice(PK_MOBILE_PREFIXES)}{rng.randint(1_000_000, 9_999_999)}"


def unique_phone_number(n: int) -> str:
    """Return the n-th of a sequence of distinct Pakistani mobiles (for bulk data)."""
    prefix = PK_MOBILE_PREFIXES[n % len(PK_MOBILE_PREFIXES)]
    # Multiplying by an odd number not divisible by 5 permutes 0..10**7-1: no repeats.
    local = (n // len(PK_MOBILE_PREFIXES) * 2_654_435_761) % 10**7
    return f"{prefix}{local:07d}"


def por_document(rng: random.Random, serial: int | None = None) -> SyntheticDocument:
    number = serial if serial is not None else rng.randint(0, 99_999_999)
    return SyntheticDocument(
        "por",
        f"PoR-{number:08d}",
        issued_on=_day_between(rng, DRIVE_START, DRIVE_END),
        expires_on=POR_LAST_VALIDITY,
    )


def acc_document(rng: random.Random, serial: int | None = None) -> SyntheticDocument:
    number = serial if serial is not None else rng.randint(0, 9_999_999)
    return SyntheticDocument(
        "acc", f"ACC-{number:07d}", issued_on=_day_between(rng, ACC_START, ACC_END)
    )


def tazkira_document(rng: random.Random, serial: int | None = None) -> SyntheticDocument:
    issued = _day_between(rng, E_TAZKIRA_START, E_TAZKIRA_END)
    solar_year = issued.year - 621  # the Solar Hijri year the card was issued in, roughly
    number = serial if serial is not None else rng.randint(0, 99_999_999)
    return SyntheticDocument(
        "tazkira",
        f"{solar_year}-{number // 100_000:04d}-{number % 100_000:05d}",
        issued_on=issued,
        expires_on=_valid_for(issued, 10),
    )


def umrf_document(rng: random.Random, serial: int | None = None) -> SyntheticDocument:
    issued = _day_between(rng, DRIVE_START, DRIVE_END)
    number = serial if serial is not None else rng.randint(0, 999_999)
    return SyntheticDocument(
        "umrf",
        f"UMRF-{number:06d}",
        issued_on=issued,
        expires_on=_valid_for(issued, 2),
    )


_MAKERS = {
    "por": por_document,
    "acc": acc_document,
    "tazkira": tazkira_document,
    "umrf": umrf_document,
}
# Roughly the mix of people who reach a legal helpline in Balochistan: PoR holders, ACC holders,
# people with only an Afghan tazkira, and people with nothing (facts.md §2.2: arrests are
# mostly of ACC holders and undocumented people).
DOCUMENT_MIX = {"por": 30, "acc": 25, "tazkira": 15, "umrf": 3, "none": 27}


def documents_for(
    rng: random.Random, *, birth_year: int, serial: int | None = None
) -> list[SyntheticDocument]:
    """Return the documents one person holds (an explicit "none" when they hold nothing)."""
    kind = rng.choices(list(DOCUMENT_MIX), weights=list(DOCUMENT_MIX.values()))[0]
    if kind == "none":
        return [SyntheticDocument("none")]
    if kind in {"por", "acc"} and birth_year > 2012:
        kind = "umrf"  # too young for their own card at the time of issue
    documents = [_MAKERS[kind](rng, serial)]
    if kind in {"por", "acc"} and rng.random() < 0.2:
        documents.append(tazkira_document(rng))
    return documents


def person(
    rng: random.Random,
    *,
    phones: int | None = None,
    phone: str | None = None,
    document_serial: int | None = None,
    group: str | None = None,
    sex: str | None = None,
) -> SyntheticPerson:
    """Return one synthetic person: Pashtun (about 80%) or Hazara, with phones and documents."""
    hazara = rng.random() < 0.2 if group is None else group == "hazara"
    female = rng.random() < 0.3 if sex is None else sex == "f"
    if hazara:
        given = rng.choice(names.HAZARA_FEMALE if female else names.HAZARA_MALE)
        family = rng.choice(names.HAZARA_FAMILY)
        father = rng.choice(names.HAZARA_FATHER)
        languages = ["fa"]
    else:
        given = rng.choice(names.PASHTUN_FEMALE if female else names.PASHTUN_MALE)
        family = rng.choice(names.PASHTUN_FAMILY)
        father = rng.choice(names.PASHTUN_FATHER)
        languages = ["ps"]
    if rng.random() < 0.35:  # many Afghans raised in Pakistan speak Urdu (facts.md §5.1)
        languages.append("ur")
    birth_year = rng.randint(1958, 2009)
    if phone is not None:
        numbers = [phone]
    else:
        count = phones if phones is not None else rng.choices([0, 1, 2], weights=[1, 8, 2])[0]
        numbers = [phone_number(rng) for _ in range(count)]
    return SyntheticPerson(
        group="hazara" if hazara else "pashtun",
        sex="f" if female else "m",
        given=given,
        family=family,
        father=father,
        birth_year=birth_year,
        languages=languages,
        phones=numbers,
        documents=documents_for(rng, birth_year=birth_year, serial=document_serial),
    )
