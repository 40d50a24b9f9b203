"""Search as you type over encrypted people: latency and recall@10 of noisy queries.

Generates people with Afghan names (panah.matching.synthetic: families sharing a father's name,
a family name and often a phone), each registered once with a registration's noise, and
writes them with bulk_create through the real models: names, phones and documents are really
encrypted, and the SearchKey rows are the real HMAC digests (people.services'
person_search_values). Then it asks person_search_for — the audited selector the console
calls — noisy queries for people it holds: independent spellings of the same person's names
(variants, typos, joined or split compounds, case, Arabic script), with and without the
father's name, family name, year of birth, phone and document number. recall@10 is the share
of queries whose person is among the first ten results. Two columns help read it: "ceiling" is
the best recall@10 any search could reach, since people generated with exactly the same typed
facts are equally good answers (the generator's name lists are short: at a million people,
"Aminullah son of Ali" is sixty people); "complete" is recall@10 over the queries whose stored
record holds every fact typed (registrations drop a family or father's name, see
panah.matching.synthetic).

Anchor (PostgreSQL only, same run, same queries): pg_trgm similarity over a plaintext copy of
name + father's name (GIN trigram index, similarity threshold 0.5), with exact phone and
document columns ORed in for the queries that carry them.

    python benchmarks/bench_search.py --persons 100000                  # SQLite
    createdb -h 127.0.0.1 -U postgres panah_bench_search
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panah_bench_search \\
        python benchmarks/bench_search.py --persons 1000000

Data are generated once per database (drop it, or delete the SQLite file, to regenerate); a
sample of the generated people is kept next to it (var/bench/search-<database>.json) so later
runs ask the same questions.
"""

from __future__ import annotations

import argparse
import itertools
import json
import multiprocessing
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
BENCH_DIR.mkdir(parents=True, exist_ok=True)
os.environ.setdefault("PANAH_SQLITE_PATH", str(BENCH_DIR / "search.sqlite3"))
os.environ.setdefault("PANAH_KEY_FILE", str(BENCH_DIR / "search-keys.json"))
PG_DATABASE = "panah_bench_search"  # the only PostgreSQL database this script will write to

from common import percentile  # noqa: E402  (sets Django up)
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, transaction  # noqa: E402

from panah.accounts.models import Organisation, User  # noqa: E402
from panah.accounts.services import organisation_create, staff_create  # noqa: E402
from panah.core import crypto  # noqa: E402
from panah.core.errors import DomainError  # noqa: E402
from panah.core.normalise import normalise_document_number, normalise_phone  # noqa: E402
from panah.matching import synthetic  # noqa: E402
from panah.matching.names import has_arabic_script  # noqa: E402
from panah.people import services  # noqa: E402
from panah.people.models import IdentityDocument, Person, PhoneNumber, SearchKey  # noqa: E402
from panah.people.selectors import person_search_for  # noqa: E402

ORG = "Search Benchmark Legal Aid"
USERNAME = "bench.search.operator"
BATCH = 2_000
SAMPLE = 3_000  # generated people remembered for asking about
SEED = 2027
ID_NAMESPACE = uuid.UUID("6f1c2b1e-5d8a-4c47-9a55-2f0b6e4f7a10")
TRGM_THRESHOLD = 0.5


def person_id(entity: int) -> uuid.UUID:
    return uuid.uuid5(ID_NAMESPACE, str(entity))


@dataclass
class Held:
    """A generated person as the benchmark remembers them: true names and what was stored."""

    entity: int
    given: str
    family: str
    father: str
    year: int
    phone: str  # as stored (E.164), or ""
    document: str  # as stored, or ""


def guard_database() -> str:
    if connection.vendor == "postgresql":
        name = connection.settings_dict["NAME"]
        if name != PG_DATABASE:
            sys.exit(f"refusing to run on PostgreSQL database {name!r}: use {PG_DATABASE!r}")
        return name
    return Path(connection.settings_dict["NAME"]).stem


def sample_path(database: str) -> Path:
    return BENCH_DIR / f"search-{connection.vendor}-{database}.json"


# --- generation -------------------------------------------------------------------------------


def _split_names(value: str) -> tuple[str, str]:
    """Return (latin, native): a clerk writes Arabic script into the native field."""
    return ("", value) if has_arabic_script(value) else (value, "")


def _birth(dob: str) -> tuple[int | None, object]:
    import datetime

    if not dob:
        return None, None
    if len(dob) == 4:
        return int(dob), None
    day = datetime.date.fromisoformat(dob)
    return day.year, day


def _phone(raw: str) -> str:
    if not raw:
        return ""
    try:
        return normalise_phone(raw, default_region="PK")
    except DomainError:
        return ""


def generate(persons: int, database: str, workers: int) -> None:
    started = time.monotonic()
    organisation = organisation_create(name=ORG, kind="legal_aid")
    staff_create(organisation=organisation, username=USERNAME, password=None, role="operator")
    chosen = frozenset(
        random.Random(SEED + 1).sample(range(persons), min(SAMPLE, persons))  # noqa: S311
    )
    pg = connection.vendor == "postgresql"
    if pg:
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TABLE bench_search_plain (id uuid PRIMARY KEY, names text NOT NULL, "
                "phone text NOT NULL, document text NOT NULL)"
            )
    crypto.get_keyring()  # create the key file before the workers start
    deferred = _drop_search_key_indexes() if pg else []
    jobs = [(persons, organisation.pk, worker, workers, chosen) for worker in range(workers)]
    if workers > 1:
        connections.close_all()  # each worker opens its own connection
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            results = pool.starmap(_load, jobs)
    else:
        results = [_load(*jobs[0])]
    held = sorted((h for part, _ in results for h in part), key=lambda h: h.entity)
    key_rows = sum(count for _, count in results)
    generated = time.monotonic() - started
    with connection.cursor() as cursor:
        if pg:
            began = time.monotonic()
            cursor.execute("SET maintenance_work_mem = '1GB'")
            for statement in deferred:
                cursor.execute(statement)
            print(f"search-key indexes and constraints built in {time.monotonic() - began:.0f} s")
            began = time.monotonic()
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute("SET maintenance_work_mem = '1GB'")
            cursor.execute(
                "CREATE INDEX bench_search_plain_trgm ON bench_search_plain "
                "USING gin (names gin_trgm_ops)"
            )
            cursor.execute("CREATE INDEX bench_search_plain_phone ON bench_search_plain (phone)")
            cursor.execute("CREATE INDEX bench_search_plain_doc ON bench_search_plain (document)")
            print(f"anchor: trigram index built in {time.monotonic() - began:.0f} s")
            cursor.execute("VACUUM ANALYZE")
        else:
            cursor.execute("ANALYZE")
    sample_path(database).write_text(json.dumps([asdict(h) for h in held]))
    print(
        f"generated {persons:,} people and {key_rows:,} search keys "
        f"({key_rows / persons:.1f} per person) in {generated:,.0f} s with {workers} worker(s) "
        f"({persons / generated:,.0f} people/s), then indexed and analysed in "
        f"{time.monotonic() - started - generated:,.0f} s"
    )


def _drop_search_key_indexes() -> list[str]:
    """Drop SearchKey's secondary indexes and constraints; return the SQL that rebuilds them.

    A bulk load into an indexed table updates five B-trees row by row; building them once
    afterwards is several times faster. The rebuilt objects are exactly those the migrations
    made (read back from the catalogue).
    """
    table = SearchKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f')",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint "
            "WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in constraints:
            cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
    return [definition for _, definition in indexes] + [
        f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
        for name, definition in constraints
    ]


def _load(
    persons: int, organisation_id: uuid.UUID, worker: int, workers: int, chosen: frozenset[int]
) -> tuple[list[Held], int]:
    """Write every workers-th batch of people; return the sampled people and key rows written.

    Every worker draws the whole sequence (cheap) so that all draw the same people.
    """
    started = time.monotonic()
    pg = connection.vendor == "postgresql"
    if pg:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")  # this session only: a bulk load
    organisation = Organisation.objects.get(pk=organisation_id)
    rng = random.Random(SEED)  # noqa: S311 (benchmark data)
    held: list[Held] = []
    key_rows = done = 0
    everyone = synthetic.people(persons, seed=SEED)
    for batch_number, start in enumerate(range(0, persons, BATCH)):
        batch = list(itertools.islice(everyone, min(BATCH, persons - start)))
        rows = [synthetic.registration(rng, e, f"S{e.entity:08d}") for e in batch]
        if batch_number % workers != worker:
            continue
        people, phones, documents, keys, plain = [], [], [], [], []
        for entity, row in zip(batch, rows, strict=True):
            _, given, family, father, sex, dob, raw_phone, raw_document, _ = row
            pid = person_id(entity.entity)
            (given_l, given_n), (family_l, family_n) = _split_names(given), _split_names(family)
            father_l, father_n = _split_names(father)
            year, day = _birth(dob)
            person = Person(
                id=pid,
                organisation=organisation,
                given_name=given_l,
                family_name=family_l,
                father_name=father_l,
                given_name_native=given_n,
                family_name_native=family_n,
                father_name_native=father_n,
                sex=sex.lower(),
                birth_year=year,
                birth_date=day,
            )
            phone = _phone(raw_phone)
            people.append(person)
            if phone:
                phones.append(PhoneNumber(person_id=pid, number=phone))
            if raw_document:
                documents.append(
                    IdentityDocument(person_id=pid, doc_type="tazkira", number=raw_document)
                )
            values = services.person_search_values(
                person,
                phones=[phone] if phone else [],
                document_numbers=[raw_document] if raw_document else [],
            )
            keys.extend(
                SearchKey(
                    person_id=pid,
                    organisation_id=organisation_id,
                    kind=kind,
                    digest=services.index_digest(kind, value),
                )
                for kind, value in values
            )
            if pg:
                names = " ".join(filter(None, (given, family, father)))
                plain.append((pid, names, phone, normalise_document_number(raw_document)))
            if entity.entity in chosen:
                held.append(
                    Held(
                        entity=entity.entity,
                        given=entity.given,
                        family=entity.family,
                        father=entity.father,
                        year=entity.dob.year,
                        phone=phone,
                        document=raw_document,
                    )
                )
        with transaction.atomic():
            Person.objects.bulk_create(people)
            PhoneNumber.objects.bulk_create(phones)
            IdentityDocument.objects.bulk_create(documents)
            SearchKey.objects.bulk_create(keys, batch_size=5_000)
            if plain:
                with connection.cursor() as cursor:
                    cursor.executemany(
                        "INSERT INTO bench_search_plain VALUES (%s, %s, %s, %s)", plain
                    )
        key_rows += len(keys)
        done += len(people)
        if batch_number % (25 * workers) == worker:
            elapsed = time.monotonic() - started
            print(
                f"worker {worker}: {done:>9,} people, {key_rows:>11,} keys … {elapsed:,.0f} s",
                flush=True,
            )
    connection.close()
    return held, key_rows


# --- queries ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Question:
    text: str  # what the operator types
    names: str  # the same names without markers or numbers (for the anchor)
    phone: str
    document: str
    truth: uuid.UUID
    # What the query states about the person, spelt right: ("given", "Laila"), … Everyone
    # generated with the same facts is an equally good answer (see ceiling()).
    facts: tuple[tuple[str, str], ...] = ()


def _vary(rng: random.Random, name: str) -> str:
    return synthetic.vary_name(rng, name, arabic=0.0)


def _arabic(name: str) -> str:
    return synthetic.ARABIC.get(name, "")


def _phone_typed(rng: random.Random, e164: str) -> str:
    digits = "0" + e164[3:]
    return rng.choice(
        (digits, f"{digits[:4]}-{digits[4:]}", f"+92 {digits[1:4]} {digits[4:]}", e164)
    )


def _document_typed(rng: random.Random, number: str) -> str:
    plain = normalise_document_number(number)
    return rng.choice((plain, f"{plain[:5]}-{plain[5:12]}-{plain[12:]}", number))


QueryMaker = Callable[[random.Random, Held], Question | None]


def _ask(
    h: Held,
    own: str,
    father: str = "",
    *,
    marker: str = " s/o ",
    extra: str = "",
    phone: str = "",
    document: str = "",
    facts: tuple[str, ...] = ("given", "family", "father"),
) -> Question:
    text = own + (marker + father if father else "") + (f" {extra}" if extra else "")
    names = " ".join(filter(None, (own, father)))
    return Question(
        text=" ".join(text.split()),
        names=names,
        phone=phone,
        document=document,
        truth=person_id(h.entity),
        facts=() if phone or document else tuple((f, str(getattr(h, f))) for f in facts),
    )


def _own(rng: random.Random, h: Held) -> str:
    return " ".join(filter(None, (_vary(rng, h.given), _vary(rng, h.family))))


def q_name(rng: random.Random, h: Held) -> Question:
    return _ask(h, _own(rng, h), facts=("given", "family"))


def q_name_father(rng: random.Random, h: Held) -> Question:
    return _ask(h, _own(rng, h), _vary(rng, h.father))


def q_name_father_no_marker(rng: random.Random, h: Held) -> Question:
    return _ask(h, _own(rng, h), _vary(rng, h.father), marker=" ")


def q_given_father(rng: random.Random, h: Held) -> Question:
    return _ask(h, _vary(rng, h.given), _vary(rng, h.father), facts=("given", "father"))


def q_arabic_name_father(rng: random.Random, h: Held) -> Question | None:
    given, father = _arabic(h.given), _arabic(h.father)
    if not (given and father):
        return None
    family = _arabic(h.family)
    facts = ("given", "family", "father") if family else ("given", "father")
    return _ask(h, " ".join(filter(None, (given, family))), father, marker=" ولد ", facts=facts)


def q_name_father_year(rng: random.Random, h: Held) -> Question:
    return _ask(
        h,
        _own(rng, h),
        _vary(rng, h.father),
        extra=str(h.year),
        facts=("given", "family", "father", "year"),
    )


def q_name_phone(rng: random.Random, h: Held) -> Question | None:
    if not h.phone:
        return None
    return _ask(h, _own(rng, h), extra=_phone_typed(rng, h.phone), phone=h.phone)


def q_name_document(rng: random.Random, h: Held) -> Question | None:
    if not h.document:
        return None
    typed = _document_typed(rng, h.document)
    return _ask(h, _own(rng, h), extra=typed, document=normalise_document_number(h.document))


def q_name_father_phone(rng: random.Random, h: Held) -> Question | None:
    if not h.phone:
        return None
    return _ask(
        h, _own(rng, h), _vary(rng, h.father), extra=_phone_typed(rng, h.phone), phone=h.phone
    )


CLASSES: list[tuple[str, QueryMaker]] = [
    ("name + father (s/o)", q_name_father),
    ("name + father (no marker)", q_name_father_no_marker),
    ("given + father (no family name)", q_given_father),
    ("name + father, Arabic script", q_arabic_name_father),
    ("name + father + year", q_name_father_year),
    ("name + father + phone", q_name_father_phone),
    ("name + phone", q_name_phone),
    ("name + document", q_name_document),
    ("name only (given + family)", q_name),
]


def questions(
    held: list[Held], per_class: int, *, seed: int = SEED + 2
) -> dict[str, list[Question]]:
    rng = random.Random(seed)  # noqa: S311
    asked: dict[str, list[Question]] = {}
    for label, make in CLASSES:
        pool = held[:]
        rng.shuffle(pool)
        found: list[Question] = []
        for h in pool:
            question = make(rng, h)
            if question is not None:
                found.append(question)
            if len(found) >= per_class:
                break
        asked[label] = found
    return asked


def ceiling(asked: dict[str, list[Question]], persons: int) -> dict[str, float]:
    """Return per class the best recall@10 any search could reach on the facts typed.

    A query names facts (given name, father's name …); when more than ten people generated
    share exactly those facts, no ranking can put the right one in the top ten every time:
    its chance is 10 / (people sharing them). Spelling noise and the stored record's missing
    fields only lower this further.
    """
    patterns = {tuple(f for f, _ in q.facts) for items in asked.values() for q in items}
    counts: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {p: {} for p in patterns if p}
    for person in synthetic.people(persons, seed=SEED):
        known = {
            "given": person.given,
            "family": person.family,
            "father": person.father,
            "year": str(person.dob.year),
        }
        for pattern, seen in counts.items():
            key = tuple(known[f] for f in pattern)
            seen[key] = seen.get(key, 0) + 1
    result = {}
    for label, items in asked.items():
        chances = [
            min(1.0, 10 / counts[tuple(f for f, _ in q.facts)][tuple(v for _, v in q.facts)])
            if q.facts
            else 1.0
            for q in items
        ]
        result[label] = sum(chances) / len(chances) if chances else 1.0
    return result


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Figures:
    p50: float
    p95: float
    recall: float
    n: int
    complete_recall: float  # on the questions whose record holds every fact typed
    complete: int


def run(
    ask: Callable[[Question], list[uuid.UUID]], items: list[Question], complete: set[uuid.UUID]
) -> Figures:
    timings, hits, complete_hits = [], 0, 0
    for question in items:
        began = time.perf_counter()
        found = ask(question)
        timings.append((time.perf_counter() - began) * 1000)
        hit = question.truth in found[:10]
        hits += hit
        complete_hits += hit and question.truth in complete
    whole = sum(1 for q in items if q.truth in complete)
    return Figures(
        p50=percentile(timings, 50),
        p95=percentile(timings, 95),
        recall=hits / len(items),
        n=len(items),
        complete_recall=complete_hits / whole if whole else 1.0,
        complete=whole,
    )


def complete_records(asked: dict[str, list[Question]]) -> dict[str, set[uuid.UUID]]:
    """Return per class the people whose stored record holds every fact their query states.

    Registrations drop a family name (15 %) or a father's name (12 %); such a record cannot be
    told from its namesakes by the fact it lacks, whatever the search does.
    """
    ids = {q.truth for items in asked.values() for q in items}
    stored = {
        pk: {"given": True, "family": bool(f or fn), "father": bool(p or pn), "year": bool(y)}
        for pk, f, fn, p, pn, y in Person.objects.filter(pk__in=ids).values_list(
            "pk",
            "family_name",
            "family_name_native",
            "father_name",
            "father_name_native",
            "birth_year",
        )
    }
    return {
        label: {q.truth for q in items if all(stored[q.truth][f] for f, _ in q.facts)}
        for label, items in asked.items()
    }


def panah_search(user: User) -> Callable[[Question], list[uuid.UUID]]:
    def ask(question: Question) -> list[uuid.UUID]:
        return [m.person.pk for m in person_search_for(user, query=question.text)]

    return ask


def trigram_search(question: Question) -> list[uuid.UUID]:
    conditions, params, order = ["names %% %s"], [question.names], ""
    if question.phone:
        conditions.append("phone = %s")
        params.append(question.phone)
        order = "(phone = %s) DESC, "
    if question.document:
        conditions.append("document = %s")
        params.append(question.document)
        order += "(document = %s) DESC, "
    order_params = [p for p in (question.phone, question.document) if p]
    sql = (
        f"SELECT id FROM bench_search_plain WHERE {' OR '.join(conditions)} "  # noqa: S608
        f"ORDER BY {order}similarity(names, %s) DESC LIMIT 10"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *order_params, question.names])
        return [row[0] for row in cursor.fetchall()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300, help="queries per class")
    parser.add_argument("--no-anchor", action="store_true")
    parser.add_argument("--workers", type=int, default=1, help="processes generating data")
    args = parser.parse_args()
    database = guard_database()
    call_command("migrate", interactive=False, verbosity=0)
    if not Organisation.objects.filter(name=ORG).exists():
        generate(args.persons, database, max(1, args.workers))
    held = [Held(**row) for row in json.loads(sample_path(database).read_text())]
    organisation = Organisation.objects.get(name=ORG)
    total = Person.objects.filter(organisation=organisation).count()
    keys = SearchKey.objects.filter(organisation=organisation).count()
    user = User.objects.get(username=USERNAME)
    asked = questions(held, args.queries)
    anchor = connection.vendor == "postgresql" and not args.no_anchor
    print(
        f"database: {connection.vendor} ({database}); people: {total:,}; search keys: {keys:,}; "
        f"queries per class: {args.queries}; load average before: "
        + " ".join(f"{x:.1f}" for x in os.getloadavg())
    )
    ours = panah_search(user)
    # Warm the connection and the name caches with other spellings of other people, as a
    # running server's would be after its first searches.
    warm = [q for items in questions(held[::-1], 60, seed=SEED + 3).values() for q in items]
    for question in warm:
        ours(question)
        if anchor:
            trigram_search(question)
    if anchor:
        with connection.cursor() as cursor:
            cursor.execute(f"SET pg_trgm.similarity_threshold = {TRGM_THRESHOLD}")
    best = ceiling(asked, total)
    complete = complete_records(asked)
    head = (
        f"{'query':<34} {'n':>4} {'p50 ms':>8} {'p95 ms':>8} {'recall@10':>9} {'ceiling':>7} "
        f"{'complete: n':>11} {'recall':>6}"
    )
    if anchor:
        head += f" | {'trgm p50':>8} {'trgm p95':>8} {'recall':>6} | {'p95 ×':>6} {'recall ×':>8}"
    print(head)
    every: list[Question] = []
    for label, items in asked.items():
        every += items
        mine = run(ours, items, complete[label])
        line = (
            f"{label:<34} {mine.n:>4} {mine.p50:8.1f} {mine.p95:8.1f} {mine.recall:9.3f} "
            f"{best[label]:7.3f} {mine.complete:>11} {mine.complete_recall:6.3f}"
        )
        if anchor:
            theirs = run(trigram_search, items, complete[label])
            gain = f"{mine.recall / theirs.recall:8.2f}" if theirs.recall else f"{'∞':>8}"
            line += (
                f" | {theirs.p50:8.1f} {theirs.p95:8.1f} {theirs.recall:6.3f}"
                f" | {theirs.p95 / mine.p95:6.1f} {gain}"
            )
        print(line, flush=True)
    mine = run(ours, every, set().union(*complete.values()))
    print(f"{'all queries':<34} {mine.n:>4} {mine.p50:8.1f} {mine.p95:8.1f} {mine.recall:9.3f}")


if __name__ == "__main__":
    main()
