"""Generate a benchmark database: N people (default 200,000) with phones, documents and cases.

Rows are written with bulk_create through the real models, so every sensitive value is
encrypted by the real EncryptedTextField and every blind index is the real digest; only the
per-row services (and their audit rows) are skipped, for speed. The same records also go into
the plain anchor tables (benchmarks/common.py).

    python benchmarks/generate.py [--persons 200000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panah_bench python benchmarks/generate.py
"""

from __future__ import annotations

import argparse
import datetime
import random
import time
import uuid

from common import BENCH_ORG, PlainCase, PlainPerson, plain_ddl
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone

from panah.accounts.models import Organisation
from panah.accounts.services import organisation_create, staff_create
from panah.cases.models import Case, CaseCounter
from panah.core.normalise import name_tokens, normalise_document_number, normalise_name
from panah.demo.names import FAMILY, FATHER, FEMALE_GIVEN, MALE_GIVEN
from panah.people import services as people
from panah.people.models import IdentityDocument, Person, PhoneNumber, SearchKey
from panah.places.models import Place
from panah.places.services import places_load

BATCH = 5_000
SEED = 2026


def person_phone(n: int) -> str:
    return f"+92300{n:07d}"


def person_document(n: int) -> str:
    return f"ACC{n:08d}"


def person_names(rng: random.Random) -> tuple[tuple[str, str], tuple[str, str], tuple[str, str]]:
    given = rng.choice(FEMALE_GIVEN if rng.random() < 0.3 else MALE_GIVEN)
    return given, rng.choice(FAMILY), rng.choice(FATHER)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=200_000)
    args = parser.parse_args()
    started = time.monotonic()
    call_command("migrate", interactive=False, verbosity=0)
    places_load()
    if Organisation.objects.filter(name=BENCH_ORG).exists():
        print("benchmark data already present; drop the database to regenerate")
        return
    with connection.cursor() as cursor:
        for statement in plain_ddl():
            cursor.execute(statement)
    organisation = organisation_create(name=BENCH_ORG, kind="legal_aid")
    staff_create(
        organisation=organisation, username="bench.operator", password=None, role="operator"
    )
    stations = list(Place.objects.filter(kind=Place.Kind.POLICE_STATION))
    rng = random.Random(SEED)
    now = timezone.now()
    case_number = 0
    for start in range(0, args.persons, BATCH):
        persons, phones, documents, keys, plain, cases, plain_cases = [], [], [], [], [], [], []
        for n in range(start, min(start + BATCH, args.persons)):
            given, family, father = person_names(rng)
            pid = uuid.uuid4()
            person = Person(
                id=pid,
                organisation=organisation,
                given_name=given[0],
                family_name=family[0],
                father_name=father[0],
                given_name_native=given[1],
                family_name_native=family[1],
                father_name_native=father[1],
                sex="m",
                birth_year=rng.randint(1960, 2012),
            )
            persons.append(person)
            phone, document = person_phone(n), person_document(n)
            phones.append(PhoneNumber(person_id=pid, number=phone))
            documents.append(IdentityDocument(person_id=pid, doc_type="acc", number=document))
            digests = {
                ("phone", people.phone_digest(phone)),
                ("document", people.document_digest(document)),
            }
            for g, f in ((given[0], family[0]), (given[1], family[1])):
                digest = people.full_name_digest(g, f)
                if digest:
                    digests.add(("full_name", digest))
            for token in name_tokens(
                given[0], family[0], father[0], given[1], family[1], father[1]
            ):
                digests.add(("name_token", people.name_token_digest(token)))
            keys.extend(
                SearchKey(person_id=pid, organisation=organisation, kind=k, digest=d)
                for k, d in digests
            )
            plain.append(
                PlainPerson(
                    id=pid,
                    org_id=organisation.pk,
                    given_name=given[0],
                    family_name=family[0],
                    father_name=father[0],
                    phone=phone,
                    document_number=normalise_document_number(document),
                    full_name_norm=normalise_name(f"{given[0]} {family[0]}"),
                )
            )
            if n % 2 == 0:  # one case for every second person
                case_number += 1
                status = rng.choices(["new", "assigned", "in_progress", "closed"], [1, 1, 2, 6])[0]
                created = now - datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 365))
                cid = uuid.uuid4()
                reference = f"PNH-{created.year}-{case_number:06d}"
                arrest = rng.random() < 0.6
                cases.append(
                    Case(
                        id=cid,
                        organisation=organisation,
                        reference=reference,
                        person_id=pid,
                        case_type="arrest" if arrest else "documentation",
                        priority=1 if arrest else rng.choice([2, 3, 4]),
                        status=status,
                        outcome="released" if status == "closed" else "",
                        place=rng.choice(stations) if arrest else None,
                        arrested_at=created - datetime.timedelta(hours=1) if arrest else None,
                        fir_number=f"{n}/2026" if arrest else "",
                        created_at=created,
                    )
                )
                plain_cases.append(
                    PlainCase(
                        id=cid,
                        org_id=organisation.pk,
                        reference=reference,
                        person_id=pid,
                        case_type="arrest" if arrest else "documentation",
                        priority=1 if arrest else 3,
                        status=status,
                        fir_number=f"{n}/2026" if arrest else "",
                        created_at=created,
                    )
                )
        with transaction.atomic():
            Person.objects.bulk_create(persons)
            PhoneNumber.objects.bulk_create(phones)
            IdentityDocument.objects.bulk_create(documents)
            SearchKey.objects.bulk_create(keys)
            PlainPerson.objects.bulk_create(plain)
            Case.objects.bulk_create(cases)
            PlainCase.objects.bulk_create(plain_cases)
            # auto_now_add stamped every case "now": restore the generated spread of dates.
            for case, plain_case in zip(cases, plain_cases, strict=True):
                case.created_at = plain_case.created_at
            Case.objects.bulk_update(cases, ["created_at"], batch_size=1000)
        print(f"{min(start + BATCH, args.persons):>8} people … {time.monotonic() - started:.0f} s")
    CaseCounter.objects.update_or_create(year=now.year, defaults={"last": case_number})
    with connection.cursor() as cursor:
        # bulk_update left dead rows behind on PostgreSQL: vacuum so counts use the index.
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    elapsed = time.monotonic() - started
    print(f"generated {args.persons} people and {case_number} cases in {elapsed:.0f} s")


if __name__ == "__main__":
    main()
