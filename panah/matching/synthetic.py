"""Synthetic person records with known duplicates, for tests and benchmarks (no real people).

Families share a father's name, a family name and often a phone; their children are different
people (hard negatives). Each person is registered one to four times, by different
organisations, with the noise seen in real registers: variant spellings, joined and split
compound names, honorifics, typos, case, swapped or missing family names, missing father's
names, year-only or shifted dates of birth, changed or missing phones in several formats,
missing or reformatted document numbers, and some names in Arabic script.

The name lists are Panah's own, from common Afghan names; the noise model is independent of
the development set's (shared/data/dedupe-dev), so scores on both measure different things.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from panah.matching.records import HEADER

MALE = [
    "Mohammad Nabi",
    "Mohammad Zaman",
    "Mohammad Yousuf",
    "Mohammad Ismail",
    "Mohammad Rafiq",
    "Mohammad Aslam",
    "Mohammad Qasim",
    "Mohammad Hanif",
    "Mohammad Daud",
    "Mohammad Younus",
    "Abdul Rahman",
    "Abdul Rahim",
    "Abdul Karim",
    "Abdul Ghafoor",
    "Abdul Wahab",
    "Abdul Basir",
    "Abdul Samad",
    "Abdul Hadi",
    "Abdul Malik",
    "Abdul Qayum",
    "Abdul Latif",
    "Abdul Salam",
    "Abdullah",
    "Ahmad",
    "Ahmad Shah",
    "Ahmad Zia",
    "Ali",
    "Ali Ahmad",
    "Hamidullah",
    "Hekmatullah",
    "Zabihullah",
    "Rahmatullah",
    "Ehsanullah",
    "Sami Ullah",
    "Ezatullah",
    "Naqibullah",
    "Aminullah",
    "Khalid",
    "Tariq",
    "Bashir",
    "Nasir",
    "Jawad",
    "Farid",
    "Wahid",
    "Rashid",
    "Zubair",
    "Idrees",
    "Ilyas",
    "Yaqub",
    "Dawood",
    "Mustafa",
    "Murtaza",
    "Sharif",
    "Nazir",
    "Shafiq",
    "Rafi",
    "Sadiq",
    "Haroon",
    "Qadir",
    "Mirwais",
    "Gul Ahmad",
    "Gul Zaman",
    "Noor Mohammad",
    "Noor Ali",
    "Sher Ali",
    "Sher Khan",
    "Jan Mohammad",
    "Din Mohammad",
    "Taj Mohammad",
    "Khan Mohammad",
    "Raz Mohammad",
    "Dost Mohammad",
    "Ghulam Sakhi",
    "Ghulam Nabi",
    "Ghulam Haidar",
    "Shah Wali",
    "Shah Mahmood",
    "Mahmood",
    "Hussain",
    "Hassan",
    "Juma Gul",
    "Lal Mohammad",
    "Baz Mohammad",
    "Zalmai",
    "Wais",
    "Sohrab",
    "Nawab",
    "Faizullah",
    "Kabir",
    "Asadullah",
    "Sayed Jamal",
    "Ismatullah",
]
FEMALE = [
    "Fatima",
    "Zainab",
    "Khadija",
    "Maryam",
    "Aisha",
    "Zahra",
    "Laila",
    "Malalai",
    "Gulalai",
    "Shabana",
    "Parwana",
    "Zarghona",
    "Nazia",
    "Freshta",
    "Roya",
    "Sima",
    "Marzia",
    "Palwasha",
    "Zarmina",
    "Nasrin",
    "Shakila",
    "Farzana",
    "Nadia",
    "Habiba",
    "Rahima",
    "Karima",
    "Sadia",
    "Samira",
    "Shirin",
    "Gul Bibi",
    "Bibi Gul",
    "Nargis",
    "Mahbooba",
    "Latifa",
    "Sharifa",
    "Hasina",
    "Mursal",
    "Spogmai",
    "Wagma",
    "Storai",
    "Gulnaz",
    "Nazifa",
    "Tahira",
    "Zakia",
    "Saima",
    "Najiba",
    "Halima",
    "Bibi Hawa",
    "Shazia",
    "Sabira",
    "Wazhma",
    "Benazir",
    "Lima",
    "Soraya",
    "Kubra",
    "Masooma",
    "Hamida",
    "Rabia",
]
FAMILY = [
    "Achakzai",
    "Noorzai",
    "Barakzai",
    "Popalzai",
    "Alizai",
    "Ishaqzai",
    "Ahmadzai",
    "Yousufzai",
    "Kakar",
    "Tareen",
    "Durrani",
    "Ghilzai",
    "Afridi",
    "Shinwari",
    "Mohmand",
    "Safi",
    "Sultani",
    "Hussaini",
    "Rezaei",
    "Karimi",
    "Ahmadi",
    "Rahimi",
    "Hotak",
    "Tokhi",
    "Wardak",
    "Niazi",
    "Mangal",
    "Zadran",
    "Stanikzai",
    "Sulaimankhel",
    "Adamkhel",
    "Jaji",
    "Kharoti",
    "Andar",
    "Musazai",
    "Khogiani",
    "Mohammadi",
    "Haidari",
    "Jafari",
    "Sadat",
    "Naseri",
    "Amiri",
    "Akbari",
    "Omari",
    "Qaderi",
    "Hashimi",
    "Faizi",
    "Azizi",
    "Nazari",
    "Habibi",
]
# Arabic-script spellings, as a clerk on a Pashto, Dari or Urdu keyboard would type them.
ARABIC = {
    "Ahmad": "احمد",
    "Ali": "علي",
    "Abdul Rahman": "عبدالرحمن",
    "Abdul Karim": "عبد الکریم",
    "Hekmatullah": "حکمت‌الله",
    "Zabihullah": "ذبیح الله",
    "Noor Mohammad": "نور محمد",
    "Gul Ahmad": "ګل احمد",
    "Fatima": "فاطمه",
    "Zainab": "زینب",
    "Khadija": "خديجه",
    "Laila": "لیلا",
    "Malalai": "ملالۍ",
    "Palwasha": "پلوشه",
    "Nasrin": "نسرین",
    "Shakila": "شکیلا",
    "Mahmood": "محمود",
    "Hussain": "حسین",
    "Bashir": "بشیر",
    "Khalid": "خالد",
    "Achakzai": "اڅکزی",
    "Noorzai": "نورزی",
    "Barakzai": "بارکزی",
    "Kakar": "کاکړ",
    "Durrani": "درانی",
    "Mohmand": "مومند",
    "Wardak": "وردګ",
    "Sultani": "سلطانی",
}
HONORIFICS = ("Haji", "Hajji", "Mullah", "Sayed", "Syed", "Hafiz", "Qari", "Maulvi", "Dr")
# Clerks' spellings that rules alone might not predict.
SPELLINGS = (
    ("Mohammad", ("Muhammad", "Mohammed", "Mohamad", "Mohd", "Muhammed", "Md")),
    ("Abdul ", ("Abdul", "Abd-ul ", "Abdel ", "Abdol ", "Abdur ")),
    ("ullah", ("ulla", "ollah", " Ullah", "ulah", "-ullah")),
    ("oo", ("u", "o", "ou")),
    ("ee", ("i",)),
    ("u", ("o", "oo")),
    ("i", ("ee", "e")),
    ("a", ("e",)),
    ("q", ("k",)),
    ("gh", ("g",)),
    ("kh", ("x",)),
    ("zai", ("zay", "zaee", "zi")),
    ("w", ("v",)),
    ("f", ("ph",)),
)
ORGS = ("unhcr", "seher", "bar-council", "icrms", "sharp", "drc")


@dataclass
class Person:
    entity: int
    given: str
    family: str
    father: str
    sex: str
    dob: dt.date
    phone: str | None
    document: str | None


def _people(rng: random.Random, count: int) -> Iterator[Person]:
    entity = 0
    while entity < count:
        family = rng.choice(FAMILY) if rng.random() < 0.9 else ""
        father = rng.choice(MALE)
        phone = f"03{rng.randint(0, 4)}{rng.randint(0, 9)}{rng.randint(1_000_000, 9_999_999)}"
        born = dt.date(rng.randint(1950, 2010), 1, 1)
        children = rng.choice((1, 1, 1, 2, 2, 3, 4))
        names: set[str] = set()
        for _ in range(children):
            sex = rng.choice("MF")
            given = rng.choice(MALE if sex == "M" else FEMALE)
            if given in names:
                continue  # siblings are not given the same name
            names.add(given)
            dob = born + dt.timedelta(days=rng.randint(0, 15 * 365))
            yield Person(
                entity=entity,
                given=given,
                family=family,
                father=father,
                sex=sex,
                dob=dob,
                phone=phone if rng.random() < 0.6 else _other_phone(rng),
                document=(
                    "".join(str(rng.randint(0, 9)) for _ in range(13))
                    if rng.random() < 0.6
                    else None
                ),
            )
            entity += 1
            if entity >= count:
                return


def _other_phone(rng: random.Random) -> str:
    return f"03{rng.randint(0, 4)}{rng.randint(0, 9)}{rng.randint(1_000_000, 9_999_999)}"


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    letter = rng.choice("abcdefghijklmnopqrstuvwxyz")
    kind = rng.random()
    if kind < 0.33:
        return text[:i] + text[i + 1 :]
    if kind < 0.66:
        return text[:i] + letter + text[i:]
    if kind < 0.85 and i + 1 < len(text):
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + letter + text[i + 1 :]


def vary_name(rng: random.Random, name: str, *, arabic: float = 0.04) -> str:
    """Return one registered spelling of a name."""
    if not name:
        return name
    if name in ARABIC and rng.random() < arabic:
        return ARABIC[name]
    text = name
    for old, options in SPELLINGS:
        if old in text and rng.random() < 0.25:
            text = text.replace(old, rng.choice(options), 1)
    if " " in text and rng.random() < 0.2:
        text = text.replace(" ", "", 1)
    if rng.random() < 0.06:
        text = _typo(rng, text)
    case = rng.random()
    if case < 0.1:
        text = text.upper()
    elif case < 0.18:
        text = text.lower()
    return text


def _format_phone(rng: random.Random, phone: str) -> str:
    digits = phone[1:]
    return rng.choice(
        (
            phone,
            f"+92{digits}",
            f"+92 {digits[:3]} {digits[3:]}",
            f"92{digits}",
            f"0{digits[:3]}-{digits[3:]}",
            f"0092{digits}",
        )
    )


def _format_document(rng: random.Random, doc: str) -> str:
    return rng.choice((doc, f"{doc[:5]}-{doc[5:12]}-{doc[12:]}", f"{doc[:5]} {doc[5:]}"))


def _registration(rng: random.Random, person: Person, record_id: str) -> list[str]:
    given = vary_name(rng, person.given)
    if rng.random() < 0.05:
        given = f"{rng.choice(HONORIFICS)} {given}"
    family = vary_name(rng, person.family) if rng.random() > 0.15 else ""
    father = vary_name(rng, person.father) if rng.random() > 0.12 else ""
    if rng.random() < 0.04:
        given, family = family or given, given if family else family
    roll = rng.random()
    if roll < 0.1:
        dob = ""
    elif roll < 0.3:
        dob = str(person.dob.year)
    elif roll < 0.35:
        shifted = person.dob.year + rng.choice((-1, 1))
        day = min(person.dob.day, 28) if person.dob.month == 2 else person.dob.day
        dob = person.dob.replace(year=shifted, day=day).isoformat()  # the year mistyped
    elif roll < 0.38:
        dob = f"{person.dob.year}-01-01"  # an estimated date of birth
    else:
        dob = person.dob.isoformat()
    roll = rng.random()
    phone = ""
    if person.phone and roll < 0.7:
        phone = _format_phone(rng, person.phone)
    elif roll < 0.8:
        phone = _format_phone(rng, _other_phone(rng))
    document = ""
    if person.document and rng.random() < 0.7:
        document = _format_document(rng, person.document)
    org = rng.choice(ORGS)
    return [record_id, given, family, father, person.sex, dob, phone, document, org]


def generate(
    people: int, *, seed: int = 7, duplicates: float = 0.45
) -> Iterator[tuple[list[str], int]]:
    """Yield (CSV row, entity id) pairs: about ``people`` persons, some registered many times."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    number = 0
    for person in _people(rng, people):
        copies = 1
        if rng.random() < duplicates:
            copies = rng.choice((2, 2, 2, 3, 3, 4))
        for _ in range(copies):
            yield _registration(rng, person, f"S{number:08d}"), person.entity
            number += 1


def write(path: Path, people: int, *, seed: int = 7, truth: Path | None = None) -> int:
    """Write a records CSV (and optionally a truth CSV); return the number of records."""
    count = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(HEADER)
        truth_writer = None
        truth_file = truth.open("w", encoding="utf-8", newline="") if truth else None
        try:
            if truth_file:
                truth_writer = csv.writer(truth_file, lineterminator="\n")
                truth_writer.writerow(["record_id", "entity_id"])
            for row, entity in generate(people, seed=seed):
                writer.writerow(row)
                if truth_writer:
                    truth_writer.writerow([row[0], entity])
                count += 1
        finally:
            if truth_file:
                truth_file.close()
    return count


def people(count: int, *, seed: int = 7) -> Iterator[Person]:
    """Yield ``count`` synthetic people as they are (names unvaried), for search benchmarks."""
    rng = random.Random(seed)  # noqa: S311 (reproducible test data, not secrets)
    yield from _people(rng, count)


def registration(rng: random.Random, person: Person, record_id: str) -> list[str]:
    """Return one noisy registration of a person, as a CSV row in the order of HEADER."""
    return _registration(rng, person, record_id)
