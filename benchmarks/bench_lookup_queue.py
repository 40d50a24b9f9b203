"""Cost of encryption on exact person look-ups and the case queue, at realistic scale.

Run benchmarks/generate.py first (200,000 people by default). Prints p50/p95 latency of:
- exact look-up by phone, document number and normalised full name through the blind
  indexes (digest → join → decrypt the person), against the same look-up on the plain anchor
  table with ordinary indexes on plaintext columns;
- the case queue's first page (count + 50 rows with the person's name), newest first, against
  the same query on plain tables;
- the same page most urgent first (the default: priority, the person's risk as copied onto the
  case, the longest wait), against the newest-first page through the same selector: the anchor
  is the order that was fast before triage, so the ratio is what the triage order costs;
and, for reference, the whole audited selector and the whole rendered queue page in both
orders. The ratio is measured ÷ anchor on p50 (goal ≤ 1.5×).

    python benchmarks/bench_lookup_queue.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/panah_bench \
        python benchmarks/bench_lookup_queue.py
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable

from common import (
    BENCH_ORG,
    PLAIN_CASE_INDEXES,
    PlainCase,
    PlainPerson,
    measure,
    percentile,
)
from django.conf import settings
from django.db import connection
from django.test import Client

from panah.accounts.models import Organisation, User
from panah.accounts.selectors import actor_for
from panah.cases.selectors import QueueFilters, QueueSort, case_queue_for
from panah.core.normalise import normalise_document_number, normalise_name, normalise_phone
from panah.demo.names import FAMILY, FEMALE_GIVEN, MALE_GIVEN
from panah.people import services as people
from panah.people.models import Person, SearchKey
from panah.people.selectors import people_by_key, person_lookup_for

PAGE = 50


def row(label: str, enc: list[float], plain: list[float] | None) -> None:
    e50, e95 = percentile(enc, 50), percentile(enc, 95)
    if plain is None:
        print(f"{label:<44} {e50:8.2f} {e95:8.2f}")
        return
    p50, p95 = percentile(plain, 50), percentile(plain, 95)
    print(f"{label:<44} {e50:8.2f} {e95:8.2f} {p50:8.2f} {p95:8.2f} {e50 / p50:7.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    with connection.cursor() as cursor:
        for statement in PLAIN_CASE_INDEXES:
            cursor.execute(statement)
        cursor.execute("ANALYZE")
    organisation = Organisation.objects.get(name=BENCH_ORG)
    user = User.objects.get(username="bench.operator")
    actor = actor_for(user)
    total = Person.objects.filter(organisation=organisation).count()
    rng = random.Random(7)
    print(
        f"database: {connection.vendor}; people: {total:,}; "
        f"cases: {PlainCase.objects.count():,}; repeat: {args.repeat}"
    )
    header = ("enc p50", "enc p95", "plain50", "plain95", "ratio")
    print(f"{'milliseconds':<44}" + "".join(f" {h:>8}" for h in header))

    def random_n() -> int:
        return rng.randrange(total)

    # Phone: the number as an operator types it, normalised in both paths.
    def enc_phone() -> None:
        e164 = normalise_phone(f"0300{random_n():07d}", default_region="PK")
        people_touch(
            people_by_key(actor, kind=SearchKey.Kind.PHONE, digest=people.phone_digest(e164))
        )

    def plain_phone() -> None:
        e164 = normalise_phone(f"0300{random_n():07d}", default_region="PK")
        plain_touch(PlainPerson.objects.filter(org_id=organisation.pk, phone=e164))

    def enc_document() -> None:
        digest = people.document_digest(f"acc-{random_n():08d}")
        people_touch(people_by_key(actor, kind=SearchKey.Kind.DOCUMENT, digest=digest))

    def plain_document() -> None:
        number = normalise_document_number(f"acc-{random_n():08d}")
        plain_touch(PlainPerson.objects.filter(org_id=organisation.pk, document_number=number))

    names = [(g[0], f[0]) for g in MALE_GIVEN + FEMALE_GIVEN for f in FAMILY]

    def enc_name() -> None:
        given, family = rng.choice(names)
        digest = people.full_name_digest(given, family) or ""
        people_touch(people_by_key(actor, kind=SearchKey.Kind.FULL_NAME, digest=digest)[:PAGE])

    def plain_name() -> None:
        given, family = rng.choice(names)
        norm = normalise_name(f"{given} {family}")
        plain_touch(PlainPerson.objects.filter(org_id=organisation.pk, full_name_norm=norm)[:PAGE])

    for label, enc, plain in (
        ("look-up by phone", enc_phone, plain_phone),
        ("look-up by document number", enc_document, plain_document),
        ("look-up by full name (first 50)", enc_name, plain_name),
    ):
        row(label, measure(enc, repeat=args.repeat), measure(plain, repeat=args.repeat))

    def enc_queue(sort: str) -> Callable[[], None]:
        def page() -> None:
            qs = case_queue_for(user, filters=QueueFilters(sort=sort))
            qs.count()
            for case in qs[:PAGE]:  # what a queue row shows
                _ = (case.reference, case.person.display_name, case.place, case.arrested_at)

        return page

    def plain_queue() -> None:
        qs = (
            PlainCase.objects.filter(org_id=organisation.pk)
            .exclude(status="closed")
            .select_related("person")
            .order_by("priority", "-created_at")
        )
        qs.count()
        for case in qs[:PAGE]:
            person = case.person
            _ = (case.reference, f"{person.given_name} {person.family_name}", case.created_at)

    queue_repeat = max(30, args.repeat // 3)
    newest = measure(enc_queue(QueueSort.NEWEST), repeat=queue_repeat)
    row(
        "case queue, newest first: count + 50 rows",
        newest,
        measure(plain_queue, repeat=queue_repeat),
    )
    row(
        "case queue, most urgent (anchor: newest)",
        measure(enc_queue(QueueSort.URGENT), repeat=queue_repeat),
        newest,
    )

    print("whole interfaces (no anchor):")
    row(
        "  person_lookup_for by phone (audited)",
        measure(lambda: person_lookup_for(user, phone=f"0300{random_n():07d}"), repeat=args.repeat),
        None,
    )
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    client = Client()
    client.force_login(user)
    row(
        "  GET /cases/ (rendered queue, most urgent)",
        measure(lambda: client.get("/cases/"), repeat=queue_repeat, warmup=5),
        None,
    )
    row(
        "  GET /cases/?sort=newest (rendered queue)",
        measure(lambda: client.get("/cases/", {"sort": "newest"}), repeat=queue_repeat, warmup=5),
        None,
    )


# Both paths read the same columns: the id and the three names a result line shows.
SHOWN = ("id", "given_name", "family_name", "father_name")


def people_touch(qs: object) -> None:
    for person in qs.only(*SHOWN):  # type: ignore[attr-defined]
        _ = (person.given_name, person.family_name, person.father_name)


def plain_touch(qs: object) -> None:
    for person in qs.only(*SHOWN):  # type: ignore[attr-defined]
        _ = (person.given_name, person.family_name, person.father_name)


if __name__ == "__main__":
    main()
